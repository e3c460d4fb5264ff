"""Shared pieces of the loopback benchmarks: the club world, the baseline
bot (discord.py's floor), SQL statement counting, percentiles and memory.

Not a benchmark itself; ``latency_bench.py``, ``burst_bench.py``,
``post_scale_bench.py`` and ``startup_bench.py`` import it first (run as
``python bench/NAME.py``, ``bench/`` is on ``sys.path`` as the script's
folder). It puts the repository root there too: the fake Discord
(``loopback/``) is test tooling, not installed with the bot.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import os
import resource
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import discord
import yarl
from discord import app_commands
from discord.ext import commands

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app import minimal_intents
from loopback import MANAGE_GUILD, Channel, FakeDiscord, Guild, InteractionRecord, Member
from loopback.sandbox import INVITE_PERMISSIONS


@contextlib.asynccontextmanager
async def bench_database(folder: str | Path, name: str) -> AsyncIterator[Path | str]:
    """Where a benchmark's bot keeps its data: a SQLite file in ``folder``, or,
    with ``BENCH_POSTGRES_URL`` set (``bench/with_postgres.py`` sets it), a
    throwaway database on that PostgreSQL server, dropped afterwards."""
    url = os.environ.get("BENCH_POSTGRES_URL")
    if not url:
        yield Path(folder) / f"{name}.db"
        return
    from db.postgresql import scratch_database

    async with scratch_database(url, f"bench_{name}") as scratch:
        yield scratch


def backend_label() -> str:
    return "PostgreSQL" if os.environ.get("BENCH_POSTGRES_URL") else "SQLite"


# The e2e tests' clock: noon UTC on a Saturday, so "today" is fixed.
CLUB_START = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
SEED_WORKOUT = "4 x 250m sprint + 1 x 300m"
SEED_SPLITS = "29.78 29.98 31.31 31.20 37.47"
PACE_OPTIONS = {"time": "37.47", "distance": "300m"}


# --------------------------------------------------------------------- logging
class LogTally(logging.Handler):
    """Counts the bot's warnings and errors instead of printing them: a
    burst's hundreds of identical lines would bury the figures."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.counts: dict[str, int] = {}

    def emit(self, record: logging.LogRecord) -> None:
        # The format string, not the message: one kind per log call site.
        kind = str(record.msg)[:70]
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            kind += f" ({type(error).__name__}: {str(error)[:60]})"
        self.counts[kind] = self.counts.get(kind, 0) + 1

    def install(self) -> LogTally:
        # The root logger's default level (WARNING) already lets these through.
        logging.getLogger().addHandler(self)
        return self

    def remove(self) -> None:
        logging.getLogger().removeHandler(self)

    def summary(self) -> str:
        if not self.counts:
            return "none"
        ordered = sorted(self.counts.items(), key=lambda item: -item[1])
        return ", ".join(f"{n} × {kind!r}" for kind, n in ordered)


# --------------------------------------------------------------------- figures
def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (no interpolation: every figure is a real sample)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f}"


def rss_now_mib() -> float:
    """Current resident set size of this process (Linux /proc), MiB."""
    return _proc_status_kib("VmRSS") / 1024


def rss_peak_mib() -> float:
    """Peak resident set size of this process so far, MiB (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _proc_status_kib(key: str, pid: int | str = "self") -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(key + ":"):
                return float(line.split()[1])
    return math.nan


def child_rss_mib(pid: int) -> tuple[float, float]:
    """(current, peak) resident set size of another process, MiB."""
    return _proc_status_kib("VmRSS", pid) / 1024, _proc_status_kib("VmHWM", pid) / 1024


# ------------------------------------------------------------------ the world
@dataclass
class Club:
    guild: Guild
    general: Channel
    workouts: Channel
    coach: Member
    athletes: list[Member] = field(default_factory=list)


def build_club(fake: FakeDiscord, athletes: int, *, name: str = "Track Club") -> Club:
    """One server as a coach sets it up (the README's invite permissions), with
    ``athletes`` members. Built before the bot connects: no member events."""
    guild = fake.create_guild(name, bot_permissions=INVITE_PERMISSIONS)
    general = fake.create_channel(guild, "general")
    workouts = fake.create_channel(guild, "workouts")
    coach = fake.create_member(guild, "Coach Rivera", permissions=MANAGE_GUILD)
    club = Club(guild, general, workouts, coach)
    club.athletes = [fake.create_member(guild, f"Athlete {i:04d}") for i in range(athletes)]
    return club


def latency(itx: InteractionRecord) -> float | None:
    """INTERACTION_CREATE sent → first reply the user sees, seconds (None: no reply)."""
    if itx.replied_at is None:
        return None
    return itx.replied_at - itx.created_at


async def settle(itx: InteractionRecord, timeout: float = 30.0) -> bool:  # noqa: ASYNC109
    """Wait for the user-visible reply; False if there was none (deadline missed)."""
    try:
        await itx.wait_reply(timeout)
    except AssertionError:
        return False
    return True


# -------------------------------------------------------------- baseline bot
class BaselineBot(commands.Bot):
    """discord.py's floor: the same command names and option shapes as
    Trackside's ``/pace convert`` and ``/splits submit``, so the fake can
    drive it the same way, but each handler only replies "ok"."""

    def __init__(self, replies: dict[str, tuple[str, dict[str, Any]]] | None = None) -> None:
        """``replies`` (command → content and embed) makes the handlers send
        that reply instead of "ok": the floor for a reply of Trackside's size."""
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=minimal_intents(),
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
            guild_ready_timeout=0.05,
        )
        pace = app_commands.Group(name="pace", description="Pace maths for runners")
        splits = app_commands.Group(name="splits", description="Rep splits")
        canned = replies or {}

        async def reply(interaction: discord.Interaction, command: str) -> None:
            if command not in canned:
                await interaction.response.send_message("ok")
                return
            content, embed = canned[command]
            await interaction.response.send_message(
                content,
                embed=discord.Embed.from_dict(embed),
                allowed_mentions=discord.AllowedMentions.none(),
            )

        @pace.command(name="convert", description="The same pace per 400 m, km and mile")
        async def convert(interaction: discord.Interaction, time: str, distance: str) -> None:
            await reply(interaction, "pace convert")

        @splits.command(name="submit", description="Log your rep times for a day's workout")
        async def submit(
            interaction: discord.Interaction,
            splits: app_commands.Range[str, 1, 1000],
            date: str | None = None,
            note: app_commands.Range[str, 1, 300] | None = None,
        ) -> None:
            await reply(interaction, "splits submit")

        self.tree.add_command(pace)
        self.tree.add_command(splits)

    async def setup_hook(self) -> None:
        await self.tree.sync()


