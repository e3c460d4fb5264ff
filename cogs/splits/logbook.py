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
from bot.groups import group_names, member_group_ids, slot_label
from bot.permissions import Actor
from bot.replies import inline_text
from cogs.splits.charts import ProgressPoint, RepBar
from cogs.splits.choosing import (
    WORKOUT_OPTION,
    Slot,
    choice_lines,
    day_slots,
    find_slot,
    loggable,
    short_date,
    typed_label,
)
from cogs.splits.export import ExportRow
from cogs.splits.submit import analysis_of
from db.base import Database
from db.groups import TEAM, GroupQueries
from db.guild_settings import GuildSettingsQueries
from db.submissions import StoredSubmission, SubmissionQueries
from db.workouts import StoredWorkout, WorkoutQueries

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


def submission_label(submission: StoredSubmission, names: dict[int, str]) -> str | None:
    """``Sprints · pm`` for a submission of a group or session; ``None`` for
    the team's main workout or none (all there was before groups)."""
    if (submission.group_id, submission.session) == (TEAM, ""):
        return None
    return slot_label(submission.group_id, submission.session, names)


async def _names_of(db: Database, guild_id: int, found: list[StoredSubmission]) -> dict[int, str]:
    """Group names for ``found``'s labels (no query when none has a group)."""
    return await group_names(db, guild_id, {s.group_id for s in found})


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


@dataclass(frozen=True)
class Mine:
    found: list[StoredSubmission]
    bests: dict[Decimal, int]
    names: dict[int, str]  # group names for the labels


async def mine(db: Database, athlete: Actor, limit: int) -> Mine:
    """``/splits mine``: :func:`recent`, with the group names its labels need."""
    found, bests = await recent(db, athlete, limit)
    return Mine(found, bests, await _names_of(db, athlete.server(), found))


# ---------------------------------------------------------------- the board
async def _day_of_splits(
    db: Database, reader: Actor, date_text: str | None, *, now: datetime
) -> tuple[int, date, date, bool, list[StoredSubmission]]:
    """(server, today, the day, coach, every submission of the day); none is an error."""
    guild_id = reader.server()
    settings, today = await server_today(db, guild_id, now)
    day = parse_date(date_text or "today", today, direction="back")
    found = await SubmissionQueries(db).for_date(guild_id, day)
    if not found:
        raise InputError(f"No splits for {short_date(day)} yet.", "`/splits board date:today`")
    return guild_id, today, day, reader.is_coach(settings), found


async def board(
    db: Database, reader: Actor, date_text: str | None, *, now: datetime
) -> tuple[date, str | None, list[StoredSubmission]]:
    """A day's results as one list (the day, its team workout's title, every
    submission): the board as it was before groups."""
    guild_id, _, day, _, found = await _day_of_splits(db, reader, date_text, now=now)
    workout = await WorkoutQueries(db).get(guild_id, day)
    return day, workout.title if workout else None, found


@dataclass(frozen=True)
class BoardTable:
    slot: Slot
    submissions: list[StoredSubmission]

    @property
    def title(self) -> str | None:
        return self.slot.workout.title if self.slot.workout else None


@dataclass(frozen=True)
class DayBoard:
    """A day's board: a table per workout that has splits (and one for
    splits logged with no workout), in the reader's order, and the day's
    other workouts, which have none yet."""

    day: date
    tables: list[BoardTable]
    waiting: list[Slot]


async def day_board(
    db: Database,
    reader: Actor,
    date_text: str | None,
    workout_text: str | None = None,
    *,
    now: datetime,
) -> DayBoard:
    """``/splits board``: every workout's table that day, or the one
    ``workout`` names (one of that day's, with splits)."""
    named = WORKOUT_OPTION.check(workout_text)
    guild_id, today, day, coach, found = await _day_of_splits(db, reader, date_text, now=now)
    workouts = await WorkoutQueries(db).for_day(guild_id, day)
    keys = {(s.group_id, s.session) for s in found}
    slots = await _slots(db, reader, guild_id, workouts, keys)
    by_slot: dict[tuple[int, str], list[StoredSubmission]] = {}
    for submission in found:
        by_slot.setdefault((submission.group_id, submission.session), []).append(submission)
    tables = [BoardTable(slot, by_slot[slot.key]) for slot in slots if slot.key in by_slot]
    if named is not None:
        chosen = find_slot(named, [t.slot for t in tables])
        if chosen is None:
            raise InputError(
                f"`workout` must be one of {short_date(day)}'s workouts with splits:\n"
                + choice_lines([t.slot for t in tables]),
                f"`/splits board date:{day.isoformat()} workout:{typed_label(tables[0].slot)}`",
            )
        return DayBoard(day, [t for t in tables if t.slot.key == chosen.key], [])
    waiting = [
        slot
        for slot in slots
        if slot.key not in by_slot
        and slot.workout is not None
        and loggable(slot.workout, today, coach=coach)
    ]
    return DayBoard(day, tables, waiting)


