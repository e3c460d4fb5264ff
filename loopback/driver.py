"""``FakeDiscord``: the loopback server plus the API tests use to act as users.

A test builds a world (guilds, channels, roles, members), points discord.py at
``fake.api_url`` / ``fake.gateway_url``, starts the real bot, and then drives
it the way people would: slash commands, autocomplete, button clicks, modal
submits and plain messages.  Each driver call returns a record that fills in
as the bot answers, and everything Discord would have refused is collected in
``fake.violations`` so ``fake.assert_clean()`` can fail the test.
"""

# The driver API's explicit timeout= parameters are its documented interface.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from aiohttp import web

from .appcommands import DriverError, OptionBuilder, check_can_use, find_command
from .gateway import EventData, GatewayHub, GatewayStats
from .limits import (
    ATTACHMENT_SIZE_LIMIT,
    BUTTON,
    CHECKBOX,
    CHECKBOX_GROUP,
    ENTITY_SELECTS,
    FILE_UPLOAD,
    LABEL,
    RADIO_GROUP,
    SELECTS,
    STRING_SELECT,
    TEXT_DISPLAY,
    TEXT_INPUT,
)
from .models import (
    APPLICATION_COMMAND,
    APPLICATION_COMMAND_AUTOCOMPLETE,
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
    Attachment,
    Channel,
    Guild,
    InteractionRecord,
    Member,
    Message,
    User,
    Violation,
)
from .permissions import SEND_MESSAGES, USE_APPLICATION_COMMANDS, VIEW_CHANNEL
from .rest import RestApi
from .world import (
    INTENT_GUILD_MEMBERS,
    INTENT_GUILD_PRESENCES,
    INTENT_MESSAGE_CONTENT,
    World,
)

Files = Mapping[str, bytes] | Sequence[tuple[str, bytes]]
_MISSING: Any = object()


