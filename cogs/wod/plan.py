"""The workout-of-the-day use cases: prescribe (post now, schedule, or save a
past day), show, list, delete. Discord-free: who acts is an
:class:`~bot.permissions.Actor`, and posting goes through a
:class:`~cogs.wod.posting.Poster`.

A server holds one workout per date × training group (none: the whole team)
× session ("": the day's main one). A group's workout posts in the group's
channel (else the server's workout channel, else where ``/wod post`` was
used) and mentions the group's role when the group pings. Showing and listing
give every workout of the day, the caller's own groups first, each labelled
("Sprints · pm"); the team's main workout alone is shown as it always was."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import groupby

from bot.clock import epoch_ms
from bot.context import server_today
from bot.domain import limits
from bot.domain.dates import parse_date
from bot.domain.errors import InputError
from bot.domain.workout import parse_workout, parsed_summary
from bot.groups import (
    caller_first,
    clean_session,
    find_group,
    matching_names,
    member_group_ids,
    slot_label,
)
from bot.permissions import Actor
from bot.replies import Answer, inline_text
from cogs.splits.submit import mismatching
from cogs.wod.posting import ALREADY_POSTING, Poster
from cogs.wod.rendering import PARSED_LIMIT, list_answer, long_date, status_text, workout_answer
from db.base import Database
from db.groups import TEAM, GroupQueries, TrainingGroup
from db.submissions import SubmissionQueries
from db.workouts import NewWorkout, StoredWorkout, WorkoutQueries

LIST_DAYS = limits.IntRange("days", 1, 60, "`/wod list days:7`")


@dataclass(frozen=True)
class Prescription:
    """What a coach typed in ``/wod post``."""

    workout: str
    date_text: str | None
    title: str | None
    recovery: str | None
    notes: str | None
    origin_channel_id: int  # where /wod post was used: the fallback channel
    group: str | None = None  # a training group's name; None: the whole team
    session: str | None = None  # "am", "pm"…; None: the day's main session
    # The ids of the server's roles as they are now (None: not known), to
    # tell the coach when the group's role was deleted.
    server_role_ids: frozenset[int] | None = None


def _is_main(workout: StoredWorkout) -> bool:
    """The team's main workout of the day: the only one a server without
    groups has, shown without a label."""
    return workout.group_id == TEAM and not workout.session


def _label(workout: StoredWorkout, groups: dict[int, TrainingGroup], *, alone: bool) -> str | None:
    """Whose ``workout`` is ("Sprints · pm", "Team · am"); ``None`` for the
    team's main workout when it is ``alone`` (nothing to tell it from)."""
    if alone and _is_main(workout):
        return None
    names = {group_id: group.name for group_id, group in groups.items()}
    return slot_label(workout.group_id, workout.session, names)


def _whose(label: str | None) -> str:
    return f" ({inline_text(label)})" if label else ""


async def _groups_of(
    db: Database, guild_id: int, workouts: Sequence[StoredWorkout]
) -> dict[int, TrainingGroup]:
    """The groups of ``workouts`` by id, removed ones included (their names
    label past workouts)."""
    return await GroupQueries(db).by_ids(guild_id, (w.group_id for w in workouts))


def _mine(groups: dict[int, TrainingGroup], reader: Actor) -> frozenset[int]:
    """The reader's own groups among ``groups`` (current ones: by their roles)."""
    return member_group_ids((g for g in groups.values() if g.current), reader.role_ids)


def _channel(workout: StoredWorkout, groups: dict[int, TrainingGroup]) -> int | None:
    group = groups.get(workout.group_id)
    return group.channel_id if group is not None else None


async def group_choices(db: Database, guild_id: int | None, typed: str) -> list[str]:
    """Autocomplete of ``group`` options: the server's current groups
    matching what was typed (none in a DM)."""
    if guild_id is None:
        return []
    return matching_names(await GroupQueries(db).current(guild_id), typed)


