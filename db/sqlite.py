"""SQLite back end: every SQLite-only mechanism lives here.

WAL journal, foreign keys, busy timeout, migration bookkeeping with
``PRAGMA user_version`` and the online backup API. Two connections: one
aiosqlite connection, whose worker thread does reads, waits for locks and
checkpoints the WAL, and one plain connection the event loop's thread uses for
units of work while the write lock is free (see :meth:`SQLiteDatabase.run`).
An asyncio lock serialises every unit of work and read, so one task's rollback
can never wipe another task's uncommitted rows (aiosqlite issues #7 and #19)
and reads never observe another task's open transaction. SQLite allows one
writer at a time anyway, so the lock costs nothing real.

Faults of the environment (another process holding the write lock, a
read-only file, a folder that cannot be created, a full disk) leave here as
:class:`~db.base.DatabaseBusy` / :class:`~db.base.DatabaseUnavailable`, so the
rest of the bot handles them without knowing SQLite's error codes.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator
from contextlib import asynccontextmanager, closing, contextmanager, suppress
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from db.base import DatabaseBusy, DatabaseUnavailable, Executor, Params, Row, StorageError

T = TypeVar("T")

log = logging.getLogger(__name__)

# How long a unit of work waits for the write lock another process holds (the
# backup CLI, an operator's sqlite3 shell) and, in total, for its turn on the
# shared connection. Under Discord's 3-second acknowledgement deadline, so an
# athlete blocked by a lock still gets the "database busy" reply in time.
BUSY_TIMEOUT_MS = 2000
# Past this much waiting for earlier work on the connection, BEGIN may only
# wait for what is left of the budget (see _begin).
_SHORTENED_AFTER_S = BUSY_TIMEOUT_MS / 1000 / 10
# Units of work committed on the event loop's connection between two WAL
# checkpoints on the worker thread. A unit writes a handful of pages, so this
# keeps the WAL well under SQLite's own 1,000-page autocheckpoint.
_CHECKPOINT_EVERY = 100

# SQLite primary result codes that describe the environment, not the query:
# what an operator reads at start-up and in the log.
_UNAVAILABLE = {
    sqlite3.SQLITE_READONLY: "it is read-only",
    sqlite3.SQLITE_CANTOPEN: "it cannot be opened",
    sqlite3.SQLITE_PERM: "access is denied",
    sqlite3.SQLITE_IOERR: "the disk reported an I/O error",
    sqlite3.SQLITE_FULL: "the disk is full",
    sqlite3.SQLITE_NOTADB: "the file is not a SQLite database",
}
_BUSY = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}


def _translate(error: sqlite3.Error, path: Path) -> StorageError | None:
    """The back-end-neutral error for an environment fault, else ``None``
    (a bad statement or a constraint is a bug and stays as it is)."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is None:
        return None
    primary = code & 0xFF  # extended codes carry the primary one in the low byte
    if primary in _BUSY:
        return DatabaseBusy(
            f"the database {path} is locked by another process "
            f"(waited {BUSY_TIMEOUT_MS / 1000:g} s; SQLite: {error})"
        )
    if primary in _UNAVAILABLE:
        return DatabaseUnavailable(
            f"cannot use the database {path}: {_UNAVAILABLE[primary]} (SQLite: {error})"
        )
    return None


@contextmanager
def _storage_errors(path: Path) -> Iterator[None]:
    try:
        yield
    except sqlite3.Error as error:
        translated = _translate(error, path)
        if translated is None:
            raise
        raise translated from error


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


# One statement start to finish (execute, read, close) in a single call, so on
# aiosqlite's worker thread it costs one round trip instead of two or three:
# each round trip wakes the thread and then the event loop, and those wake-ups,
# not SQLite, were most of an interaction's time.
def _rowcount(raw: sqlite3.Connection, sql: str, params: Params) -> int:
    with closing(raw.execute(sql, params)) as cursor:
        return cursor.rowcount


def _one(raw: sqlite3.Connection, sql: str, params: Params) -> Row | None:
    with closing(raw.execute(sql, params)) as cursor:
        row = cursor.fetchone()
        return dict(row) if row is not None else None


def _all(raw: sqlite3.Connection, sql: str, params: Params) -> list[Row]:
    with closing(raw.execute(sql, params)) as cursor:
        return [dict(row) for row in cursor.fetchall()]


