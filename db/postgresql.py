"""PostgreSQL back end (asyncpg): every PostgreSQL-only mechanism lives here.

The store several bot processes on several machines share. Selected by
``DATABASE_URL=postgresql://…``; imported only then, so SQLite installs need
nothing of it. The same interface as ``db/sqlite.py``:

* **Units of work** (:meth:`PostgresDatabase.run`) run in SERIALIZABLE
  transactions on a pooled connection: two processes acting on the same row
  (two coaches, a double-clicked form) are serialised by the server, and the
  loser's unit is rolled back and run again (serialization failure 40001,
  deadlock 40P01, a backend terminated mid-unit) until the 2 s budget is spent,
  then "busy": the protocol of :meth:`db.base.Database.run` allows a unit to
  run twice. A row lock held elsewhere waits at most ``lock_timeout``.
* **Reads** go straight to a pooled connection.
* **Statements** are the query classes' portable SQL: ``:name`` placeholders
  are turned into ``$n`` by :func:`translate` (quoted text, comments and
  ``::`` casts left alone), binding only the names a statement uses, cached
  per statement.
* **Migrations** are this back end's own numbered files
  (``db/migrations/postgresql/``), applied under an advisory lock so
  processes starting together do not race, recorded in ``schema_migrations``.
* **Faults** of the environment leave as :class:`~db.base.DatabaseBusy` /
  :class:`~db.base.DatabaseUnavailable` with one line an operator can act on.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager, suppress
from functools import lru_cache
from typing import Any, TypeVar

import asyncpg

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

BUSY_TIMEOUT_MS = 2000  # the same budget as SQLite's: under Discord's 3 s
DEFAULT_POOL_SIZE = 10
_FIRST_RETRY_S = 0.005
# Returning a connection is not part of any unit's budget: a unit that
# committed has succeeded, however long the pool takes to take it back.
_RELEASE_TIMEOUT_S = 10.0
_LONGEST_RETRY_S = 0.05
# pg_advisory_lock key for migrations: "TRKS" in ASCII.
MIGRATION_LOCK = 0x54524B53
# Two-key advisory locks (class, id): a process's shards, the shard count every
# process agrees on (shared), and the IDENTIFY buckets.
SHARD_LOCK = 0x5452
COUNT_LOCK = 0x5453
IDENTIFY_LOCK = 0x5454
# The shard-holding connection: the server drops it after KEEPALIVE_IDLE_S of
# silence plus KEEPALIVE_COUNT unanswered probes KEEPALIVE_INTERVAL_S apart
# (25 s), and this side asks it every HOLD_CHECK_S, stopping the process when
# no answer comes within as long (at most 20 s: before the server frees them).
KEEPALIVE_IDLE_S, KEEPALIVE_INTERVAL_S, KEEPALIVE_COUNT = 10, 5, 3
HOLD_CHECK_S = 10.0
_RETRYABLE = (
    asyncpg.SerializationError,  # 40001
    asyncpg.DeadlockDetectedError,  # 40P01
)
# The backend went away mid-unit (pg_terminate_backend, a restart): the server
# rolled the unit back, so running it again on another connection is safe.
_CONNECTION_LOST = (
    asyncpg.AdminShutdownError,  # 57P01
    asyncpg.ConnectionDoesNotExistError,
    asyncpg.ConnectionFailureError,
)


# ------------------------------------------------------------- placeholders
_TOKEN = re.compile(
    r"""
      (?P<quoted>'(?:[^']|'')*'|"(?:[^"]|"")*")     # text and identifiers
    | (?P<comment>--[^\n]*|/\*.*?\*/)                # comments
    | (?P<cast>::)                                   # a cast, not a name
    | :(?P<name>[A-Za-z_][A-Za-z0-9_]*)              # a named parameter
    """,
    re.VERBOSE | re.DOTALL,
)


@lru_cache(maxsize=1024)
def translate(sql: str) -> tuple[str, tuple[str, ...]]:
    """``:name`` placeholders → ``$1, $2, …`` (each name once, in order of
    first use) and the names in that order."""
    names: list[str] = []

    def replace(match: re.Match[str]) -> str:
        name = match.group("name")
        if name is None:
            return match.group(0)
        if name not in names:
            names.append(name)
        return f"${names.index(name) + 1}"

    return _TOKEN.sub(replace, sql), tuple(names)


def _bind(sql: str, params: Params | None) -> tuple[str, list[Any]]:
    query, names = translate(sql)
    given: Mapping[str, Any] = params or {}
    missing = [name for name in names if name not in given]
    if missing:
        raise KeyError(f"no value for :{', :'.join(missing)} in {sql[:80]!r}")
    return query, [given[name] for name in names]


def _rowcount(status: str) -> int:
    """Rows changed, from a command tag such as ``UPDATE 3`` or ``INSERT 0 1``."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


