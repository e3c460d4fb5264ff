"""Units of work on the event loop's own SQLite connection (``SQLiteDatabase.run``):
used when the write lock is free, never waiting or checkpointing there; a
lock held by another process sends the unit to the worker thread instead."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import closing
from pathlib import Path

import pytest

import db.sqlite
from db import AppState, open_database
from db.base import Executor
from db.sqlite import SQLiteDatabase


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


async def test_the_loops_connection_never_waits_and_never_checkpoints(
    database: SQLiteDatabase,
) -> None:
    direct = database._direct
    assert direct is not None
    assert direct.execute("PRAGMA busy_timeout").fetchone()[0] == 0
    assert direct.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
    assert direct.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert direct.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL


async def test_a_unit_runs_on_the_loops_connection_when_the_lock_is_free(
    database: SQLiteDatabase,
) -> None:
    on_direct: list[str] = []
    on_thread: list[str] = []
    assert database._direct is not None
    database._direct.set_trace_callback(on_direct.append)
    await database._conn.set_trace_callback(on_thread.append)

    assert await database.run(_insert("fast")) == 1

    assert any(sql.startswith("INSERT INTO app_state") for sql in on_direct)
    assert on_direct[0] == "BEGIN IMMEDIATE" and on_direct[-1] == "COMMIT"
    assert on_thread == []
    assert await _keys(database) == ["fast"]  # visible to the worker thread's reads


async def test_a_lock_held_elsewhere_is_waited_for_off_the_loop(
    database: SQLiteDatabase,
) -> None:
    # Another process's writer (a second connection is the same to SQLite).
    other = sqlite3.connect(database.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO app_state (key, value) VALUES ('other', 'y')")
    loop = asyncio.get_running_loop()
    # The lock is released by a callback on this event loop: if run() waited
    # for it on the loop's thread, the callback could never run and the unit
    # would fail as busy after the 2 s timeout.
    loop.call_later(0.2, other.execute, "COMMIT")
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    beating = asyncio.create_task(ticker())
    try:
        started = loop.time()
        assert await database.run(_insert("mine")) == 1
        waited = loop.time() - started
    finally:
        beating.cancel()
        other.close()

    assert waited >= 0.2
    assert ticks >= 5  # the loop kept running while the unit waited
    assert await _keys(database) == ["mine", "other"]


async def test_a_unit_that_fails_on_the_loops_connection_is_not_run_again(
    database: SQLiteDatabase,
) -> None:
    calls = 0

    async def duplicate(tx: Executor) -> None:
        nonlocal calls
        calls += 1
        await tx.execute("INSERT INTO app_state (key, value) VALUES ('k', 'x')")
        await tx.execute("INSERT INTO app_state (key, value) VALUES ('k', 'x')")

    with pytest.raises(sqlite3.IntegrityError):
        await database.run(duplicate)
    assert calls == 1  # a bug is not a lock: no second attempt on the thread
    assert await _keys(database) == []
    await AppState(database).set("after", "works")
    assert await _keys(database) == ["after"]


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
    assert database._checkpoint is None
    assert in_file() == 3


async def test_an_in_memory_database_has_no_second_connection() -> None:
    memory = await open_database(":memory:")
    try:
        await memory.migrate()
        assert memory._direct is None
        await memory.run(_insert("kept"))
        assert await _keys(memory) == ["kept"]
    finally:
        await memory.close()
