"""Several bot processes on one database: ``hold_process`` (who may run which
shards) and ``identify_turn`` (Discord's IDENTIFY pacing across processes).

SQLite means one process: an exclusive lock on ``<db>.lock`` (fcntl), every
shard or none. PostgreSQL: an advisory lock per shard on a connection of the
holder's own, plus a shared lock naming ``SHARD_COUNT``. Advisory locks belong
to a whole database, so each PostgreSQL test here takes a database of its own
(not a schema of the shared test database, where another test's locks would
be seen).
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from pathlib import Path

import pytest

from db import AppState, open_database
from db.base import AlreadyRunning, Database
from db.postgresql import SHARD_LOCK, PostgresDatabase
from db.sqlite import SQLiteDatabase
from tests.conftest import create_postgres_database

ROOT = Path(__file__).resolve().parents[2]
INTERVAL = 0.2  # seconds between two IDENTIFYs of one bucket, for these tests


OpenPg = Callable[..., Awaitable[PostgresDatabase]]


def _never_lost() -> None:
    raise AssertionError("on_lost called while the claim was held")


def _shard_refusal(shard: int, count: int) -> str:
    return (
        f"shard {shard} (of {count}) is already run by another live Trackside process: "
        "stop it, or start this one for other shards"
    )


# ---------------------------------------------------------------- SQLite
@pytest.fixture
async def sqlite_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "trackside.db"


async def _open_sqlite(path: Path) -> SQLiteDatabase:
    db = await open_database(path)
    assert isinstance(db, SQLiteDatabase)
    return db


@pytest.mark.sqlite
async def test_sqlite_one_holder_per_file_and_the_lock_file_names_it(sqlite_path: Path) -> None:
    first, second = await _open_sqlite(sqlite_path), await _open_sqlite(sqlite_path)
    try:
        async with first.hold_process([0], 1, on_lost=_never_lost):
            lock_file = sqlite_path.with_name("trackside.db.lock")
            assert lock_file.read_text() == str(os.getpid())
            with pytest.raises(AlreadyRunning) as caught:
                async with second.hold_process([0], 1, on_lost=_never_lost):
                    raise AssertionError("a second holder of one SQLite file")
            assert caught.value.reason == (
                f"another Trackside process (pid {os.getpid()}) is using the database "
                f"{sqlite_path}: stop it first (one bot process per SQLite file)"
            )
        # Released when the holder is done: the next one takes it.
        async with second.hold_process([0, 1, 2], 3, on_lost=_never_lost):
            pass
    finally:
        await first.close()
        await second.close()


@pytest.mark.sqlite
@pytest.mark.parametrize(("shards", "count"), [([0, 1], 4), ([2, 3], 4), ([1], 2), ([], 1)])
async def test_sqlite_refuses_a_process_running_some_shards(
    sqlite_path: Path, shards: list[int], count: int
) -> None:
    db = await _open_sqlite(sqlite_path)
    try:
        with pytest.raises(AlreadyRunning) as caught:
            async with db.hold_process(shards, count, on_lost=_never_lost):
                raise AssertionError("SQLite held for some shards only")
        assert caught.value.reason == (
            f"SQLite serves one process running every shard; this one runs "
            f"{len(shards)} of {count} (use PostgreSQL for several processes)"
        )
        # Refused before taking the file: a process for every shard still starts.
        async with db.hold_process(list(range(count)), count, on_lost=_never_lost):
            pass
    finally:
        await db.close()


_SQLITE_HOLDER = """
import asyncio, sys
from db.sqlite import open_database

async def main():
    db = await open_database(sys.argv[1])
    async with db.hold_process([0, 1], 2, on_lost=lambda: None):
        print("held", flush=True)
        await asyncio.sleep(60)

