"""``python -m bot`` as a real process: configuration loading, start-up,
an answer through the loopback Discord, and the one-line failures."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from loopback import FakeDiscord
from loopback.sandbox import LOOPBACK_TOKEN, Database, subprocess_environment
from tests.e2e.bot_process import BotProcess
from tests.e2e.conftest import build_world, fresh_database, read_rows

WRONG_BUT_WELL_FORMED = "MTAxMDAwMDAwMDAwMDAwMDAy.GWrong.this-token-is-not-the-one-discord-knows"


async def _start(env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def test_python_m_bot_starts_answers_and_stops_cleanly(
    tmp_path: Path, backend: str, new_database: Database
) -> None:
    async with FakeDiscord(token=LOOPBACK_TOKEN) as fake:
        world = build_world(fake)
        # SQLite: a file in folders that do not exist yet; PostgreSQL: an empty database.
        sqlite_file = tmp_path / "fresh" / "folder" / "trackside.db"
        database = sqlite_file if backend == "sqlite" else new_database
        env = subprocess_environment(fake, database, DEV_GUILD_ID=str(world["guild"].id))
        process = await _start(env, tmp_path)
        try:
            await fake.wait_for_ready(timeout=30)
            await fake.wait_for_commands(world["guild"], timeout=10)
            itx = await fake.slash(
                world["ana"],
                "pace convert",
                {"time": "37.47", "distance": "300m"},
                channel=world["general"],
            )
            assert "49.96 per 400 m" in (await itx.wait_reply(timeout=10)).content
            if backend == "sqlite":  # its folder was created at start-up
                assert await asyncio.to_thread(sqlite_file.exists)
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGINT)
            _, stderr = await asyncio.wait_for(process.communicate(), 30)
        assert process.returncode == 0, stderr.decode()
        assert LOOPBACK_TOKEN not in stderr.decode()
        fake.assert_clean()
    # Migrated at start-up, and the answer kept in the asker's history.
    [row] = await read_rows(database, "SELECT command FROM pace_answers")
    assert row["command"] == "pace convert"


async def test_a_token_discord_rejects_gives_one_line_and_a_failing_exit(
    tmp_path: Path, new_database: Database
) -> None:
    async with FakeDiscord(token=LOOPBACK_TOKEN) as fake:
        env = subprocess_environment(fake, new_database, DISCORD_TOKEN=WRONG_BUT_WELL_FORMED)
        process = await _start(env, tmp_path)
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
    lines = [line for line in stderr.decode().splitlines() if line.startswith("trackside:")]
    assert process.returncode == 1
    assert lines == [
        "trackside: Discord rejected DISCORD_TOKEN (401 Unauthorized): reset the token on the "
        "Developer Portal's Bot page and paste the new one into .env."
    ]
    assert "Traceback" not in stderr.decode()
    assert WRONG_BUT_WELL_FORMED not in stderr.decode()


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        (None, "trackside: DISCORD_TOKEN is not set"),
        ("not-a-token", "trackside: DISCORD_TOKEN does not look like a bot token"),
    ],
)
async def test_missing_or_malformed_token_is_one_line(
    tmp_path: Path, token: str | None, expected: str
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DISCORD_")}
    if token is not None:
        env["DISCORD_TOKEN"] = token
    process = await _start(env, tmp_path)
    _, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 2
    assert stderr.decode().strip().startswith(expected)
    assert len(stderr.decode().strip().splitlines()) == 1


def _said(process: BotProcess) -> list[str]:
    """What the process told the operator (its one-line failures)."""
    return [line for line in process.lines if line.startswith("trackside:")]


@pytest.mark.sqlite
async def test_sqlite_with_some_shards_exits_2_saying_postgresql_is_needed(
    tmp_path: Path, new_database: Database
) -> None:
    async with FakeDiscord(token=LOOPBACK_TOKEN, shard_count=4) as fake:
        bot = await BotProcess.start(
            fake, new_database, cwd=tmp_path, SHARD_COUNT="4", SHARD_IDS="0-1"
        )
        assert await bot.exited() == 2
        assert fake.rest.request_count == 0  # refused before Discord heard of it
    assert _said(bot) == [
        "trackside: SHARD_IDS runs only some shards, which needs PostgreSQL (DATABASE_URL): "
        "SQLite serves one process running every shard."
    ]
    assert len(bot.lines) == 1, bot.log
    assert not await asyncio.to_thread(Path(new_database).exists)


async def test_a_second_process_for_running_shards_exits_1_naming_them(
    tmp_path: Path, backend: str, request: pytest.FixtureRequest
) -> None:
    """SQLite: one process per file, the refusal names the holder's pid.
    PostgreSQL (a whole database: advisory locks are per database): processes
    for shards 0-1 and 1-2 of 4 overlap on shard 1, refused by name; the
    refused one never IDENTIFYs."""
    database = await fresh_database(backend, tmp_path, request)
    shards = {"SHARD_COUNT": "4", "SHARD_IDS": "0-1"} if backend == "postgresql" else {}
    # max_concurrency 4: each shard in its own bucket, so no 5 s IDENTIFY pacing.
    async with FakeDiscord(
        token=LOOPBACK_TOKEN, shard_count=4 if shards else 1, max_concurrency=4
    ) as fake:
        running = await BotProcess.start(fake, database, cwd=tmp_path, **shards)
        try:
            await running.alive_while(fake.wait_for_shards([0, 1] if shards else [0], 30))
            identifies = fake.gateway_stats.identifies
            if shards:
                shards["SHARD_IDS"] = "1-2"
            second = await BotProcess.start(fake, database, cwd=tmp_path, **shards)
            assert await second.exited() == 1, second.log
            assert fake.gateway_stats.identifies == identifies  # it never connected
            assert running.process.returncode is None  # the running one carries on
        finally:
            code = await running.stop()
        assert code == 0, running.log
        fake.assert_clean()
    if backend == "postgresql":
        expected = (
            "trackside: shard 1 (of 4) is already run by another live Trackside process: "
            "stop it, or start this one for other shards."
        )
    else:
        expected = (
            f"trackside: another Trackside process (pid {running.process.pid}) is using the "
            f"database {database}: stop it first (one bot process per SQLite file)."
        )
    assert _said(second) == [expected], second.log
    assert "Traceback" not in second.log
