"""Dates and wall-clock times in the server's timezone.

A team's "today" is the day on its own clocks, not UTC's: a coach in Los
Angeles posting at 18:00 is still on today's workout, while UTC has moved on.
So every date here is resolved against a ``today`` the caller computed with
:func:`local_today`, and scheduled posts are turned into UTC instants with
:func:`due_at`, which stays correct across daylight-saving changes (a post set
for 02:30 on the night clocks spring forward still goes out that night).

Which weekday a name means depends on what the user is doing: planning
(``/wod post``) looks *forward* to the next such day, looking back (submit,
show, board, delete, questions) to the most recent one; in both, today counts.
``next monday`` and ``last tuesday`` always skip today.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.domain.errors import InputError

__all__ = [
    "Direction",
    "canonical_timezone",
    "due_at",
    "end_of_local_day",
    "is_valid_timezone",
    "local_datetime",
    "local_today",
    "parse_date",
    "parse_post_time",
    "timezone_names",
]

Direction = Literal["forward", "back"]

_DATE_EXAMPLE = "`2026-06-05`"
_MAX_INPUT_CHARS = 40  # "next wednesday" is 14; nothing readable is longer
_DATE_HINT = "Use YYYY-MM-DD, `today`, `tomorrow`, `yesterday` or a weekday such as `monday`."
_TIME_EXAMPLE = "`06:00`"

_WEEKDAYS: dict[str, int] = {}
for _index, _name in enumerate(calendar.day_name):
    _WEEKDAYS[_name.lower()] = _index
    _WEEKDAYS[_name.lower()[:3]] = _index
_WEEKDAYS.update({"tues": 1, "weds": 2, "thur": 3, "thurs": 3})
# calendar.day_name follows the locale; make sure the English names are there.
for _index, _name in enumerate(
    ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
):
    _WEEKDAYS[_name] = _index
    _WEEKDAYS[_name[:3]] = _index

_RELATIVE = {"today": 0, "tomorrow": 1, "yesterday": -1}
_ISO = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})", re.ASCII)
_WORDS = re.compile(r"(?:(next|last|this)\s+)?([a-z]+)", re.ASCII)
_POST_TIME = re.compile(r"([0-9]{1,2}):([0-9]{2})", re.ASCII)
_NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})


def _show(text: str, limit: int = 24) -> str:
    cleaned = " ".join(text.split()).replace("`", "'")
    if len(cleaned) > limit:
        cleaned = cleaned[: limit - 1] + "…"
    return f"`{cleaned}`"


def _check_direction(direction: str) -> None:
    if direction not in ("forward", "back"):
        raise ValueError(f"direction must be 'forward' or 'back', not {direction!r}")


def _iso_date(original: str, year: int, month: int, day: int) -> date:
    if not 1 <= month <= 12:
        raise InputError(
            f"{_show(original)} isn't a real date: there is no month {month}.", _DATE_EXAMPLE
        )
    if year < 1:
        raise InputError(f"{_show(original)} isn't a real date: there is no year 0.", _DATE_EXAMPLE)
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        raise InputError(
            f"{_show(original)} isn't a real date: {calendar.month_name[month]} {year} "
            f"has {days} days.",
            _DATE_EXAMPLE,
        )
    return date(year, month, day)


def _shift(original: str, today: date, days: int) -> date:
    try:
        return today + timedelta(days=days)
    except OverflowError:
        raise InputError(f"{_show(original)} is outside the calendar.", _DATE_EXAMPLE) from None


def parse_date(text: str, today: date, *, direction: Direction) -> date:
    """Read a date relative to the server's ``today``.

    Accepts ``YYYY-MM-DD`` (``YYYY-M-D`` too), ``today``, ``tomorrow``,
    ``yesterday``, weekday names and their three-letter abbreviations (plus
    ``tues``, ``weds``, ``thur``, ``thurs``), case-insensitive, optionally
    preceded by ``this`` (same as the bare name), ``next`` (the first such day
    after today) or ``last`` (the last such day before today).

    A bare weekday is, going ``"forward"``, its next occurrence and, going
    ``"back"``, its most recent one; today counts in both. Raises
    :class:`~bot.domain.errors.InputError` for anything else, including
    impossible dates such as ``2026-02-30``.
    """
    _check_direction(direction)
    if not isinstance(text, str) or not text.strip():
        raise InputError("No date given. " + _DATE_HINT, _DATE_EXAMPLE)
    original = text.strip()
    if len(original) > _MAX_INPUT_CHARS:
        raise InputError(f"{_show(original)} is too long to be a date. {_DATE_HINT}", _DATE_EXAMPLE)
    cleaned = " ".join(original.lower().split())
    iso = _ISO.fullmatch(cleaned)
    if iso:
        year, month, day = (int(part) for part in iso.groups())
        return _iso_date(original, year, month, day)
    if cleaned in _RELATIVE:
        return _shift(original, today, _RELATIVE[cleaned])
    words = _WORDS.fullmatch(cleaned)
    if words and words.group(2) in _WEEKDAYS:
        qualifier, name = words.groups()
        weekday = _WEEKDAYS[name]
        ahead = (weekday - today.weekday()) % 7
        behind = (today.weekday() - weekday) % 7
        if qualifier == "next":
            return _shift(original, today, ahead or 7)
        if qualifier == "last":
            return _shift(original, today, -(behind or 7))
        if direction == "forward":
            return _shift(original, today, ahead)
        return _shift(original, today, -behind)
    raise InputError(f"{_show(original)} isn't a date I can read. {_DATE_HINT}", _DATE_EXAMPLE)


# --------------------------------------------------------------------------- timezones


@lru_cache(maxsize=1)
def timezone_names() -> tuple[str, ...]:
    """Every IANA timezone name available, sorted (for autocomplete and validation)."""
    return tuple(sorted(name for name in available_timezones() if name not in _NOT_ZONES))


@lru_cache(maxsize=1)
def _by_folded_name() -> dict[str, str]:
    return {name.casefold(): name for name in timezone_names()}


def canonical_timezone(name: str) -> str | None:
    """The IANA spelling of ``name`` matched case-insensitively, or None.

    ``america/los_angeles`` → ``America/Los_Angeles``; ``utc`` → ``UTC``.
    """
    if not isinstance(name, str):
        return None
    return _by_folded_name().get(name.strip().casefold())


def is_valid_timezone(name: str) -> bool:
    """Whether ``name`` is an IANA timezone name, spelled exactly (``Europe/Berlin``)."""
    return isinstance(name, str) and name in _name_set() and _zone_or_none(name)


@lru_cache(maxsize=1)
def _name_set() -> frozenset[str]:
    return frozenset(timezone_names())


def _zone_or_none(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def _zone(tz: str) -> ZoneInfo:
    if not is_valid_timezone(tz):
        raise InputError(
            f"{_show(str(tz), 40)} isn't a timezone I know. Use an IANA name.",
            "`America/Los_Angeles`",
        )
    return ZoneInfo(tz)


def _as_utc(now_utc: datetime) -> datetime:
    """Aware datetimes are converted to UTC; naive ones are taken to be UTC already."""
    if now_utc.tzinfo is None:
        return now_utc.replace(tzinfo=UTC)
    return now_utc.astimezone(UTC)


def local_datetime(now_utc: datetime, tz: str) -> datetime:
    """The instant ``now_utc`` on the wall clocks of ``tz`` (an aware datetime)."""
    return _as_utc(now_utc).astimezone(_zone(tz))


def local_today(now_utc: datetime, tz: str) -> date:
    """The date on the wall clocks of ``tz`` at the instant ``now_utc``."""
    return local_datetime(now_utc, tz).date()


def parse_post_time(text: str) -> time:
    """``HH:MM`` on a 24-hour clock (``06:00``, ``6:00``, ``18:30``) as a time of day."""
    if not isinstance(text, str) or not text.strip():
        raise InputError(
            "No time given. Write the time as HH:MM on a 24-hour clock.", _TIME_EXAMPLE
        )
    original = text.strip()[: _MAX_INPUT_CHARS + 1]
    match = _POST_TIME.fullmatch(original)
    if match is None:
        raise InputError(
            f"{_show(original)} isn't a time of day I can read. "
            "Write it as HH:MM on a 24-hour clock.",
            _TIME_EXAMPLE,
        )
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise InputError(
            f"{_show(original)} isn't a time of day: hours go from 00 to 23 and minutes "
            "from 00 to 59.",
            _TIME_EXAMPLE,
        )
    return time(hour, minute)


def _wall(instant: datetime, zone: ZoneInfo) -> datetime:
    return instant.astimezone(zone).replace(tzinfo=None)


def due_at(local_date: date, post_time: time, tz: str) -> datetime:
    """The UTC instant at which the wall clocks of ``tz`` show ``post_time`` on ``local_date``.

    A wall time that happens twice (clocks going back) means its first
    occurrence. One that never happens (clocks springing forward over it)
    means the first instant after the gap: 02:30 on a night clocks jump from
    02:00 to 03:00 is 03:00.
    """
    zone = _zone(tz)
    wall = datetime.combine(local_date, post_time.replace(tzinfo=None, fold=0))
    first = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if _wall(first, zone) == wall:
        return first
    # In a gap: fold=0 and fold=1 use the offsets before and after the jump, so
    # the jump lies between the two candidates. The wall clock only increases
    # across it; find the first second at or after the requested wall time.
    second = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    low, high = min(first, second), max(first, second)
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        middle = middle.replace(microsecond=0)
        if _wall(middle, zone) >= wall:
            high = middle
        else:
            low = middle
    if _wall(low, zone) >= wall:
        return low
    return high


def end_of_local_day(local_date: date, tz: str) -> datetime:
    """The UTC instant ``local_date`` ends in ``tz`` (the next local midnight)."""
    return due_at(local_date + timedelta(days=1), time(0, 0), tz)