@contextlib.asynccontextmanager
async def running_baseline(
    fake: FakeDiscord, replies: dict[str, tuple[str, dict[str, Any]]] | None = None
) -> AsyncIterator[BaselineBot]:
    """The baseline bot connected to ``fake`` and ready (like ``running_bot``)."""
    discord.http.Route.BASE = fake.api_url
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
    bot = BaselineBot(replies)
    runner = asyncio.create_task(bot.start(fake.token), name="baseline")
    try:
        await asyncio.wait_for(bot.wait_until_ready(), 15)
        yield bot
    finally:
        await bot.close()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await asyncio.wait_for(runner, 10)


# ------------------------------------------------------------ SQL accounting
class SqlCounter:
    """Counts the statements SQLite runs on the bot's connection (the
    ``set_trace_callback`` hook, which also sees BEGIN/COMMIT), and the wall
    time the bot's code spends inside database calls."""

    def __init__(self) -> None:
        self.statements: list[str] = []
        self.db_seconds = 0.0
        self.db_calls = 0

    def _trace(self, sql: str) -> None:
        # Called on aiosqlite's worker thread or the loop's; list.append is atomic
        # under the GIL.
        self.statements.append(sql)

    def reset(self) -> None:
        self.statements.clear()
        self.db_seconds = 0.0
        self.db_calls = 0

    async def attach(self, database: Any) -> None:
        """Hook into a ``db.sqlite.SQLiteDatabase`` (its connection and methods).

        The wrappers are instance attributes, so every query class holding
        this database object goes through them.
        """
        await database.set_trace_callback(self._trace)
        counter = self

        def timed(call: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
            async def wrapper(*args: Any, **kwargs: Any) -> Any:
                started = time.perf_counter()
                try:
                    return await call(*args, **kwargs)
                finally:
                    counter.db_seconds += time.perf_counter() - started
                    counter.db_calls += 1

            return wrapper

        database.fetch_one = timed(database.fetch_one)
        database.fetch_all = timed(database.fetch_all)
        database.run = timed(database.run)  # a whole unit of work

    def by_kind(self) -> dict[str, int]:
        kinds: dict[str, int] = {}
        for sql in self.statements:
            kind = sql.split(None, 1)[0].upper() if sql.strip() else "?"
            kinds[kind] = kinds.get(kind, 0) + 1
        return kinds


class Stopwatch:
    """Wall time spent in named functions, by wrapping module attributes
    (``stopwatch.wrap(cogs.pace.answers, "pace_convert")``); undone by ``restore``."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._undo: list[tuple[object, str, object]] = []

    def reset(self) -> None:
        self.seconds = dict.fromkeys(self.seconds, 0.0)

    def wrap(self, owner: object, name: str, label: str | None = None) -> None:
        original = getattr(owner, name)
        key = label or name
        self.seconds.setdefault(key, 0.0)
        watch = self

        if asyncio.iscoroutinefunction(original):

            async def timed(*args: Any, **kwargs: Any) -> Any:
                started = time.perf_counter()
                try:
                    return await original(*args, **kwargs)
                finally:
                    watch.seconds[key] += time.perf_counter() - started

        else:

            def timed(*args: Any, **kwargs: Any) -> Any:  # type: ignore[misc]
                started = time.perf_counter()
                try:
                    return original(*args, **kwargs)
                finally:
                    watch.seconds[key] += time.perf_counter() - started

        setattr(owner, name, timed)
        self._undo.append((owner, name, original))

    def restore(self) -> None:
        for owner, name, original in reversed(self._undo):
            setattr(owner, name, original)
        self._undo.clear()
