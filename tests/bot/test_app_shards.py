"""The bot over several shards (``bot/app.py``): which shards a process runs,
Discord's recommendation and IDENTIFY pacing read from ``GET /gateway/bot``,
``before_identify_hook`` taking its turn from the database, and the global
command sync left to the process running shard 0 and recorded once.

The bot here is the real one (``build_bot`` with ``loopback_settings``) logged
in to the loopback Discord, the way ``python -m bot`` does it: ``login`` (which
runs ``setup_hook``: migrations, cogs, command sync), ``resolve_shards``, then
``connect`` only where a test needs the gateway.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.app import GLOBAL_SYNC_HASH_KEY, Trackside, build_bot, shard_ranges
from bot.settings import Settings, load_settings
from db import AppState, open_database
from loopback import FakeDiscord
from loopback.sandbox import LOOPBACK_TOKEN, Database, loopback_settings

LEFT_TO_SHARD_0 = "global commands left to the process running shard 0"


def _global_syncs(fake: FakeDiscord) -> int:
    return sum(1 for line in fake.transcript if line.startswith("-- Trackside synced global"))


@asynccontextmanager
async def logged_in(
    fake: FakeDiscord, database_at: Database, **settings: Any
) -> AsyncIterator[Trackside]:
    """Trackside logged in to ``fake`` (``setup_hook`` done), not connected."""
    values = loopback_settings(fake, database_at, **settings)
    database = await open_database(values.database)
    try:
        bot = build_bot(values, database, guild_ready_timeout=0.05)
        async with bot:
            await bot.login(values.token)
            yield bot
    finally:
        await database.close()


# ---------------------------------------------------------------- which shards
@pytest.mark.parametrize(
    ("shards", "written"),
    [
        ([0, 1, 2, 3, 8], "0-3,8"),
        ([8, 3, 1, 2, 0], "0-3,8"),
        ([5], "5"),
        ([0, 2, 4], "0,2,4"),
        ([0, 2, 3, 4, 6, 10, 11], "0,2-4,6,10-11"),
        ([9, 10, 11, 12], "9-12"),
        (list(range(100, 164)), "100-163"),
        ([], ""),
    ],
)
def test_shard_ranges_writes_them_as_shard_ids_reads_them(shards: list[int], written: str) -> None:
    assert shard_ranges(shards) == written
    if shards:  # and SHARD_IDS reads it back as the same shards
        settings = load_settings(
            Settings,
            _env_file=None,
            discord_token=LOOPBACK_TOKEN,
            shard_count=200,
            shard_ids=written,
        )
        assert settings.shard_ids == sorted(shards)


def _bot(**settings: Any) -> Trackside:
    values = Settings(_env_file=None, discord_token=LOOPBACK_TOKEN, **settings)  # type: ignore[call-arg]
    return Trackside(settings=values, database=None)  # type: ignore[arg-type]


def test_shards_run_are_shard_ids_or_every_shard() -> None:
    assert _bot().shards_run == [0]
    assert _bot(shard_count=12).shards_run == list(range(12))
    assert _bot(shard_count=12, shard_ids="4-7").shards_run == [4, 5, 6, 7]
    assert _bot(shard_count=12, shard_ids=[11, 0]).shards_run == [0, 11]
    auto = _bot(shard_count="auto")
    assert auto.shard_count is None  # Discord's recommendation, read later
    with pytest.raises(AssertionError, match="call resolve_shards first"):
        auto.shards_run  # noqa: B018


async def test_shard_of_routes_a_server_as_discord_does() -> None:
    async with FakeDiscord(token=LOOPBACK_TOKEN, shard_count=12) as fake:
        bot = _bot(shard_count=12)
        for shard in (0, 1, 5, 11, 3):
            guild = fake.create_guild(f"On shard {shard}", shard=shard)
            assert bot.shard_of(guild.id) == shard == fake.shard_of(guild)
        # Unresolved (SHARD_COUNT=auto before login): one shard, so shard 0.
        assert _bot(shard_count="auto").shard_of(guild.id) == 0


async def test_resolve_shards_takes_discords_count_only_when_auto(tmp_path: Path) -> None:
    async with FakeDiscord(token=LOOPBACK_TOKEN, shard_count=3, max_concurrency=2) as fake:
        async with logged_in(fake, tmp_path / "auto.db", shard_count="auto") as bot:
            assert bot.shard_count is None
            assert await bot.resolve_shards() == [0, 1, 2]
            assert bot.shard_count == 3
            assert bot.max_concurrency == 2
        # An explicit count is kept whatever Discord recommends.
        fake.max_concurrency = 16
        async with logged_in(fake, tmp_path / "some.db", shard_count=4, shard_ids=[2, 3]) as bot:
            assert await bot.resolve_shards() == [2, 3]
            assert bot.shard_count == 4
            assert bot.max_concurrency == 16
        fake.assert_clean()


async def test_identifies_take_turns_per_bucket_through_the_database(
    new_database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three shards, max_concurrency 2: shards 0 and 2 share bucket 0, so the
    second waits its turn; Discord (enforcing the window) refuses none."""
    async with FakeDiscord(token=LOOPBACK_TOKEN, shard_count=3, max_concurrency=2) as fake:
        fake.identify_interval = 0.2  # below the bot's 0.25: the fake times arrivals
        fake.enforce_identify_concurrency = True
        for shard in range(3):
            fake.create_guild(f"Club {shard}", shard=shard)
        async with logged_in(fake, new_database, shard_count="auto", identify_interval=0.25) as bot:
            turns: list[tuple[int, float]] = []
            take_turn = bot.db.identify_turn

            async def identify_turn(bucket: int, interval_s: float) -> None:
                turns.append((bucket, interval_s))
                await take_turn(bucket, interval_s)

            monkeypatch.setattr(bot.db, "identify_turn", identify_turn)
            await bot.resolve_shards()
            runner = asyncio.create_task(bot.connect())
            try:
                await fake.wait_for_ready(timeout=15)
                assert sorted(bot.shards) == [0, 1, 2]
            finally:
                await bot.close()
                await asyncio.wait_for(runner, 10)
            assert turns == [(0, 0.25), (1, 0.25), (0, 0.25)]
            by_bucket = fake.gateway.identifies_by_bucket()
            assert {b: [e.shard_id for e in entries] for b, entries in by_bucket.items()} == {
                0: [0, 2],
                1: [1],
            }
            first, second = by_bucket[0]
            assert second.at - first.at >= fake.identify_interval
        fake.assert_clean()  # no IDENTIFY refused as too soon


