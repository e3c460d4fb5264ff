"""The ``/config group`` use cases (Manage Server only): add a training group,
remove one after a confirm button, and the groups as ``/config show`` lists
them.

Discord-free: the cog passes what Discord's cache shows of the role and
channel a coach named (:class:`~cogs.config.seen.RoleSeen`,
:class:`~cogs.config.seen.ChannelSeen`) and the ids of the roles the server
still has; the storage is :mod:`db.groups`."""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.clock import epoch_ms
from bot.components import ForgedId
from bot.context import server_today
from bot.domain.errors import InputError
from bot.groups import TEAM_LABEL, clean_group_name, find_group, matching_names
from bot.permissions import Actor
from bot.replies import Field, inline_text
from cogs.config.seen import ChannelSeen, RoleSeen, check_channel
from db.base import Database
from db.groups import GroupNameTaken, GroupQueries, TrainingGroup, name_key

ADD_EXAMPLE = "`/config group add name:Sprints role:@Sprinters`"
PING_EXAMPLE = "`/config group add name:Sprints role:@Sprinters ping:True`"
OTHER_NAME_EXAMPLE = "`/config group add name:Hurdles role:@Hurdlers`"
REMOVE_EXAMPLE = "`/config group remove name:Sprints`"
PING_RULE = (
    "Discord delivers that ping only if the role is mentionable (Server Settings → Roles → "
    "“Allow anyone to @mention this role”) or I have the Mention Everyone permission."
)


def _quoted(name: str) -> str:
    """A group name inside one of the bot's sentences: “Sprints”, as typed."""
    return f"“{inline_text(name)}”"


def _workouts(count: int) -> str:
    return f"{count} scheduled workout" + ("" if count == 1 else "s")


def _check_name(name: str) -> str:
    """The name as stored, if it can name a group."""
    name = clean_group_name(name)
    if not any(unicodedata.category(c)[0] in "LNPS" for c in name):
        raise InputError(
            "A group name needs a visible character (a letter or a digit).", ADD_EXAMPLE
        )
    if name_key(name) == name_key(TEAM_LABEL):
        raise InputError(
            f"“{TEAM_LABEL}” is what Trackside calls the whole team; pick another name.",
            ADD_EXAMPLE,
        )
    return name


def _check_role(role: RoleSeen) -> None:
    if not role.in_this_server:
        raise InputError(
            "That role isn't in this server; pick one of this server's roles.", ADD_EXAMPLE
        )
    if role.everyone:
        raise InputError(
            "@everyone can't be a group's role: every member would be in the group, and its "
            "ping would ping the whole server. Pick a role only the group's athletes have.",
            ADD_EXAMPLE,
        )


async def add_group(
    db: Database,
    admin: Actor,
    name: str,
    *,
    role: RoleSeen | None,
    channel: ChannelSeen | None,
    ping: bool,
    now: datetime,
) -> str:
    """A new training group; everything is checked before it is stored."""
    guild_id = admin.server()
    admin.require_manage_guild()
    name = _check_name(name)
    if role is not None:
        _check_role(role)
    if channel is not None:
        check_channel(channel, ADD_EXAMPLE)
    if ping and role is None:
        raise InputError(
            "`ping` mentions the group's role, and this group has none: give it a `role` too.",
            PING_EXAMPLE,
        )
    try:
        group = await GroupQueries(db).add(
            guild_id,
            name,
            role_id=None if role is None else role.id,
            channel_id=None if channel is None else channel.id,
            ping=ping,
            now=epoch_ms(now),
        )
    except GroupNameTaken as taken:
        raise InputError(
            f"There is already a group called {_quoted(taken.existing)} in this server "
            "(names ignore case): pick another name, or remove that group first.",
            OTHER_NAME_EXAMPLE,
        ) from None
    return added_text(group, role)