asyncio.run(main())
"""


@pytest.mark.sqlite
async def test_sqlite_claim_of_a_killed_process_is_free_at_once(sqlite_path: Path) -> None:
    """Another process holds it (its pid in the refusal); SIGKILLed, the
    kernel drops its lock and the next process starts."""
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        _SQLITE_HOLDER,
        str(sqlite_path),
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
    )
    db = await _open_sqlite(sqlite_path)
    try:
        assert child.stdout is not None
        assert await asyncio.wait_for(child.stdout.readline(), 30) == b"held\n"
        with pytest.raises(AlreadyRunning) as caught:
            async with db.hold_process([0, 1], 2, on_lost=_never_lost):
                raise AssertionError("held while another process holds the file")
        assert f"(pid {child.pid})" in caught.value.reason
        child.kill()
        await asyncio.wait_for(child.wait(), 30)
        async with db.hold_process([0, 1], 2, on_lost=_never_lost):
            assert sqlite_path.with_name("trackside.db.lock").read_text() == str(os.getpid())
    finally:
        if child.returncode is None:
            child.kill()
            await child.wait()
        await db.close()


@pytest.mark.sqlite
async def test_sqlite_identify_turns_are_spaced_per_bucket(sqlite_path: Path) -> None:
    db = await _open_sqlite(sqlite_path)
    loop = asyncio.get_running_loop()
    done: list[tuple[str, float]] = []

    async def turn(name: str, bucket: int) -> None:
        await db.identify_turn(bucket, INTERVAL)
        done.append((name, loop.time()))

    try:
        await asyncio.gather(turn("a0", 0), turn("b0", 0), turn("c1", 1))
        order = [name for name, _ in done]
        at = dict(done)
        # Bucket 1 is not held up by bucket 0's second IDENTIFY...
        assert order.index("c1") < order.index("b0")
        # ...which waited the interval after the first.
        assert order.index("a0") < order.index("b0")
        assert at["b0"] - at["a0"] >= INTERVAL * 0.95
        # A later call in bucket 0 waits again, counted from b0's turn.
        await turn("d0", 0)
        assert dict(done)["d0"] - at["b0"] >= INTERVAL * 0.95
    finally:
        await db.close()


# ---------------------------------------------------------------- PostgreSQL
@pytest.fixture
async def pg_databases(
    postgres_admin_url: str,
) -> AsyncIterator[OpenPg]:
    """Opens handles (one per would-be process) on whole databases of their
    own: ``await open_pg()`` on a new database, ``await open_pg(url)`` on it again."""
    async with AsyncExitStack() as stack:

        async def open_pg(url: str | None = None) -> PostgresDatabase:
            db = await open_database(url or await create_postgres_database(postgres_admin_url))
            assert isinstance(db, PostgresDatabase)
            stack.push_async_callback(db.close)
            return db

        yield open_pg


async def _held_shards(db: PostgresDatabase) -> list[int]:
    """Shards whose advisory lock is granted in ``db``'s database, any holder."""
    rows = await db.fetch_all(
        "SELECT objid::int AS shard FROM pg_locks WHERE locktype = 'advisory'"
        " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        " AND classid = :key AND objsubid = 2 AND granted ORDER BY 1",
        {"key": SHARD_LOCK},
    )
    return [int(row["shard"]) for row in rows]


@pytest.mark.postgresql
async def test_postgresql_overlapping_shards_are_refused_naming_the_shard(
    pg_databases: OpenPg,
) -> None:
    a = await pg_databases()
    b, c = await pg_databases(a.url), await pg_databases(a.url)
    async with a.hold_process([0, 1], 4, on_lost=_never_lost):
        assert await _held_shards(a) == [0, 1]
        # b takes 2 and 3, then meets 1: refused naming it, and 2, 3 let go.
        with pytest.raises(AlreadyRunning) as caught:
            async with b.hold_process([2, 3, 1], 4, on_lost=_never_lost):
                raise AssertionError("two processes hold shard 1")
        assert caught.value.reason == _shard_refusal(1, 4)
        assert await _held_shards(a) == [0, 1]
        # Other shards of the same count run beside a.
        async with c.hold_process([2, 3], 4, on_lost=_never_lost):
            assert await _held_shards(a) == [0, 1, 2, 3]
            with pytest.raises(AlreadyRunning) as caught:
                async with b.hold_process([0, 1, 2, 3], 4, on_lost=_never_lost):
                    raise AssertionError("every shard is taken")
            assert caught.value.reason == _shard_refusal(0, 4)
    # Both holders done: every lock is gone, and the shards can be run again.
    assert await _held_shards(a) == []
    async with b.hold_process([0, 1, 2, 3], 4, on_lost=_never_lost):
        assert await _held_shards(a) == [0, 1, 2, 3]