async def test_an_identify_interval_of_zero_leaves_pacing_to_others(
    new_database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Behind a gateway proxy that paces IDENTIFYs (or on the loopback Discord),
    the bot neither waits nor records a turn."""
    async with FakeDiscord(token=LOOPBACK_TOKEN, shard_count=2, max_concurrency=1) as fake:
        async with logged_in(fake, new_database, shard_count=2, identify_interval=0) as bot:
            asked: list[int] = []

            async def identify_turn(bucket: int, interval_s: float) -> None:
                asked.append(bucket)

            monkeypatch.setattr(bot.db, "identify_turn", identify_turn)
            await bot.resolve_shards()
            runner = asyncio.create_task(bot.connect())
            try:
                await fake.wait_for_ready(timeout=15)
            finally:
                await bot.close()
                await asyncio.wait_for(runner, 10)
            assert asked == []
            assert [e.shard_id for e in fake.gateway.identify_log] == [0, 1]
        fake.assert_clean()


# ---------------------------------------------------------------- command sync
async def test_only_the_process_running_shard_0_syncs_globally(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    database = tmp_path / "trackside.db"
    async with FakeDiscord(token=LOOPBACK_TOKEN, shard_count=2) as fake:
        dev = fake.create_guild("Dev server")
        caplog.set_level(logging.INFO, logger="bot.app")
        async with logged_in(
            fake, database, shard_count=2, shard_ids=[1], dev_guild_id=dev.id
        ) as bot:
            guild_commands = len(fake.commands(dev))
            assert guild_commands > 0  # the dev guild is synced by every process
            assert fake.commands(None) == []
            assert _global_syncs(fake) == 0
            assert (
                f"command sync: {guild_commands} commands to guild {dev.id}; {LEFT_TO_SHARD_0}"
                in caplog.messages
            )
            # Even the owner's forced sync: the process without shard 0 says so.
            assert await bot.sync_commands(force=True) == [
                f"{guild_commands} commands to guild {dev.id}",
                LEFT_TO_SHARD_0,
            ]
            assert _global_syncs(fake) == 0
            assert await AppState(bot.db).get(GLOBAL_SYNC_HASH_KEY) is None

        async with logged_in(fake, database, shard_count=2, shard_ids=[0]) as bot:
            assert _global_syncs(fake) == 1
            assert {"pace", "help"} <= {c["name"] for c in fake.commands(None)}
            assert await AppState(bot.db).get(GLOBAL_SYNC_HASH_KEY) == bot.command_tree_hash()
            assert await bot.sync_commands() == ["global commands unchanged, not synced"]
        fake.assert_clean()


async def test_processes_racing_to_sync_record_the_hash_once(
    make_database: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two processes that both read an old hash both sync (Discord takes the
    same tree twice), and exactly one records the new hash."""
    database = await make_database()
    async with FakeDiscord(token=LOOPBACK_TOKEN) as fake:
        async with logged_in(fake, database) as first, logged_in(fake, database) as second:
            assert _global_syncs(fake) == 1  # the first at its start; the second saw it done
            current = first.command_tree_hash()
            assert second.command_tree_hash() == current
            await AppState(first.db).set(GLOBAL_SYNC_HASH_KEY, "the tree before an upgrade")

            # Both sync only once both have read the stored hash.
            both_read = asyncio.Barrier(2)
            for bot in (first, second):
                sync = bot.tree.sync

                async def sync_after_both_read(*args: Any, _sync: Any = sync, **kwargs: Any) -> Any:
                    await both_read.wait()
                    return await _sync(*args, **kwargs)

                monkeypatch.setattr(bot.tree, "sync", sync_after_both_read)
            done = await asyncio.gather(first.sync_commands(), second.sync_commands())
            count = len(fake.commands(None))
            assert sorted(done) == [
                [f"{count} commands globally"],
                [f"{count} commands globally (another process had already recorded it)"],
            ]
            assert _global_syncs(fake) == 3
            assert await AppState(second.db).get(GLOBAL_SYNC_HASH_KEY) == current
        fake.assert_clean()
