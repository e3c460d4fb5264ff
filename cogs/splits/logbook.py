"""Reading and correcting the splits log: an athlete's recent days, a day's
board, deleting a day (with a confirm), the CSV export and the charts.

Discord-free use cases: who acts is an :class:`~bot.permissions.Actor`; a
person named in an option is only an id (a member, or someone who left and
still has splits here: whether there is data decides, not membership).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

from bot.components import ForgedId
from bot.context import server_today
from bot.domain import limits
from bot.domain.dates import parse_date
from bot.domain.distance import format_distance
from bot.domain.errors import InputError
from bot.domain.pace import pace_per
from bot.errors import NotAllowed
from bot.permissions import Actor
from bot.replies import inline_text
from cogs.splits.charts import ProgressPoint, RepBar
from cogs.splits.export import ExportRow
from cogs.splits.rendering import short_date
from cogs.splits.submit import analysis_of
from db.base import Database
from db.guild_settings import GuildSettingsQueries
from db.submissions import StoredSubmission, SubmissionQueries
from db.workouts import WorkoutQueries

MINE_LIMIT = limits.IntRange("limit", 1, 50, "`/splits mine limit:10`")
BEGINNING = date(1970, 1, 1)  # "since the beginning" for exports and progress
Acknowledge = Callable[[], Awaitable[object]]


@dataclass(frozen=True)
class Subject:
    """Whose splits an action is about: the actor, or a person a coach named."""

    user_id: int
    name: str | None  # None: an id Discord could not resolve to anyone


async def _whose(
    db: Database, actor: Actor, subject: Subject | None, action: str, *, now: datetime
) -> tuple[int, date, Subject]:
    """(server, today, subject): one's own, or (coaches only) anyone's."""
    guild_id = actor.server()
    settings, today = await server_today(db, guild_id, now)
    if subject is None or subject.user_id == actor.user_id:
        return guild_id, today, Subject(actor.user_id, actor.name)
    if not actor.is_coach(settings):
        raise NotAllowed(f"Only coaches can {action} for another athlete.")
    return guild_id, today, subject


async def recent(
    db: Database, athlete: Actor, limit: int
) -> tuple[list[StoredSubmission], dict[Decimal, int]]:
    """The athlete's last ``limit`` days of splits and their personal bests."""
    limit = MINE_LIMIT.check(limit)
    guild_id = athlete.server()
    queries = SubmissionQueries(db)
    found = await queries.recent(guild_id, athlete.user_id, limit)
    if not found:
        raise InputError(
            "You have no splits here yet.",
            "`/splits submit splits:29.78 29.98 31.31 31.20 37.47`",
        )
    return found, await queries.bests(guild_id, athlete.user_id)


async def board(
    db: Database, reader: Actor, date_text: str | None, *, now: datetime
) -> tuple[date, str | None, list[StoredSubmission]]:
    """A day's results (the day, its workout's title, every submission)."""
    guild_id = reader.server()
    _, today = await server_today(db, guild_id, now)
    day = parse_date(date_text or "today", today, direction="back")
    found = await SubmissionQueries(db).for_date(guild_id, day)
    if not found:
        raise InputError(f"No splits for {short_date(day)} yet.", "`/splits board date:today`")
    workout = await WorkoutQueries(db).get(guild_id, day)
    return day, workout.title if workout else None, found


async def to_delete(
    db: Database, actor: Actor, date_text: str | None, subject: Subject | None, *, now: datetime
) -> StoredSubmission:
    """The submission a delete would remove, for the confirm prompt."""
    guild_id, today, whose = await _whose(db, actor, subject, "delete splits", now=now)
    day = parse_date(date_text or "today", today, direction="back")
    found = await SubmissionQueries(db).get(guild_id, day, whose.user_id)
    if found is None:
        who = "You have" if whose.user_id == actor.user_id else "They have"
        raise InputError(f"{who} no splits for {short_date(day)}.", "`/splits mine`")
    return found


async def delete_confirmed(
    db: Database, actor: Actor, submission_id: int
) -> StoredSubmission | None:
    """The **Delete** click: everything is checked again now, not when the
    confirm was opened (a coach may have lost the role since, and the id came
    back from the client). Returns what was deleted (``None``: already gone)."""
    guild_id = actor.server()
    queries = SubmissionQueries(db)
    found = await queries.by_id(submission_id)
    if found is None:
        return None
    if found.guild_id != guild_id:
        raise ForgedId("Those splits aren't in this server, so nothing was deleted.")
    if found.athlete_id != actor.user_id:
        settings = await GuildSettingsQueries(db).get(guild_id)
        if not actor.is_coach(settings):
            raise NotAllowed(
                "Only coaches can delete another athlete's splits, so nothing was deleted."
            )
    return found if await queries.delete(found.id) else None