async def _slots(
    db: Database,
    reader: Actor,
    guild_id: int,
    workouts: list[StoredWorkout],
    keys: set[tuple[int, str]],
) -> list[Slot]:
    """The day's slots, labelled, the reader's groups first; groups are read
    only when a workout or a submission has one."""
    ids = {w.group_id for w in workouts} | {group for group, _ in keys}
    if ids - {TEAM}:
        groups = await GroupQueries(db).by_ids(guild_id, ids)
        names = {gid: g.name for gid, g in groups.items()}
        mine = member_group_ids([g for g in groups.values() if g.current], reader.role_ids)
    else:
        names, mine = {}, frozenset()
    return day_slots(workouts, keys, names, mine)


# ---------------------------------------------------------------- one submission
@dataclass(frozen=True)
class Picked:
    """One of a person's submissions of a day, and its label (``None``: the
    team's main workout, or none)."""

    submission: StoredSubmission
    label: str | None


async def _pick(
    db: Database,
    actor: Actor,
    guild_id: int,
    day: date,
    whose: Subject,
    workout_text: str | None,
    verb: str,
    *,
    none: str | None = None,
) -> Picked:
    """The submission of ``whose`` that day: the only one, or the one
    ``workout`` names; with several and no ``workout``, the reply lists them."""
    named = WORKOUT_OPTION.check(workout_text)
    found = await SubmissionQueries(db).of_athlete_on(guild_id, day, whose.user_id)
    own = whose.user_id == actor.user_id
    if not found:
        who = "You have" if own else "They have"
        raise InputError(none or f"{who} no splits for {short_date(day)}.", "`/splits mine`")
    if named is None and len(found) == 1:
        names = await _names_of(db, guild_id, found)
        return Picked(found[0], submission_label(found[0], names))
    keys = {(s.group_id, s.session) for s in found}
    workouts = await WorkoutQueries(db).for_day(guild_id, day)
    workouts = [w for w in workouts if (w.group_id, w.session) in keys]
    slots = await _slots(db, actor, guild_id, workouts, keys)
    example = f"`/splits {verb} date:{day.isoformat()} workout:{typed_label(slots[0])}`"
    if named is None:
        who = "You have" if own else "They have"
        if not own and whose.name:
            who = f"{inline_text(whose.name)} has"
        raise InputError(
            f"{who} {len(found)} submissions for {short_date(day)}, so nothing was "
            f"{'deleted' if verb == 'delete' else 'drawn'}. Choose one with `workout:` (the "
            f"list appears as you type):\n{choice_lines(slots)}",
            example,
        )
    chosen = find_slot(named, slots)
    if chosen is None:
        whom = "your" if own else "their"
        raise InputError(
            f"`workout` must name one of {whom} submissions for {short_date(day)}:\n"
            + choice_lines(slots),
            example,
        )
    submission = next(s for s in found if (s.group_id, s.session) == chosen.key)
    return Picked(submission, None if chosen.main else chosen.label)


async def to_delete(
    db: Database,
    actor: Actor,
    date_text: str | None,
    subject: Subject | None,
    *,
    now: datetime,
    workout_text: str | None = None,
) -> StoredSubmission:
    """The submission a delete would remove, for the confirm prompt."""
    return (await delete_request(db, actor, date_text, subject, workout_text, now=now)).submission


async def delete_request(
    db: Database,
    actor: Actor,
    date_text: str | None,
    subject: Subject | None,
    workout_text: str | None = None,
    *,
    now: datetime,
) -> Picked:
    """``/splits delete``: the submission to confirm deleting, with its label."""
    guild_id, today, whose = await _whose(db, actor, subject, "delete splits", now=now)
    day = parse_date(date_text or "today", today, direction="back")
    return await _pick(db, actor, guild_id, day, whose, workout_text, "delete")


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


async def delete_clicked(db: Database, actor: Actor, submission_id: int) -> Picked | None:
    """:func:`delete_confirmed`, with the deleted submission's label."""
    deleted = await delete_confirmed(db, actor, submission_id)
    if deleted is None:
        return None
    names = await _names_of(db, deleted.guild_id, [deleted])
    return Picked(deleted, submission_label(deleted, names))


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
    names = await _names_of(db, guild_id, found)
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
            # The group's name as it was known here ('' for the team's).
            group="" if s.group_id == TEAM else names.get(s.group_id, f"group {s.group_id}"),
            session=s.session,
            source=s.source,
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
    workout_text: str | None = None,
) -> DayChart | ProgressChart:
    """What to draw: a day's reps (of the one submission that day, or the
    one ``workout`` names), or progress at the most frequent rep distance (no
    date and no workout). Athletes chart themselves, coaches anyone."""
    guild_id, today, whose = await _whose(db, actor, subject, "chart splits", now=now)
    queries = SubmissionQueries(db)
    if date_text is not None or workout_text is not None:
        day = parse_date(date_text or "today", today, direction="back")
        none = f"No splits for {short_date(day)}."
        picked = await _pick(db, actor, guild_id, day, whose, workout_text, "chart", none=none)
        found = picked.submission
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
        title = (
            f"{found.athlete_name}: {short_date(day)}"
            + (f", {picked.label}" if picked.label else "")
            + (f", {found.workout_title}" if found.workout_title else "")
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
