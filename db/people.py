"""Per-person state every bot process shares: the plain-chat cooldown
(``chat_cooldowns``) and who has used Trackside in which server
(``server_members``). Each call is one statement by key, in a unit of work of
its own unless given one."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from db.base import Database, Executor

# One upsert per question. The window restarts when the stored one began at or
# before :window_ended_if_started_by (``now - window``: it has passed), and
# counts on otherwise. SET expressions read the row as it was (on both back
# ends), so both CASEs test the old window_start. Every instant is a parameter
# computed in Python: PostgreSQL would type arithmetic on a bare parameter
# (``:now - :window``) as a 32-bit integer.
_ASK = (
    "INSERT INTO chat_cooldowns (user_id, window_start, asked)"
    " VALUES (:user_id, :now, 1)"
    " ON CONFLICT (user_id) DO UPDATE SET"
    " window_start = CASE WHEN chat_cooldowns.window_start <= :window_ended_if_started_by"
    " THEN excluded.window_start ELSE chat_cooldowns.window_start END,"
    " asked = CASE WHEN chat_cooldowns.window_start <= :window_ended_if_started_by"
    " THEN 1 ELSE chat_cooldowns.asked + 1 END"
    " RETURNING window_start, asked"
)

_RECORD = (
    "INSERT INTO server_members (user_id, guild_id, seen_at)"
    " VALUES (:user_id, :guild_id, :now)"
    " ON CONFLICT (user_id, guild_id) DO UPDATE SET seen_at = excluded.seen_at"
    " WHERE server_members.seen_at < excluded.seen_at"
)


@dataclass(frozen=True)
class CooldownWindow:
    """A person's current cooldown window, this question counted."""

    started_at: int  # epoch ms
    asked: int  # questions in this window, this one included


class ChatCooldowns:
    """Questions per person per window, shared by every process: the count
    holds across shards and restarts. Not idempotent: each call counts one."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def ask(
        self, user_id: int, *, now: int, window_ms: int, tx: Executor | None = None
    ) -> CooldownWindow:
        """Count one question of ``user_id`` at ``now`` (epoch ms): a new
        window if none is running (the last began ``window_ms`` or more ago)."""
        params = {
            "user_id": user_id,
            "now": now,
            "window_ended_if_started_by": now - window_ms,
        }

        async def unit(own: Executor) -> CooldownWindow:
            row = await own.fetch_one(_ASK, params)
            assert row is not None  # an upsert with RETURNING returns its row
            return CooldownWindow(started_at=int(row["window_start"]), asked=int(row["asked"]))

        return await unit(tx) if tx is not None else await self._db.run(unit)


class ServerMembers:
    """Who has used Trackside in which server (``seen_at``: the last time it
    was recorded). A DM question checks only these servers."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(self, user_id: int, guild_id: int, *, now: int) -> None:
        """``user_id`` used Trackside in ``guild_id`` at ``now`` (epoch ms).
        Idempotent: one row per person and server; ``seen_at`` never moves back."""
        params = {"user_id": user_id, "guild_id": guild_id, "now": now}
        await self._db.run(lambda tx: tx.execute(_RECORD, params))

    async def servers_of(self, user_id: int) -> list[int]:
        """The servers where ``user_id`` was recorded, by id (the key's prefix)."""
        rows = await self._db.fetch_all(
            "SELECT guild_id FROM server_members WHERE user_id = :user_id ORDER BY guild_id",
            {"user_id": user_id},
        )
        return [int(row["guild_id"]) for row in rows]

    async def forget(self, user_id: int, guild_ids: Iterable[int]) -> None:
        """``user_id`` is no longer in these servers (Discord said so)."""
        ids = list(guild_ids)
        if not ids:
            return

        async def unit(tx: Executor) -> None:
            for guild_id in ids:
                await tx.execute(
                    "DELETE FROM server_members WHERE user_id = :user_id AND guild_id = :guild_id",
                    {"user_id": user_id, "guild_id": guild_id},
                )

        await self._db.run(unit)