@dataclass(frozen=True)
class Export:
    rows: list[ExportRow]
    first: date
    last: date
    since_given: bool
    team: bool  # a coach's export: everyone's rows


async def export(
    db: Database,
    actor: Actor,
    since_text: str | None,
    until_text: str | None,
    *,
    now: datetime,
    acknowledge: Acknowledge,
) -> Export:
    """The rows of the CSV: a coach gets the team's, an athlete their own."""
    guild_id = actor.server()
    settings, today = await server_today(db, guild_id, now)
    first = parse_date(since_text, today, direction="back") if since_text else BEGINNING
    last = parse_date(until_text, today, direction="back") if until_text else today
    if first > last:
        raise InputError(
            f"`since` ({first}) is after `until` ({last}).",
            "`/splits export since:2026-11-01 until:today`",
        )
    team = actor.is_coach(settings)
    await acknowledge()  # validated; a big export may take a moment
    found = await SubmissionQueries(db).between(
        guild_id, first, last, None if team else actor.user_id
    )
    rows = [
        ExportRow(
            date=s.local_date,
            workout=s.workout_title or s.workout_text or "",
            athlete_id=s.athlete_id,
            athlete=s.athlete_name,
            rep=split.rep,
            distance_m=split.distance_m,
            time_ms=split.time_ms,
            pace_per_400_ms=pace_per(split.time_ms, split.distance_m, 400),
            note=s.note,
        )
        for s in found
        for split in s.splits
    ]
    return Export(rows, first, last, since_text is not None, team)


@dataclass(frozen=True)
class DayChart:
    title: str
    bars: list[RepBar]
    target_per_400_ms: float | None
    day: date


@dataclass(frozen=True)
class ProgressChart:
    title: str
    distance: str
    points: list[ProgressPoint]


async def chart(
    db: Database,
    actor: Actor,
    date_text: str | None,
    subject: Subject | None,
    *,
    now: datetime,
) -> DayChart | ProgressChart:
    """What to draw: a day's reps, or progress at the most frequent rep
    distance (no date). Athletes chart themselves, coaches anyone."""
    guild_id, today, whose = await _whose(db, actor, subject, "chart splits", now=now)
    queries = SubmissionQueries(db)
    if date_text is not None:
        day = parse_date(date_text, today, direction="back")
        found = await queries.get(guild_id, day, whose.user_id)
        if found is None:
            raise InputError(f"No splits for {short_date(day)}.", "`/splits mine`")
        analysis = analysis_of(found)
        bars = [
            RepBar(f"{rep.index}\n{rep.distance_text}", float(rep.per_400_ms), rep.time_ms)
            for rep in analysis.reps
        ]
        targets = [
            float(pace_per(rep.target_ms, rep.distance_m, 400))
            for rep in analysis.reps
            if rep.target_ms is not None
        ]
        target = targets[0] if targets and len(set(targets)) == 1 else None
        # The name as they were known here, members or not.
        title = f"{found.athlete_name}: {short_date(day)}" + (
            f", {found.workout_title}" if found.workout_title else ""
        )
        return DayChart(title, bars, target, day)
    history = await queries.between(guild_id, BEGINNING, today, whose.user_id)
    counts = Counter(split.distance_m for s in history for split in s.splits)
    if not counts:
        name = inline_text(whose.name) if whose.name else "them"
        raise InputError(f"No splits for {name} yet.", "`/splits submit`")
    metres = _most_frequent(counts)
    points = [
        ProgressPoint(s.local_date, float(_average_pace(s, metres)))
        for s in history
        if metres in s.distances
    ]
    name = history[-1].athlete_name
    return ProgressChart(
        f"{name}: {format_distance(metres)} reps over time", format_distance(metres), points
    )


def _most_frequent(counts: Counter[Decimal]) -> Decimal:
    # Ties go to the shorter distance: the sharper, more comparable reps.
    return min(counts, key=lambda metres: (-counts[metres], metres))


def _average_pace(submission: StoredSubmission, metres: Decimal) -> Fraction:
    times = [split.time_ms for split in submission.splits if split.distance_m == metres]
    return pace_per(sum(times), metres * len(times), 400)