class FakeDiscord(World):
    """A fake Discord (REST + gateway) on 127.0.0.1 and the test driver for it.

    Usage::

        async with FakeDiscord() as fake:
            guild = fake.create_guild("Track Club")
            ...
    """

    def __init__(
        self,
        token: str = "fake-token",
        *,
        bot_name: str = "Trackside",
        shard_count: int = 1,
        max_concurrency: int = 1,
        global_limit: int | None = None,
    ) -> None:
        super().__init__(token, bot_name)
        if shard_count < 1 or max_concurrency < 1:
            raise ValueError("shard_count and max_concurrency must be at least 1")
        if global_limit is not None and global_limit < 1:
            raise ValueError("global_limit must be None (off) or at least 1")
        self.shard_count = shard_count
        self.max_concurrency = max_concurrency
        #: Discord's global limit, bot requests per second (Discord's is 50);
        #: None: not modelled. See ``RestApi.rate_limited``.
        self.global_limit = global_limit
        self.gateway = GatewayHub(self)
        self.rest = RestApi(self)
        self.port = 0
        self._runner: web.AppRunner | None = None
        self._last_action_id = 0

    # ------------------------------------------------------------ lifecycle
    async def start(self) -> None:
        """Bind 127.0.0.1 on a free port and start serving."""
        app = web.Application(middlewares=[self.rest.middleware], client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_get("/gateway/resume", self.gateway.handle)
        for method, path, handler in self.rest.routes():
            app.router.add_route(method, path, handler)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        # A deep accept queue, like a real API front end: discord.py opens a new
        # connection per concurrent request, and with the default 128 a burst of
        # replies would overflow it and wait a full SYN retransmit (1 s) for
        # reasons that have nothing to do with the bot.
        site = web.TCPSite(self._runner, "127.0.0.1", 0, backlog=4096)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.cdn_base = self.base_url

    async def close(self) -> None:
        """Stop serving (close the bot first, or it will try to reconnect)."""
        for itx in self.interactions:
            if itx._watchdog is not None:
                itx._watchdog.cancel()
        await self.gateway.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeDiscord:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        """Value for ``discord.http.Route.BASE``."""
        return f"{self.base_url}/api/v10"

    @property
    def gateway_url(self) -> str:
        """Value for ``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY``."""
        return f"ws://127.0.0.1:{self.port}/gateway"

    @property
    def resume_gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway/resume"

    @property
    def application_flags(self) -> int:
        """Application flags announcing which privileged intents are enabled."""
        flags = 1 << 23  # APPLICATION_COMMAND_BADGE
        if self.enabled_privileged_intents & INTENT_GUILD_PRESENCES:
            flags |= 1 << 12
        if self.enabled_privileged_intents & INTENT_GUILD_MEMBERS:
            flags |= 1 << 14
        if self.enabled_privileged_intents & INTENT_MESSAGE_CONTENT:
            flags |= 1 << 18
        return flags

    # ------------------------------------------------------------ world hooks
    def _dispatch(
        self,
        event: str,
        data: EventData,
        intent: int | None = None,
        *,
        guild_id: int | None = None,
    ) -> None:
        self.gateway.dispatch(event, data, intent, guild_id=guild_id)

    def _gateway_intents(self, guild_id: int | None = None) -> int:
        return self.gateway.intents_for(self.shard_of(guild_id))

    def _loop_time(self) -> float:
        # perf_counter, not loop.time(): some event loops (uvloop) tick in whole
        # milliseconds, too coarse for the latency benchmarks that read these.
        return time.perf_counter()

    def _commands_synced(self, scope: int | None) -> None:
        self._synced_scopes.add(scope)
        label = "global" if scope is None else f"guild {self.guilds[scope].name!r}"
        names = ", ".join(sorted(f"/{c['name']}" for c in self.commands(scope)))
        self.transcript.append(f"-- {self.bot_user.name} synced {label} commands: {names}")
        for waited, future in list(self._command_waiters):
            if waited == scope and not future.done():
                future.set_result(None)

    def _expire(self, itx: InteractionRecord) -> None:
        """Deadline watchdog: the user now sees "The application did not respond"."""
        if itx.callbacks or itx.failed:
            return
        itx.failed = True
        self._violate(
            "ack_deadline",
            f"{itx._describe()} did not respond within {itx.deadline:g} s "
            "(the user sees 'The application did not respond')",
            itx,
        )
        itx._responded.set()

    # --------------------------------------------------------------- gateway
    @property
    def gateway_stats(self) -> GatewayStats:
        """Gateway counters over every shard (``shard_stats(n)`` for one)."""
        return self.gateway.stats

    def shard_stats(self, shard_id: int) -> GatewayStats:
        """Gateway counters of one shard (zeros before it connected)."""
        return self.gateway.shard_stats.get(shard_id) or GatewayStats()

    async def wait_for_ready(
        self, timeout: float = 10.0, *, shards: Iterable[int] | None = None
    ) -> None:
        """Wait until the bot identified and has processed READY and every
        GUILD_CREATE: on every shard (``range(shard_count)``) unless ``shards``
        names some (the shards one process of several runs)."""
        await self.gateway.wait_for_ready(timeout, shards)

    async def wait_for_shards(self, shards: Iterable[int], timeout: float = 10.0) -> None:
        """``wait_for_ready`` for these shards only."""
        await self.gateway.wait_for_shards(shards, timeout)

    async def sync_gateway(
        self, timeout: float = 5.0, *, shards: Iterable[int] | None = None
    ) -> None:
        """Wait until the bot has processed every gateway event sent so far (e.g. a
        CHANNEL_CREATE after ``create_channel``) so its cache is up to date: on
        every shard that has a session, or on ``shards``."""
        await self.gateway.barrier(timeout, shards)

    async def disconnect_gateway(
        self,
        *,
        resume: bool = True,
        reconnect_op: bool = False,
        timeout: float = 10.0,
        shard: int = 0,
    ) -> None:
        """Drop the bot's gateway connection (``shard``'s current session) and
        wait for it to come back.

        ``resume=True`` closes with the resumable code 4000 (or sends op 7
        RECONNECT with ``reconnect_op=True``) and waits for RESUME; events
        dispatched meanwhile are replayed.  ``resume=False`` invalidates the
        session (close 4009) and waits for a fresh IDENTIFY.
        """
        await self.gateway.disconnect(
            resume=resume, reconnect_op=reconnect_op, timeout=timeout, shard=shard
        )

    async def wait_for_commands(
        self, guild: Guild | None = None, *, timeout: float = 10.0
    ) -> list[dict[str, Any]]:
        """Wait until the bot has synced commands for ``guild`` (global if None)."""
        scope = guild.id if guild is not None else None
        if scope not in self._synced_scopes:
            future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            entry = (scope, future)
            self._command_waiters.append(entry)
            try:
                await asyncio.wait_for(future, timeout)
            except TimeoutError:
                label = "global" if guild is None else f"guild {guild.name!r}"
                raise AssertionError(
                    f"the bot did not sync {label} commands within {timeout:g} s"
                ) from None
            finally:
                self._command_waiters.remove(entry)
        return self.commands(guild)

    # ---------------------------------------------------------- interactions
    def _resolve_place(
        self, user: User | Member, channel: Channel | None, dm: bool
    ) -> tuple[User, Channel, Guild | None, Member | None]:
        who = user.user if isinstance(user, Member) else user
        if channel is None:
            if not dm:
                raise DriverError("pass channel=<guild channel or DM channel> or dm=True")
            channel = self.dm_channel(who)
        if channel.is_dm:
            if channel.recipients[0].id != who.id:
                raise DriverError(f"{who.name} is not the recipient of DM channel {channel.id}")
            return who, channel, None, None
        guild = self.guilds[channel.guild_id or 0]
        member = guild.member(who)
        if member is None:
            raise DriverError(f"{who.name} is not a member of {guild.name!r}")
        if not self.permissions_for(member, channel) & VIEW_CHANNEL:
            raise DriverError(f"{who.name} cannot see #{channel.name}")
        return who, channel, guild, member

    def _interaction(
        self,
        itype: int,
        user: User,
        channel: Channel,
        guild: Guild | None,
        member: Member | None,
        data: dict[str, Any],
        name: str,
        *,
        message: Message | None = None,
        locale: str = "en-US",
        modified_client: bool = False,
    ) -> InteractionRecord:
        shard = self.shard_of(guild)
        if self.gateway.current(shard) is None:
            where = f" for shard {shard}" if self.shard_count > 1 else ""
            raise DriverError(
                f"the bot is not connected{where} (await fake.wait_for_ready() first)"
            )
        loop = asyncio.get_running_loop()
        iid = self._snowflake()
        token = "aW50ZXJhY3Rpb24" + secrets.token_urlsafe(48)
        channel_payload = channel.payload()
        payload: dict[str, Any] = {
            "id": str(iid),
            "application_id": str(self.application_id),
            "type": itype,
            "token": token,
            "version": 1,
            "data": data,
            "channel_id": str(channel.id),
            "channel": channel_payload,
            "locale": locale,
            "app_permissions": str(self.permissions_for(self.bot_user, channel)),
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
            "authorizing_integration_owners": {"0": str(guild.id) if guild else "0"},
            "context": 0 if guild else 1,
        }
        if guild is not None and member is not None:
            channel_payload["permissions"] = str(self.permissions_for(member, channel))
            payload.update(
                guild_id=str(guild.id),
                guild_locale=guild.locale,
                guild={"id": str(guild.id), "locale": guild.locale, "features": []},
                member=self.member_payload(member, channel=channel),
            )
        else:
            payload["user"] = user.payload()
        if message is not None:
            payload["message"] = self.message_payload(message)
        record = InteractionRecord(
            id=iid,
            token=token,
            type=itype,
            name=name,
            user=user,
            channel=channel,
            guild=guild,
            payload=payload,
            created_at=self._loop_time(),
            deadline=self.ack_deadline,
            member=member,
            source_message=message,
            modified_client=modified_client,
        )
        self.interactions.append(record)
        self._interactions_by_token[token] = record
        self._interactions_by_id[iid] = record
        record._watchdog = loop.call_later(self.ack_deadline, self._expire, record)
        self._last_action_id = iid
        self.gateway.dispatch("INTERACTION_CREATE", payload, guild_id=guild.id if guild else None)
        return record

    async def slash(
        self,
        user: User | Member,
        name: str,
        options: Mapping[str, Any] | None = None,
        *,
        channel: Channel | None = None,
        dm: bool = False,
        locale: str = "en-US",
        unchecked: bool = False,
    ) -> InteractionRecord:
        """Invoke a synced slash command as ``user``.

        ``name`` is the full name (``"pace convert"``, ``"admin team add"``);
        ``options`` maps option names to values (str/int/float/bool, or
        User/Member/Role/Channel objects, or ``(filename, bytes)`` for
        attachments).  Values are typed from the synced definition.

        ``unchecked=True`` acts as a modified client: values are still typed
        from the definition, but min/max values and lengths, choices, required
        options and channel types are not checked, integers may exceed 2**53,
        and entity options may name a non-member user, a channel or role of
        another guild, or an id that exists nowhere (no ``resolved`` entry).
        """
        who, channel, guild, member = self._resolve_place(user, channel, dm)
        command, chain, leaf = find_command(self, name, guild)
        full = " ".join([command["name"], *(c["name"] for c in chain)])
        check_can_use(self, command, full, who, channel, guild)
        if (
            member is not None
            and not self.permissions_for(member, channel) & USE_APPLICATION_COMMANDS
        ):
            raise DriverError(f"{who.name} lacks Use Application Commands in #{channel.name}")
        builder = OptionBuilder(self, guild, channel, who, unchecked=unchecked)
        data = builder.command_data(command, chain, leaf, options or {}, full)
        shown = " ".join(f"{k}:{_show(v, clip=unchecked)}" for k, v in (options or {}).items())
        self.transcript.append(
            f"{self._where(channel.id)} {who.name}{_origin(unchecked)}: /{full} {shown}".rstrip()
        )
        return self._interaction(
            APPLICATION_COMMAND,
            who,
            channel,
            guild,
            member,
            data,
            full,
            locale=locale,
            modified_client=unchecked,
        )

    async def autocomplete(
        self,
        user: User | Member,
        name: str,
        options: Mapping[str, Any],
        *,
        focused: str,
        channel: Channel | None = None,
        dm: bool = False,
        timeout: float = 5.0,
        unchecked: bool = False,
    ) -> list[dict[str, Any]]:
        """Type into an autocomplete option and return the bot's choices
        (``[{"name": ..., "value": ...}]``).  ``unchecked=True``: a modified
        client, as for :meth:`slash` (the focused option need not even have
        autocomplete)."""
        who, channel, guild, member = self._resolve_place(user, channel, dm)
        command, chain, leaf = find_command(self, name, guild)
        full = " ".join([command["name"], *(c["name"] for c in chain)])
        check_can_use(self, command, full, who, channel, guild)
        builder = OptionBuilder(self, guild, channel, who, unchecked=unchecked)
        values = dict(options)
        values.setdefault(focused, "")
        data = builder.command_data(command, chain, leaf, values, full, focused=focused)
        typed = _show(values[focused], clip=unchecked)
        self.transcript.append(
            f"{self._where(channel.id)} {who.name}{_origin(unchecked)} "
            f"typing /{full} {focused}:{typed}…"
        )
        itx = self._interaction(
            APPLICATION_COMMAND_AUTOCOMPLETE,
            who,
            channel,
            guild,
            member,
            data,
            full,
            modified_client=unchecked,
        )
        callback = await itx.wait_response(timeout)
        return list(itx.choices or []) if callback.type == 8 else []

    async def click(
        self,
        user: User | Member,
        message: Message | int,
        custom_id: str,
        *,
        values: Sequence[Any] | None = None,
    ) -> InteractionRecord:
        """Click a button (or choose ``values`` in a select menu) on ``message``."""
        msg = message if isinstance(message, Message) else self.get_message(message)
        if msg is None or msg.deleted:
            raise DriverError(f"message {message!r} does not exist (or was deleted)")
        component = msg.find_component(custom_id)
        if component is None:
            ids = [c.get("custom_id") for c in msg.iter_components() if c.get("custom_id")]
            raise DriverError(f"message {msg.id} has no component {custom_id!r}; has {ids}")
        channel = self.channels[msg.channel_id]
        who, channel, guild, member = self._resolve_place(user, channel, False)
        if msg.ephemeral:
            owner = self._interaction_for_message(msg)
            if owner is None or owner.user.id != who.id:
                raise DriverError(f"{who.name} cannot see ephemeral message {msg.id}")
        if msg.loading:
            raise DriverError(f"message {msg.id} is still loading")
        ctype = component["type"]
        if component.get("disabled"):
            raise DriverError(f"component {custom_id!r} is disabled")
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": ctype}
        label = component.get("label") or custom_id
        if ctype == BUTTON:
            if component.get("style") in (5, 6):
                raise DriverError(
                    f"{custom_id!r} is a link/premium button; it sends no interaction"
                )
            if values is not None:
                raise DriverError("values= is only for select menus")
        elif ctype in SELECTS:
            chosen = list(values or [])
            low, high = component.get("min_values", 1), component.get("max_values", 1)
            if not low <= len(chosen) <= high:
                raise DriverError(
                    f"select {custom_id!r} needs {low}..{high} values, got {len(chosen)}"
                )
            builder = OptionBuilder(self, guild, channel, who)
            data["values"] = self._select_values(component, chosen, builder)
            resolved = builder.resolved_payload()
            if resolved:
                data["resolved"] = resolved
            label = f"{label} → {', '.join(map(str, data['values']))}"
        else:
            raise DriverError(f"component {custom_id!r} (type {ctype}) is not clickable")
        self.transcript.append(f"{self._where(channel.id)} {who.name} clicked [{label}]")
        return self._interaction(
            MESSAGE_COMPONENT, who, channel, guild, member, data, custom_id, message=msg
        )

    def _select_values(
        self, component: dict[str, Any], chosen: list[Any], builder: OptionBuilder
    ) -> list[str]:
        if component["type"] == STRING_SELECT:
            allowed = {o.get("value") for o in component.get("options") or []}
            bad = [v for v in chosen if v not in allowed]
            if bad:
                raise DriverError(f"{bad} not among the select options {sorted(allowed)}")
            return [str(v) for v in chosen]
        out = []
        for raw in chosen:
            kinds = {5: "users", 6: "roles", 7: "mentionables", 8: "channels"}[component["type"]]
            entity = builder._entity(
                raw,
                f"select {component.get('custom_id')!r}",
                users=kinds in ("users", "mentionables"),
                roles=kinds in ("roles", "mentionables"),
                channels=kinds == "channels",
            )
            if isinstance(entity, User):
                builder.add_user(entity)
            elif isinstance(entity, Channel):
                builder.add_channel(entity)
            else:
                builder.add_role(entity)
            out.append(str(entity.id))
        assert component["type"] in ENTITY_SELECTS
        return out

    async def submit_modal(
        self,
        user: User | Member,
        itx: InteractionRecord,
        values: Mapping[str, Any] | None = None,
    ) -> InteractionRecord:
        """Fill in and submit the modal that ``itx`` was answered with.

        ``values`` maps input custom_ids to text (text inputs), lists (selects,
        checkbox groups), a bool (checkbox) or ``(filename, bytes)`` lists
        (file upload).  Unset text inputs keep their pre-filled value.
        """
        modal = itx.modal
        if modal is None:
            raise DriverError(f"{itx._describe()} was not answered with a modal")
        who = user.user if isinstance(user, Member) else user
        if who.id != itx.user.id:
            raise DriverError(f"the modal was shown to {itx.user.name}, not {who.name}")
        given = dict(values or {})
        builder = OptionBuilder(self, itx.guild, itx.channel, who)
        components = []
        for top in modal.get("components") or []:
            if top.get("type") == 1:
                inner = top["components"][0]
                components.append(
                    {"type": 1, "components": [self._submit_input(inner, given, builder, None)]}
                )
            elif top.get("type") == LABEL:
                entry = {
                    "type": LABEL,
                    "component": self._submit_input(
                        top["component"], given, builder, top.get("label")
                    ),
                }
                if top.get("id") is not None:
                    entry["id"] = top["id"]
                components.append(entry)
            elif top.get("type") == TEXT_DISPLAY:
                components.append({"type": TEXT_DISPLAY, "id": top.get("id")})
        if given:
            raise DriverError(f"modal {modal.get('custom_id')!r} has no inputs {sorted(given)}")
        data: dict[str, Any] = {"custom_id": modal["custom_id"], "components": components}
        resolved = builder.resolved_payload()
        if resolved:
            data["resolved"] = resolved
        shown = ", ".join(f"{k}={_show(v)}" for k, v in (values or {}).items())
        self.transcript.append(
            f"{self._where(itx.channel.id)} {who.name} submitted “{modal.get('title')}”: {shown}"
        )
        record = self._interaction(
            MODAL_SUBMIT,
            who,
            itx.channel,
            itx.guild,
            itx.member,
            data,
            str(modal["custom_id"]),
            message=itx.source_message,
        )
        record.parent = itx
        return record

    def _submit_input(
        self,
        comp: dict[str, Any],
        given: dict[str, Any],
        builder: OptionBuilder,
        label: str | None,
    ) -> dict[str, Any]:
        cid = comp.get("custom_id")
        ctype = comp.get("type")
        raw = given.pop(cid, _MISSING)
        name = label or comp.get("label") or cid
        out: dict[str, Any] = {"type": ctype, "custom_id": cid}
        if comp.get("id") is not None:
            out["id"] = comp["id"]
        if ctype == TEXT_INPUT:
            value = (comp.get("value") or "") if raw is _MISSING else str(raw)
            if comp.get("required", True) and not value:
                raise DriverError(f"modal field {name!r} is required")
            low, high = comp.get("min_length"), comp.get("max_length")
            if value and low is not None and len(value) < low:
                raise DriverError(f"modal field {name!r} needs at least {low} characters")
            if high is not None and len(value) > high:
                raise DriverError(f"modal field {name!r} allows at most {high} characters")
            out["value"] = value
        elif ctype in SELECTS or ctype == CHECKBOX_GROUP:
            chosen = [] if raw is _MISSING else list(raw)
            if ctype in SELECTS:
                out["values"] = self._select_values(comp, chosen, builder)
            else:
                out["values"] = [str(v) for v in chosen]
        elif ctype == RADIO_GROUP:
            out["value"] = None if raw is _MISSING else raw
        elif ctype == CHECKBOX:
            out["value"] = False if raw is _MISSING else bool(raw)
        elif ctype == FILE_UPLOAD:
            files = [] if raw is _MISSING else list(raw)
            out["values"] = [
                str(builder.add_attachment(f, f"modal field {name!r}").id) for f in files
            ]
        return out

    # ------------------------------------------------------- modified client
    def _forged_message(self, channel: Channel, message: Message | int | None) -> Message | None:
        if message is None:
            return None
        msg = message if isinstance(message, Message) else self.get_message(message)
        if msg is None:
            raise DriverError(f"message {message!r} does not exist")
        if msg.channel_id != channel.id:
            raise DriverError(f"message {msg.id} is not in {self._where(channel.id)}")
        return msg

    def _synthetic_message(self, channel: Channel) -> Message:
        """A message "by the bot" that Discord never stored (not in the channel,
        unknown to REST): what a forged click names when the bot posted nothing."""
        return Message(
            id=self._snowflake(),
            channel_id=channel.id,
            author=self.bot_user,
            guild_id=channel.guild_id,
            content="",
        )

    async def forge_component(
        self,
        user: User | Member,
        channel: Channel,
        custom_id: str,
        *,
        component_type: int = BUTTON,
        values: Sequence[Any] | None = None,
        message: Message | int | None = None,
    ) -> InteractionRecord:
        """A MESSAGE_COMPONENT interaction from a modified client: any
        ``custom_id`` (any length), any ``component_type`` and ``values``,
        whether or not a message carries such a component.

        ``message`` (a ``Message`` or id, in ``channel``) is the message the
        interaction names; by default the newest message the bot posted in
        ``channel``, else a synthetic bot message Discord never stored.
        ``values`` are sent as strings; for entity selects (types 5-8) users,
        members, roles, channels or ids, resolved as ``slash(unchecked=True)``
        resolves entity options.
        """
        who, channel, guild, member = self._resolve_place(user, channel, False)
        msg = self._forged_message(channel, message)
        if msg is None:
            msg = next(
                (m for m in reversed(self.messages(channel)) if m.author.id == self.bot_user.id),
                None,
            ) or self._synthetic_message(channel)
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": component_type}
        label = _show(custom_id, clip=True)
        if values is not None:
            builder = OptionBuilder(self, guild, channel, who, unchecked=True)
            if component_type in ENTITY_SELECTS:
                kinds = {5: "users", 6: "roles", 7: "mentionables", 8: "channels"}
                kind = kinds[component_type]
                data["values"] = [
                    builder.entity_value(
                        raw,
                        f"forged select {label!r}",
                        users=kind in ("users", "mentionables"),
                        roles=kind in ("roles", "mentionables"),
                        channels=kind == "channels",
                    )
                    for raw in values
                ]
            else:
                data["values"] = [str(v) for v in values]
            resolved = builder.resolved_payload()
            if resolved:
                data["resolved"] = resolved
            label += " → " + ", ".join(_show(v, clip=True) for v in data["values"])
        self.transcript.append(
            f"{self._where(channel.id)} {who.name}{_origin(True)} clicked [{label}]"
        )
        return self._interaction(
            MESSAGE_COMPONENT,
            who,
            channel,
            guild,
            member,
            data,
            _show(custom_id, clip=True),
            message=msg,
            modified_client=True,
        )

    async def forge_modal(
        self,
        user: User | Member,
        channel: Channel,
        custom_id: str,
        values: Mapping[str, str],
        *,
        message: Message | int | None = None,
    ) -> InteractionRecord:
        """A MODAL_SUBMIT from a modified client, with no modal shown before:
        any ``custom_id`` and one action row per entry of ``values``, each
        holding a text input ``{"type": 4, "custom_id": key, "value": value}``
        (any number, any length).  ``message`` (``Message`` or id in
        ``channel``) is sent as the message the modal was opened from (then
        the bot may also answer with types 6/7); default: none, as for a modal
        opened by a slash command.
        """
        who, channel, guild, member = self._resolve_place(user, channel, False)
        msg = self._forged_message(channel, message)
        components = [
            {
                "type": 1,
                "components": [{"type": TEXT_INPUT, "custom_id": str(key), "value": str(value)}],
            }
            for key, value in values.items()
        ]
        data: dict[str, Any] = {"custom_id": custom_id, "components": components}
        shown = ", ".join(f"{k}={_show(v, clip=True)}" for k, v in values.items())
        self.transcript.append(
            f"{self._where(channel.id)} {who.name}{_origin(True)} submitted modal "
            f"{_show(custom_id, clip=True)!r}: {shown}"
        )
        return self._interaction(
            MODAL_SUBMIT,
            who,
            channel,
            guild,
            member,
            data,
            _show(custom_id, clip=True),
            message=msg,
            modified_client=True,
        )

    # ---------------------------------------------------------------- messages
    async def send_message(
        self,
        user: User | Member,
        channel: Channel,
        content: str = "",
        *,
        mentions: Iterable[User | Member] = (),
        files: Files | None = None,
        reply_to: Message | None = None,
    ) -> Message:
        """Post a message as ``user`` (dispatches MESSAGE_CREATE to the bot).

        Mentions are derived from ``<@id>`` in the content, as Discord does;
        ``mentions=[fake.bot_user]`` prepends the missing ``<@id>`` markers.
        """
        who, channel, _guild, member = self._resolve_place(user, channel, False)
        if member is not None and not self.permissions_for(member, channel) & SEND_MESSAGES:
            raise DriverError(f"{who.name} cannot send messages in #{channel.name}")
        prefix = [m.mention for m in mentions if m.mention not in content]
        text = " ".join([*prefix, content]).strip() if prefix else content
        items = list(files.items()) if isinstance(files, Mapping) else list(files or [])
        attachments = [
            Attachment(self._snowflake(), filename, bytes(raw)) for filename, raw in items
        ]
        data: dict[str, Any] = {"content": text}
        if reply_to is not None:
            data["message_reference"] = {
                "type": 0,
                "message_id": str(reply_to.id),
                "channel_id": str(reply_to.channel_id),
                "guild_id": str(reply_to.guild_id) if reply_to.guild_id else None,
            }
        msg = self._new_message(channel, who, data, attachments, type=19 if reply_to else 0)
        self._last_action_id = msg.id
        return msg

    async def wait_for_message(
        self,
        channel: Channel,
        predicate: Callable[[Message], bool] | None = None,
        *,
        after: Message | InteractionRecord | int | None = None,
        timeout: float = 5.0,
    ) -> Message:
        """The first non-ephemeral message in ``channel`` newer than ``after``
        that matches ``predicate``.  ``after`` defaults to the last driver action
        (slash/click/submit/send_message), i.e. "what the bot posted since"."""
        after_id = (
            self._last_action_id
            if after is None
            else (after if isinstance(after, int) else after.id)
        )
        check = predicate or (lambda _m: True)
        for msg in self.messages(channel):
            if msg.id > after_id and not msg.loading and check(msg):
                return msg
        future: asyncio.Future[Message] = asyncio.get_running_loop().create_future()
        entry = (channel.id, check, after_id, future)
        self._message_waiters.append(entry)
        try:
            return await asyncio.wait_for(future, timeout)
        except TimeoutError:
            recent = [f"{m.author.name}: {m.content[:60]!r}" for m in self.messages(channel)[-5:]]
            raise AssertionError(
                f"no matching message in {self._where(channel.id)} within {timeout:g} s; "
                f"latest messages: {recent}"
            ) from None
        finally:
            self._message_waiters.remove(entry)

    # ------------------------------------------------------------- violations
    async def wait_for_violation(
        self, kind: str | None = None, *, timeout: float = 5.0
    ) -> Violation:
        """The first recorded violation (of ``kind``, if given), waiting if needed."""

        def check(v: Violation) -> bool:
            return kind is None or v.kind == kind

        for violation in self.violations:
            if check(violation):
                return violation
        future: asyncio.Future[Violation] = asyncio.get_running_loop().create_future()
        entry = (check, future)
        self._violation_waiters.append(entry)
        try:
            return await asyncio.wait_for(future, timeout)
        except TimeoutError:
            raise AssertionError(f"no {kind or ''} violation within {timeout:g} s") from None
        finally:
            self._violation_waiters.remove(entry)

    def take_violations(self) -> list[Violation]:
        """Return and clear the recorded violations (for tests that provoke them)."""
        taken, self.violations = self.violations, []
        return taken

    def assert_clean(self) -> None:
        """Fail if the bot used unknown routes or did anything Discord rejects."""
        problems = [f"unknown route: {r}" for r in self.unknown_routes]
        problems += [str(v) for v in self.violations]
        if problems:
            raise AssertionError(
                "fake Discord saw problems:\n" + "\n".join(f"  - {p}" for p in problems)
            )

    def format_transcript(self) -> str:
        """Human-readable log of what users did and what the bot answered."""
        return "\n".join(self.transcript)


def _origin(modified: bool) -> str:
    return " (modified client)" if modified else ""


def _show(value: Any, *, clip: bool = False) -> str:
    """A value as the transcript shows it; ``clip`` shortens long text (a
    modified client's 10,000 characters) to its start and length."""
    if clip:
        text = _show(value)
        return text if len(text) <= 60 else f"{text[:40]}…({len(text)} chars)"
    if isinstance(value, User | Member):
        return f"@{value.name}"
    if isinstance(value, Channel):
        return f"#{value.name}"
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], bytes | bytearray):
        return f"📎{value[0]}"
    if hasattr(value, "name") and hasattr(value, "guild_id"):
        return f"@{value.name}"
    return str(value)
