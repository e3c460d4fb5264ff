"""Answers from the asker's own numbers: training paces from their profile's
reference performance, and their last 7 days of logged splits.

The same answers in a mention, a DM and ``/ask``. What they show is safe in a
channel: the paces and the performance they come from, never the profile's
birth year or sex.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from bot.context import server_today
from bot.domain import predict
from bot.domain.distance import format_distance, parse_distance
from bot.domain.errors import InputError
from bot.domain.questions import Question
from bot.domain.times import format_time
from bot.replies import Answer, inline_text
from cogs.profile.profiles import EXAMPLE as PROFILE_EXAMPLE
from cogs.profile.rendering import race_text, race_vdot, vdot_text
from cogs.splits.rendering import short_date
from db.base import Database
from db.profiles import Profile
from db.submissions import StoredSubmission, SubmissionQueries

#: Reps up to this long are run at R pace; longer ones at I pace (Daniels:
#: R reps of 200–400 m, up to 600; I reps of 3–5 minutes, 800–1200 m and up).
LONGEST_R_REP = Decimal(600)
DANIELS = "Daniels' Running Formula, 3rd edition (Human Kinetics, 2014): VDOT and its paces"
NO_PROFILE = (
    "I need a recent race or time trial of yours for that: set one with "
    f"{PROFILE_EXAMPLE}, then ask again. It is private (`/profile show`, `/profile delete`)."
)
ZONE_NAMES = {
    "E": "easy",
    "M": "marathon",
    "T": "threshold, tempo",
    "I": "interval",
    "R": "repetition",
}
WEEK_DAYS = 7


@dataclass(frozen=True)
class _Unit:
    label: str  # "km"
    column: str  # "/km"


_KM, _MILE, _LAP = _Unit("km", "/km"), _Unit("mile", "/mile"), _Unit("400 m", "/400")


def units_order(units: str | None) -> tuple[_Unit, _Unit, _Unit]:
    """The pace units an answer shows, the person's own first (metric: per
    km; imperial: per mile; unset: per km, then per mile and per 400 m)."""
    if units == "imperial":
        return (_MILE, _KM, _LAP)
    return (_KM, _MILE, _LAP)


def _per(pace: predict.TrainingPace, unit: _Unit, fast: bool) -> float:
    if unit is _KM:
        return pace.fast_per_km_ms if fast else pace.slow_per_km_ms
    if unit is _MILE:
        return pace.fast_per_mile_ms if fast else pace.slow_per_mile_ms
    return pace.fast_per_400_ms if fast else pace.slow_per_400_ms


def _pace_text(pace: predict.TrainingPace, unit: _Unit) -> str:
    """``4:14`` or, for a range (E), ``5:07–5:38``: as ``/pace vdot`` shows them."""
    fast = format_time(_per(pace, unit, True))
    if not pace.is_range:
        return fast
    return f"{fast}–{format_time(_per(pace, unit, False))}"


def _rep_ms(pace: predict.TrainingPace, metres: Decimal, fast: bool = True) -> int:
    per_400 = Decimal(repr(pace.fast_per_400_ms if fast else pace.slow_per_400_ms))
    return int((per_400 * metres / 400).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _zone_of(question: Question) -> tuple[str | None, Decimal | None]:
    """The zone asked about, and the rep distance when one was named."""
    metres = None
    if question.distance_text is not None:
        try:
            metres = parse_distance(question.distance_text).metres
        except InputError:
            metres = None
    zone = question.zone
    if zone is None and metres is not None:
        zone = "R" if metres <= LONGEST_R_REP else "I"
    return zone, metres


def paces_answer(profile: Profile | None, question: Question) -> Answer | str:
    """The asker's training paces from their reference performance: the zone
    asked (and the time of a rep of the distance named), or all of them."""
    if profile is None or profile.race is None:
        return NO_PROFILE
    race = profile.race
    vdot = race_vdot(race)
    paces = {pace.code: pace for pace in predict.training_paces(vdot)}
    zone, metres = _zone_of(question)
    order = units_order(profile.units)
    source = f"from your {race_text(race)} (VDOT {vdot_text(vdot)})"
    shown = [paces[zone]] if zone in paces else list(paces.values())
    cells = [[_pace_text(pace, unit) for unit in order] for pace in shown]
    # Wide enough for E's ranges ("4:57.71–5:35.00"), with two spaces between columns.
    width = max(13, *(len(cell) + 2 for row in cells for cell in row))
    rows = [f"{'zone':<7}" + "".join(f"{unit.column:>{width}}" for unit in order)]
    for pace, row in zip(shown, cells, strict=True):
        rows.append(f"{pace.code:<7}" + "".join(f"{cell:>{width}}" for cell in row))
    first = order[0]
    if zone in paces:
        pace = paces[zone]
        name = ZONE_NAMES[zone]
        others = ", ".join(f"{_pace_text(pace, unit)} per {unit.label}" for unit in order[1:])
        headline = (
            f"Your {zone} pace ({name}): {_pace_text(pace, first)} per {first.label} "
            f"({others}), {source}"
        )
        if metres is not None:
            rep = format_time(_rep_ms(pace, metres))
            if pace.is_range:
                rep += f"–{format_time(_rep_ms(pace, metres, fast=False))}"
            headline = (
                f"Your {format_distance(metres)} reps at {zone} pace ({name}): {rep} each "
                f"({_pace_text(pace, first)} per {first.label}), {source}"
            )
        title = f"Your {zone} pace, {source}"
    else:
        headline = f"Your training paces {source}"
        title = headline
    legend = ", ".join(f"{code} {pace.name}" for code, pace in paces.items())
    return Answer(
        kind="VDOT",
        headline=headline,
        title=title,
        body=f"{legend}.\n```\n" + "\n".join(rows) + "\n```",
        footer=f"{DANIELS}. Change the race with /profile set.",
    )


# ------------------------------------------------------------------- the week


@dataclass(frozen=True)
class WeekServer:
    """A server to count the asker's week in (its name shown in a DM)."""

    id: int
    name: str