# ------------------------------------------------------------- errors
def _translate(error: BaseException, where: str) -> StorageError | None:
    """The back-end-neutral error for an environment fault, else ``None``
    (a bad statement or a constraint is a bug and stays as it is)."""
    if isinstance(error, (*_RETRYABLE, asyncpg.LockNotAvailableError)):
        return DatabaseBusy(
            f"the database {where} stayed busy for {BUSY_TIMEOUT_MS / 1000:g} s "
            f"(other writers held the rows; PostgreSQL: {error})"
        )
    if isinstance(error, TimeoutError):
        return DatabaseBusy(
            f"no free connection to {where} within {BUSY_TIMEOUT_MS / 1000:g} s "
            "(raise DATABASE_POOL_SIZE, or the server is overloaded)"
        )
    if isinstance(
        error, asyncpg.InvalidPasswordError | asyncpg.InvalidAuthorizationSpecificationError
    ):
        return DatabaseUnavailable(
            f"cannot use the database {where}: authentication failed (PostgreSQL: {error})"
        )
    if isinstance(error, asyncpg.InvalidCatalogNameError):
        return DatabaseUnavailable(f"cannot use the database {where}: it does not exist ({error})")
    if isinstance(error, asyncpg.ReadOnlySQLTransactionError):
        return DatabaseUnavailable(f"cannot use the database {where}: it is read-only ({error})")
    if isinstance(error, asyncpg.DiskFullError):
        return DatabaseUnavailable(f"cannot use the database {where}: the disk is full ({error})")
    if isinstance(error, asyncpg.InsufficientPrivilegeError):
        return DatabaseUnavailable(f"cannot use the database {where}: access is denied ({error})")
    if isinstance(error, asyncpg.CannotConnectNowError | asyncpg.TooManyConnectionsError):
        return DatabaseUnavailable(
            f"cannot use the database {where}: the server refuses connections ({error})"
        )
    if isinstance(error, (*_CONNECTION_LOST, asyncpg.InterfaceError, asyncpg.InternalClientError)):
        return DatabaseUnavailable(f"lost the connection to the database {where} ({error})")
    if isinstance(error, OSError):
        return DatabaseUnavailable(
            f"cannot reach the database {where}: {error.strerror or error} "
            "(is the server running, and the host and port right?)"
        )
    return None


def _run_again(error: BaseException) -> bool:
    """Whether a unit that failed with ``error`` was rolled back by the server
    and may run again: a serialization failure, a deadlock, a lost connection.
    A backend that went away mid-unit surfaces as an ``InterfaceError`` ("the
    underlying connection is closed") raised by leaving the transaction block,
    in place of the server's error, which it keeps as its context."""
    if isinstance(error, (*_RETRYABLE, *_CONNECTION_LOST)):
        return True
    return isinstance(error, asyncpg.InterfaceError) and isinstance(
        error.__context__, _CONNECTION_LOST
    )


_ERRORS = (
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    asyncpg.InternalClientError,
    OSError,
    TimeoutError,
)


def _discard_if_broken(conn: asyncpg.Connection, error: BaseException) -> bool:
    """A connection the server ended (a restart, a failover, pg_terminate_backend)
    may still sit in the pool until its next use fails, with the server's
    message or an ``InternalClientError`` about its protocol state. Such a
    connection is closed here so the pool opens a new one; True when the
    statement never ran to completion on the server (safe to run again)."""
    try:
        closed = conn.is_closed()
    except asyncpg.InterfaceError:  # the pool already took it back: it is gone
        return True
    if closed or isinstance(error, (*_CONNECTION_LOST, asyncpg.InternalClientError)):
        with suppress(Exception):
            conn.terminate()
        return True
    return False


def _storage_error(error: BaseException, where: str) -> BaseException:
    translated = _translate(error, where)
    if translated is None:
        return error
    translated.__cause__ = error
    return translated