async def prescribe(
    db: Database,
    poster: Poster,
    coach: Actor,
    asked: Prescription,
    *,
    now: datetime,
    acknowledge: Callable[[], Awaitable[object]],
) -> str:
    """Save the day's workout (replacing one already there) and post it now
    (today), schedule it (a later day) or keep it (a past day); the answer
    says which, and what was parsed. ``acknowledge`` is awaited once the input
    is valid, before the slower work: an error before it stays private."""
    guild_id = coach.server()
    settings, today = await server_today(db, guild_id, now)
    coach.require_coach(settings, "post workouts")
    text = limits.WORKOUT_TEXT.check(asked.workout) or ""
    title = limits.TITLE.check(asked.title)
    recovery = limits.RECOVERY.check(asked.recovery)
    notes = limits.WORKOUT_NOTES.check(asked.notes)
    day = parse_date(asked.date_text or "today", today, direction="forward")
    limits.check_workout_date(day, today)
    group = await find_group(db, guild_id, asked.group)
    session = clean_session(asked.session)
    plan = parse_workout(text)
    await acknowledge()

    stored, replaced = await WorkoutQueries(db).save(
        NewWorkout(
            guild_id=guild_id,
            local_date=day,
            title=title,
            text=text,
            plan=plan,
            recovery=recovery,
            notes=notes,
            author_id=coach.user_id,
            origin_channel_id=asked.origin_channel_id,
            group_id=group.id if group is not None else TEAM,
            session=session,
        ),
        now=epoch_ms(now),
    )
    groups = {group.id: group} if group is not None else {}
    label = _label(stored, groups, alone=True)
    channel_id = (
        (group.channel_id if group is not None else None)
        or settings.channel_id
        or asked.origin_channel_id
    )
    role_gone = (
        group is not None
        and group.role_id is not None
        and asked.server_role_ids is not None
        and group.role_id not in asked.server_role_ids
    )
    ping = group.role_id if group is not None and group.ping and not role_gone else None
    mentioning = f", mentioning <@&{ping}>" if ping is not None else ""
    verb = "Replaced" if replaced else "Saved"
    if stored.posted and await poster.refresh(stored):
        outcome = f"{verb} and edited the post in <#{stored.channel_id}>"
    elif day == today:
        posted, what = await poster.publish(stored, channel_id, ping_role_id=ping)
        if posted:
            outcome = f"{verb} and {what}{mentioning}"
        elif what == ALREADY_POSTING:
            # Whoever is posting it compares revisions once Discord has the
            # message, and edits it to show this version.
            outcome = f"{verb}; its post is going out right now and will show this version"
        else:
            outcome = f"{verb}, but not posted: {what}"
    elif day < today:
        outcome = f"{verb}; not posted, since that day has passed"
    else:
        outcome = (
            f"{verb}; scheduled for {settings.post_time} ({settings.timezone}) "
            f"that day in <#{channel_id}>{mentioning}"
        )
    text = (
        f"{outcome}: workout for {long_date(day)}{_whose(label)}.\n"
        f"Parsed: {parsed_summary(plan, limit=PARSED_LIMIT)}"
    )
    if role_gone and group is not None:
        text += (
            f"\n⚠️ The role of the {inline_text(group.name)} group no longer exists, so "
            "nobody is in that group"
            + (" and nobody is mentioned" if group.ping else "")
            + ": remove the group and add it again with a role "
            "(`/config group remove`, `/config group add`)."
        )
    if replaced:
        submitted = await SubmissionQueries(db).for_workout(stored.id)
        stale = mismatching(submitted, plan.distances)
        if stale:
            text += (
                f"\n{stale} of {len(submitted)} submission(s) no longer match the new "
                "reps; they keep their own distances."
            )
    return text


async def show(
    db: Database, reader: Actor, date_text: str | None, *, now: datetime
) -> Answer | list[Answer] | str:
    """Every workout of a day (today when ``date_text`` is ``None``), the
    reader's own groups first: athletes see a workout once posted (or when its
    post failed, so they learn why); coaches also see scheduled ones. One
    answer per workout; the team's main workout alone is shown unlabelled."""
    guild_id = reader.server()
    settings, today = await server_today(db, guild_id, now)
    day = parse_date(date_text, today, direction="back") if date_text else today
    workouts = await WorkoutQueries(db).for_day(guild_id, day)
    if not workouts:
        raise InputError(f"No workout for {long_date(day)}.", "`/wod list` shows the coming days")
    coach = reader.is_coach(settings)
    visible = [w for w in workouts if coach or w.public]
    if not visible:
        if len(workouts) == 1:
            the, was, is_, goes = "The workout", "was", "is", "it goes"
        else:
            the, was, is_, goes = "The workouts", "were", "are", "they go"
        if day < today:  # saved for a day already over: never posted
            return f"{the} for {long_date(day)} {was} not posted."
        return (
            f"{the} for {long_date(day)} {is_} not posted yet: {goes} out at "
            f"{settings.post_time} ({settings.timezone})."
        )
    groups = await _groups_of(db, guild_id, visible)
    ordered = caller_first(visible, _mine(groups, reader))
    alone = len(ordered) == 1
    headline = (
        f"Workout for {long_date(day)}"
        if alone
        else f"{len(ordered)} workouts for {long_date(day)}"
    )
    answers = [
        workout_answer(
            workout,
            status=status_text(workout, settings, today, channel_id=_channel(workout, groups)),
            headline=headline,
            label=_label(workout, groups, alone=alone),
        )
        for workout in ordered
    ]
    return answers[0] if alone else answers


