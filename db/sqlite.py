"""SQLite back end: every SQLite-only mechanism lives here.

WAL journal, foreign keys, busy timeout, migration bookkeeping with
``PRAGMA user_version`` and the online backup API. One aiosqlite connection is
shared by the whole bot; an asyncio lock serialises every unit of work on it, so
one task's rollback can never wipe another task's uncommitted rows (aiosqlite
issues #7 and #19) and reads never observe another task's open transaction.
SQLite allows one writer at a time anyway, so the lock costs nothing real.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import aiosqlite

from db.base import Params, Row

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def load_migrations() -> list[Migration]:
    """The numbered ``db/migrations/NNNN_name.sql`` files, in order.

    Raises ``RuntimeError`` when numbers skip or repeat: a gap would leave a
    database that claims a version it never reached.
    """
    found: list[Migration] = []
    for entry in resources.files("db.migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), entry.name, entry.read_text("utf-8")))
    found.sort(key=lambda m: m.version)
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            raise RuntimeError(f"migration {migration.name} should be number {expected:04d}")
    return found


class _Executor:
    """Statement runner bound to the shared connection (used under the lock)."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def execute(self, sql: str, params: Params | None = None) -> int:
        cursor = await self._conn.execute(sql, params or {})
        try:
            return cursor.rowcount
        finally:
            await cursor.close()

    async def fetch_one(self, sql: str, params: Params | None = None) -> Row | None:
        cursor = await self._conn.execute(sql, params or {})
        try:
            row = await cursor.fetchone()
        finally:
            await cursor.close()
        return dict(row) if row is not None else None

    async def fetch_all(self, sql: str, params: Params | None = None) -> list[Row]:
        cursor = await self._conn.execute(sql, params or {})
        try:
            rows = await cursor.fetchall()
        finally:
            await cursor.close()
        return [dict(row) for row in rows]


class SQLiteDatabase:
    """The embedded database. Open it with :func:`open_database`."""

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self._conn = conn
        self._lock = asyncio.Lock()
        self._executor = _Executor(conn)
        self.path = path

    # -- reads -----------------------------------------------------------
    async def execute(self, sql: str, params: Params | None = None) -> int:
        # A lone statement outside transaction() is still a write: route it
        # through a transaction so the single-writer rule has no exception.
        async with self.transaction() as tx:
            return await tx.execute(sql, params)

    async def fetch_one(self, sql: str, params: Params | None = None) -> Row | None:
        async with self._lock:
            return await self._executor.fetch_one(sql, params)

    async def fetch_all(self, sql: str, params: Params | None = None) -> list[Row]:
        async with self._lock:
            return await self._executor.fetch_all(sql, params)

    # -- writes ----------------------------------------------------------
    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[_Executor]:
        async with self._lock:
            # IMMEDIATE takes the write lock up front, so a second process
            # (the backup CLI, say) waits on busy_timeout instead of failing
            # half-way through our unit of work.
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._executor
            except BaseException:
                await self._conn.rollback()
                raise
            else:
                await self._conn.commit()

    # -- SQLite-only mechanics -------------------------------------------
    async def schema_version(self) -> int:
        row = await self.fetch_one("PRAGMA user_version")
        return int(row["user_version"]) if row else 0

    async def migrate(self, migrations: list[Migration] | None = None) -> list[int]:
        """Apply every migration newer than ``PRAGMA user_version``.

        Each migration and its version bump commit together, so a failure
        leaves the database at the previous version, never in between.
        Returns the versions applied (idempotent: ``[]`` when up to date).
        """
        migrations = load_migrations() if migrations is None else migrations
        applied: list[int] = []
        async with self._lock:
            cursor = await self._conn.execute("PRAGMA user_version")
            row = await cursor.fetchone()
            await cursor.close()
            current = int(row[0]) if row else 0
            latest = migrations[-1].version if migrations else 0
            if current > latest:
                raise RuntimeError(
                    f"database {self.path} is at schema version {current}, newer than this "
                    f"code knows ({latest}); upgrade Trackside before using it"
                )
            for migration in migrations:
                if migration.version <= current:
                    continue
                # executescript() commits any open transaction first, so the
                # BEGIN/COMMIT live inside the script itself.
                script = (
                    f"BEGIN IMMEDIATE;\n{migration.sql}\n;"
                    f"PRAGMA user_version = {migration.version};\nCOMMIT;"
                )
                try:
                    await self._conn.executescript(script)
                except sqlite3.Error:
                    if self._conn.in_transaction:
                        await self._conn.rollback()
                    raise
                log.info("applied migration %s", migration.name)
                applied.append(migration.version)
        return applied

    async def backup(self, destination: Path) -> None:
        """Copy the live database to ``destination`` with SQLite's online
        backup API: consistent even while the bot keeps writing."""
        destination.parent.mkdir(parents=True, exist_ok=True)
        target = sqlite3.connect(destination)
        try:
            async with self._lock:
                await self._conn.backup(target)
        finally:
            target.close()

    async def close(self) -> None:
        await self._conn.close()


async def open_database(path: Path | str) -> SQLiteDatabase:
    """Open (creating its folder and file if needed) and configure the database.

    Use as ``async with await open_database(p) as db`` or close it yourself.
    """
    path = Path(path)
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
    # isolation_level=None: no implicit BEGINs; transaction() owns them.
    conn = await aiosqlite.connect(path, isolation_level=None)
    conn.row_factory = sqlite3.Row
    try:
        await conn.execute("PRAGMA journal_mode = WAL")
        await conn.execute("PRAGMA foreign_keys = ON")
        await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await conn.execute("PRAGMA synchronous = NORMAL")
    except BaseException:
        await conn.close()
        raise
    return SQLiteDatabase(conn, path)
