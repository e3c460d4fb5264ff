"""Training groups as every feature uses them: the group a coach named, the
session label, which groups a member belongs to (by their roles), a
workout's label ("Sprints · pm") and the order that puts the caller's own
groups first. Discord-free; the storage is :mod:`db.groups`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.domain import limits
from bot.domain.errors import InputError
from bot.replies import inline_text
from db.base import Database
from db.groups import TEAM, GroupQueries, TrainingGroup, name_key
from db.workouts import StoredWorkout

TEAM_LABEL = "Team"
NAME_EXAMPLE = "`/config group add name:Sprints role:@Sprinters`"
SESSION_EXAMPLE = "`session:pm`"


def clean_group_name(text: str) -> str:
    """A group name as stored: trimmed, 1-32 characters."""
    name = " ".join((limits.GROUP_NAME.check(text) or "").split())
    if not name:
        raise InputError("A group name needs 1 to 32 characters.", NAME_EXAMPLE)
    return name


def clean_session(text: str | None) -> str:
    """A session label as stored: trimmed and lower-case ("PM" and "pm" are
    one session), 1-20 characters; ``None`` or blank is the day's main one
    ("")."""
    if text is None:
        return ""
    session = " ".join((limits.SESSION.check(text) or "").split()).lower()
    return session


async def find_group(db: Database, guild_id: int, name: str | None) -> TrainingGroup | None:
    """The server's current group called ``name`` (``None``: the whole team);
    an unknown name is the user's error, naming the groups there are."""
    if name is None or not name.strip():
        return None
    wanted = limits.GROUP_NAME.check(name) or ""
    found = await GroupQueries(db).named(guild_id, " ".join(wanted.split()))
    if found is not None:
        return found
    groups = await GroupQueries(db).current(guild_id)
    known = ", ".join(inline_text(group.name) for group in groups) if groups else "none yet"
    raise InputError(
        f"There is no group called “{inline_text(wanted)}” in this server (groups: {known}).",
        "`/config group add name:Sprints role:@Sprinters` creates one",
    )


def matching_names(groups: Sequence[TrainingGroup], typed: str, limit: int = 25) -> list[str]:
    """Autocomplete: the groups whose name contains what was typed, those
    starting with it first."""
    key = name_key(typed.strip())
    starts = [g.name for g in groups if name_key(g.name).startswith(key)]
    inside = [g.name for g in groups if key in name_key(g.name) and g.name not in starts]
    return (starts + inside)[:limit]


def member_group_ids(groups: Iterable[TrainingGroup], role_ids: Iterable[int]) -> frozenset[int]:
    """The groups a member with ``role_ids`` belongs to (a group without a
    role, or whose role was deleted, has no members)."""
    roles = set(role_ids)
    return frozenset(g.id for g in groups if g.role_id is not None and g.role_id in roles)


def slot_label(group_id: int, session: str, names: dict[int, str]) -> str:
    """ "Sprints · pm", "Sprints", "Team · am", "Team"."""
    group = TEAM_LABEL if group_id == TEAM else names.get(group_id, f"group {group_id}")
    return f"{group} · {session}" if session else group


def workout_label(workout: StoredWorkout, names: dict[int, str]) -> str:
    return slot_label(workout.group_id, workout.session, names)


def caller_first(workouts: Iterable[StoredWorkout], mine: frozenset[int]) -> list[StoredWorkout]:
    """The caller's groups' workouts first, then the team's, then the other
    groups'; the main session before named ones, then as first saved."""

    def rank(workout: StoredWorkout) -> tuple[int, str, int]:
        if workout.group_id in mine:
            place = 0
        elif workout.group_id == TEAM:
            place = 1
        else:
            place = 2
        return (place, workout.session, workout.id)

    return sorted(workouts, key=rank)


async def group_names(db: Database, guild_id: int, ids: Iterable[int]) -> dict[int, str]:
    """Names of groups by id, removed ones included: labels for history."""
    return {gid: g.name for gid, g in (await GroupQueries(db).by_ids(guild_id, ids)).items()}
