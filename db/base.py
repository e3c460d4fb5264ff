"""The storage interface every back end implements.

Query classes (``db/history.py`` and friends) are written against these two
protocols only, with portable SQL: named ``:param`` placeholders, standard
``INSERT ... ON CONFLICT`` upserts and ``RETURNING``. SQLite is the embedded
default (``db/sqlite.py``); a PostgreSQL back end for multi-process deployments
can implement the same protocols (translating ``:name`` placeholders) without
touching a single query class or cog.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol

Params = Mapping[str, Any]
Row = Mapping[str, Any]


class Executor(Protocol):
    """Runs statements; inside a transaction every call belongs to it."""

    async def execute(self, sql: str, params: Params | None = None) -> int:
        """Run one statement and return the number of rows it changed."""
        ...

    async def fetch_one(self, sql: str, params: Params | None = None) -> Row | None:
        """Run a query (or a statement with ``RETURNING``) and return its first row."""
        ...

    async def fetch_all(self, sql: str, params: Params | None = None) -> list[Row]:
        """Run a query and return every row."""
        ...


class Database(Executor, Protocol):
    """A database handle. Reads may go straight through it; writes only via
    :meth:`transaction`, which commits on success and rolls back on any error,
    so a unit of work is never half-stored."""

    def transaction(self) -> AbstractAsyncContextManager[Executor]:
        """Open one write transaction; the only way to change data."""
        ...

    async def migrate(self) -> list[int]:
        """Bring the schema up to date (each back end keeps its own numbered
        migrations); returns the versions applied."""
        ...

    async def close(self) -> None:
        """Release the connection(s)."""
        ...
