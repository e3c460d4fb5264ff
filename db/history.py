"""Queries for the pace-answer history (``/pace history``)."""

from __future__ import annotations

from dataclasses import dataclass

from db.base import Database, Executor, Row


@dataclass(frozen=True)
class PaceAnswer:
    id: int
    user_id: int
    guild_id: int | None
    command: str
    inputs: str
    summary: str
    created_at: int  # Unix epoch milliseconds

    @classmethod
    def from_row(cls, row: Row) -> PaceAnswer:
        return cls(
            id=int(row["id"]),
            user_id=int(row["user_id"]),
            guild_id=None if row["guild_id"] is None else int(row["guild_id"]),
            command=str(row["command"]),
            inputs=str(row["inputs"]),
            summary=str(row["summary"]),
            created_at=int(row["created_at"]),
        )


class PaceHistory:
    """Every pace answer the bot gave, newest first per user.

    ``record`` writes in its own transaction unless given one, so a caller can
    fold it into a larger unit of work. Not idempotent: each call adds a row.
    """

    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(
        self,
        *,
        user_id: int,
        guild_id: int | None,
        command: str,
        inputs: str,
        summary: str,
        created_at: int,
        tx: Executor | None = None,
    ) -> None:
        params = {
            "user_id": user_id,
            "guild_id": guild_id,
            "command": command,
            "inputs": inputs,
            "summary": summary,
            "created_at": created_at,
        }
        sql = (
            "INSERT INTO pace_answers (user_id, guild_id, command, inputs, summary, created_at)"
            " VALUES (:user_id, :guild_id, :command, :inputs, :summary, :created_at)"
        )
        # Nothing is read back: every pace reply waits on this write, and the
        # caller already holds what it stored.
        if tx is not None:
            await tx.execute(sql, params)
        else:
            await self._db.run(lambda own: own.execute(sql, params))

    async def recent(self, user_id: int, limit: int = 10) -> list[PaceAnswer]:
        rows = await self._db.fetch_all(
            "SELECT id, user_id, guild_id, command, inputs, summary, created_at"
            " FROM pace_answers WHERE user_id = :user_id"
            " ORDER BY created_at DESC, id DESC LIMIT :limit",
            {"user_id": user_id, "limit": limit},
        )
        return [PaceAnswer.from_row(row) for row in rows]

    async def count(self, user_id: int | None = None) -> int:
        if user_id is None:
            row = await self._db.fetch_one("SELECT COUNT(*) AS n FROM pace_answers")
        else:
            row = await self._db.fetch_one(
                "SELECT COUNT(*) AS n FROM pace_answers WHERE user_id = :user_id",
                {"user_id": user_id},
            )
        return int(row["n"]) if row else 0
