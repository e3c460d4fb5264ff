"""Plain records for the fake's world: users, guilds, channels, roles, members,
messages and interactions.

They are deliberately simple mutable dataclasses: tests hold on to them
(``coach = fake.create_member(...)``) and read them after the bot acted, and the
fake mutates them in place (a message edited by the bot is the same object the
test already has).
"""

# The driver API's explicit timeout= parameters are its documented interface.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from .limits import EPHEMERAL, LOADING, iter_components

DISCORD_EPOCH_MS = 1420070400000

# Channel types.
GUILD_TEXT = 0
DM = 1
GUILD_VOICE = 2
GUILD_CATEGORY = 4
GUILD_ANNOUNCEMENT = 5

# Interaction types.
PING = 1
APPLICATION_COMMAND = 2
MESSAGE_COMPONENT = 3
APPLICATION_COMMAND_AUTOCOMPLETE = 4
MODAL_SUBMIT = 5


class SnowflakeGenerator:
    """Real-looking, strictly increasing snowflakes (so ``created_at`` is sane)."""

    def __init__(self) -> None:
        self._last = 0

    def next(self) -> int:
        stamp = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
        self._last = max(self._last + 1, stamp)
        return self._last

    def next_on_shard(self, shard: int, shard_count: int) -> int:
        """The next snowflake with ``(id >> 22) % shard_count == shard`` (its
        timestamp moved up to ``shard_count - 1`` ms ahead)."""
        candidate = self.next()
        stamp = candidate >> 22
        ahead = (shard - stamp) % shard_count
        if ahead:
            self._last = (stamp + ahead) << 22
        return self._last


def iso(moment: dt.datetime) -> str:
    return moment.isoformat()


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(eq=False)
class User:
    """A Discord user (human or bot)."""

    id: int
    name: str
    bot: bool = False
    dms_open: bool = True

    @property
    def username(self) -> str:
        return self.name if self.bot else self.name.lower().replace(" ", "_")

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "username": self.username,
            "global_name": None if self.bot else self.name,
            "discriminator": "0",
            "avatar": None,
            "bot": self.bot,
            "public_flags": 0,
        }


@dataclass(eq=False)
class Role:
    id: int
    guild_id: int
    name: str
    permissions: int = 0
    position: int = 0
    color: int = 0
    hoist: bool = False
    mentionable: bool = False
    managed: bool = False

    @property
    def mention(self) -> str:
        return f"<@&{self.id}>"

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "name": self.name,
            "permissions": str(self.permissions),
            "position": self.position,
            "color": self.color,
            "colors": {
                "primary_color": self.color,
                "secondary_color": None,
                "tertiary_color": None,
            },
            "hoist": self.hoist,
            "managed": self.managed,
            "mentionable": self.mentionable,
            "icon": None,
            "unicode_emoji": None,
            "flags": 0,
        }


@dataclass
class Overwrite:
    """A channel permission overwrite: ``type`` 0 = role, 1 = member."""

    id: int
    type: int
    allow: int = 0
    deny: int = 0

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "type": self.type,
            "allow": str(self.allow),
            "deny": str(self.deny),
        }


@dataclass(eq=False)
class Channel:
    id: int
    type: int
    name: str | None
    guild_id: int | None = None
    position: int = 0
    parent_id: int | None = None
    topic: str | None = None
    overwrites: dict[int, Overwrite] = field(default_factory=dict)
    recipients: list[User] = field(default_factory=list)
    last_message_id: int | None = None

    @property
    def is_dm(self) -> bool:
        return self.type == DM

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"

    def payload(self) -> dict[str, Any]:
        if self.type == DM:
            return {
                "id": str(self.id),
                "type": DM,
                "last_message_id": str(self.last_message_id) if self.last_message_id else None,
                "recipients": [u.payload() for u in self.recipients],
                "flags": 0,
            }
        data: dict[str, Any] = {
            "id": str(self.id),
            "type": self.type,
            "guild_id": str(self.guild_id),
            "name": self.name,
            "position": self.position,
            "parent_id": str(self.parent_id) if self.parent_id else None,
            "permission_overwrites": [o.payload() for o in self.overwrites.values()],
            "nsfw": False,
            "flags": 0,
        }
        if self.type in (GUILD_TEXT, GUILD_ANNOUNCEMENT):
            data.update(
                topic=self.topic,
                rate_limit_per_user=0,
                last_message_id=str(self.last_message_id) if self.last_message_id else None,
            )
        if self.type == GUILD_VOICE:
            data.update(bitrate=64000, user_limit=0, rtc_region=None, rate_limit_per_user=0)
        return data