@pytest.mark.postgresql
async def test_postgresql_a_different_shard_count_is_refused(
    pg_databases: OpenPg,
) -> None:
    a = await pg_databases()
    b = await pg_databases(a.url)
    async with a.hold_process([0, 1], 4, on_lost=_never_lost):
        with pytest.raises(AlreadyRunning) as caught:
            async with b.hold_process([4], 8, on_lost=_never_lost):
                raise AssertionError("two shard counts on one database")
        assert caught.value.reason == (
            "other Trackside processes run with SHARD_COUNT=4, this one with 8: "
            "every process of the bot must use the same count"
        )
        assert await _held_shards(a) == [0, 1]  # b took nothing
    # a gone: b's count is now the only one.
    async with b.hold_process([4], 8, on_lost=_never_lost):
        assert await _held_shards(a) == [4]


@pytest.mark.postgresql
async def test_postgresql_another_database_on_the_server_is_another_bot(
    pg_databases: OpenPg,
) -> None:
    """Advisory locks are per database: a bot on another database of the same
    server, with other shard numbers and count, is not in the way."""
    a = await pg_databases()
    other = await pg_databases()  # a second database
    async with (
        a.hold_process([0, 1], 4, on_lost=_never_lost),
        other.hold_process([0, 1, 2], 8, on_lost=_never_lost),
    ):
        assert await _held_shards(a) == [0, 1]
        assert await _held_shards(other) == [0, 1, 2]


@pytest.mark.postgresql
async def test_postgresql_locks_go_when_the_holder_ends_even_by_an_error(
    pg_databases: OpenPg,
) -> None:
    a = await pg_databases()
    b = await pg_databases(a.url)
    lost: list[str] = []
    with pytest.raises(RuntimeError, match="the gateway failed"):
        async with a.hold_process([0, 1], 2, on_lost=lambda: lost.append("lost")):
            raise RuntimeError("the gateway failed")
    async with b.hold_process([0, 1], 2, on_lost=_never_lost):
        assert await _held_shards(b) == [0, 1]
    await asyncio.sleep(0)  # a termination listener would run by now
    # Giving the claim up is not losing it: no "stopping" for a process that stops.
    assert lost == []


@pytest.mark.postgresql
async def test_postgresql_a_terminated_lock_connection_calls_on_lost(
    pg_databases: OpenPg,
) -> None:
    a = await pg_databases()
    b = await pg_databases(a.url)
    lost = asyncio.Event()
    async with a.hold_process([0], 1, on_lost=lost.set):
        assert await _held_shards(a) == [0]
        [row] = await b.fetch_all(
            "SELECT COUNT(*) AS n FROM pg_stat_activity WHERE datname = current_database()"
            " AND application_name = 'trackside shards'"
        )
        assert row["n"] == 1
        # What a failover or an operator does to the holder's session.
        await b.fetch_all(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND application_name = 'trackside shards'"
        )
        await asyncio.wait_for(lost.wait(), 10)
        # The server ended the session, and its locks: another process may take the shard.
        async with b.hold_process([0], 1, on_lost=_never_lost):
            assert await _held_shards(b) == [0]


async def _server_ms(db: Database) -> int:
    row = await db.fetch_one("SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS ms")
    assert row is not None
    return int(row["ms"])


@pytest.mark.postgresql
async def test_postgresql_identify_turns_are_spaced_across_processes_by_the_server_clock(
    pg_databases: OpenPg,
) -> None:
    a = await pg_databases()
    b = await pg_databases(a.url)
    await a.migrate()
    state = AppState(a)
    done: list[str] = []

    async def turn(name: str, db: PostgresDatabase, bucket: int) -> None:
        await db.identify_turn(bucket, INTERVAL)
        done.append(name)

    start = await _server_ms(a)
    # Two processes IDENTIFY in bucket 0 at once, a third shard in bucket 1.
    await asyncio.gather(turn("a0", a, 0), turn("b0", b, 0), turn("b1", b, 1))
    last_0 = int(await state.get("identify:0") or 0)
    only_1 = int(await state.get("identify:1") or 0)
    # The second turn of bucket 0 came at least the interval after the first,
    # which came no earlier than the start: so at least the interval in.
    assert last_0 - start >= INTERVAL * 1000
    # Bucket 1 went at once: before bucket 0's second turn.
    assert start <= only_1 < last_0
    assert done.index("b1") < max(done.index("a0"), done.index("b0"))
    # A later turn (a restarted process) still waits for the last one.
    await turn("a0-again", a, 0)
    assert int(await state.get("identify:0") or 0) - last_0 >= INTERVAL * 1000