def added_text(group: TrainingGroup, role: RoleSeen | None) -> str:
    lines = [f"Added the group {_quoted(group.name)}."]
    if group.role_id is None:
        lines.append(
            "It has no role, so no members: to give it some, remove it and add it again "
            "with `role`."
        )
    else:
        lines.append(f"Members with <@&{group.role_id}> belong to it.")
    where = f"<#{group.channel_id}>" if group.channel_id else "the server's workout channel"
    lines.append(f"Its workouts post in {where}; choose it with `group` in `/wod post`.")
    if group.ping and group.role_id is not None:
        lines.append(f"When one posts, I mention <@&{group.role_id}>. {PING_RULE}")
        if role is not None and not role.pingable:
            lines.append("⚠️ Right now it is neither, so the ping would notify nobody.")
    return "\n".join(lines)


# ---------------------------------------------------------------- remove
@dataclass(frozen=True)
class Removal:
    """What ``/config group remove`` would do, for its confirm prompt."""

    group: TrainingGroup
    scheduled: int  # its workouts not posted yet, dated the server's today or later


async def to_remove(db: Database, admin: Actor, name: str, *, now: datetime) -> Removal:
    guild_id = admin.server()
    admin.require_manage_guild()
    group = await find_group(db, guild_id, name)
    if group is None:  # a blank name (a modified client)
        raise InputError("Name the group to remove.", REMOVE_EXAMPLE)
    _, today = await server_today(db, guild_id, now)
    scheduled = await GroupQueries(db).scheduled_count(
        guild_id, group.id, from_date=today.isoformat()
    )
    return Removal(group, scheduled)


def removal_prompt(removal: Removal) -> str:
    name = _quoted(removal.group.name)
    if removal.scheduled:
        cancels = (
            f"This cancels its {_workouts(removal.scheduled)} "
            "(not posted yet, dated today or later)."
        )
    else:
        cancels = "It has no scheduled workouts to cancel."
    return (
        f"Remove the group {name}? {cancels} Past workouts and splits stay, and keep "
        "the group's name."
    )


async def remove_confirmed(db: Database, admin: Actor, group_id: int, *, now: datetime) -> str:
    """The **Remove** click: everything is checked again now, not when the
    prompt was opened (the clicker may have lost Manage Server since, and the
    id came back from the client). Replies once the removal is committed."""
    guild_id = admin.server()
    admin.require_manage_guild()
    queries = GroupQueries(db)
    group = (await queries.by_ids(guild_id, [group_id])).get(group_id)
    if group is None:
        raise ForgedId("That group isn't one of this server's, so nothing changed.")
    _, today = await server_today(db, guild_id, now)
    removed = await queries.remove(
        guild_id, group.id, now=epoch_ms(now), cancel_from=today.isoformat()
    )
    if removed is None:
        return f"The group {_quoted(group.name)} was already removed; nothing changed."
    group, cancelled = removed
    cancelled_text = (
        f"Cancelled its {_workouts(cancelled)}."
        if cancelled
        else "It had no scheduled workouts to cancel."
    )
    return (
        f"Removed the group {_quoted(group.name)}. {cancelled_text} Past workouts and splits "
        "keep its name."
    )


async def group_choices(db: Database, guild_id: int, typed: str) -> list[str]:
    """The server's groups for the ``name`` autocomplete."""
    return matching_names(await GroupQueries(db).current(guild_id), typed[:100])


# ---------------------------------------------------------------- /config show
def group_line(group: TrainingGroup, existing_roles: Collection[int] | None) -> str:
    if group.role_id is None:
        role = "no role: no members"
    elif existing_roles is not None and group.role_id not in existing_roles:
        role = "role deleted: no members — re-add the group with a role"
    else:
        role = f"<@&{group.role_id}>"
    channel = f"<#{group.channel_id}>" if group.channel_id else "the workout channel"
    ping = "ping on" if group.ping else "ping off"
    return f"**{inline_text(group.name)}**: {role} · {channel} · {ping}"


def groups_field(
    groups: Sequence[TrainingGroup], existing_roles: Collection[int] | None = None
) -> Field | None:
    """The groups, one line each; ``existing_roles``: the ids of the roles the
    server has now (``None``: not known, every role taken as existing). No
    field without groups: a server that has none sees its settings as before."""
    if not groups:
        return None
    return Field("Training groups", "\n".join(group_line(g, existing_roles) for g in groups))