@dataclass(eq=False)
class Member:
    """A user's membership in a guild."""

    user: User
    guild_id: int
    roles: list[int] = field(default_factory=list)
    nick: str | None = None
    joined_at: dt.datetime = field(default_factory=now)

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def name(self) -> str:
        return self.nick or self.user.name

    @property
    def mention(self) -> str:
        return self.user.mention

    def payload(self, *, with_user: bool = True, permissions: int | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {
            "roles": [str(r) for r in self.roles],
            "nick": self.nick,
            "avatar": None,
            "banner": None,
            "joined_at": iso(self.joined_at),
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "pending": False,
            "flags": 0,
            "communication_disabled_until": None,
        }
        if with_user:
            data["user"] = self.user.payload()
        if permissions is not None:
            data["permissions"] = str(permissions)
        return data


@dataclass(eq=False)
class Guild:
    id: int
    name: str
    owner_id: int
    roles: dict[int, Role] = field(default_factory=dict)
    channels: list[Channel] = field(default_factory=list)
    members: dict[int, Member] = field(default_factory=dict)
    locale: str = "en-US"
    # Top-level command names an admin opened to everyone (Integrations settings).
    command_overrides: set[str] = field(default_factory=set)

    @property
    def everyone(self) -> Role:
        return self.roles[self.id]

    def member(self, user: User | Member | int) -> Member | None:
        uid = user if isinstance(user, int) else user.id
        return self.members.get(uid)


@dataclass(eq=False)
class Attachment:
    """A file attached to a message; ``data`` holds the uploaded bytes."""

    id: int
    filename: str
    data: bytes
    content_type: str | None = None
    description: str | None = None
    channel_id: int = 0
    ephemeral: bool = False

    @property
    def size(self) -> int:
        return len(self.data)

    def payload(self, cdn_base: str) -> dict[str, Any]:
        url = f"{cdn_base}/attachments/{self.channel_id}/{self.id}/{self.filename}"
        data: dict[str, Any] = {
            "id": str(self.id),
            "filename": self.filename,
            "size": self.size,
            "url": url,
            "proxy_url": url,
            "content_type": self.content_type,
            "ephemeral": self.ephemeral,
        }
        if self.description is not None:
            data["description"] = self.description
        return data


@dataclass(eq=False)
class Message:
    """A message as Discord stores it.  Edits mutate the record in place."""

    id: int
    channel_id: int
    author: User
    guild_id: int | None = None
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    flags: int = 0
    attachments: list[Attachment] = field(default_factory=list)
    allowed_mentions: dict[str, Any] | None = None
    mentions: list[int] = field(default_factory=list)
    mention_roles: list[int] = field(default_factory=list)
    type: int = 0
    timestamp: dt.datetime = field(default_factory=now)
    edited_timestamp: dt.datetime | None = None
    interaction_id: int | None = None
    message_reference: dict[str, Any] | None = None
    reactions: dict[str, set[int]] = field(default_factory=dict)
    tts: bool = False
    deleted: bool = False
    edit_count: int = 0

    @property
    def author_id(self) -> int:
        return self.author.id

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def loading(self) -> bool:
        return bool(self.flags & LOADING)

    @property
    def edited(self) -> bool:
        return self.edited_timestamp is not None

    def iter_components(self) -> Iterator[dict[str, Any]]:
        """Every component (rows, buttons, selects, v2 layout pieces), depth first."""
        return iter_components(self.components)

    def find_component(self, custom_id: str) -> dict[str, Any] | None:
        """The component with this ``custom_id``, or ``None``."""
        return next((c for c in self.iter_components() if c.get("custom_id") == custom_id), None)

    def buttons(self) -> list[dict[str, Any]]:
        return [c for c in self.iter_components() if c.get("type") == 2]

    def text(self) -> str:
        """Content plus embed text, handy for ``assert "300m" in msg.text()``."""
        parts = [self.content]
        for embed in self.embeds:
            parts += [str(embed.get(k, "")) for k in ("title", "description")]
            for fld in embed.get("fields") or []:
                parts += [str(fld.get("name", "")), str(fld.get("value", ""))]
            parts.append(str((embed.get("footer") or {}).get("text", "")))
            parts.append(str((embed.get("author") or {}).get("name", "")))
        return "\n".join(p for p in parts if p)


class InteractionCallback(NamedTuple):
    """One ``POST /interactions/{id}/{token}/callback`` the bot made."""

    type: int
    data: dict[str, Any] | None


@dataclass
class Violation:
    """Something Discord would have rejected or shown as an error to the user."""

    kind: str
    message: str
    interaction_id: int | None = None

    def __str__(self) -> str:
        return f"[{self.kind}] {self.message}"


@dataclass
class RestError:
    """An error response the fake returned for a request tied to an interaction."""

    status: int
    code: int
    message: str


@dataclass(eq=False)
class InteractionRecord:
    """A driver-created interaction and everything the bot did in answer to it.

    Tests ``await itx.wait_response()`` / ``await itx.wait_reply()``; the fake
    fills ``callbacks``, ``original``, ``followups``, ``modal`` and ``errors``.
    """

    id: int
    token: str
    type: int
    name: str
    user: User
    channel: Channel
    guild: Guild | None
    payload: dict[str, Any]
    created_at: float
    deadline: float
    member: Member | None = None
    source_message: Message | None = None
    parent: InteractionRecord | None = None
    #: Sent by a modified (hostile) client: ``slash(..., unchecked=True)``,
    #: ``forge_component`` or ``forge_modal``.
    modified_client: bool = False
    callbacks: list[InteractionCallback] = field(default_factory=list)
    original: Message | None = None
    followups: list[Message] = field(default_factory=list)
    modal: dict[str, Any] | None = None
    choices: list[dict[str, Any]] | None = None
    reply: Message | None = None
    deferred: bool = False
    failed: bool = False
    #: Loop time (``loop.time()``, like ``created_at``) when the user first saw a
    #: reply: the type 4/7 message, or after a defer the first followup or
    #: edited ``@original``. Benchmarks read ``replied_at - created_at``.
    replied_at: float | None = None
    errors: list[RestError] = field(default_factory=list)
    _responded: asyncio.Event = field(default_factory=asyncio.Event, repr=False)
    _replied: asyncio.Event = field(default_factory=asyncio.Event, repr=False)
    _watchdog: asyncio.TimerHandle | None = field(default=None, repr=False)
    _followed_up: asyncio.Event = field(default_factory=asyncio.Event, repr=False)

    @property
    def data(self) -> dict[str, Any]:
        return self.payload.get("data", {})

    @property
    def response_type(self) -> int | None:
        return self.callbacks[0].type if self.callbacks else None

    def _describe(self) -> str:
        kinds = {2: "/", 3: "component ", 4: "autocomplete /", 5: "modal "}
        origin = ", modified client" if self.modified_client else ""
        return f"interaction {self.id} ({kinds.get(self.type, '')}{self.name}{origin})"

    def _failure(self) -> AssertionError:
        rejected = "".join(f"\n  rejected: {e.status} {e.code} {e.message}" for e in self.errors)
        return AssertionError(
            f"The application did not respond: {self._describe()} got no interaction "
            f"callback within {self.deadline:g} s{rejected}"
        )

    async def wait_response(self, timeout: float = 5.0) -> InteractionCallback:
        """The first accepted callback ``(type, data)``.

        Raises AssertionError if the bot missed the acknowledgement deadline (what
        the user sees as "The application did not respond") or ``timeout`` passed.
        """
        if not self._responded.is_set():
            try:
                await asyncio.wait_for(self._responded.wait(), timeout)
            except TimeoutError:
                raise AssertionError(
                    f"{self._describe()}: no callback within {timeout:g} s"
                ) from None
        if not self.callbacks:
            raise self._failure()
        return self.callbacks[0]

    async def wait_reply(self, timeout: float = 5.0) -> Message:
        """The message the user ends up seeing.

        After a type 4/7 callback that is the created/updated message; after a
        defer (5/6) it is the first followup or the edited ``@original``.
        """
        loop = asyncio.get_running_loop()
        start = loop.time()
        callback = await self.wait_response(timeout)
        if callback.type == 9:
            raise AssertionError(
                f"{self._describe()} answered with a modal (see itx.modal); "
                "use fake.submit_modal(user, itx, values) to continue"
            )
        if callback.type == 8:
            raise AssertionError(f"{self._describe()} is an autocomplete; it has no reply")
        remaining = max(0.0, timeout - (loop.time() - start))
        if not self._replied.is_set():
            try:
                await asyncio.wait_for(self._replied.wait(), remaining)
            except TimeoutError:
                raise AssertionError(
                    f"{self._describe()} was deferred (type {callback.type}) but the bot "
                    f"never edited the original response or sent a followup within {timeout:g} s"
                ) from None
        assert self.reply is not None
        return self.reply

    async def wait_followups(self, count: int = 1, timeout: float = 5.0) -> list[Message]:
        """Wait until the bot has sent at least ``count`` followup messages."""
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while len(self.followups) < count:
            event = self._followed_up
            try:
                await asyncio.wait_for(event.wait(), max(0.0, end - loop.time()))
            except TimeoutError:
                raise AssertionError(
                    f"{self._describe()}: expected {count} followups within {timeout:g} s, "
                    f"got {len(self.followups)}"
                ) from None
        return list(self.followups)

    def _add_followup(self, message: Message) -> None:
        self.followups.append(message)
        self._set_reply(message)
        self._followed_up.set()
        self._followed_up = asyncio.Event()

    def _set_reply(self, message: Message) -> None:
        if self.reply is None:
            self.reply = message
            self.replied_at = time.perf_counter()  # the clock of created_at
            self._replied.set()
