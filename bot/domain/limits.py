"""Every limit of the product contract, in one place, checked on the server side.

Discord's client enforces an option's registered ``max_length`` and range; a
modified client does not, and a form's custom id or an option value can be
anything. So the use cases check every text against these limits and every
integer against its range before anything reaches the database, and the
commands register the very same numbers (so the two never drift).

Dates that cannot be real are refused too: a workout is dated from
2000-01-01 to one year after the server's today; splits are for today or
earlier (never the future) and not before 2000-01-01.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from bot.domain.errors import InputError

__all__ = [
    "ATHLETE_NOTE",
    "EARLIEST_DATE",
    "GROUP_NAME",
    "MAX_REP_M",
    "MIN_REP_M",
    "QUESTION",
    "RECOVERY",
    "SESSION",
    "SHORT_INPUT",
    "SPLITS_TEXT",
    "TITLE",
    "WORKOUT_NOTES",
    "WORKOUT_TEXT",
    "IntRange",
    "TextLimit",
    "check_split_date",
    "check_workout_date",
    "latest_workout_date",
]


@dataclass(frozen=True)
class TextLimit:
    """A text field's limit: ``what`` names it in the error ("the note")."""

    what: str
    max_length: int
    example: str
    plural: bool = False  # "the notes are", "the splits are"

    def check(self, value: str | None) -> str | None:
        """``value`` as it is stored if it fits (``None`` stays ``None``): NUL
        characters (U+0000) removed, since PostgreSQL's text cannot hold them
        and they mean nothing in a note; raises :class:`InputError` naming the
        field, its length and the limit."""
        if value is None:
            return None
        if not isinstance(value, str):
            raise InputError(f"{self.what.capitalize()} must be text.", self.example)
        value = value.replace("\x00", "")
        if len(value) > self.max_length:
            verb = "are" if self.plural else "is"
            raise InputError(
                f"{self.what.capitalize()} {verb} {len(value):,} characters long; "
                f"the limit is {self.max_length:,}.",
                self.example,
            )
        return value


@dataclass(frozen=True)
class IntRange:
    """An integer option's range, inclusive."""

    what: str
    low: int
    high: int
    example: str

    def check(self, value: int) -> int:
        # bool is an int in Python; a client sending true for a number is wrong too.
        if not isinstance(value, int) or isinstance(value, bool):
            raise InputError(f"{self.what.capitalize()} must be a whole number.", self.example)
        if not self.low <= value <= self.high:
            shown = str(value) if len(str(value)) <= 12 else str(value)[:11] + "…"
            raise InputError(
                f"{self.what.capitalize()} must be from {self.low} to {self.high}, not {shown}.",
                self.example,
            )
        return value


# The contract's "Text limits".
WORKOUT_TEXT = TextLimit("the workout", 1000, "`/wod post workout:4 x 250m sprint + 1 x 300m`")
TITLE = TextLimit("the title", 100, "`title:Sprint session`")
RECOVERY = TextLimit("the recovery", 1000, "`recovery:5-6' walk/jog between reps`")
WORKOUT_NOTES = TextLimit("the notes", 1000, "`notes:Spikes on; meet at the track`", plural=True)
SPLITS_TEXT = TextLimit("the splits", 1000, "`29.78 / 29.98 / 31.31 / 31.20 / 37.47`", plural=True)
ATHLETE_NOTE = TextLimit("the note", 300, "`note:windy, felt strong`")
QUESTION = TextLimit("the question", 500, "`/ask question:what pace should my tempo runs be?`")
GROUP_NAME = TextLimit("the group name", 32, "`name:Sprints`")
SESSION = TextLimit("the session", 20, "`session:pm`")
# Every other free-text option (a time, a distance, a date, a timezone, an
# event): nothing valid is longer, and a bound keeps parsers' work small.
SHORT_INPUT = 100


# The contract's dates.
EARLIEST_DATE = date(2000, 1, 1)
_DATE_EXAMPLE = "`date:today`"


def latest_workout_date(today: date) -> date:
    """One year after ``today`` (29 February → 28 February)."""
    try:
        return today.replace(year=today.year + 1)
    except ValueError:
        return today.replace(year=today.year + 1, day=28)


def check_workout_date(day: date, today: date) -> date:
    """A workout's date: 2000-01-01 to one year after the server's today."""
    if day < EARLIEST_DATE:
        raise InputError(
            f"{day.isoformat()} is too long ago: workouts go back to {EARLIEST_DATE.isoformat()}.",
            _DATE_EXAMPLE,
        )
    latest = latest_workout_date(today)
    if day > latest:
        raise InputError(
            f"{day.isoformat()} is too far ahead: workouts can be planned up to a year "
            f"ahead ({latest.isoformat()}).",
            "`date:tomorrow`",
        )
    return day


def check_split_date(day: date, today: date) -> date:
    """Splits are logged for today or earlier: never the future."""
    if day > today:
        when = "tomorrow" if day == today + timedelta(days=1) else day.isoformat()
        raise InputError(
            f"Splits are logged after the workout, so not for {when} "
            f"(today is {today.isoformat()}).",
            "`date:today` or `date:yesterday`",
        )
    if day < EARLIEST_DATE:
        raise InputError(
            f"{day.isoformat()} is too long ago: splits go back to {EARLIEST_DATE.isoformat()}.",
            _DATE_EXAMPLE,
        )
    return day


# A rep is 1 m to 100 km (the contract's "Dates and distances that cannot be real").
MIN_REP_M = Decimal(1)
MAX_REP_M = Decimal(100_000)
