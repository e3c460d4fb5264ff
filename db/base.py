"""The storage interface every back end implements.

Query classes (``db/history.py`` and friends) are written against these two
protocols only, with portable SQL: named ``:param`` placeholders, standard
``INSERT ... ON CONFLICT`` upserts and ``RETURNING``. SQLite is the embedded
default (``db/sqlite.py``); a PostgreSQL back end for multi-process deployments
can implement the same protocols (translating ``:name`` placeholders) without
touching a single query class or cog. The whole interface: ``run(unit)`` for
writes, ``fetch_one`` / ``fetch_all`` for reads, ``check_writable``,
``migrate`` and ``close``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol, TypeVar

Params = Mapping[str, Any]
Row = Mapping[str, Any]
T = TypeVar("T")


class StorageError(Exception):
    """The database cannot do the work right now: the fault is in its
    environment (a lock, permissions, the disk), not in the query.

    Back ends translate their own errors into these, so the bot's error
    handler and start-up never need to know which database is behind them.
    ``reason`` is one line an operator can act on; nothing of the unit of
    work was stored.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class DatabaseBusy(StorageError):
    """Another process held the write lock for longer than we may wait
    (an interaction must be answered within Discord's 3 seconds)."""


class DatabaseUnavailable(StorageError):
    """The database cannot be opened or written: read-only file, missing
    folder, disk full, I/O error."""


class AlreadyRunning(StorageError):
    """Another live process already runs this bot here: the same SQLite
    file, or (PostgreSQL) one of the same shards."""


class Reader(Protocol):
    """Runs queries."""

    async def fetch_one(self, sql: str, params: Params | None = None) -> Row | None:
        """Run a query (or a statement with ``RETURNING``) and return its first row."""
        ...

    async def fetch_all(self, sql: str, params: Params | None = None) -> list[Row]:
        """Run a query and return every row."""
        ...


class Executor(Reader, Protocol):
    """What a unit of work is given: every call belongs to its transaction."""

    async def execute(self, sql: str, params: Params | None = None) -> int:
        """Run one statement and return the number of rows it changed."""
        ...


class Database(Reader, Protocol):
    """A database handle. Reads may go straight through it; writes only via
    :meth:`run`, which commits on success and rolls back on any error, so a
    unit of work is never half-stored."""

    async def run(self, work: Callable[[Executor], Awaitable[T]]) -> T:
        """Run ``work(tx)`` as one write transaction and return its result.

        ``work`` may await only ``tx``'s methods (no Discord calls, no sleeps),
        touch a bounded number of rows (by key or index, not a scan of
        history), and must have no effect but through ``tx``: a back end may
        roll an attempt back and run ``work`` again (PostgreSQL does, on a
        serialization failure). Raises :class:`DatabaseBusy` when the write
        lock stays elsewhere past the back end's budget (2 s: an interaction
        must be answered within Discord's 3).
        """
        ...

    async def check_writable(self) -> None:
        """Raise :class:`StorageError` unless this process can write now
        (probed inside a transaction that is rolled back: nothing changes)."""
        ...

    async def migrate(self) -> list[int]:
        """Bring the schema up to date (each back end keeps its own numbered
        migrations); returns the versions applied."""
        ...

    async def schema_version(self) -> int:
        """The last migration applied (0 for an empty database)."""
        ...

    async def finish_copy(self, tables: tuple[str, ...]) -> None:
        """After rows were inserted with their ids (``db copy``): make the ids
        the database generates next come after them, and let the planner
        know the tables' new sizes."""
        ...

    def hold_process(
        self, shards: Sequence[int], shard_count: int, *, on_lost: Callable[[], None]
    ) -> AbstractAsyncContextManager[None]:
        """Hold this process's claim on ``shards`` for as long as it runs;
        raises :class:`AlreadyRunning` (before anything connects to Discord)
        when another live process holds one. A claim dies with its process
        (SIGKILL included), so a restart takes it back at once. ``on_lost`` is
        called if the claim is lost while running (the process must stop)."""
        ...

    async def identify_turn(self, bucket: int, interval_s: float) -> None:
        """Wait until this IDENTIFY bucket may IDENTIFY again (Discord allows
        one per ``interval_s``), across every process of the bot, and take it."""
        ...

    async def close(self) -> None:
        """Release the connection(s)."""
        ...
