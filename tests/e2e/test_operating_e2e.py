"""Operating Trackside: ``/healthz``, ``/metrics`` and JSON logs, end to end.

The bot runs with ``HEALTH_PORT=0`` (a free port, read back from
``bot.health.port``) and is asked over HTTP as a process manager and a
Prometheus server would: 200 while connected, 503 with the reason while the
gateway is down (``fake.gateway.outage()``) or another process holds the
SQLite database past the probe's second; the metrics a scrape returns move
with commands, errors, database faults, 429s and scheduled posts. Last,
``python -m bot`` with ``LOG_FORMAT=json`` at DEBUG: every line of its log is
a JSON object, the error line carries its id, server and command, and no line
(nor a health or metrics answer) holds the token.
"""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import pytest
import pytest_asyncio
from prometheus_client.parser import text_string_to_metric_families

from bot.app import Trackside
from bot.clock import ManualClock
from loopback import MANAGE_GUILD, SEND_MESSAGES, FakeDiscord, Fault, Member
from loopback.sandbox import INVITE_PERMISSIONS, LOOPBACK_TOKEN, running_bot
from tests.e2e.bot_process import BotProcess
from tests.e2e.conftest import Database, build_world, fresh_database

pytestmark = pytest.mark.asyncio(loop_scope="module")

START = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)  # a Saturday noon, UTC
CALLBACK = "POST /interactions/{interaction_id}/{token}/callback"
Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


@dataclass
class Ops:
    fake: FakeDiscord
    bot: Trackside
    world: dict[str, Any]
    database: Database
    backend: str
    clock: ManualClock

    async def get(self, path: str) -> tuple[int, str]:
        """What a process manager or a scraper gets for ``path``."""
        return await _get(self.bot.health.port, path)

    async def scrape(self) -> Samples:
        status, text = await self.get("/metrics")
        assert status == 200
        return _samples(text)


async def _get(port: int | None, path: str) -> tuple[int, str]:
    assert port is not None, "the health server is not serving"
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{port}{path}") as response,
    ):
        return response.status, await response.text()


