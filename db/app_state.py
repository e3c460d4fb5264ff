"""Small key/value facts the bot keeps about itself (e.g. the hash of the
command tree it last synced globally)."""

from __future__ import annotations

from db.base import Database, Executor


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

    async def compare_and_set(self, key: str, expected: str | None, value: str) -> bool:
        """Set ``key`` to ``value`` only if it still holds ``expected`` (``None``:
        absent); True if this call moved it. Two processes racing to record
        the same step: exactly one moves it."""

        async def unit(tx: Executor) -> int:
            if expected is None:
                return await tx.execute(
                    "INSERT INTO app_state (key, value) VALUES (:key, :value)"
                    " ON CONFLICT (key) DO NOTHING",
                    {"key": key, "value": value},
                )
            return await tx.execute(
                "UPDATE app_state SET value = :value WHERE key = :key AND value = :expected",
                {"key": key, "value": value, "expected": expected},
            )

        return await self._db.run(unit) == 1