async def coming(db: Database, reader: Actor, days: int, *, now: datetime) -> Answer | str:
    """The next ``days`` days' workouts (coaches: with their status), each
    day's in the reader's order (own groups first)."""
    days = LIST_DAYS.check(days)
    guild_id = reader.server()
    settings, today = await server_today(db, guild_id, now)
    coach = reader.is_coach(settings)
    workouts = await WorkoutQueries(db).between(
        guild_id, today, today + timedelta(days=days - 1), posted_only=not coach
    )
    if not workouts:
        return f"No workouts for the next {days} days."
    groups = await _groups_of(db, guild_id, workouts)
    mine = _mine(groups, reader)
    ordered: list[StoredWorkout] = []
    labels: dict[int, str] = {}
    for _, of_day in groupby(workouts, key=lambda w: w.local_date):
        day_workouts = caller_first(of_day, mine)
        ordered += day_workouts
        for workout in day_workouts:
            label = _label(workout, groups, alone=len(day_workouts) == 1)
            if label is not None:
                labels[workout.id] = label
    return list_answer(
        ordered,
        days,
        settings=settings if coach else None,
        today=today,
        labels=labels,
        channels={w.id: _channel(w, groups) for w in ordered},
    )


def _delete_example(day: date, workout: StoredWorkout, groups: dict[int, TrainingGroup]) -> str:
    group = groups.get(workout.group_id)
    parts = [f"date:{day.isoformat()}"]
    if group is not None:
        parts.append(f"group:{group.name}")
    if workout.session:
        parts.append(f"session:{workout.session}")
    return f"`/wod delete {' '.join(parts)}`"


async def remove(
    db: Database,
    poster: Poster,
    coach: Actor,
    date_text: str,
    *,
    now: datetime,
    group: str | None = None,
    session: str | None = None,
) -> str:
    """Delete the workout of a day, group (``None``: the team's) and session
    (``None``: the main one) and its post; its submissions stay the athletes'
    logs."""
    guild_id = coach.server()
    settings, today = await server_today(db, guild_id, now)
    coach.require_coach(settings, "delete workouts")
    day = parse_date(date_text, today, direction="back")
    found = await find_group(db, guild_id, group)
    slot_session = clean_session(session)
    group_id = found.id if found is not None else TEAM
    workouts = WorkoutQueries(db)
    workout = await workouts.get(guild_id, day, group_id=group_id, session=slot_session)
    if workout is None:
        others = await workouts.for_day(guild_id, day)
        if not others:
            raise InputError(f"No workout for {long_date(day)}.", "`/wod list`")
        groups = await _groups_of(db, guild_id, others)
        if found is not None:
            groups[found.id] = found
        names = {gid: g.name for gid, g in groups.items()}
        there = ", ".join(inline_text(slot_label(w.group_id, w.session, names)) for w in others)
        wanted = inline_text(slot_label(group_id, slot_session, names))
        raise InputError(
            f"No workout for {long_date(day)} ({wanted}); that day has: {there}.",
            _delete_example(day, others[0], groups),
        )
    groups = {found.id: found} if found is not None else {}
    label = _label(workout, groups, alone=True)
    kept = len(await SubmissionQueries(db).for_workout(workout.id))
    await workouts.delete(workout.id)
    await poster.remove(workout)
    text = f"Deleted the workout for {long_date(day)}{_whose(label)}."
    if kept:
        text += f" Its {kept} submission(s) stay in the athletes' logs."
    return text