@dataclass(frozen=True)
class WeekCount:
    server: WeekServer
    first: date
    last: date
    submissions: tuple[StoredSubmission, ...]
    bests_set: tuple[tuple[Decimal, int], ...]  # (distance, time) of reps that are all-time bests

    @property
    def days(self) -> int:
        return len({s.local_date for s in self.submissions})

    @property
    def reps(self) -> int:
        return sum(len(s.splits) for s in self.submissions)

    @property
    def distance_m(self) -> Decimal:
        return sum((split.distance_m for s in self.submissions for split in s.splits), Decimal(0))


async def count_week(
    db: Database, athlete_id: int, server: WeekServer, *, now: datetime
) -> WeekCount:
    """The athlete's last 7 days in one server: today and the 6 before, in
    its timezone, and the reps among them that are the athlete's all-time
    best at their distance there."""
    _, today = await server_today(db, server.id, now)
    first = today - timedelta(days=WEEK_DAYS - 1)
    queries = SubmissionQueries(db)
    found = await queries.between(server.id, first, today, athlete_id)
    bests: list[tuple[Decimal, int]] = []
    if found:
        ever = await queries.bests(server.id, athlete_id)
        for metres, best in sorted(ever.items()):
            if any(
                split.distance_m == metres and split.time_ms == best
                for submission in found
                for split in submission.splits
            ):
                bests.append((metres, best))
    return WeekCount(server, first, today, tuple(found), tuple(bests))


def _week_line(count: WeekCount) -> str:
    if not count.submissions:
        return "no splits logged"
    distance = format_distance(count.distance_m)
    line = f"{count.days} day(s) logged, {count.reps} rep(s), {distance} of reps"
    if count.bests_set:
        listed = ", ".join(f"{format_distance(m)} {format_time(ms)}" for m, ms in count.bests_set)
        line += f"; personal bests: {listed}"
    return line


def week_answer(counts: Sequence[WeekCount], *, labelled: bool) -> Answer | str:
    """Days logged, reps, total rep distance and personal bests over the last
    7 days, per server (each named when there are several: a DM)."""
    if not counts:
        return "We don't share a server where you log splits with Trackside, so I have no week."
    first = min(c.first for c in counts)
    last = max(c.last for c in counts)
    span = f"{short_date(first)} – {short_date(last)}"
    if not any(c.submissions for c in counts):
        return (
            f"You logged no splits in the last 7 days ({span}). "
            "Log them with `/splits submit` (or the button under the workout)."
        )
    days = sum(c.days for c in counts)
    reps = sum(c.reps for c in counts)
    distance = sum((c.distance_m for c in counts), Decimal(0))
    lines = []
    for count in counts:
        prefix = f"**{inline_text(count.server.name)}**: " if labelled else ""
        lines.append(prefix + _week_line(count))
        for submission in count.submissions:
            reps_text = " ".join(format_time(split.time_ms) for split in submission.splits)
            lines.append(f"- {short_date(submission.local_date)}: {reps_text}")
    return Answer(
        kind="Splits",
        headline=(
            f"Your week ({span}): {days} day(s) logged, {reps} rep(s), "
            f"{format_distance(distance)} of reps"
        ),
        title=f"Your last 7 days ({span})",
        body="\n".join(lines),
        footer="Today and the 6 days before, in each server's timezone.",
        file_name="week.txt",
    )