class _DirectExecutor:
    """The executor a unit of work sees inside :meth:`SQLiteDatabase.run`: the
    caller is already on the connection's own thread, so each statement runs
    at once and its coroutine finishes without ever suspending."""

    def __init__(self, raw: sqlite3.Connection) -> None:
        self._raw = raw

    async def execute(self, sql: str, params: Params | None = None) -> int:
        return _rowcount(self._raw, sql, params or {})

    async def fetch_one(self, sql: str, params: Params | None = None) -> Row | None:
        return _one(self._raw, sql, params or {})

    async def fetch_all(self, sql: str, params: Params | None = None) -> list[Row]:
        return _all(self._raw, sql, params or {})


def _finish_without_suspending(coroutine: Coroutine[Any, Any, T]) -> T:
    """Drive a coroutine that only awaits :class:`_DirectExecutor` to its end.

    Those awaits never suspend, so one ``send`` runs the whole unit of work. A
    unit that awaits anything else (a sleep, a Discord call) would suspend:
    that is a bug in the unit, reported as such rather than run half-way.
    """
    try:
        coroutine.send(None)
    except StopIteration as finished:
        return finished.value  # type: ignore[no-any-return]
    coroutine.close()
    raise RuntimeError("a unit of work passed to Database.run may await only its executor")


def _unit_of_work(
    raw: sqlite3.Connection, work: Callable[[Executor], Awaitable[T]], busy_ms: int | None
) -> T:
    """BEGIN IMMEDIATE, the unit, COMMIT (or ROLLBACK), back to back on the
    thread that owns ``raw``."""
    if busy_ms is not None:  # earlier work waited on a lock: only what is left
        raw.execute(f"PRAGMA busy_timeout = {busy_ms}")
    try:
        raw.execute("BEGIN IMMEDIATE")
    finally:
        if busy_ms is not None:
            raw.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    try:
        result = _finish_without_suspending(work(_DirectExecutor(raw)))  # type: ignore[arg-type]
        raw.execute("COMMIT")
        return result
    except BaseException:
        if raw.in_transaction:
            try:
                raw.execute("ROLLBACK")
            except sqlite3.Error:
                log.warning("rollback failed", exc_info=True)
        raise


class _Executor:
    """Statement runner bound to the shared connection (used under the lock).

    Uses aiosqlite's ``_execute`` (run a callable on the connection's thread,
    the primitive its own cursor methods are built on) to keep each statement
    to a single hop; results are identical to execute + fetch + close.
    """

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def execute(self, sql: str, params: Params | None = None) -> int:
        return await self._conn._execute(_rowcount, self._conn._conn, sql, params or {})

    async def fetch_one(self, sql: str, params: Params | None = None) -> Row | None:
        return await self._conn._execute(_one, self._conn._conn, sql, params or {})

    async def fetch_all(self, sql: str, params: Params | None = None) -> list[Row]:
        return await self._conn._execute(_all, self._conn._conn, sql, params or {})


