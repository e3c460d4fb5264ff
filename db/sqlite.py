"""SQLite back end: every SQLite-only mechanism lives here.

WAL journal, foreign keys, migration bookkeeping with ``PRAGMA user_version``,
the online backup API, and the translation of SQLite's environment faults into
:class:`~db.base.DatabaseBusy` / :class:`~db.base.DatabaseUnavailable`.

Two connections, each with one job, both through public APIs:

* **Units of work** (:meth:`SQLiteDatabase.run`) run on the event loop's own
  thread over a plain :mod:`sqlite3` connection. A unit is a handful of
  statements by key (10-50 µs) and a WAL commit with ``synchronous=NORMAL``
  does not touch the disk, so this is far cheaper than a hop to a worker
  thread and back (``bench/README.md``). That connection never waits: its busy
  timeout is 0, so when another process holds the write lock, ``BEGIN
  IMMEDIATE`` fails at once and the unit retries after ``await
  asyncio.sleep(…)``, letting every other task run, until the 2 s budget is
  spent ("busy"). It never checkpoints either (``wal_autocheckpoint = 0``).
  An :class:`asyncio.Lock` gives each unit the connection to itself, so one
  unit's rollback can never undo another's statements.
* **Reads, migrations, WAL checkpoints and backups** go to aiosqlite's worker
  thread (``execute_fetchall``, ``executescript``, ``backup``), where a large
  export or an fsync never holds up the loop.
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import asynccontextmanager, closing, contextmanager, suppress
from pathlib import Path
from typing import TypeVar

import aiosqlite

from db.base import (
    AlreadyRunning,
    DatabaseBusy,
    DatabaseUnavailable,
    Params,
    Row,
    StorageError,
)
from db.migrations import Migration, load_migrations

T = TypeVar("T")

log = logging.getLogger(__name__)

# How long a unit of work may wait, in all, for the write lock another process
# holds (the backup CLI, an operator's sqlite3 shell) and for its turn on the
# connection: under Discord's 3-second acknowledgement deadline, so an athlete
# blocked by a lock still gets the "database busy" reply in time.
BUSY_TIMEOUT_MS = 2000
# Retrying BEGIN IMMEDIATE while another process holds the lock: the first
# retry soon (most locks are short), then less often.
_FIRST_RETRY_S = 0.001
_LONGEST_RETRY_S = 0.05
# Units committed between two passive WAL checkpoints on the worker thread. A
# unit writes a handful of pages, so this keeps the WAL well under SQLite's
# own 1,000-page autocheckpoint.
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


def _is_busy(error: sqlite3.Error) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in _BUSY


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


class _LoopExecutor:
    """The executor a unit of work sees: statements run at once on the loop's
    connection (each call completes without suspending)."""

    def __init__(self, raw: sqlite3.Connection) -> None:
        self._raw = raw

    async def execute(self, sql: str, params: Params | None = None) -> int:
        with closing(self._raw.execute(sql, params or {})) as cursor:
            return cursor.rowcount

    async def fetch_one(self, sql: str, params: Params | None = None) -> Row | None:
        with closing(self._raw.execute(sql, params or {})) as cursor:
            row = cursor.fetchone()
            return dict(row) if row is not None else None

    async def fetch_all(self, sql: str, params: Params | None = None) -> list[Row]:
        with closing(self._raw.execute(sql, params or {})) as cursor:
            return [dict(row) for row in cursor.fetchall()]


class SQLiteDatabase:
    """The embedded database. Open it with :func:`open_database`."""

    def __init__(self, reader: aiosqlite.Connection, writer: sqlite3.Connection, path: Path):
        self._reader = reader
        self._writer = writer
        self._executor = _LoopExecutor(writer)
        self._turn = asyncio.Lock()
        self._commits = 0
        self._checkpoint: asyncio.Task[None] | None = None
        self._identify_locks: dict[int, asyncio.Lock] = {}
        self._identified: dict[int, float] = {}
        self.path = path

    # -- units of work ---------------------------------------------------
    async def run(self, work: Callable[[_LoopExecutor], Awaitable[T]]) -> T:
        """Run ``work(tx)`` as one write transaction (BEGIN IMMEDIATE … COMMIT)
        and return its result; on any error roll back and re-raise, so a unit
        of work is never half-stored. Raises :class:`DatabaseBusy` when the
        write lock stayed with another process (or with earlier units) for the
        whole 2 s budget."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + BUSY_TIMEOUT_MS / 1000
        await self._take_turn(deadline)
        try:
            await self._begin(deadline)
            try:
                with _storage_errors(self.path):
                    result = await work(self._executor)
                    self._writer.execute("COMMIT")
            except BaseException:
                self._rollback()
                raise
        finally:
            self._turn.release()
        self._after_commit()
        return result

    async def _take_turn(self, deadline: float) -> None:
        if not self._turn.locked():
            await self._turn.acquire()  # free: taken at once, without suspending
            return
        try:
            async with asyncio.timeout_at(deadline):
                await self._turn.acquire()
        except TimeoutError:
            raise DatabaseBusy(
                f"the database {self.path} stayed busy for {BUSY_TIMEOUT_MS / 1000:g} s "
                "(another process holds its write lock)"
            ) from None

    async def _begin(self, deadline: float) -> None:
        """BEGIN IMMEDIATE: the write lock up front, so a second process waits
        for us instead of failing half-way through our unit. Another process
        holding it: try again after a sleep (the loop runs meanwhile)."""
        delay = _FIRST_RETRY_S
        loop = asyncio.get_running_loop()
        while True:
            try:
                self._writer.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.Error as error:
                if not _is_busy(error) or loop.time() + delay > deadline:
                    translated = _translate(error, self.path)
                    if translated is None:
                        raise
                    raise translated from error
            await asyncio.sleep(delay)
            delay = min(delay * 2, _LONGEST_RETRY_S)

    def _rollback(self) -> None:
        if not self._writer.in_transaction:
            return
        try:
            self._writer.execute("ROLLBACK")
        except sqlite3.Error:
            # Keep the error that made us roll back; this one only adds noise.
            log.warning("rollback failed on %s", self.path, exc_info=True)

    def _after_commit(self) -> None:
        """Every so many commits, a passive checkpoint on the worker thread
        moves the WAL into the database file (it never blocks writers; its
        fsync happens off the loop)."""
        self._commits += 1
        if self._commits < _CHECKPOINT_EVERY or self._checkpoint is not None:
            return
        self._commits = 0
        self._checkpoint = asyncio.get_running_loop().create_task(
            self._passive_checkpoint(), name="sqlite-checkpoint"
        )

    async def _passive_checkpoint(self) -> None:
        try:
            with _storage_errors(self.path):
                await self._reader.execute_fetchall("PRAGMA wal_checkpoint(PASSIVE)")
        except Exception:  # the next one will try again; the WAL just grows meanwhile
            log.warning("WAL checkpoint of %s failed", self.path, exc_info=True)
        finally:
            self._checkpoint = None

    # -- reads -----------------------------------------------------------
    async def fetch_one(self, sql: str, params: Params | None = None) -> Row | None:
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None

    async def fetch_all(self, sql: str, params: Params | None = None) -> list[Row]:
        with _storage_errors(self.path):
            rows = await self._reader.execute_fetchall(sql, params or {})
        return [dict(row) for row in rows]

    # -- operations ------------------------------------------------------
    async def check_writable(self) -> None:
        """Raise :class:`StorageError` unless a write can happen now: the
        start-up probe, so a read-only file or a held lock is reported once
        instead of on every athlete's submission. Rewriting the header's
        version with its own value is a real write; it is rolled back."""

        class _Probe(Exception):
            pass

        async def probe(tx: _LoopExecutor) -> None:
            row = await tx.fetch_one("PRAGMA user_version")
            version = int(row["user_version"]) if row else 0
            await tx.execute(f"PRAGMA user_version = {version}")
            raise _Probe  # roll back: nothing changes

        with suppress(_Probe):
            await self.run(probe)

    async def schema_version(self) -> int:
        row = await self.fetch_one("PRAGMA user_version")
        return int(row["user_version"]) if row else 0

    async def migrate(self, migrations: list[Migration] | None = None) -> list[int]:
        """Apply every migration newer than ``PRAGMA user_version``, each with
        its version bump in one transaction (a failure leaves the previous
        version, never something in between). Returns the versions applied
        (``[]`` when up to date)."""
        migrations = load_migrations("sqlite") if migrations is None else migrations
        current = await self.schema_version()
        latest = migrations[-1].version if migrations else 0
        if current > latest:
            raise RuntimeError(
                f"database {self.path} is at schema version {current}, newer than this "
                f"code knows ({latest}); upgrade Trackside before using it"
            )
        applied: list[int] = []
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
                    await self._reader.executescript(script)
            except (sqlite3.Error, StorageError):
                if self._reader.in_transaction:
                    await self._reader.rollback()
                raise
            log.info("applied migration %s", migration.name)
            applied.append(migration.version)
        return applied

    # -- one process ------------------------------------------------------
    @asynccontextmanager
    async def hold_process(
        self, shards: Sequence[int], shard_count: int, *, on_lost: Callable[[], None]
    ) -> AsyncIterator[None]:
        """One bot process per database file: an exclusive lock on a file
        beside it (``trackside.db.lock``), held while the bot runs and freed
        by the kernel when the process dies, however it dies."""
        if list(shards) != list(range(shard_count)):
            raise AlreadyRunning(
                f"SQLite serves one process running every shard; this one runs "
                f"{len(shards)} of {shard_count} (use PostgreSQL for several processes)"
            )
        lock_path = self.path.with_name(self.path.name + ".lock")
        handle = await asyncio.to_thread(open, lock_path, "a+")
        try:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.seek(0)
                holder = handle.read().strip() or "?"
                raise AlreadyRunning(
                    f"another Trackside process (pid {holder}) is using the database "
                    f"{self.path}: stop it first (one bot process per SQLite file)"
                ) from None
            handle.seek(0)
            handle.truncate()
            handle.write(str(os.getpid()))
            handle.flush()
            yield
        finally:
            handle.close()  # closing the file releases the lock

    async def identify_turn(self, bucket: int, interval_s: float) -> None:
        """SQLite means one process: its shards' IDENTIFYs are paced here."""
        lock = self._identify_locks.setdefault(bucket, asyncio.Lock())
        async with lock:
            loop = asyncio.get_running_loop()
            last = self._identified.get(bucket)
            if last is not None and loop.time() < last + interval_s:
                await asyncio.sleep(last + interval_s - loop.time())
            self._identified[bucket] = loop.time()

    async def finish_copy(self, tables: tuple[str, ...]) -> None:
        """An INTEGER PRIMARY KEY takes the largest id + 1 by itself; the
        planner's statistics are refreshed (ANALYZE)."""
        with _storage_errors(self.path):
            await self._reader.execute("ANALYZE")

    async def backup(self, destination: Path) -> None:
        """Copy the live database to ``destination`` with SQLite's online
        backup API: consistent even while the bot keeps writing."""
        destination.parent.mkdir(parents=True, exist_ok=True)
        with _storage_errors(destination):
            target = sqlite3.connect(destination)
        try:
            with _storage_errors(self.path):
                await self._reader.backup(target)
        finally:
            target.close()

    async def set_trace_callback(self, callback: Callable[[str], None] | None) -> None:
        """Send every statement either connection runs to ``callback`` (the
        benchmarks count them); ``None`` stops."""
        self._writer.set_trace_callback(callback)
        await self._reader.set_trace_callback(callback)

    async def close(self) -> None:
        if self._checkpoint is not None:
            with suppress(Exception):
                await self._checkpoint
        self._writer.close()
        await self._reader.close()  # the last connection out checkpoints the WAL


