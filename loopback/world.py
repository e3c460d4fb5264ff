"""The fake's state: users, guilds, channels, messages, commands, interactions.

``World`` knows nothing about HTTP or websockets.  It owns the data, computes
permissions, renders Discord JSON payloads, and calls ``_dispatch`` whenever
Discord would push a gateway event; ``FakeDiscord`` wires ``_dispatch`` to the
gateway.  Keeping it network-free lets world building be synchronous and
usable before or after the bot connects.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from .limits import CREATABLE_MESSAGE_FLAGS, EPHEMERAL, LOADING
from .models import (
    DM,
    GUILD_TEXT,
    Attachment,
    Channel,
    Guild,
    InteractionRecord,
    Member,
    Message,
    Overwrite,
    Role,
    SnowflakeGenerator,
    User,
    Violation,
    iso,
    now,
)
from .permissions import (
    ADMINISTRATOR,
    ALL_PERMISSIONS,
    DEFAULT_EVERYONE,
    DM_PERMISSIONS,
    apply_overwrites,
)

# Gateway intents (https://discord.com/developers/docs/events/gateway#gateway-intents).
INTENT_GUILDS = 1 << 0
INTENT_GUILD_MEMBERS = 1 << 1
INTENT_GUILD_PRESENCES = 1 << 8
INTENT_GUILD_MESSAGES = 1 << 9
INTENT_GUILD_MESSAGE_REACTIONS = 1 << 10
INTENT_DIRECT_MESSAGES = 1 << 12
INTENT_DIRECT_MESSAGE_REACTIONS = 1 << 13
INTENT_MESSAGE_CONTENT = 1 << 15
PRIVILEGED_INTENTS = INTENT_GUILD_MEMBERS | INTENT_GUILD_PRESENCES | INTENT_MESSAGE_CONTENT

_USER_MENTION = re.compile(r"<@!?(\d+)>")
_ROLE_MENTION = re.compile(r"<@&(\d+)>")

Target = User | Member | Role | Guild


class World:
    """All state of the fake Discord plus the synchronous world-building API."""

    def __init__(self, token: str, bot_name: str) -> None:
        self.token = token
        self._ids = SnowflakeGenerator()
        self.users: dict[int, User] = {}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self._messages: dict[int, Message] = {}
        self._attachments: dict[int, Attachment] = {}
        self._dms: dict[int, Channel] = {}
        self.interactions: list[InteractionRecord] = []
        self._interactions_by_token: dict[str, InteractionRecord] = {}
        # Every message payload looks up its interaction; a dict keeps that
        # O(1) so a run with thousands of interactions does not slow down.
        self._interactions_by_id: dict[int, InteractionRecord] = {}
        self._commands: dict[int | None, dict[int, dict[str, Any]]] = {None: {}}
        self._synced_scopes: set[int | None] = set()
        self.violations: list[Violation] = []
        #: Message nonces by (channel id, nonce): a create with ``enforce_nonce``
        #: that repeats one within a few minutes returns the first message.
        self.nonces: dict[tuple[int, str], tuple[Message, float]] = {}
        #: How many creates were answered with an earlier message by nonce.
        self.nonce_hits = 0
        self.unknown_routes: list[str] = []
        self.transcript: list[str] = []
        #: Seconds the bot has to acknowledge an interaction (Discord: 3 s).
        self.ack_deadline = 3.0
        #: Privileged intents enabled "in the developer portal"; others close with 4014.
        self.enabled_privileged_intents = PRIVILEGED_INTENTS
        #: Shards the bot must run (``GET /gateway/bot``'s ``shards``).  Set it
        #: before the bot connects; with more than 1 an unsharded IDENTIFY
        #: closes with 4011 and one for another count with 4010.
        self.shard_count = 1
        #: ``session_start_limit.max_concurrency``: IDENTIFY buckets
        #: (``shard_id % max_concurrency``), each allowed one IDENTIFY per
        #: ``identify_interval`` seconds.
        self.max_concurrency = 1
        #: Discord's 5 s per bucket; a test may lower it along with its bot's pacing.
        self.identify_interval = 5.0
        #: Answer an IDENTIFY that comes too soon for its bucket with op 9
        #: Invalid Session (and an ``identify_rate_limited`` violation), as
        #: Discord does; off by default (``gateway.identify_log`` records them).
        self.enforce_identify_concurrency = False
        self.application_id = self._ids.next()
        self.bot_user = User(self.application_id, bot_name, bot=True)
        self.users[self.bot_user.id] = self.bot_user
        self.app_owner = self.create_user("App Owner")
        self.cdn_base = "http://127.0.0.1"
        self._message_waiters: list[tuple[int, Callable[[Message], bool], int, asyncio.Future]] = []
        self._violation_waiters: list[tuple[Callable[[Violation], bool], asyncio.Future]] = []
        self._command_waiters: list[tuple[int | None, asyncio.Future]] = []

    # ------------------------------------------------------------------ hooks
    def _dispatch(
        self,
        event: str,
        data: dict[str, Any] | Callable[[int], dict[str, Any]],
        intent: int | None = None,
        *,
        guild_id: int | None = None,
    ) -> None:
        """Push a gateway event to the sessions of ``guild_id``'s shard (shard 0
        without a guild); ``data`` may be a function of the receiving session's
        intents.  Overridden by FakeDiscord."""

    def _gateway_intents(self, guild_id: int | None = None) -> int:
        return 0

    def _snowflake(self) -> int:
        return self._ids.next()

    # ---------------------------------------------------------------- shards
    def shard_of(self, guild: Guild | int | None) -> int:
        """The shard whose session gets ``guild``'s events: ``(guild_id >> 22) %
        shard_count``, as Discord routes them; 0 for no guild (DMs)."""
        if guild is None:
            return 0
        gid = guild.id if isinstance(guild, Guild) else int(guild)
        return (gid >> 22) % self.shard_count

    # ---------------------------------------------------------- world building
    def create_user(self, name: str, *, bot: bool = False, dms_open: bool = True) -> User:
        """A user who is not (yet) in any guild.  ``dms_open=False`` makes the bot's
        DMs to them fail with 50007, as for users who disabled server DMs."""
        user = User(self._snowflake(), name, bot=bot, dms_open=dms_open)
        self.users[user.id] = user
        return user

    def create_guild(
        self,
        name: str,
        *,
        owner: User | None = None,
        everyone_permissions: int = DEFAULT_EVERYONE,
        bot_permissions: int | None = None,
        locale: str = "en-US",
        shard: int | None = None,
    ) -> Guild:
        """A guild with an @everyone role, an owner and the bot as a member.

        ``bot_permissions`` gives the bot a managed role with those permissions
        (what the invite link's permission integer does); by default the bot
        only has @everyone's permissions.  ``shard`` picks an id whose
        ``(id >> 22) % shard_count`` is that shard (default: the next id,
        whichever shard it falls on).
        """
        if shard is None:
            gid = self._snowflake()
        else:
            if not 0 <= shard < self.shard_count:
                raise ValueError(
                    f"shard {shard} outside 0..{self.shard_count - 1} "
                    f"(fake.shard_count={self.shard_count})"
                )
            gid = self._ids.next_on_shard(shard, self.shard_count)
        owner = owner or self.create_user(f"{name} Owner")
        guild = Guild(gid, name, owner.id, locale=locale)
        guild.roles[gid] = Role(gid, gid, "@everyone", everyone_permissions, position=0)
        self.guilds[gid] = guild
        guild.members[owner.id] = Member(owner, gid)
        bot_member = Member(self.bot_user, gid)
        if bot_permissions is not None:
            role = Role(
                self._snowflake(),
                gid,
                self.bot_user.name,
                bot_permissions,
                position=1,
                managed=True,
            )
            guild.roles[role.id] = role
            bot_member.roles.append(role.id)
        guild.members[self.bot_user.id] = bot_member
        self._dispatch(
            "GUILD_CREATE",
            lambda intents: self.guild_payload(guild, intents),
            INTENT_GUILDS,
            guild_id=gid,
        )
        return guild

    def create_channel(
        self,
        guild: Guild,
        name: str,
        *,
        type: int = GUILD_TEXT,
        category: Channel | None = None,
        topic: str | None = None,
        overwrites: Mapping[Target, tuple[int, int]] | None = None,
    ) -> Channel:
        """A guild channel.  ``overwrites`` maps a role/member/user/guild (= @everyone)
        to ``(allow, deny)`` bit masks."""
        channel = Channel(
            self._snowflake(),
            type,
            name,
            guild_id=guild.id,
            position=len(guild.channels),
            parent_id=category.id if category else None,
            topic=topic,
        )
        for target, (allow, deny) in (overwrites or {}).items():
            ow = self._overwrite_for(target, guild)
            ow.allow, ow.deny = allow, deny
            channel.overwrites[ow.id] = ow
        guild.channels.append(channel)
        self.channels[channel.id] = channel
        self._dispatch("CHANNEL_CREATE", channel.payload(), INTENT_GUILDS, guild_id=guild.id)
        return channel

    def create_role(
        self,
        guild: Guild,
        name: str,
        *,
        permissions: int = 0,
        color: int = 0,
        mentionable: bool = False,
        hoist: bool = False,
    ) -> Role:
        role = Role(
            self._snowflake(),
            guild.id,
            name,
            permissions,
            position=len(guild.roles),
            color=color,
            mentionable=mentionable,
            hoist=hoist,
        )
        guild.roles[role.id] = role
        self._dispatch(
            "GUILD_ROLE_CREATE",
            {"guild_id": str(guild.id), "role": role.payload()},
            INTENT_GUILDS,
            guild_id=guild.id,
        )
        return role

    def delete_role(self, role: Role) -> None:
        """An admin deletes ``role``: its members lose it and channel
        overwrites naming it go with it; the one event sent is
        GUILD_ROLE_DELETE (clients such as discord.py drop a deleted role
        from what they cache themselves). @everyone cannot be deleted."""
        guild = self.guilds[role.guild_id]
        if role.id == guild.id:
            raise ValueError("@everyone cannot be deleted")
        if guild.roles.pop(role.id, None) is None:
            raise ValueError(f"role {role.id} is not in {guild.name!r}")
        for member in guild.members.values():
            if role.id in member.roles:
                member.roles.remove(role.id)
        for channel in guild.channels:
            channel.overwrites.pop(role.id, None)
        self._dispatch(
            "GUILD_ROLE_DELETE",
            {"guild_id": str(guild.id), "role_id": str(role.id)},
            INTENT_GUILDS,
            guild_id=guild.id,
        )

    def create_member(
        self,
        guild: Guild,
        user: User | str,
        *,
        roles: Iterable[Role] = (),
        permissions: int | None = None,
        nick: str | None = None,
    ) -> Member:
        """Add a user (or a new user with this name) to ``guild``.

        ``permissions`` is a shortcut that creates a dedicated role with those
        bits, e.g. ``permissions=MANAGE_GUILD`` for a coach/admin.
        """
        if isinstance(user, str):
            user = self.create_user(user)
        member = Member(user, guild.id, [r.id for r in roles], nick=nick)
        if permissions is not None:
            role = self.create_role(guild, f"{user.name} permissions", permissions=permissions)
            member.roles.append(role.id)
        guild.members[user.id] = member
        self._dispatch(
            "GUILD_MEMBER_ADD",
            {**member.payload(), "guild_id": str(guild.id)},
            INTENT_GUILD_MEMBERS,
            guild_id=guild.id,
        )
        return member

    def remove_member(self, member: Member) -> None:
        """The member leaves the guild (GUILD_MEMBER_REMOVE); the user remains,
        as on Discord, and can still be named in a user option."""
        guild = self.guilds[member.guild_id]
        guild.members.pop(member.id, None)
        self._dispatch(
            "GUILD_MEMBER_REMOVE",
            {"guild_id": str(guild.id), "user": member.user.payload()},
            INTENT_GUILD_MEMBERS,
            guild_id=guild.id,
        )

    def allow_command_for_everyone(self, guild: Guild, command_name: str) -> None:
        """What a server admin does in Server Settings → Integrations: let
        every member use a command despite its default_member_permissions.
        The bot's own checks are then the only guard, as in production."""
        guild.command_overrides.add(command_name)

    def add_role(self, member: Member, role: Role) -> None:
        if role.id not in member.roles:
            member.roles.append(role.id)
            self._member_updated(member)

    def remove_role(self, member: Member, role: Role) -> None:
        if role.id in member.roles:
            member.roles.remove(role.id)
            self._member_updated(member)

    def _member_updated(self, member: Member) -> None:
        self._dispatch(
            "GUILD_MEMBER_UPDATE",
            {**member.payload(), "guild_id": str(member.guild_id)},
            INTENT_GUILD_MEMBERS,
            guild_id=member.guild_id,
        )

    def set_overwrite(
        self, channel: Channel, target: Target, *, allow: int = 0, deny: int = 0
    ) -> None:
        """Set a channel permission overwrite, e.g. deny the bot SEND_MESSAGES:
        ``fake.set_overwrite(ch, fake.bot_user, deny=SEND_MESSAGES)``."""
        guild = self._guild_of(channel)
        ow = self._overwrite_for(target, guild)
        ow.allow, ow.deny = allow, deny
        channel.overwrites[ow.id] = ow
        self._dispatch("CHANNEL_UPDATE", channel.payload(), INTENT_GUILDS, guild_id=guild.id)

    def _overwrite_for(self, target: Target, guild: Guild) -> Overwrite:
        if isinstance(target, Guild):
            return Overwrite(target.id, 0)
        if isinstance(target, Role):
            return Overwrite(target.id, 0)
        return Overwrite(target.id, 1)

    def dm_channel(self, user: User | Member) -> Channel:
        """The DM channel between ``user`` and the bot (created on first use)."""
        user = user.user if isinstance(user, Member) else user
        channel = self._dms.get(user.id)
        if channel is None:
            channel = Channel(self._snowflake(), DM, None, recipients=[user])
            self._dms[user.id] = channel
            self.channels[channel.id] = channel
        return channel

    def _guild_of(self, channel: Channel) -> Guild:
        if channel.guild_id is None:
            raise ValueError(f"channel {channel.id} is a DM, not a guild channel")
        return self.guilds[channel.guild_id]

    # ------------------------------------------------------------ permissions
    def guild_permissions(self, member: Member) -> int:
        """Guild-level permissions (owner and Administrator get everything)."""
        guild = self.guilds[member.guild_id]
        if member.id == guild.owner_id:
            return ALL_PERMISSIONS
        value = guild.everyone.permissions
        for role_id in member.roles:
            role = guild.roles.get(role_id)
            if role is not None:
                value |= role.permissions
        return ALL_PERMISSIONS if value & ADMINISTRATOR else value

    def permissions_for(self, user: User | Member, channel: Channel) -> int:
        """Effective permissions of ``user`` in ``channel`` (0 if not a member)."""
        if channel.is_dm:
            uid = user.id
            return (
                DM_PERMISSIONS if uid == self.bot_user.id or channel.recipients[0].id == uid else 0
            )
        guild = self._guild_of(channel)
        member = guild.member(user)
        if member is None:
            return 0
        base = self.guild_permissions(member)
        if base & ADMINISTRATOR:
            return ALL_PERMISSIONS
        overwrites = channel.overwrites
        everyone = overwrites.get(guild.id)
        member_ow = overwrites.get(member.id)
        roles = [
            (ow.allow, ow.deny)
            for rid, ow in overwrites.items()
            if ow.type == 0 and rid in member.roles
        ]
        return apply_overwrites(
            base,
            everyone=(everyone.allow, everyone.deny) if everyone else None,
            roles=roles,
            member=(member_ow.allow, member_ow.deny) if member_ow and member_ow.type == 1 else None,
        )

    # ------------------------------------------------------------- inspection
    def messages(self, channel: Channel) -> list[Message]:
        """Messages visible in ``channel`` (oldest first): bot- and user-sent,
        without ephemeral or deleted ones."""
        return [
            m
            for m in self._messages.values()
            if m.channel_id == channel.id and not m.ephemeral and not m.deleted
        ]

    def get_message(self, message_id: int) -> Message | None:
        return self._messages.get(message_id)

    def commands(self, guild: Guild | int | None = None) -> list[dict[str, Any]]:
        """The synced application commands of a scope (global when ``guild`` is None)."""
        scope = guild.id if isinstance(guild, Guild) else guild
        return list(self._commands.get(scope, {}).values())

    # ------------------------------------------------------------- violations
    def _violate(
        self, kind: str, message: str, interaction: InteractionRecord | None = None
    ) -> None:
        violation = Violation(kind, message, interaction.id if interaction else None)
        self.violations.append(violation)
        self.transcript.append(f"!! {violation}")
        for predicate, future in list(self._violation_waiters):
            if not future.done() and predicate(violation):
                future.set_result(violation)

    # ---------------------------------------------------------------- payloads
    def member_payload(
        self, member: Member, *, with_user: bool = True, channel: Channel | None = None
    ) -> dict[str, Any]:
        perms = self.permissions_for(member, channel) if channel is not None else None
        return member.payload(with_user=with_user, permissions=perms)

    def guild_payload(self, guild: Guild, intents: int | None = None) -> dict[str, Any]:
        """GUILD_CREATE payload as seen with ``intents`` (default: those of the
        current gateway session of the guild's shard)."""
        if intents is None:
            intents = self._gateway_intents(guild.id)
        bot_member = guild.members[self.bot_user.id]
        members = list(guild.members.values()) if intents & INTENT_GUILD_MEMBERS else [bot_member]
        return {
            "id": str(guild.id),
            "name": guild.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(guild.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "premium_progress_bar_enabled": False,
            "preferred_locale": guild.locale,
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "vanity_url_code": None,
            "application_id": None,
            "features": [],
            "roles": [r.payload() for r in guild.roles.values()],
            "emojis": [],
            "stickers": [],
            "joined_at": iso(bot_member.joined_at),
            "large": False,
            "unavailable": False,
            "member_count": len(guild.members),
            "members": [m.payload() for m in members],
            "channels": [c.payload() for c in guild.channels],
            "threads": [],
            "presences": [],
            "voice_states": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }

    def message_payload(self, msg: Message, *, gateway: bool = False) -> dict[str, Any]:
        guild = self.guilds.get(msg.guild_id) if msg.guild_id else None
        mentions = []
        for uid in msg.mentions:
            user = self.users[uid]
            entry = user.payload()
            member = guild.member(user) if guild else None
            if gateway and member is not None:
                entry["member"] = member.payload(with_user=False)
            mentions.append(entry)
        data: dict[str, Any] = {
            "id": str(msg.id),
            "channel_id": str(msg.channel_id),
            "author": msg.author.payload(),
            "content": msg.content,
            "timestamp": iso(msg.timestamp),
            "edited_timestamp": iso(msg.edited_timestamp) if msg.edited_timestamp else None,
            "tts": msg.tts,
            "mention_everyone": False,
            "mentions": mentions,
            "mention_roles": [str(r) for r in msg.mention_roles],
            "attachments": [a.payload(self.cdn_base) for a in msg.attachments],
            "embeds": msg.embeds,
            "components": msg.components,
            "reactions": [
                {
                    "emoji": {"id": None, "name": emoji},
                    "count": len(users),
                    "count_details": {"burst": 0, "normal": len(users)},
                    "me": self.bot_user.id in users,
                    "me_burst": False,
                    "burst_colors": [],
                }
                for emoji, users in msg.reactions.items()
                if users
            ],
            "pinned": False,
            "type": msg.type,
            "flags": msg.flags,
        }
        if guild is not None:
            data["guild_id"] = str(guild.id)
            member = guild.member(msg.author)
            if gateway and member is not None:
                data["member"] = member.payload(with_user=False)
        itx = self._interaction_for_message(msg)
        if itx is not None:
            data["webhook_id"] = str(self.application_id)
            data["application_id"] = str(self.application_id)
            owners = {"0": str(itx.guild.id) if itx.guild else "0"}
            data["interaction_metadata"] = {
                "id": str(itx.id),
                "type": itx.type,
                "name": itx.name,
                "user": itx.user.payload(),
                "authorizing_integration_owners": owners,
            }
            data["interaction"] = {
                "id": str(itx.id),
                "type": itx.type,
                "name": itx.name,
                "user": itx.user.payload(),
            }
        if msg.message_reference:
            data["message_reference"] = msg.message_reference
            ref_id = int(msg.message_reference.get("message_id", 0) or 0)
            ref = self._messages.get(ref_id)
            if ref is not None and not ref.deleted:
                data["referenced_message"] = self.message_payload(ref)
            else:
                data["referenced_message"] = None
        return data

    def _interaction_for_message(self, msg: Message) -> InteractionRecord | None:
        if msg.interaction_id is None:
            return None
        return self._interactions_by_id.get(msg.interaction_id)

    def _gated_message_payload(self, msg: Message, intents: int | None = None) -> dict[str, Any]:
        """MESSAGE_CREATE/UPDATE payload; without the MESSAGE_CONTENT intent Discord
        blanks content, embeds, attachments and components except in DMs, when
        the bot is mentioned, or for the bot's own messages."""
        data = self.message_payload(msg, gateway=True)
        if intents is None:
            intents = self._gateway_intents(msg.guild_id)
        exempt = (
            msg.guild_id is None
            or msg.author.id == self.bot_user.id
            or self.bot_user.id in msg.mentions
        )
        if not intents & INTENT_MESSAGE_CONTENT and not exempt:
            data.update(content="", embeds=[], attachments=[], components=[])
        return data

    # ----------------------------------------------------------------- messages
    def _parse_mentions(
        self, content: str, allowed: dict[str, Any] | None, guild: Guild | None
    ) -> tuple[list[int], list[int]]:
        users = [int(x) for x in _USER_MENTION.findall(content) if int(x) in self.users]
        roles = [
            int(x)
            for x in _ROLE_MENTION.findall(content)
            if guild is not None and int(x) in guild.roles
        ]
        if allowed is not None:
            parse = allowed.get("parse") or []
            ok_users = {int(u) for u in allowed.get("users") or []}
            ok_roles = {int(r) for r in allowed.get("roles") or []}
            users = [u for u in users if "users" in parse or u in ok_users]
            roles = [r for r in roles if "roles" in parse or r in ok_roles]
        return list(dict.fromkeys(users)), list(dict.fromkeys(roles))

    def _new_message(
        self,
        channel: Channel,
        author: User,
        data: Mapping[str, Any],
        attachments: list[Attachment],
        *,
        ephemeral: bool = False,
        extra_flags: int = 0,
        type: int = 0,
        interaction: InteractionRecord | None = None,
    ) -> Message:
        guild = self.guilds.get(channel.guild_id) if channel.guild_id else None
        flags = int(data.get("flags") or 0) & CREATABLE_MESSAGE_FLAGS | extra_flags
        if ephemeral:
            flags |= EPHEMERAL
        content = data.get("content") or ""
        allowed = data.get("allowed_mentions")
        users, roles = self._parse_mentions(content, allowed, guild)
        for att in attachments:
            att.channel_id = channel.id
            att.ephemeral = ephemeral
        msg = Message(
            id=self._snowflake(),
            channel_id=channel.id,
            author=author,
            guild_id=channel.guild_id,
            content=content,
            embeds=[_normalise_embed(e) for e in data.get("embeds") or []],
            components=list(data.get("components") or []),
            flags=flags,
            attachments=attachments,
            allowed_mentions=allowed,
            mentions=users,
            mention_roles=roles,
            type=type,
            interaction_id=interaction.id if interaction else None,
            message_reference=_normalise_reference(data.get("message_reference"), channel),
            tts=bool(data.get("tts")),
        )
        self._messages[msg.id] = msg
        for att in attachments:
            self._attachments[att.id] = att
        if not msg.ephemeral:
            channel.last_message_id = msg.id
            intent = INTENT_GUILD_MESSAGES if guild else INTENT_DIRECT_MESSAGES
            self._dispatch(
                "MESSAGE_CREATE",
                lambda intents: self._gated_message_payload(msg, intents),
                intent,
                guild_id=msg.guild_id,
            )
        self.transcript.append(self.describe_message(msg))
        self._notify_message_waiters(msg)
        return msg

    def _notify_message_waiters(self, msg: Message) -> None:
        if msg.ephemeral or msg.loading:
            return
        for channel_id, predicate, after, future in list(self._message_waiters):
            if future.done() or channel_id != msg.channel_id or msg.id <= after:
                continue
            try:
                matched = predicate(msg)
            except Exception as exc:
                future.set_exception(exc)
                continue
            if matched:
                future.set_result(msg)

    def _edit_message(
        self,
        msg: Message,
        data: Mapping[str, Any],
        new_files: list[Attachment],
        *,
        mark_edited: bool = True,
    ) -> None:
        was_loading = msg.loading
        guild = self.guilds.get(msg.guild_id) if msg.guild_id else None
        if "content" in data:
            msg.content = data.get("content") or ""
        if "embeds" in data:
            msg.embeds = [_normalise_embed(e) for e in data.get("embeds") or []]
        if "components" in data:
            msg.components = list(data.get("components") or [])
        if "allowed_mentions" in data:
            msg.allowed_mentions = data.get("allowed_mentions")
        if data.get("flags") is not None:
            keep = msg.flags & ~(4 | LOADING)
            msg.flags = keep | (int(data["flags"]) & 4)
        if "attachments" in data and data["attachments"] is not None:
            # Existing attachments to keep are listed by their snowflake; new
            # uploads are listed by their files[n] index and never collide.
            keep_ids = {int(a["id"]) for a in data["attachments"] if isinstance(a, dict)}
            msg.attachments = [a for a in msg.attachments if a.id in keep_ids]
        for att in new_files:
            att.channel_id = msg.channel_id
            att.ephemeral = msg.ephemeral
            msg.attachments.append(att)
            self._attachments[att.id] = att
        msg.flags &= ~LOADING
        msg.mentions, msg.mention_roles = self._parse_mentions(
            msg.content, msg.allowed_mentions, guild
        )
        if mark_edited:
            msg.edited_timestamp = now()
        msg.edit_count += 1
        if not msg.ephemeral:
            intent = INTENT_GUILD_MESSAGES if guild else INTENT_DIRECT_MESSAGES
            self._dispatch(
                "MESSAGE_UPDATE",
                lambda intents: self._gated_message_payload(msg, intents),
                intent,
                guild_id=msg.guild_id,
            )
        self.transcript.append(self.describe_message(msg, edited=mark_edited))
        if was_loading:
            self._notify_message_waiters(msg)

    def _delete_message(self, msg: Message) -> None:
        msg.deleted = True
        if not msg.ephemeral:
            data = {"id": str(msg.id), "channel_id": str(msg.channel_id)}
            if msg.guild_id:
                data["guild_id"] = str(msg.guild_id)
            intent = INTENT_GUILD_MESSAGES if msg.guild_id else INTENT_DIRECT_MESSAGES
            self._dispatch("MESSAGE_DELETE", data, intent, guild_id=msg.guild_id)
        self.transcript.append(f"{self._where(msg.channel_id)} {msg.author.name} deleted a message")

    # -------------------------------------------------------------- transcript
    def _where(self, channel_id: int) -> str:
        channel = self.channels.get(channel_id)
        if channel is None:
            return "[?]"
        if channel.is_dm:
            return f"[DM {channel.recipients[0].name}]"
        return f"[#{channel.name}]"

    def describe_message(self, msg: Message, *, edited: bool = False) -> str:
        """One human-readable transcript entry for a message."""
        tags = [t for t, on in (("ephemeral", msg.ephemeral), ("edited", edited)) if on]
        head = f"{self._where(msg.channel_id)} {msg.author.name}"
        if tags:
            head += f" ({', '.join(tags)})"
        if msg.loading:
            return f"{head}: is thinking…"
        lines = [f"{head}: {msg.content}" if msg.content else f"{head}:"]
        for embed in msg.embeds:
            title = embed.get("title") or ""
            lines.append(f"    ┃ {title}".rstrip())
            if embed.get("description"):
                lines += [f"    ┃ {line}" for line in str(embed["description"]).splitlines()]
            for fld in embed.get("fields") or []:
                lines.append(f"    ┃ {fld.get('name')}: {fld.get('value')}")
            if (embed.get("footer") or {}).get("text"):
                lines.append(f"    ┃ — {embed['footer']['text']}")
        labels = [
            f"[{c.get('label') or c.get('custom_id') or '?'}]"
            for c in msg.iter_components()
            if c.get("type") in (2, 3, 5, 6, 7, 8)
        ]
        if labels:
            lines.append("    " + " ".join(labels))
        for att in msg.attachments:
            lines.append(f"    📎 {att.filename} ({att.size} bytes)")
        return "\n".join(lines)


def _normalise_embed(embed: Any) -> dict[str, Any]:
    if not isinstance(embed, dict):
        return {}
    out = dict(embed)
    out.setdefault("type", "rich")
    return out


def _normalise_reference(ref: Any, channel: Channel) -> dict[str, Any] | None:
    """Discord echoes message references with string snowflakes and filled-in ids."""
    if not isinstance(ref, dict) or not ref.get("message_id"):
        return None
    guild_id = ref.get("guild_id") or channel.guild_id
    return {
        "type": int(ref.get("type") or 0),
        "message_id": str(ref["message_id"]),
        "channel_id": str(ref.get("channel_id") or channel.id),
        "guild_id": str(guild_id) if guild_id else None,
    }