def _shown(url: str) -> str:
    """The URL without its password: it goes into logs and replies' ids."""
    return re.sub(r"//([^:/@]+):[^@/]*@", r"//\1:***@", url)


# ------------------------------------------------------------- the database
Trace = Callable[[str], None]


class _Executor:
    """What a unit of work (or a read) sees: one connection, its transaction."""

    def __init__(self, conn: asyncpg.Connection, trace: Trace | None = None) -> None:
        self._conn = conn
        self._trace = trace

    def _bound(self, sql: str, params: Params | None) -> tuple[str, list[Any]]:
        if self._trace is not None:
            self._trace(sql)
        return _bind(sql, params)

    async def execute(self, sql: str, params: Params | None = None) -> int:
        query, args = self._bound(sql, params)
        return _rowcount(await self._conn.execute(query, *args))

    async def fetch_one(self, sql: str, params: Params | None = None) -> Row | None:
        query, args = self._bound(sql, params)
        row = await self._conn.fetchrow(query, *args)
        return dict(row) if row is not None else None

    async def fetch_all(self, sql: str, params: Params | None = None) -> list[Row]:
        query, args = self._bound(sql, params)
        return [dict(row) for row in await self._conn.fetch(query, *args)]


class PostgresDatabase:
    """A pool of connections to one PostgreSQL database. Open it with
    :func:`open_database`."""

    def __init__(self, pool: asyncpg.Pool, url: str) -> None:
        self._pool = pool
        self._trace: Trace | None = None
        # One unit of work at a time per process (see run()).
        self._turn = asyncio.Lock()
        self.url = url
        self.where = _shown(url)

    # -- units of work ---------------------------------------------------
    async def run(self, work: Callable[[_Executor], Awaitable[T]]) -> T:
        """Run ``work(tx)`` in one SERIALIZABLE transaction and return its
        result; rolled back and run again after a serialization failure, a
        deadlock or a lost connection, until the 2 s budget is spent
        (:class:`DatabaseBusy`); any other error rolls back and is raised.

        One unit at a time per process, as on SQLite: SERIALIZABLE is what
        keeps several processes apart, but within one process the units are
        mostly one team's (the same index pages), so running them side by
        side only turned work into serialization failures (a burst of 200
        submissions: 20 statements each with ten in flight, 6 with one, and
        slower). Waiting for the turn counts against the budget."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + BUSY_TIMEOUT_MS / 1000
        try:
            async with asyncio.timeout_at(deadline):
                await self._turn.acquire()
        except TimeoutError:
            raise DatabaseBusy(
                f"the database {self.where} stayed busy for {BUSY_TIMEOUT_MS / 1000:g} s "
                "(earlier units of work were still running)"
            ) from None
        try:
            return await self._attempts(work, deadline)
        finally:
            self._turn.release()

    async def _attempts(self, work: Callable[[_Executor], Awaitable[T]], deadline: float) -> T:
        loop = asyncio.get_running_loop()
        delay = _FIRST_RETRY_S
        while True:
            broken = False
            try:
                conn = await self._pool.acquire(timeout=max(deadline - loop.time(), 0.001))
                try:
                    return await self._transaction(conn, work, deadline)
                except _ERRORS as error:
                    broken = _discard_if_broken(conn, error)
                    raise
                finally:
                    await self._release(conn)
            except _ERRORS as error:
                if not (broken or _run_again(error)) or loop.time() + delay >= deadline:
                    raise _storage_error(error, self.where) from error
                log.debug("running a unit of work again after %s", type(error).__name__)
            await asyncio.sleep(delay)
            delay = min(delay * 2, _LONGEST_RETRY_S)

    async def _transaction(
        self, conn: asyncpg.Connection, work: Callable[[_Executor], Awaitable[T]], deadline: float
    ) -> T:
        """BEGIN … COMMIT, ROLLBACK on any error. The BEGIN carries the unit's
        own lock timeout (what is left of its budget) in the same round trip,
        so a row lock held elsewhere can never outlast the budget."""
        left_ms = max(int((deadline - asyncio.get_running_loop().time()) * 1000), 1)
        await conn.execute(
            f"BEGIN ISOLATION LEVEL SERIALIZABLE; SET LOCAL lock_timeout = {left_ms}"
        )
        try:
            result = await work(_Executor(conn, self._trace))
            await conn.execute("COMMIT")
        except BaseException:
            try:
                await conn.execute("ROLLBACK")
            except Exception:
                # Keep the error that made us roll back: a connection that
                # cannot roll back is broken, and is discarded by the caller.
                log.debug("rollback failed on %s", self.where, exc_info=True)
            raise
        return result

    async def _release(self, conn: asyncpg.Connection) -> None:
        """Back to the pool, after the transaction ended: a fault here must
        never turn a committed unit into a failure (the pool drops a broken
        connection by itself)."""
        try:
            await self._pool.release(conn, timeout=_RELEASE_TIMEOUT_S)
        except Exception:
            log.warning("could not return a connection to the pool", exc_info=True)

    # -- reads -----------------------------------------------------------
    async def fetch_one(self, sql: str, params: Params | None = None) -> Row | None:
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None

    async def fetch_all(self, sql: str, params: Params | None = None) -> list[Row]:
        for attempt in (1, 2):  # once more on a fresh connection if this one was dead
            broken = False
            try:
                conn = await self._pool.acquire(timeout=BUSY_TIMEOUT_MS / 1000)
                try:
                    return await _Executor(conn, self._trace).fetch_all(sql, params)
                except _ERRORS as error:
                    broken = _discard_if_broken(conn, error)
                    raise
                finally:
                    await self._release(conn)
            except _ERRORS as error:
                if attempt == 2 or not broken:
                    raise _storage_error(error, self.where) from error
        raise AssertionError("unreachable")

    # -- operations ------------------------------------------------------
    async def check_writable(self) -> None:
        """Raise :class:`StorageError` unless a write can happen now (a
        read-only server or transaction refuses even a temporary table);
        rolled back, so nothing changes. Once the schema exists, the probe
        also writes a row of ``app_state``, so a lock another session holds
        on the bot's tables (a maintenance script's ``LOCK TABLE``, a long
        migration) makes it wait, as the bot's own writes would."""

        class _Probe(Exception):
            pass

        async def probe(tx: _Executor) -> None:
            await tx.execute("CREATE TEMPORARY TABLE trackside_write_probe (x INTEGER)")
            schema = await tx.fetch_one("SELECT to_regclass('app_state') IS NOT NULL AS present")
            if schema is not None and schema["present"]:
                await tx.execute(
                    "INSERT INTO app_state (key, value) VALUES ('trackside.write_probe', '')"
                    " ON CONFLICT (key) DO NOTHING"
                )
            raise _Probe

        with suppress(_Probe):
            await self.run(probe)

    async def schema_version(self) -> int:
        # An empty database has no schema_migrations yet (migrate() creates it): 0.
        present = await self.fetch_one(
            "SELECT to_regclass('schema_migrations') IS NOT NULL AS present"
        )
        if not present or not present["present"]:
            return 0
        row = await self.fetch_one(
            "SELECT COALESCE(MAX(version), 0) AS version FROM schema_migrations"
        )
        return int(row["version"]) if row else 0

    async def migrate(self, migrations: list[Migration] | None = None) -> list[int]:
        """Apply every migration not yet recorded, each in its own
        transaction with its record, under an advisory lock: processes
        starting together apply each migration once. Returns the versions
        applied (``[]`` when up to date)."""
        migrations = load_migrations("postgresql") if migrations is None else migrations
        latest = migrations[-1].version if migrations else 0
        applied: list[int] = []
        try:
            async with self._pool.acquire() as conn:
                await conn.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)
                try:
                    await conn.execute(
                        "CREATE TABLE IF NOT EXISTS schema_migrations ("
                        " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                        " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
                    )
                    current = int(
                        await conn.fetchval(
                            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations"
                        )
                    )
                    if current > latest:
                        raise RuntimeError(
                            f"database {self.where} is at schema version {current}, newer "
                            f"than this code knows ({latest}); upgrade Trackside before using it"
                        )
                    for migration in migrations:
                        if migration.version <= current:
                            continue
                        async with conn.transaction():
                            await conn.execute(migration.sql)
                            await conn.execute(
                                "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                                migration.version,
                                migration.name,
                            )
                        log.info("applied migration %s", migration.name)
                        applied.append(migration.version)
                finally:
                    await conn.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK)
        except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError, TimeoutError) as error:
            translated = _translate(error, self.where)
            if translated is None:
                raise
            raise translated from error
        return applied

    # -- several processes ------------------------------------------------
    @asynccontextmanager
    async def hold_process(
        self, shards: Sequence[int], shard_count: int, *, on_lost: Callable[[], None]
    ) -> AsyncIterator[None]:
        """An advisory lock per shard this process runs, on a connection of
        its own (not the pool's): a second process started for one of them is
        refused naming it, and a process that dies, SIGKILL included, frees
        its shards at once (the locks go with its connection). Every process
        also holds a shared lock naming SHARD_COUNT: one started with another
        count is refused (its shard numbers would mean other servers)."""
        try:
            conn = await asyncpg.connect(
                self.url,
                server_settings={
                    "application_name": "trackside shards",
                    # A machine that dies without closing its connection (power,
                    # network) frees its shards once the server's keepalives
                    # find it gone: about 25 s, not the OS default of hours.
                    "tcp_keepalives_idle": str(KEEPALIVE_IDLE_S),
                    "tcp_keepalives_interval": str(KEEPALIVE_INTERVAL_S),
                    "tcp_keepalives_count": str(KEEPALIVE_COUNT),
                },
            )
        except _ERRORS as error:
            raise _storage_error(error, self.where) from error
        try:
            await conn.execute("SELECT pg_advisory_lock_shared($1, $2)", COUNT_LOCK, shard_count)
            # pg_locks lists the whole server's locks; advisory locks (and so
            # a bot's processes) are per database: only this database's count.
            others = await conn.fetch(
                "SELECT DISTINCT objid::int AS shard_count FROM pg_locks"
                " WHERE locktype = 'advisory' AND classid = $1 AND objsubid = 2"
                " AND objid <> $2 AND granted AND database ="
                " (SELECT oid FROM pg_database WHERE datname = current_database())",
                COUNT_LOCK,
                shard_count,
            )
            if others:
                raise AlreadyRunning(
                    f"other Trackside processes run with SHARD_COUNT={others[0]['shard_count']}, "
                    f"this one with {shard_count}: every process of the bot must use the same count"
                )
            for shard in shards:
                if not await conn.fetchval(
                    "SELECT pg_try_advisory_lock($1, $2)", SHARD_LOCK, shard
                ):
                    raise AlreadyRunning(
                        f"shard {shard} (of {shard_count}) is already run by another live "
                        "Trackside process: stop it, or start this one for other shards"
                    )

            gone = False

            def lost(_: object) -> None:
                # Once, whether the watchdog or the connection's end says it first.
                nonlocal gone
                if gone:
                    return
                gone = True
                log.critical(
                    "lost the connection holding shards %s: another process may take them; "
                    "stopping",
                    list(shards),
                )
                on_lost()

            conn.add_termination_listener(lost)
            watchdog = asyncio.create_task(self._watch_hold(conn, lost))
            try:
                yield
            finally:
                watchdog.cancel()
                conn.remove_termination_listener(lost)
        finally:
            with suppress(Exception):
                await conn.close()  # the locks go with it

    @staticmethod
    async def _watch_hold(conn: asyncpg.Connection, lost: Callable[[object], None]) -> None:
        """Ask the holding connection every few seconds: a network that went
        silent closes nothing, so without asking this process would go on
        running shards the server has already freed for another one."""
        while True:
            await asyncio.sleep(HOLD_CHECK_S)
            try:
                await conn.fetchval("SELECT 1", timeout=HOLD_CHECK_S)
            except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError, TimeoutError):
                if not conn.is_closed():
                    conn.terminate()
                lost(conn)
                return

    async def identify_turn(self, bucket: int, interval_s: float) -> None:
        """One IDENTIFY per ``interval_s`` in this bucket, across every process:
        under an advisory lock, the last IDENTIFY's time by the server's clock
        (processes on several machines do not share one) says how long to wait."""
        key = f"identify:{bucket}"
        try:
            conn = await self._pool.acquire()
            try:
                await conn.execute("SELECT pg_advisory_lock($1, $2)", IDENTIFY_LOCK, bucket)
                try:
                    wait_ms = await conn.fetchval(
                        "SELECT GREATEST(0, MAX(value::bigint) + $2::bigint"
                        " - (extract(epoch FROM clock_timestamp()) * 1000)::bigint)"
                        " FROM app_state WHERE key = $1",
                        key,
                        int(interval_s * 1000),
                    )
                    if wait_ms:
                        await asyncio.sleep(int(wait_ms) / 1000)
                    await conn.execute(
                        "INSERT INTO app_state (key, value) VALUES"
                        " ($1, ((extract(epoch FROM clock_timestamp()) * 1000)::bigint)::text)"
                        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                        key,
                    )
                finally:
                    await conn.execute("SELECT pg_advisory_unlock($1, $2)", IDENTIFY_LOCK, bucket)
            finally:
                await self._release(conn)
        except _ERRORS as error:
            raise _storage_error(error, self.where) from error

    async def set_trace_callback(self, callback: Trace | None) -> None:
        """Send every statement the query classes run to ``callback`` (the
        benchmarks count them; BEGIN and COMMIT are asyncpg's, not counted)."""
        self._trace = callback

    async def finish_copy(self, tables: tuple[str, ...]) -> None:
        """Move each table's identity past its largest id (``db copy``
        inserted rows with their own ids), then ANALYZE: a copied database
        has no statistics, and without them the planner scans an athlete's
        splits where the personal-best index would be one probe."""

        async def unit(tx: _Executor) -> None:
            for table in tables:
                # Table names come from db.copy's fixed list, never from input.
                await tx.fetch_one(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                    f" COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
                )

        await self.run(unit)
        try:
            conn = await self._pool.acquire(timeout=BUSY_TIMEOUT_MS / 1000)
            try:
                await conn.execute("ANALYZE")
            finally:
                await self._release(conn)
        except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError, TimeoutError) as error:
            raise _storage_error(error, self.where) from error

    async def close(self) -> None:
        await self._pool.close()


