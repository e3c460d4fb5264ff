"""Environment faults of the SQLite back end leave it as back-end-neutral
errors (``DatabaseBusy``, ``DatabaseUnavailable``), roll the unit of work
back whole, and leave the shared connection usable."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from db import DatabaseUnavailable, SQLiteDatabase, open_database
from db.app_state import AppState


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[SQLiteDatabase]:
    db = await open_database(tmp_path / "trackside.db")
    await db.migrate()
    yield db
    await db.close()


def _writer(db: SQLiteDatabase) -> sqlite3.Connection:
    """The back end's connection for units of work: a test of the back end
    itself may make it refuse writes, as a disk remounted read-only would."""
    return db._writer


async def _keys(db: SQLiteDatabase) -> list[str]:
    return [row["key"] for row in await db.fetch_all("SELECT key FROM app_state ORDER BY key")]


async def test_a_write_refused_mid_transaction_rolls_back_the_whole_unit(
    database: SQLiteDatabase,
) -> None:
    async def unit(tx) -> None:
        await tx.execute("INSERT INTO app_state (key, value) VALUES ('first', 'x')")
        # From here the database refuses writes, as a disk remounted read-only does.
        await tx.execute("PRAGMA query_only = ON")
        await tx.execute("INSERT INTO app_state (key, value) VALUES ('second', 'x')")

    with pytest.raises(DatabaseUnavailable, match="it is read-only"):
        await database.run(unit)
    _writer(database).execute("PRAGMA query_only = OFF")
    assert await _keys(database) == []  # not half-stored
    await AppState(database).set("after", "works")  # the connection is not stuck
    assert await _keys(database) == ["after"]


async def test_the_writability_probe_changes_nothing(database: SQLiteDatabase) -> None:
    await AppState(database).set("kept", "yes")
    version = await database.schema_version()
    await database.check_writable()
    assert await database.schema_version() == version
    assert await _keys(database) == ["kept"]
    _writer(database).execute("PRAGMA query_only = ON")
    with pytest.raises(DatabaseUnavailable, match="read-only"):
        await database.check_writable()
    _writer(database).execute("PRAGMA query_only = OFF")


async def test_a_folder_that_cannot_be_created_is_named(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("a file where the folder should be")
    with pytest.raises(DatabaseUnavailable, match=r"cannot create the folder .*data/club"):
        await open_database(tmp_path / "data" / "club" / "trackside.db")


async def test_a_bad_statement_is_still_a_bug_not_a_storage_fault(
    database: SQLiteDatabase,
) -> None:
    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        await database.fetch_all("SELECT * FROM no_such_table")
    with pytest.raises(sqlite3.IntegrityError):
        await database.run(
            lambda tx: tx.execute("INSERT INTO app_state (key, value) VALUES ('k', NULL)")
        )