async def open_database(path: Path | str) -> SQLiteDatabase:
    """Open (creating its folder and file if needed) and configure the database.

    A file, not ``:memory:``: units of work and reads use two connections,
    which must see the same database.
    """
    path = Path(path)
    if str(path) == ":memory:":
        raise DatabaseUnavailable("Trackside needs a database file, not :memory:")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DatabaseUnavailable(
            f"cannot create the folder {path.parent} for the database: {error.strerror or error}"
        ) from error
    # isolation_level=None: no implicit BEGINs; run() and migrate() own them.
    with _storage_errors(path):
        reader = await aiosqlite.connect(path, isolation_level=None)
    reader.row_factory = sqlite3.Row
    try:
        with _storage_errors(path):
            # The busy timeout first: WAL mode on a database another process
            # holds needs to wait like everything else (off the loop, here).
            await reader.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await reader.execute("PRAGMA journal_mode = WAL")
            await reader.execute("PRAGMA foreign_keys = ON")
            await reader.execute("PRAGMA synchronous = NORMAL")
            writer = _open_writer(path)
    except BaseException:
        await reader.close()
        raise
    return SQLiteDatabase(reader, writer, path)


def _open_writer(path: Path) -> sqlite3.Connection:
    """The event loop's connection for units of work: it must never wait on
    the loop (busy timeout 0) nor checkpoint there."""
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
