"""What the ``workout`` option of ``/splits`` offers as the user types.

Discord-free use cases, like the commands': each reads the other options
typed so far (the date, the athlete) and returns ``(name, value)`` pairs.
They never raise for what a user typed (an unreadable date, someone else's
name for an athlete): an autocomplete has no way to show an error, so it
offers nothing, and the command itself explains when it runs. The values
are only suggestions: the commands check whatever comes back.
"""

from __future__ import annotations

from datetime import date, datetime

from discord import app_commands

from bot.context import server_today
from bot.domain.dates import parse_date
from bot.domain.errors import InputError
from bot.groups import group_names, member_group_ids
from bot.permissions import Actor
from cogs.splits.choosing import day_slots, loggable, matching_choices
from db.base import Database
from db.groups import TEAM, GroupQueries
from db.guild_settings import GuildSettings
from db.submissions import SubmissionQueries
from db.workouts import StoredWorkout, WorkoutQueries

Choices = list[tuple[str, str]]


async def _day(
    db: Database, actor: Actor, date_text: str | None, now: datetime
) -> tuple[int, GuildSettings, date, date]:
    guild_id = actor.server()
    settings, today = await server_today(db, guild_id, now)
    day = parse_date(date_text or "today", today, direction="back")
    return guild_id, settings, today, day


async def _labelled(
    db: Database,
    actor: Actor,
    guild_id: int,
    workouts: list[StoredWorkout],
    keys: set[tuple[int, str]],
    typed: str,
) -> Choices:
    if any(w.group_id != TEAM for w in workouts) or any(g != TEAM for g, _ in keys):
        groups = await GroupQueries(db).current(guild_id)
        mine = member_group_ids(groups, actor.role_ids)
        ids = {w.group_id for w in workouts} | {group for group, _ in keys}
        names = await group_names(db, guild_id, ids)
    else:
        names, mine = {}, frozenset()
    return matching_choices(day_slots(workouts, keys, names, mine), typed)


async def _of_slots(
    db: Database, guild_id: int, day: date, keys: set[tuple[int, str]]
) -> list[StoredWorkout]:
    """The day's workouts of those slots."""
    workouts = await WorkoutQueries(db).for_day(guild_id, day)
    return [w for w in workouts if (w.group_id, w.session) in keys]


async def submit_choices(
    db: Database, actor: Actor, date_text: str | None, typed: str, *, now: datetime
) -> Choices:
    """``/splits submit workout:``: the day's workouts this person may log,
    their own groups' first (the button of any post works too, so every
    group's workout is offered)."""
    try:
        guild_id, settings, today, day = await _day(db, actor, date_text, now)
    except (InputError, app_commands.NoPrivateMessage):
        return []
    if day > today:
        return []
    coach = actor.is_coach(settings)
    workouts = [
        w
        for w in await WorkoutQueries(db).for_day(guild_id, day)
        if loggable(w, today, coach=coach)
    ]
    return await _labelled(db, actor, guild_id, workouts, set(), typed)


async def board_choices(
    db: Database, actor: Actor, date_text: str | None, typed: str, *, now: datetime
) -> Choices:
    """``/splits board workout:``: the day's workouts that have splits, and
    "No workout" when some were logged without one."""
    try:
        guild_id, _, _, day = await _day(db, actor, date_text, now)
    except (InputError, app_commands.NoPrivateMessage):
        return []
    keys = await SubmissionQueries(db).slots_on(guild_id, day)
    workouts = await _of_slots(db, guild_id, day, keys)
    return await _labelled(db, actor, guild_id, workouts, keys, typed)


async def own_choices(
    db: Database,
    actor: Actor,
    date_text: str | None,
    athlete_id: int | None,
    typed: str,
    *,
    now: datetime,
) -> Choices:
    """``/splits delete|chart workout:``: the day's submissions of the
    athlete (oneself, or, for a coach, the one named)."""
    try:
        guild_id, settings, _, day = await _day(db, actor, date_text, now)
    except (InputError, app_commands.NoPrivateMessage):
        return []
    whose = actor.user_id if athlete_id is None else athlete_id
    if whose != actor.user_id and not actor.is_coach(settings):
        return []
    found = await SubmissionQueries(db).of_athlete_on(guild_id, day, whose)
    keys = {(s.group_id, s.session) for s in found}
    workouts = await _of_slots(db, guild_id, day, keys)
    return await _labelled(db, actor, guild_id, workouts, keys, typed)