def _samples(text: str) -> Samples:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def _value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def ops(
    backend: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> AsyncIterator[Ops]:
    database = await fresh_database(backend, tmp_path_factory.mktemp("ops"), request)
    async with FakeDiscord(token=LOOPBACK_TOKEN) as fake:
        world = build_world(fake)
        clock = ManualClock(START)
        async with running_bot(
            fake, database, dev_guild_id=world["guild"].id, clock=clock, health_port=0
        ) as bot:
            await fake.wait_for_commands(world["guild"])
            yield Ops(fake, bot, world, database, backend, clock)


# -- /healthz ---------------------------------------------------------------------
async def test_healthz_is_200_connected_503_while_the_gateway_is_down_and_200_once_resumed(
    ops: Ops,
) -> None:
    assert await ops.get("/healthz") == (200, '{"status": "ok"}')
    before = await ops.scrape()
    assert _value(before, "trackside_shards_connected") == 1

    async with ops.fake.gateway.outage():
        status, body = await ops.get("/healthz")
        during = await ops.scrape()
    assert status == 503
    assert json.loads(body) == {
        "status": "unavailable",
        "reasons": ["gateway: shard 0 disconnected"],
    }
    assert _value(during, "trackside_shards_connected") == 0

    assert await ops.get("/healthz") == (200, '{"status": "ok"}')
    after = await ops.scrape()
    assert _value(after, "trackside_shards_connected") == 1
    assert _value(after, "trackside_gateway_reconnects_total") == (
        _value(before, "trackside_gateway_reconnects_total") + 1
    )
    assert ops.fake.shard_stats(0).resumes >= 1


_HOLDER = """
import sqlite3, sys
other = sqlite3.connect(sys.argv[1], isolation_level=None)
other.execute("BEGIN IMMEDIATE")
print("holding", flush=True)
sys.stdin.read()
other.execute("ROLLBACK")
"""


@asynccontextmanager
async def _another_process_holds(database: Path) -> AsyncIterator[None]:
    """Another program (an operator's sqlite3 shell, a long script) holding
    the database's write lock, in a process of its own, until the block ends."""
    holder = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        _HOLDER,
        str(database),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert holder.stdin is not None and holder.stdout is not None
    try:
        assert await asyncio.wait_for(holder.stdout.readline(), 10) == b"holding\n"
        yield
    finally:
        holder.stdin.close()
        assert await asyncio.wait_for(holder.wait(), 10) == 0


@asynccontextmanager
async def _another_session_locks_the_tables(database: str) -> AsyncIterator[None]:
    """PostgreSQL has no lock on a whole database: another session (a
    maintenance script) holding an exclusive lock on the bot's tables is what
    stops its writes, until the block ends."""
    other = await asyncpg.connect(database)
    try:
        async with other.transaction():
            await other.execute("LOCK TABLE app_state IN EXCLUSIVE MODE")
            yield
    finally:
        await other.close()


async def test_healthz_is_503_while_another_process_holds_the_database(ops: Ops) -> None:
    held = (
        _another_process_holds(Path(ops.database))
        if ops.backend == "sqlite"
        else _another_session_locks_the_tables(str(ops.database))
    )
    async with held:
        status, body = await ops.get("/healthz")
    assert status == 503
    assert json.loads(body) == {"status": "unavailable", "reasons": ["database: busy"]}
    assert await ops.get("/healthz") == (200, '{"status": "ok"}')


# -- /metrics ---------------------------------------------------------------------
@contextmanager
def _locked(database: Path) -> Iterator[None]:
    """SQLite: another connection holds the write lock (the bot's units wait
    out their 2 s budget, then answer "busy")."""
    other = sqlite3.connect(database, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        yield
        other.execute("ROLLBACK")
    finally:
        other.close()


@asynccontextmanager
async def _profile_held(ops: Ops, user: Member) -> AsyncIterator[None]:
    """The database refuses ``user``'s profile writes for longer than the
    budget: the whole file locked (SQLite), or the profile's row locked by
    another session (PostgreSQL)."""
    if ops.backend == "sqlite":
        with _locked(Path(ops.database)):
            yield
        return
    other = await asyncpg.connect(str(ops.database))
    try:
        async with other.transaction():
            rows = await other.fetch(
                "SELECT 1 FROM profiles WHERE user_id = $1 FOR UPDATE", user.id
            )
            assert len(rows) == 1
            yield
    finally:
        await other.close()


async def _slash(ops: Ops, user: Member, command: str, options: dict[str, Any]) -> Any:
    itx = await ops.fake.slash(user, command, options, channel=ops.world["general"])
    return await itx.wait_reply(timeout=5)


async def test_metrics_count_commands_by_outcome_errors_and_429s(
    ops: Ops, monkeypatch: pytest.MonkeyPatch
) -> None:
    ana: Member = ops.world["ana"]
    convert = {"time": "37.47", "distance": "300m"}
    await _slash(ops, ana, "profile set", {"units": "metric"})  # her profile's row exists
    before = await ops.scrape()

    assert "per 400 m" in (await _slash(ops, ana, "pace convert", convert)).content
    refused = await _slash(ops, ana, "pace convert", {"time": "fast", "distance": "300m"})
    assert refused.ephemeral

    def bug(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug in pace convert")

    # By name: each bot loads the cogs anew (the previous back end's bot
    # unloaded them), so the module is the one in sys.modules now.
    monkeypatch.setattr(sys.modules["cogs.pace.answers"], "pace_convert", bug)
    failed = await _slash(ops, ana, "pace convert", convert)
    assert "error id" in failed.content
    monkeypatch.undo()

    async with _profile_held(ops, ana):
        busy = await _slash(ops, ana, "profile set", {"units": "imperial"})
    assert busy.content.startswith("The database is busy right now")

    plan = ops.fake.rest.inject_faults(CALLBACK, [Fault(429, retry_after=0.05)])
    assert "per 400 m" in (await _slash(ops, ana, "pace convert", convert)).content
    assert plan.used

    after = await ops.scrape()

    def moved(name: str, **labels: str) -> float:
        return _value(after, name, **labels) - _value(before, name, **labels)

    counted = "trackside_interactions_total"
    assert moved(counted, command="pace convert", outcome="answered") == 2
    assert moved(counted, command="pace convert", outcome="user_error") == 1
    assert moved(counted, command="pace convert", outcome="unexpected_error") == 1
    assert moved(counted, command="profile set", outcome="unexpected_error") == 1
    assert moved("trackside_reply_seconds_count") == 5  # every one of them answered
    assert moved("trackside_database_errors_total", kind="busy") == 1
    assert moved("trackside_database_errors_total", kind="unavailable") == 0
    assert moved("trackside_discord_rate_limited_total", scope="user") == 1
    assert _value(after, "trackside_shards") == 1
    assert _value(after, "trackside_servers") == len(ops.bot.guilds)


async def test_metrics_count_scheduled_posts_posted_and_failed(ops: Ops) -> None:
    fake = ops.fake
    # A second server whose channel the bot may not post in by tomorrow.
    relay = fake.create_guild("Relay Club", bot_permissions=INVITE_PERMISSIONS)
    relay_channel = fake.create_channel(relay, "workouts")
    relay_coach = fake.create_member(relay, "Coach Okafor", permissions=MANAGE_GUILD)
    await fake.sync_gateway()
    before = await ops.scrape()
    assert _value(before, "trackside_servers") == len(ops.bot.guilds) == 2

    for coach, channel in (
        (ops.world["coach"], ops.world["workouts"]),
        (relay_coach, relay_channel),
    ):
        itx = await fake.slash(
            coach, "wod post", {"workout": "6 x 200m", "date": "tomorrow"}, channel=channel
        )
        assert "scheduled" in (await itx.wait_reply()).content
    fake.set_overwrite(relay_channel, fake.bot_user, deny=SEND_MESSAGES)
    try:
        ops.clock.set(datetime(2026, 11, 29, 12, 0, tzinfo=UTC))  # past 06:00 UTC tomorrow
        await ops.bot.get_cog("Wod").tick()
    finally:
        ops.clock.set(START)
        fake.set_overwrite(relay_channel, fake.bot_user)

    posts = [m for m in fake.messages(ops.world["workouts"]) if m.embeds]
    assert [m.content for m in posts] == ["Workout of the day, Sunday 29 November 2026"]
    after = await ops.scrape()

    def moved(outcome: str) -> float:
        name = "trackside_scheduled_posts_total"
        return _value(after, name, outcome=outcome) - _value(before, name, outcome=outcome)

    assert (moved("posted"), moved("failed"), moved("retry")) == (1, 1, 0)


# -- JSON logs on the real entry point ------------------------------------------------
async def test_json_log_lines_parse_and_no_line_holds_the_token(tmp_path: Path) -> None:
    database = tmp_path / "trackside.db"
    async with FakeDiscord(token=LOOPBACK_TOKEN) as fake:
        world = build_world(fake)
        guild = world["guild"]
        bot = await BotProcess.start(
            fake,
            database,
            cwd=tmp_path,
            LOG_FORMAT="json",
            LOG_LEVEL="DEBUG",  # discord.py's own request and gateway lines too
            HEALTH_PORT="0",
            DEV_GUILD_ID=str(guild.id),
        )
        try:
            serving = json.loads(await bot.wait_for_line("serving /healthz", timeout=30))
            port = int(re.search(r":(\d+)$", serving["message"]).group(1))  # type: ignore[union-attr]
            await bot.alive_while(fake.wait_for_commands(guild, timeout=30))
            await bot.alive_while(fake.wait_for_ready(timeout=30))
            answers_given = [await _get(port, "/healthz"), await _get(port, "/metrics")]
            assert answers_given[0] == (200, '{"status": "ok"}')

            itx = await fake.slash(
                world["ana"], "profile set", {"units": "metric"}, channel=world["general"]
            )
            assert "Saved." in (await itx.wait_reply(timeout=10)).text()
            with _locked(database):
                itx = await fake.slash(
                    world["ana"], "profile set", {"units": "imperial"}, channel=world["general"]
                )
                refused = await itx.wait_reply(timeout=10)
            error_id = re.search(r"error id `([0-9a-f]{8})`", refused.content).group(1)  # type: ignore[union-attr]
            line = json.loads(await bot.wait_for_line(error_id))
            answers_given.append(await _get(port, "/metrics"))
        finally:
            code = await bot.stop()
    assert code == 0, bot.log

    records = [json.loads(text) for text in bot.lines]  # every line is one JSON object
    assert all({"time", "level", "logger", "message"} <= record.keys() for record in records)
    assert {"discord.http", "discord.gateway", "bot.app"} <= {r["logger"] for r in records}
    assert line["level"] == "WARNING" and line["logger"] == "bot.errors"
    assert (line["error_id"], line["server"], line["command"]) == (
        error_id,
        guild.id,
        "profile set",
    )
    assert "is locked by another process" in line["message"]
    assert not [text for text in bot.lines if LOOPBACK_TOKEN in text]
    assert not [body for _, body in answers_given if LOOPBACK_TOKEN in body]
    assert 'trackside_database_errors_total{kind="busy"} 1.0' in answers_given[-1][1]