class SQLiteDatabase:
    """The embedded database. Open it with :func:`open_database`."""

    def __init__(
        self, conn: aiosqlite.Connection, path: Path, direct: sqlite3.Connection | None = None
    ) -> None:
        self._conn = conn
        # The event loop's own connection for units of work (see run()).
        self._direct = direct
        self._direct_commits = 0
        self._checkpoint: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self._executor = _Executor(conn)
        self.path = path

    # -- the shared connection -------------------------------------------
    @asynccontextmanager
    async def _turn(self) -> AsyncIterator[float]:
        """Hold the connection, waiting at most the busy timeout for earlier
        work (which may itself be waiting on another process's lock: without
        this bound, every queued task would add its own wait). Yields the
        seconds left of the budget."""
        budget = BUSY_TIMEOUT_MS / 1000
        if not self._lock.locked():
            # The common case: nobody ahead, so no wait and no timer to arm
            # and cancel (a measurable share of a one-statement unit of work).
            await self._lock.acquire()
            try:
                yield budget
            finally:
                self._lock.release()
            return
        loop = asyncio.get_running_loop()
        started = loop.time()
        try:
            async with asyncio.timeout(budget):
                await self._lock.acquire()
        except TimeoutError:
            raise DatabaseBusy(
                f"the database {self.path} stayed busy for {budget:g} s "
                "(another process holds its write lock)"
            ) from None
        try:
            yield budget - (loop.time() - started)
        finally:
            self._lock.release()

    async def _begin(self, left: float) -> None:
        """BEGIN IMMEDIATE, waiting for another process's lock no longer than
        ``left`` seconds. IMMEDIATE takes the write lock up front, so a second
        process (the backup CLI, say) waits on busy_timeout instead of failing
        half-way through our unit of work."""
        with _storage_errors(self.path):
            if left >= BUSY_TIMEOUT_MS / 1000 - _SHORTENED_AFTER_S:
                await self._executor.execute("BEGIN IMMEDIATE")
                return
            # Rare (earlier work waited on a lock): two extra statements.
            await self._executor.execute(f"PRAGMA busy_timeout = {max(1, int(left * 1000))}")
            try:
                await self._executor.execute("BEGIN IMMEDIATE")
            finally:
                await self._executor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

    async def _rollback(self) -> None:
        if not self._conn.in_transaction:
            return
        try:
            await self._conn.rollback()
        except sqlite3.Error:
            # Keep the error that made us roll back; this one only adds noise.
            log.warning("rollback failed on %s", self.path, exc_info=True)

    # -- reads -----------------------------------------------------------
    async def execute(self, sql: str, params: Params | None = None) -> int:
        # A lone statement outside a unit of work is still a write: run it as
        # one, so the single-writer rule has no exception.
        return await self.run(lambda tx: tx.execute(sql, params))

    async def fetch_one(self, sql: str, params: Params | None = None) -> Row | None:
        async with self._turn():
            with _storage_errors(self.path):
                return await self._executor.fetch_one(sql, params)

    async def fetch_all(self, sql: str, params: Params | None = None) -> list[Row]:
        async with self._turn():
            with _storage_errors(self.path):
                return await self._executor.fetch_all(sql, params)

    # -- writes ----------------------------------------------------------
    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[_Executor]:
        async with self._turn() as left:
            await self._begin(left)
            try:
                # Statements of the unit of work and the COMMIT: their
                # environment faults leave as StorageError too.
                with _storage_errors(self.path):
                    yield self._executor
                    await self._conn.commit()
            except BaseException:
                # Also after a failed COMMIT: a transaction left open on the
                # shared connection would make every later BEGIN fail.
                await self._rollback()
                raise

    async def run(self, work: Callable[[Executor], Awaitable[T]]) -> T:
        """One unit of work, all or nothing, like :meth:`transaction`, with
        BEGIN IMMEDIATE, every statement and the COMMIT back to back.

        When the write lock is free, the unit runs right here on the event
        loop's thread over a second connection: a unit is a few statements
        by key (10-50 µs) and a commit in WAL mode with ``synchronous=NORMAL``
        does not touch the disk, which is far cheaper than the ~100 µs round
        trip to aiosqlite's thread (measured in ``bench/README.md``). That
        connection never waits for a lock (``busy_timeout = 0``) and never
        checkpoints (the worker thread does, see :meth:`_after_direct_commit`),
        so it cannot stall the loop on another process or on an fsync. When
        the lock is held elsewhere, the unit goes to the worker thread, which
        waits for it like any other write. A unit may therefore be started
        twice; the first attempt rolled back and left nothing behind."""
        tried = False
        if self._direct is not None and not self._lock.locked():
            # Nobody is using the database, and a unit on the loop's own
            # connection never suspends, so nothing can interleave with it:
            # no turn to take (the common case, and the cheapest).
            tried = True
            done, result = self._run_direct(work)
            if done:
                return result  # type: ignore[return-value]
        async with self._turn() as left:
            if self._direct is not None and not tried:
                done, result = self._run_direct(work)
                if done:
                    return result  # type: ignore[return-value]
            # Another process holds the write lock: wait for it off the loop.
            shortened = left < BUSY_TIMEOUT_MS / 1000 - _SHORTENED_AFTER_S
            busy_ms = max(1, int(left * 1000)) if shortened else None
            with _storage_errors(self.path):
                return await self._conn._execute(_unit_of_work, self._conn._conn, work, busy_ms)

    def _run_direct(self, work: Callable[[Executor], Awaitable[T]]) -> tuple[bool, T | None]:
        """``(True, result)``, or ``(False, None)`` when another process holds
        the write lock (nothing was written: BEGIN IMMEDIATE failed at once)."""
        assert self._direct is not None
        try:
            result = _unit_of_work(self._direct, work, None)
        except sqlite3.Error as error:
            translated = _translate(error, self.path)
            if isinstance(translated, DatabaseBusy):
                return False, None
            if translated is None:
                raise
            raise translated from error
        self._after_direct_commit()
        return True, result

    def _after_direct_commit(self) -> None:
        """Every so many commits on the loop's connection, checkpoint the WAL
        into the database file on the worker thread (a passive checkpoint
        never blocks writers; the fsync it ends with happens off the loop)."""
        self._direct_commits += 1
        if self._direct_commits < _CHECKPOINT_EVERY or self._checkpoint is not None:
            return
        self._direct_commits = 0
        self._checkpoint = asyncio.get_running_loop().create_task(
            self._passive_checkpoint(), name="sqlite-checkpoint"
        )

    async def _passive_checkpoint(self) -> None:
        try:
            async with self._turn():
                with _storage_errors(self.path):
                    await self._executor.fetch_one("PRAGMA wal_checkpoint(PASSIVE)")
        except Exception:  # the next one will try again; the WAL just grows meanwhile
            log.warning("WAL checkpoint of %s failed", self.path, exc_info=True)
        finally:
            self._checkpoint = None

    async def check_writable(self) -> None:
        """Raise :class:`StorageError` unless a write can happen now: the
        start-up probe, so a read-only file or a held lock is reported once
        instead of on every athlete's submission."""
        async with self._turn() as left:
            await self._begin(left)
            try:
                with _storage_errors(self.path):
                    row = await self._executor.fetch_one("PRAGMA user_version")
                    # Rewriting the header with its own value is a real write
                    # (refused on a read-only file); the rollback undoes it.
                    version = int(row["user_version"]) if row else 0
                    await self._executor.execute(f"PRAGMA user_version = {version}")
            finally:
                await self._rollback()

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
        async with self._turn():
            with _storage_errors(self.path):
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
                    with _storage_errors(self.path):
                        await self._conn.executescript(script)
                except (sqlite3.Error, StorageError):
                    await self._rollback()
                    raise
                log.info("applied migration %s", migration.name)
                applied.append(migration.version)
        return applied

    async def backup(self, destination: Path) -> None:
        """Copy the live database to ``destination`` with SQLite's online
        backup API: consistent even while the bot keeps writing."""
        destination.parent.mkdir(parents=True, exist_ok=True)
        with _storage_errors(destination):
            target = sqlite3.connect(destination)
        try:
            async with self._turn():
                with _storage_errors(self.path):
                    await self._conn.backup(target)
        finally:
            target.close()

    async def close(self) -> None:
        if self._checkpoint is not None:
            with suppress(Exception):
                await self._checkpoint
        if self._direct is not None:
            self._direct.close()
            self._direct = None
        await self._conn.close()  # the last connection out checkpoints the WAL


