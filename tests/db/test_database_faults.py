"""Environment faults leave a back end as back-end-neutral errors
(``DatabaseBusy``, ``DatabaseUnavailable``), roll the unit of work back whole,
and leave the connection usable; a bad statement stays the back end's own
error (a bug, not a fault). On both back ends, then SQLite's own faults
(marked ``sqlite``); PostgreSQL's are in ``test_postgresql.py``."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from db import Database, DatabaseUnavailable, SQLiteDatabase, StorageError, open_database
from db.app_state import AppState

# A bad statement and a broken constraint, as each back end reports them.
NO_SUCH_TABLE = {
    "sqlite": (sqlite3.OperationalError, "no such table"),
    "postgresql": (asyncpg.UndefinedTableError, "does not exist"),
}
NOT_NULL = {"sqlite": sqlite3.IntegrityError, "postgresql": asyncpg.NotNullViolationError}


@pytest.fixture
async def sqlite_database(tmp_path: Path) -> AsyncIterator[SQLiteDatabase]:
    db = await open_database(tmp_path / "trackside.db")
    assert isinstance(db, SQLiteDatabase)
    await db.migrate()
    yield db
    await db.close()


def _writer(db: SQLiteDatabase) -> sqlite3.Connection:
    """The back end's connection for units of work: a test of the back end
    itself may make it refuse writes, as a disk remounted read-only would."""
    return db._writer


async def _keys(db: Database) -> list[str]:
    return [row["key"] for row in await db.fetch_all("SELECT key FROM app_state ORDER BY key")]


# ---------------------------------------------------------------- both back ends
async def test_the_writability_probe_changes_nothing(database: Database) -> None:
    await AppState(database).set("kept", "yes")
    version = await database.schema_version()
    await database.check_writable()
    await database.check_writable()  # twice: the probe left nothing behind
    assert await database.schema_version() == version
    assert await _keys(database) == ["kept"]


async def test_a_bad_statement_is_still_a_bug_not_a_storage_fault(
    database: Database, backend: str
) -> None:
    error, message = NO_SUCH_TABLE[backend]
    with pytest.raises(error, match=message) as caught:
        await database.fetch_all("SELECT * FROM no_such_table")
    assert not isinstance(caught.value, StorageError)
    with pytest.raises(NOT_NULL[backend]) as refused:
        await database.run(
            lambda tx: tx.execute("INSERT INTO app_state (key, value) VALUES ('k', NULL)")
        )
    assert not isinstance(refused.value, StorageError)
    await AppState(database).set("after", "works")  # nothing stuck
    assert await _keys(database) == ["after"]


# ---------------------------------------------------------------- SQLite only
@pytest.mark.sqlite
async def test_a_write_refused_mid_transaction_rolls_back_the_whole_unit(
    sqlite_database: SQLiteDatabase,
) -> None:
    database = sqlite_database

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


@pytest.mark.sqlite
async def test_the_writability_probe_refuses_a_read_only_connection(
    sqlite_database: SQLiteDatabase,
) -> None:
    database = sqlite_database
    await database.check_writable()
    _writer(database).execute("PRAGMA query_only = ON")
    with pytest.raises(DatabaseUnavailable, match="read-only"):
        await database.check_writable()
    _writer(database).execute("PRAGMA query_only = OFF")


@pytest.mark.sqlite
async def test_a_folder_that_cannot_be_created_is_named(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("a file where the folder should be")
    with pytest.raises(DatabaseUnavailable, match=r"cannot create the folder .*data/club"):
        await open_database(tmp_path / "data" / "club" / "trackside.db")
