"""The Trackside bot: built from settings and an open database.

The database is opened outside the bot and passed in (resources outlive the
client and are closed by whoever opened them); ``setup_hook`` applies
migrations before any cog loads, loads every cog, then syncs commands.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import socket
from typing import Any

import discord
import yarl
from discord.ext import commands

from bot.clock import Clock, SystemClock
from bot.components import ComponentRouter
from bot.errors import ErrorReportingTree
from bot.health import HealthServer, connected_shards
from bot.metrics import Metrics
from bot.settings import Settings
from db import AppState, Database

log = logging.getLogger(__name__)

EXTENSIONS: tuple[str, ...] = (
    "cogs.pace",
    "cogs.wod",
    "cogs.splits",
    "cogs.config",
    "cogs.chat",
    "cogs.profile",
    "cogs.help",
)
GLOBAL_SYNC_HASH_KEY = "global_commands_hash"


def point_at_discord(settings: Settings) -> None:
    """Send REST and gateway traffic to ``DISCORD_API_URL`` /
    ``DISCORD_GATEWAY_URL`` when set (an API proxy or the loopback Discord)."""
    if settings.discord_api_url:
        discord.http.Route.BASE = settings.discord_api_url
    if settings.discord_gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)


def _silence_voice_warnings() -> None:
    # Trackside never joins voice; the "PyNaCl is not installed" warnings
    # would only worry whoever reads the log.
    discord.VoiceClient.warn_nacl = False
    if hasattr(discord.VoiceClient, "warn_dave"):
        discord.VoiceClient.warn_dave = False


def minimal_intents() -> discord.Intents:
    """No privileged intent: Discord still delivers the text of DMs and of
    messages that mention the bot, which is all the bot reads."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.dm_messages = True
    return intents


