"""Small key/value facts the bot keeps about itself (e.g. the hash of the
command tree it last synced globally)."""

from __future__ import annotations

from db.base import Database


class AppState:
    """Idempotent: ``set`` upserts, so calling it twice leaves one row."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, key: str) -> str | None:
        row = await self._db.fetch_one("SELECT value FROM app_state WHERE key = :key", {"key": key})
        return None if row is None else str(row["value"])

    async def set(self, key: str, value: str) -> None:
        await self._db.run(
            lambda tx: tx.execute(
                "INSERT INTO app_state (key, value) VALUES (:key, :value)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                {"key": key, "value": value},
            )
        )
