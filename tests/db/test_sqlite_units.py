"""How the SQLite back end runs units of work (``db/sqlite.py``): on the event
loop's own connection, which never waits there (a lock held by another
process is retried with ``await asyncio.sleep`` until the 2 s budget is spent,
then "busy"), never checkpoints there, and never half-stores a unit; reads and
checkpoints go to aiosqlite's worker thread. SQLite only: what every back end's
units promise (rolled back whole, a bug never run again) is tested on both in
``test_db.py``."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import closing
from pathlib import Path

import pytest

import db.sqlite
from db import DatabaseBusy, DatabaseUnavailable, open_database
from db.base import Executor
from db.sqlite import BUSY_TIMEOUT_MS, SQLiteDatabase

pytestmark = pytest.mark.sqlite


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[SQLiteDatabase]:
    opened = await open_database(tmp_path / "trackside.db")
    await opened.migrate()
    yield opened
    await opened.close()


def _insert(key: str) -> Callable[[Executor], Awaitable[int]]:
    async def unit(tx: Executor) -> int:
        return await tx.execute(
            "INSERT INTO app_state (key, value) VALUES (:key, 'x')", {"key": key}
        )

    return unit


async def _keys(database: SQLiteDatabase) -> list[str]:
    rows = await database.fetch_all("SELECT key FROM app_state ORDER BY key")
    return [row["key"] for row in rows]


class _Heartbeat:
    """Counts the event loop's turns while a unit runs: a unit that waited on
    the loop's thread would leave it at zero."""

    def __init__(self) -> None:
        self.beats = 0
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> _Heartbeat:
        async def beat() -> None:
            while True:
                await asyncio.sleep(0.01)
                self.beats += 1

        self._task = asyncio.create_task(beat())
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()


def _held_lock(path: Path) -> sqlite3.Connection:
    """Another process's writer (a second connection is the same to SQLite)."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO app_state (key, value) VALUES ('other', 'y')")
    return other


def test_the_units_connection_never_waits_and_never_checkpoints(
    database: SQLiteDatabase,
) -> None:
    writer = database._writer
    assert writer.execute("PRAGMA busy_timeout").fetchone()[0] == 0
    assert writer.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
    assert writer.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert writer.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL


async def test_units_run_on_the_loops_connection_and_reads_on_the_worker_thread(
    database: SQLiteDatabase,
) -> None:
    on_loop: list[str] = []
    on_thread: list[str] = []
    database._writer.set_trace_callback(on_loop.append)
    await database._reader.set_trace_callback(on_thread.append)

    assert await database.run(_insert("fast")) == 1
    assert on_loop[0] == "BEGIN IMMEDIATE" and on_loop[-1] == "COMMIT"
    assert any(sql.startswith("INSERT INTO app_state") for sql in on_loop)
    assert on_thread == []

    assert await _keys(database) == ["fast"]  # committed: the other connection sees it
    assert any(sql.startswith("SELECT key FROM app_state") for sql in on_thread)
    assert not any(sql.startswith("SELECT") for sql in on_loop)


async def test_a_lock_held_elsewhere_is_retried_while_the_loop_runs_on(
    database: SQLiteDatabase,
) -> None:
    other = _held_lock(database.path)
    loop = asyncio.get_running_loop()
    # Released by a callback on this very loop: a unit that waited for the
    # lock on the loop's thread would never see it released.
    loop.call_later(0.2, other.execute, "COMMIT")
    try:
        async with _Heartbeat() as heart:
            started = loop.time()
            assert await database.run(_insert("mine")) == 1
            waited = loop.time() - started
    finally:
        other.close()
    assert 0.2 <= waited < BUSY_TIMEOUT_MS / 1000
    assert heart.beats >= 5  # the loop kept running while the unit waited
    assert await _keys(database) == ["mine", "other"]


async def test_a_lock_held_past_the_budget_is_busy_in_time_and_stores_nothing(
    database: SQLiteDatabase,
) -> None:
    other = _held_lock(database.path)
    loop = asyncio.get_running_loop()
    try:
        async with _Heartbeat() as heart:
            started = loop.time()
            with pytest.raises(DatabaseBusy, match="locked by another process"):
                await database.run(_insert("mine"))
            waited = loop.time() - started
    finally:
        other.execute("ROLLBACK")
        other.close()
    # Within the budget (and so within Discord's 3 s), never far past it.
    assert BUSY_TIMEOUT_MS / 1000 - 0.1 <= waited < BUSY_TIMEOUT_MS / 1000 + 0.3
    assert heart.beats >= 100
    assert await _keys(database) == []  # neither unit's row
    assert await database.run(_insert("after")) == 1  # and the connection is fine


async def test_units_queued_behind_a_lock_share_the_budget_not_add_to_it(
    database: SQLiteDatabase,
) -> None:
    other = _held_lock(database.path)
    loop = asyncio.get_running_loop()
    try:
        started = loop.time()
        results = await asyncio.gather(
            *(database.run(_insert(f"k{n}")) for n in range(5)), return_exceptions=True
        )
        waited = loop.time() - started
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert all(isinstance(result, DatabaseBusy) for result in results)
    assert waited < BUSY_TIMEOUT_MS / 1000 + 0.3  # five units, one budget each, in parallel


async def test_the_wal_is_checkpointed_on_the_worker_thread_every_so_many_units(
    database: SQLiteDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db.sqlite, "_CHECKPOINT_EVERY", 3)
    with closing(sqlite3.connect(database.path)) as other:  # the migrations into the file
        other.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def in_file() -> int:
        """Rows in the database file alone, as if the WAL were not there:
        rows reach it only through a checkpoint."""
        uri = f"file:{database.path}?immutable=1"
        with closing(sqlite3.connect(uri, uri=True)) as file_only:
            return int(file_only.execute("SELECT COUNT(*) FROM app_state").fetchone()[0])

    for key in ("a", "b"):
        await database.run(_insert(key))
    assert database._checkpoint is None
    assert in_file() == 0  # only in the WAL so far

    await database.run(_insert("c"))  # the third unit schedules a checkpoint
    checkpoint = database._checkpoint
    assert checkpoint is not None
    await checkpoint
    assert in_file() == 3


async def test_an_in_memory_database_is_refused_with_a_reason() -> None:
    with pytest.raises(DatabaseUnavailable, match="needs a database file"):
        await open_database(":memory:")
