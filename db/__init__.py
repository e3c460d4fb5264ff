"""Storage: a small typed interface (``db.base``), its SQLite back end
(``db.sqlite``) and query classes per feature returning dataclasses."""

from db.app_state import AppState
from db.base import Database, DatabaseBusy, DatabaseUnavailable, Executor, StorageError
from db.history import PaceAnswer, PaceHistory
from db.sqlite import SQLiteDatabase, open_database

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
    "open_database",
]