class Trackside(commands.AutoShardedBot):
    """The bot: always sharded, with explicit shards (one shard by default,
    ``SHARD_COUNT`` / ``SHARD_IDS`` for several, over several processes)."""

    def __init__(
        self,
        *,
        settings: Settings,
        database: Database,
        clock: Clock | None = None,
        **client_options: Any,
    ) -> None:
        metrics = Metrics()
        # Every REST response passes here: the 429s are counted whichever
        # request met them (discord.py retries them itself).
        client_options.setdefault("http_trace", metrics.trace_config())
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=minimal_intents(),
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
            tree_cls=ErrorReportingTree,
            owner_ids=set(settings.owner_ids) or None,
            # No message cache: nothing here reads cached messages (posts are
            # found by id through REST), and in a busy team channel the default
            # 1,000 cached messages per bot are memory and work for nothing.
            max_messages=None,
            # None: resolved from Discord's recommendation (resolve_shards).
            shard_count=None if settings.shard_count == "auto" else settings.shard_count,
            shard_ids=settings.shard_ids,
            **client_options,
        )
        self.settings = settings
        # Discord's session start limit, read by resolve_shards.
        self.max_concurrency = 1
        self.hostname = socket.gethostname()
        self.db = database
        self.clock: Clock = clock or SystemClock()
        # Changes at every start: confirm buttons carry it, so one opened
        # before a restart is recognised as expired (bot.components).
        self.boot_id = secrets.token_hex(4)
        # Every button and form arrives here, routed by its custom id.
        self.router = ComponentRouter()
        # This bot's own registry (several bots share a test process).
        self.metrics = metrics
        self.metrics.serve(
            servers=lambda: len(self.guilds),
            shards=lambda: len(self.shards_run) if self.shard_count else 0,
            connected=lambda: connected_shards(self),
        )
        # /healthz and /metrics, when HEALTH_PORT is set (started in setup_hook).
        self.health = HealthServer(self)
        self._shards_seen: set[int] = set()

    # -- shards ----------------------------------------------------------------
    @property
    def shards_run(self) -> list[int]:
        """The shards this process runs (all of them unless SHARD_IDS)."""
        assert self.shard_count is not None, "call resolve_shards first"
        return list(self.shard_ids or range(self.shard_count))

    @property
    def process_name(self) -> str:
        """Who served, for logs and /config show: the process's boot id and host."""
        return f"process {self.boot_id} on {self.hostname}"

    def shard_of(self, guild_id: int) -> int:
        return (guild_id >> 22) % (self.shard_count or 1)

    def serving(self, guild_id: int | None) -> str:
        """Which shard and process serve ``guild_id`` (DMs: shard 0), for
        /config show and error logs: what a coach or an operator quotes."""
        shard = self.shard_of(guild_id) if guild_id else 0
        return f"Shard {shard} of {self.shard_count or 1}, {self.process_name}"

    async def resolve_shards(self) -> list[int]:
        """After login, before the gateway: Discord's session start limit
        (its ``max_concurrency`` paces IDENTIFYs) and, with SHARD_COUNT=auto,
        its recommended shard count. Returns the shards this process runs."""
        recommended, _, limits = await self.http.get_bot_gateway()
        self.max_concurrency = max(1, int(limits.get("max_concurrency", 1)))
        if self.shard_count is None:
            self.shard_count = int(recommended)
        return self.shards_run

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """Discord allows one IDENTIFY per 5 s in each of ``max_concurrency``
        buckets, across every process of the bot: the database paces them
        (PostgreSQL, shared by the processes; SQLite's one process alone).
        ``IDENTIFY_INTERVAL=0``: something else paces them; nothing to record."""
        if self.settings.identify_interval <= 0:
            return
        bucket = (shard_id or 0) % self.max_concurrency
        await self.db.identify_turn(bucket, self.settings.identify_interval)

    async def setup_hook(self) -> None:
        if self.settings.health_port is not None:
            # First: from now on a process manager gets 503 (not connected
            # yet) rather than a refused connection while the bot starts.
            await self.health.start(self.settings.health_host, self.settings.health_port)
        applied = await self.db.migrate()
        if applied:
            log.info("database migrated to version %d", applied[-1])
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        await self.sync_commands()

    # -- command sync ----------------------------------------------------------
    def command_tree_hash(self) -> str:
        """A stable hash of the global command payload Discord would receive."""
        payload = [command.to_dict(self.tree) for command in self.tree.get_commands()]
        payload.sort(key=lambda item: item["name"])
        encoded = json.dumps(payload, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(encoded.encode()).hexdigest()

    async def sync_commands(self, *, force: bool = False) -> list[str]:
        """Sync to ``DEV_GUILD_ID`` on every start (instant there); globally
        only when the command tree changed since the last global sync, or when
        forced (global syncs are rate limited and slow to propagate), and only
        by the process running shard 0, so several processes sync once: the
        stored hash moves by compare-and-set after a sync.

        Returns what was synced, for logs and the owner's ``sync`` command.
        """
        done: list[str] = []
        if self.settings.dev_guild_id:
            guild = discord.Object(id=self.settings.dev_guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            done.append(f"{len(synced)} commands to guild {self.settings.dev_guild_id}")
        if self.shard_ids is not None and 0 not in self.shard_ids:
            done.append("global commands left to the process running shard 0")
            log.info("command sync: %s", "; ".join(done))
            return done
        state = AppState(self.db)
        current = self.command_tree_hash()
        stored = await state.get(GLOBAL_SYNC_HASH_KEY)
        if force or stored != current:
            synced = await self.tree.sync()
            moved = await state.compare_and_set(GLOBAL_SYNC_HASH_KEY, stored, current)
            done.append(
                f"{len(synced)} commands globally"
                + ("" if moved else " (another process had already recorded it)")
            )
        else:
            done.append("global commands unchanged, not synced")
        log.info("command sync: %s", "; ".join(done))
        return done

    async def on_command_error(
        self, context: commands.Context[Trackside], exception: commands.CommandError
    ) -> None:
        # Mention-prefixed text commands exist only for the owner (``sync``);
        # anything else a mention says is not a command, and a non-owner's
        # ``sync`` is ignored rather than answered.
        if isinstance(exception, commands.CommandNotFound | commands.NotOwner):
            return
        log.error("text command %s failed", context.command, exc_info=exception)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        await self.router.dispatch(self, interaction)

    async def on_app_command_completion(
        self,
        interaction: discord.Interaction,
        command: discord.app_commands.Command[Any, ..., Any] | discord.app_commands.ContextMenu,
    ) -> None:
        # A command that returned normally has answered (errors go through
        # bot.errors.report_error, which counts them).
        self.metrics.interaction(command.qualified_name, "answered", interaction.created_at)

    # -- gateway ---------------------------------------------------------------
    async def on_shard_connect(self, shard_id: int) -> None:
        # READY of a new session: a reconnection unless it is the shard's first.
        if shard_id in self._shards_seen:
            self.metrics.reconnected()
        self._shards_seen.add(shard_id)

    async def on_shard_resumed(self, shard_id: int) -> None:
        self.metrics.reconnected()

    async def close(self) -> None:
        await self.health.stop()
        await super().close()

    async def on_ready(self) -> None:
        assert self.user is not None
        log.info(
            "connected as %s (id %s) to %d servers: shards %s of %s, %s",
            self.user,
            self.user.id,
            len(self.guilds),
            shard_ranges(self.shards_run),
            self.shard_count,
            self.process_name,
        )


def shard_ranges(shards: list[int]) -> str:
    """``[0, 1, 2, 3, 8]`` → ``0-3,8``: how SHARD_IDS writes them."""
    parts: list[str] = []
    for shard in sorted(shards):
        if parts and shard == int(parts[-1].rsplit("-", 1)[-1]) + 1:
            parts[-1] = f"{parts[-1].split('-')[0]}-{shard}"
        else:
            parts.append(str(shard))
    return ",".join(parts)


def build_bot(
    settings: Settings,
    database: Database,
    clock: Clock | None = None,
    **client_options: Any,
) -> Trackside:
    """The one factory: ``python -m bot``, the demo and the tests all use it.

    ``client_options`` go to :class:`discord.Client` (the loopback harness
    shortens ``guild_ready_timeout``; production uses discord.py's defaults).
    """
    point_at_discord(settings)
    _silence_voice_warnings()
    return Trackside(settings=settings, database=database, clock=clock, **client_options)
