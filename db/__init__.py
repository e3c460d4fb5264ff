"""Storage: a small typed interface (``db.base``), two back ends (``db.sqlite``,
the embedded default; ``db.postgresql``, for several processes) and query
classes per feature returning dataclasses."""

from __future__ import annotations

from pathlib import Path

from db.app_state import AppState
from db.base import Database, DatabaseBusy, DatabaseUnavailable, Executor, StorageError
from db.history import PaceAnswer, PaceHistory
from db.sqlite import SQLiteDatabase

POSTGRESQL_SCHEMES = ("postgresql://", "postgres://")


def is_postgresql(target: str | Path) -> bool:
    return str(target).startswith(POSTGRESQL_SCHEMES)


async def open_database(target: str | Path, *, pool_size: int | None = None) -> Database:
    """Open the database ``target`` names: a ``postgresql://`` URL (asyncpg,
    imported only then) or a SQLite file path (its folder is created)."""
    if is_postgresql(target):
        from db import postgresql

        return await postgresql.open_database(
            str(target), pool_size=pool_size or postgresql.DEFAULT_POOL_SIZE
        )
    from db import sqlite

    return await sqlite.open_database(target)


__all__ = [
    "AppState",
    "Database",
    "DatabaseBusy",
    "DatabaseUnavailable",
    "Executor",
    "PaceAnswer",
    "PaceHistory",
    "SQLiteDatabase",
    "StorageError",
    "is_postgresql",
    "open_database",
]