async def _keep_session(connection: asyncpg.Connection) -> None:
    """The pool's reset hook: nothing to reset (see open_database)."""


def with_database(url: str, name: str) -> str:
    """``url`` naming the database ``name`` instead (same server, same role)."""
    head, _, tail = url.partition("?")
    base = head.rsplit("/", 1)[0]
    return f"{base}/{name}" + (f"?{tail}" if tail else "")


async def create_database(url: str, prefix: str) -> str:
    """A new, empty database next to the one ``url`` names (its role must be
    allowed to create databases); returns its URL."""
    name = f"{prefix}_{secrets.token_hex(5)}"
    try:
        connection = await asyncpg.connect(url)
        try:
            await connection.execute(f'CREATE DATABASE "{name}"')
        finally:
            await connection.close()
    except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError, TimeoutError) as error:
        translated = _translate(error, _shown(url))
        if translated is None:
            raise
        raise translated from error
    return with_database(url, name)


async def drop_database(url: str, admin_url: str) -> None:
    """Drop the database ``url`` names (its connections closed first), through ``admin_url``."""
    name = url.partition("?")[0].rsplit("/", 1)[1]
    connection = await asyncpg.connect(admin_url)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


@asynccontextmanager
async def scratch_database(url: str, prefix: str) -> AsyncIterator[str]:
    """A throwaway database next to the one ``url`` names, dropped afterwards
    (the demo uses one, so it never writes into a team's database)."""
    created = await create_database(url, prefix)
    try:
        yield created
    finally:
        await drop_database(created, url)


async def open_database(url: str, *, pool_size: int = DEFAULT_POOL_SIZE) -> PostgresDatabase:
    """Connect a pool to ``url`` (``postgresql://user:password@host:port/name``)."""
    where = _shown(url)
    try:
        pool = await asyncpg.create_pool(
            url,
            min_size=1,
            max_size=pool_size,
            # No reset round trip on every release: units and reads leave no
            # session state behind (a transaction ends committed or rolled
            # back; migrations unlock their advisory lock themselves).
            reset=_keep_session,
            # A row lock held elsewhere waits at most the unit's budget.
            server_settings={
                "lock_timeout": str(BUSY_TIMEOUT_MS),
                "application_name": "trackside",
            },
            timeout=BUSY_TIMEOUT_MS / 1000 * 5,
        )
    except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError, TimeoutError) as error:
        translated = _translate(error, where)
        if translated is None:
            raise
        raise translated from error
    assert pool is not None
    return PostgresDatabase(pool, url)