async def open_database(path: Path | str) -> SQLiteDatabase:
    """Open (creating its folder and file if needed) and configure the database.

    Use as ``async with await open_database(p) as db`` or close it yourself.
    """
    path = Path(path)
    if str(path) != ":memory:":
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise DatabaseUnavailable(
                f"cannot create the folder {path.parent} for the database: "
                f"{error.strerror or error}"
            ) from error
    # isolation_level=None: no implicit BEGINs; transaction() owns them.
    with _storage_errors(path):
        conn = await aiosqlite.connect(path, isolation_level=None)
    conn.row_factory = sqlite3.Row
    try:
        with _storage_errors(path):
            # The busy timeout first: WAL mode on a database another process
            # holds needs to wait like everything else.
            await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA foreign_keys = ON")
            await conn.execute("PRAGMA synchronous = NORMAL")
        direct = None if str(path) == ":memory:" else _open_direct(path)
    except BaseException:
        await conn.close()
        raise
    return SQLiteDatabase(conn, path, direct)


def _open_direct(path: Path) -> sqlite3.Connection:
    """The second connection, used on the event loop's thread only (so the
    default same-thread check stays on): it must never wait there."""
    with _storage_errors(path):
        raw = sqlite3.connect(path, isolation_level=None)
        try:
            raw.row_factory = sqlite3.Row
            raw.execute("PRAGMA busy_timeout = 0")
            raw.execute("PRAGMA foreign_keys = ON")
            raw.execute("PRAGMA synchronous = NORMAL")
            raw.execute("PRAGMA wal_autocheckpoint = 0")
        except BaseException:
            raw.close()
            raise
    return raw
