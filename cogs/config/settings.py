"""The ``/config`` use cases: a server's posting channel, post time, timezone
and coach role (Manage Server only), and the overview ``/config show`` gives
(training groups are :mod:`cogs.config.groups`)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from bot.clock import epoch_ms
from bot.context import server_today
from bot.domain.dates import canonical_timezone, local_today, parse_post_time, timezone_names
from bot.domain.errors import InputError
from bot.permissions import Actor
from bot.replies import Answer, Field, inline_text
from cogs.config.groups import groups_field
from cogs.config.seen import CHANNEL_EXAMPLE as CHANNEL_EXAMPLE  # where callers found it
from cogs.config.seen import ChannelSeen as ChannelSeen
from cogs.config.seen import check_channel
from cogs.wod.rendering import long_date
from db.base import Database
from db.groups import GroupQueries
from db.guild_settings import GuildSettings, GuildSettingsQueries
from db.workouts import WorkoutQueries


async def _update(db: Database, admin: Actor, now: datetime, **values: object) -> GuildSettings:
    guild_id = admin.server()
    admin.require_manage_guild()
    return await GuildSettingsQueries(db).update(guild_id, now=epoch_ms(now), **values)


async def set_channel(db: Database, admin: Actor, channel: ChannelSeen, *, now: datetime) -> str:
    admin.require_manage_guild()
    check_channel(channel)
    await _update(db, admin, now, channel_id=channel.id)
    return f"Workouts will be posted in <#{channel.id}>."


async def set_post_time(db: Database, admin: Actor, text: str, *, now: datetime) -> str:
    admin.require_manage_guild()
    at = parse_post_time(text)
    settings = await _update(db, admin, now, post_time=f"{at:%H:%M}")
    return f"Scheduled workouts will be posted at {settings.post_time} ({settings.timezone})."


async def set_timezone(db: Database, admin: Actor, text: str, *, now: datetime) -> str:
    admin.require_manage_guild()
    name = canonical_timezone(text)
    if name is None:
        raise InputError(
            f"I don't know the timezone {inline_text(text[:40])}; "
            "pick one of the suggestions (IANA names such as Europe/Berlin).",
            "`/config timezone timezone:Europe/Berlin`",
        )
    settings = await _update(db, admin, now, timezone=name)
    today = local_today(now, name)
    return (
        f"Timezone set to {name} (today there is {long_date(today)}); workouts post at "
        f"{settings.post_time} local time."
    )


def timezone_choices(current: str, limit: int = 25) -> list[str]:
    """Time zones for the autocomplete: names starting with what was typed, then containing it."""
    needle = current.strip().lower().replace(" ", "_")
    names = timezone_names()
    starts = [n for n in names if n.lower().startswith(needle)]
    contains = [n for n in names if needle in n.lower() and n not in starts]
    return (starts + contains)[:limit]


async def set_coach_role(
    db: Database, admin: Actor, role_id: int, *, in_this_server: bool, now: datetime
) -> str:
    admin.require_manage_guild()
    if not in_this_server:
        raise InputError(
            "That role isn't in this server; pick one of this server's roles.",
            "`/config coach-role role:@Coach`",
        )
    await _update(db, admin, now, coach_role_id=role_id)
    return (
        f"Members with <@&{role_id}> can now post and manage workouts "
        "(as can anyone with Manage Server)."
    )


async def overview(
    db: Database,
    admin: Actor,
    *,
    now: datetime,
    served_by: str | None = None,
    existing_roles: Collection[int] | None = None,
) -> Answer:
    """The server's settings, its training groups and its failed posts;
    ``existing_roles``: the ids of the roles the server has now, so a group
    whose role was deleted says so (``None``: not known)."""
    guild_id = admin.server()
    admin.require_manage_guild()
    settings, today = await server_today(db, guild_id, now)
    failures = [
        f"{long_date(w.local_date)}: {w.post_error}"
        for w in await WorkoutQueries(db).failed(guild_id, since=today)
    ]
    groups = groups_field(await GroupQueries(db).current(guild_id), existing_roles)
    return settings_answer(settings, failures, served_by, groups)


def settings_answer(
    settings: GuildSettings,
    failures: list[str],
    served_by: str | None = None,
    groups: Field | None = None,
) -> Answer:
    fields = [
        Field(
            "Workout channel",
            f"<#{settings.channel_id}>"
            if settings.channel_id
            else "not set: the channel where /wod post is used",
        ),
        Field("Post time", settings.post_time, inline=True),
        Field("Timezone", settings.timezone, inline=True),
        Field(
            "Coach role",
            f"<@&{settings.coach_role_id}>"
            if settings.coach_role_id
            else "not set: members with Manage Server",
        ),
    ]
    if groups is not None:
        fields.append(groups)
    if failures:
        fields.append(Field("⚠️ Posts that failed", "\n".join(failures)))
    if served_by is not None:
        fields.append(Field("Served by", served_by))
    return Answer(
        kind="Settings",
        headline="Trackside settings",
        title="Trackside settings",
        body="",
        fields=tuple(fields),
        file_name="settings.txt",
    )
