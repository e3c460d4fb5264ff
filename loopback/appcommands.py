"""Turn a test's ``fake.slash(user, "pace convert", {"time": "37.47"})`` into the
exact ``data`` payload Discord would send, using the bot's *synced* command
definitions.

Going through the synced definitions (not the bot's Python objects) is the
point: if the bot never synced a command, changed an option's type, or made an
option required, the test sees what a Discord user would see.  Input the
Discord client would refuse (unknown option, missing required option, value
out of range, not one of the choices) raises ``DriverError`` immediately.

``OptionBuilder(..., unchecked=True)`` plays a *modified* client instead: it
still types each option from the synced definition, but skips every check the
official client makes (ranges, lengths, choices, required options, channel
types, which guild an entity belongs to, whether an id exists at all).
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .models import Attachment, Channel, Guild, Member, Role, User
from .permissions import ADMINISTRATOR, permission_names

if TYPE_CHECKING:
    from .world import World

SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = range(3, 12)
OPTION_TYPE_NAMES = {
    1: "SUB_COMMAND",
    2: "SUB_COMMAND_GROUP",
    3: "STRING",
    4: "INTEGER",
    5: "BOOLEAN",
    6: "USER",
    7: "CHANNEL",
    8: "ROLE",
    9: "MENTIONABLE",
    10: "NUMBER",
    11: "ATTACHMENT",
}
_MAX_SAFE_INT = 2**53
_MENTION = re.compile(r"^<(@[!&]?|#)(\d+)>$")


class DriverError(AssertionError):
    """The test asked for something a Discord user could not do."""


@dataclass(frozen=True)
class UnknownId:
    """An id a modified client sent that names no user, role or channel the fake
    knows: the option carries it, ``resolved`` has no entry for it."""

    id: int


def find_command(
    world: World, full_name: str, guild: Guild | None
) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """Look up ``"group sub"`` style names: guild commands first, then global.

    Returns the command, the chain of subcommand-group/subcommand options, and
    the leaf option definitions.
    """
    tokens = full_name.strip().lstrip("/").split()
    if not tokens:
        raise DriverError("empty command name")
    scopes: list[tuple[str, list[dict[str, Any]]]] = []
    if guild is not None:
        scopes.append((f"guild {guild.name!r}", world.commands(guild)))
    scopes.append(("global", world.commands(None)))
    command = None
    for _label, commands in scopes:
        command = next((c for c in commands if c["type"] == 1 and c["name"] == tokens[0]), None)
        if command is not None:
            break
    if command is None:
        known = sorted({c["name"] for _label, cmds in scopes for c in cmds if c["type"] == 1})
        where = " and ".join(label for label, _cmds in scopes)
        raise DriverError(
            f"/{tokens[0]} is not a synced slash command ({where}); synced: {known or 'none'}. "
            "Did the bot sync its command tree? (await fake.wait_for_commands())"
        )
    chain: list[dict[str, Any]] = []
    node = command
    for token in tokens[1:]:
        sub = next(
            (
                o
                for o in node.get("options") or []
                if o.get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP) and o.get("name") == token
            ),
            None,
        )
        if sub is None:
            subs = [
                o["name"]
                for o in node.get("options") or []
                if o.get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP)
            ]
            raise DriverError(f"/{full_name}: {token!r} is not a subcommand; available: {subs}")
        chain.append(sub)
        node = sub
    leaf = node.get("options") or []
    subs = [o["name"] for o in leaf if o.get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP)]
    if subs:
        raise DriverError(f"/{full_name} needs a subcommand: one of {subs}")
    return command, chain, leaf


def check_can_use(
    world: World,
    command: dict[str, Any],
    full_name: str,
    user: User,
    channel: Channel,
    guild: Guild | None,
) -> None:
    """Refuse commands the Discord client would not offer to this user here."""
    contexts = command.get("contexts")
    if guild is None:
        if command.get("guild_id"):
            raise DriverError(f"/{full_name} is a guild command; it does not exist in DMs")
        allowed = (
            (1 in contexts) if contexts is not None else command.get("dm_permission") is not False
        )
        if not allowed:
            raise DriverError(f"/{full_name} is not available in DMs (contexts={contexts})")
        return
    if contexts is not None and 0 not in contexts:
        raise DriverError(f"/{full_name} is not available in guilds (contexts={contexts})")
    member = guild.member(user)
    assert member is not None
    needed = command.get("default_member_permissions")
    if needed is not None and command["name"] in guild.command_overrides:
        needed = None  # a server admin let everyone use it (Integrations settings)
    if needed is not None:
        needed = int(needed)
        have = world.guild_permissions(member)
        ok = bool(have & ADMINISTRATOR) or (needed != 0 and have & needed == needed)
        if not ok:
            names = permission_names(needed) or ["ADMINISTRATOR (default_member_permissions=0)"]
            raise DriverError(
                f"{user.name} cannot see /{full_name}: it requires {', '.join(names)}"
            )


class OptionBuilder:
    """Builds option values and the ``resolved`` map for one interaction.

    ``unchecked=True``: a modified client; values are typed but not checked.
    """

    def __init__(
        self,
        world: World,
        guild: Guild | None,
        channel: Channel,
        invoker: User,
        *,
        unchecked: bool = False,
    ) -> None:
        self.world = world
        self.guild = guild
        self.channel = channel
        self.invoker = invoker
        self.unchecked = unchecked
        self.resolved: dict[str, dict[str, Any]] = {
            "users": {},
            "members": {},
            "roles": {},
            "channels": {},
            "attachments": {},
        }

    def resolved_payload(self) -> dict[str, Any]:
        return {k: v for k, v in self.resolved.items() if v}

    def command_data(
        self,
        command: dict[str, Any],
        chain: list[dict[str, Any]],
        leaf: list[dict[str, Any]],
        values: Mapping[str, Any],
        full_name: str,
        *,
        focused: str | None = None,
    ) -> dict[str, Any]:
        defs = {d["name"]: d for d in leaf}
        unknown = [name for name in values if name not in defs]
        if unknown:
            described = {n: OPTION_TYPE_NAMES.get(d.get("type"), "?") for n, d in defs.items()}
            raise DriverError(f"/{full_name} has no option {unknown}; options: {described}")
        if focused is not None:
            if focused not in defs:
                raise DriverError(f"/{full_name} has no option {focused!r} to focus")
            if not defs[focused].get("autocomplete") and not self.unchecked:
                raise DriverError(f"/{full_name} option {focused!r} has no autocomplete")
        options: list[dict[str, Any]] = []
        for definition in leaf:
            name = definition["name"]
            if name not in values:
                if definition.get("required") and focused is None and not self.unchecked:
                    raise DriverError(f"/{full_name}: required option {name!r} is missing")
                continue
            raw = values[name]
            entry: dict[str, Any] = {"name": name, "type": definition["type"]}
            if name == focused:
                entry.update(value=str(raw), focused=True)
            else:
                entry["value"] = self.convert(definition, raw, full_name)
            options.append(entry)
        for sub in reversed(chain):
            options = [{"name": sub["name"], "type": sub["type"], "options": options}]
        data: dict[str, Any] = {
            "id": command["id"],
            "name": command["name"],
            "type": 1,
            "options": options,
        }
        if command.get("guild_id"):
            data["guild_id"] = command["guild_id"]
        resolved = self.resolved_payload()
        if resolved:
            data["resolved"] = resolved
        return data

    # -------------------------------------------------------------- values
    def convert(self, definition: dict[str, Any], raw: Any, full_name: str) -> Any:
        otype = definition["type"]
        name = definition["name"]
        label = f"/{full_name} option {name!r} ({OPTION_TYPE_NAMES.get(otype)})"
        if otype in (STRING, INTEGER, NUMBER) and definition.get("choices") and not self.unchecked:
            return self._choice(definition, raw, label)
        if otype == STRING:
            value: Any = raw if isinstance(raw, str) else str(raw)
            if self.unchecked:
                return value
            low, high = definition.get("min_length"), definition.get("max_length")
            if low is not None and len(value) < low:
                raise DriverError(f"{label}: shorter than min_length {low}")
            if high is not None and len(value) > high:
                raise DriverError(f"{label}: longer than max_length {high}")
            return value
        if otype == INTEGER:
            value = _to_int(raw, label, limited=not self.unchecked)
            if not self.unchecked:
                self._range(definition, value, label)
            return value
        if otype == NUMBER:
            value = _to_float(raw, label)
            if not self.unchecked:
                self._range(definition, value, label)
            return value
        if otype == BOOLEAN:
            if isinstance(raw, bool):
                return raw
            if isinstance(raw, str) and raw.lower() in ("true", "false"):
                return raw.lower() == "true"
            raise DriverError(f"{label}: {raw!r} is not a boolean")
        if otype == USER:
            return self.entity_value(raw, label, users=True)
        if otype == ROLE:
            return self.entity_value(raw, label, roles=True)
        if otype == MENTIONABLE:
            return self.entity_value(raw, label, users=True, roles=True)
        if otype == CHANNEL:
            channel = self._entity(raw, label, channels=True)
            allowed = definition.get("channel_types")
            wrong_type = isinstance(channel, Channel) and allowed and channel.type not in allowed
            if wrong_type and not self.unchecked:
                raise DriverError(f"{label}: channel type {channel.type} not in {allowed}")
            return self._add_entity(channel)
        if otype == ATTACHMENT:
            if self.unchecked and not isinstance(raw, Attachment | tuple):
                ident = _snowflake_of(raw)
                if ident is None:
                    raise DriverError(f"{label}: pass (filename, bytes), an Attachment or an id")
                known = self.world._attachments.get(ident)
                return str(self.add_attachment(known, label).id if known else ident)
            return str(self.add_attachment(raw, label).id)
        raise DriverError(f"{label}: unsupported option type")

    def entity_value(
        self,
        raw: Any,
        label: str,
        *,
        users: bool = False,
        roles: bool = False,
        channels: bool = False,
    ) -> str:
        """The id string an entity option (or entity select) carries; the entity
        goes into ``resolved`` (nothing for an :class:`UnknownId`)."""
        entity = self._entity(raw, label, users=users, roles=roles, channels=channels)
        return self._add_entity(entity)

    def _add_entity(self, entity: User | Role | Channel | UnknownId) -> str:
        if isinstance(entity, UnknownId):
            return str(entity.id)
        if isinstance(entity, Role):
            return str(self.add_role(entity).id)
        if isinstance(entity, Channel):
            return str(self.add_channel(entity).id)
        return str(self.add_user(entity).id)

    def _choice(self, definition: dict[str, Any], raw: Any, label: str) -> Any:
        """Accept a choice by its value (typed or as text) or by its display name."""
        choices = definition["choices"]
        for choice in choices:
            value = choice.get("value")
            if value == raw or (not isinstance(raw, bool) and str(value) == str(raw)):
                return value
        for choice in choices:
            if choice.get("name") == raw:
                return choice["value"]
        options = [f"{c.get('name')}={c.get('value')!r}" for c in choices]
        raise DriverError(f"{label}: {raw!r} is not one of the choices {options}")

    def _range(self, definition: dict[str, Any], value: float, label: str) -> None:
        low, high = definition.get("min_value"), definition.get("max_value")
        if low is not None and value < low:
            raise DriverError(f"{label}: {value} is below min_value {low}")
        if high is not None and value > high:
            raise DriverError(f"{label}: {value} is above max_value {high}")

    def _entity(
        self,
        raw: Any,
        label: str,
        *,
        users: bool = False,
        roles: bool = False,
        channels: bool = False,
    ) -> Any:
        if isinstance(raw, Member):
            raw = raw.user
        if users and isinstance(raw, User):
            return raw
        if roles and isinstance(raw, Role):
            return raw
        if channels and isinstance(raw, Channel):
            return raw
        ident = _snowflake_of(raw)
        if ident is not None:
            if users and ident in self.world.users:
                return self.world.users[ident]
            if roles and self.guild is not None and ident in self.guild.roles:
                return self.guild.roles[ident]
            if channels and ident in self.world.channels:
                return self.world.channels[ident]
            if self.unchecked:
                if roles:
                    for guild in self.world.guilds.values():
                        if ident in guild.roles:
                            return guild.roles[ident]
                return UnknownId(ident)
        raise DriverError(f"{label}: cannot resolve {raw!r}")

    def add_user(self, user: User) -> User:
        self.resolved["users"][str(user.id)] = user.payload()
        member = self.guild.member(user) if self.guild else None
        if member is not None:
            self.resolved["members"][str(user.id)] = self.world.member_payload(
                member, with_user=False, channel=self.channel
            )
        return user

    def add_role(self, role: Role) -> Role:
        if (self.guild is None or role.guild_id != self.guild.id) and not self.unchecked:
            raise DriverError(f"role {role.name!r} is not in this guild")
        # Discord's role object has no guild field: a role of another guild
        # looks like any role; only its id, absent from the guild, tells.
        self.resolved["roles"][str(role.id)] = role.payload()
        return role

    def add_channel(self, channel: Channel) -> Channel:
        entry = {
            "id": str(channel.id),
            "name": channel.name,
            "type": channel.type,
            "permissions": str(self.world.permissions_for(self.invoker, channel)),
            "parent_id": str(channel.parent_id) if channel.parent_id else None,
            "topic": channel.topic,
            "nsfw": False,
            "flags": 0,
        }
        if channel.guild_id is not None:
            entry["guild_id"] = str(channel.guild_id)
        self.resolved["channels"][str(channel.id)] = entry
        return channel

    def add_attachment(self, raw: Any, label: str) -> Attachment:
        if isinstance(raw, Attachment):
            att = raw
        elif (
            isinstance(raw, tuple)
            and len(raw) == 2
            and isinstance(raw[0], str)
            and isinstance(raw[1], bytes | bytearray)
        ):
            att = Attachment(
                self.world._snowflake(),
                raw[0],
                bytes(raw[1]),
                content_type=mimetypes.guess_type(raw[0])[0],
                channel_id=self.channel.id,
                ephemeral=True,
            )
        else:
            raise DriverError(f"{label}: pass (filename, bytes) or an Attachment, not {raw!r}")
        self.world._attachments[att.id] = att
        self.resolved["attachments"][str(att.id)] = att.payload(self.world.cdn_base)
        return att


def _snowflake_of(raw: Any) -> int | None:
    """An id from an int, ``"123"`` or a ``<@123>`` / ``<@&123>`` / ``<#123>`` mention."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if isinstance(raw, str):
        match = _MENTION.match(raw.strip())
        if match:
            return int(match.group(2))
        if raw.strip().isdigit():
            return int(raw.strip())
    return None


def _to_int(raw: Any, label: str, *, limited: bool = True) -> int:
    if isinstance(raw, bool):
        raise DriverError(f"{label}: {raw!r} is not an integer")
    if isinstance(raw, int):
        value = raw
    elif (isinstance(raw, str) and re.fullmatch(r"\s*-?\d+\s*", raw)) or (
        isinstance(raw, float) and raw.is_integer()
    ):
        value = int(raw)
    else:
        raise DriverError(f"{label}: {raw!r} is not an integer")
    if limited and abs(value) > _MAX_SAFE_INT:
        raise DriverError(f"{label}: {value} is outside Discord's integer range")
    return value


def _to_float(raw: Any, label: str) -> float | int:
    if isinstance(raw, bool):
        raise DriverError(f"{label}: {raw!r} is not a number")
    if isinstance(raw, int | float):
        return raw
    try:
        return float(raw) if "." in str(raw) or "e" in str(raw).lower() else int(raw)
    except (TypeError, ValueError):
        raise DriverError(f"{label}: {raw!r} is not a number") from None
