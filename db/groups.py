"""Training groups: a server's event groups (Sprints, Distance…), each with an
optional role (its members), channel (where its workouts post) and ping.

A removed group keeps its row (``removed_at`` set), so past workouts and
submissions keep its name; its name is free for a new group at once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from db.base import Database, Executor, Row

#: The whole team: a workout or submission of no group has group id 0.
TEAM = 0


def name_key(name: str) -> str:
    """What makes two group names the same ("Sprints" and "sprints")."""
    return name.casefold()


@dataclass(frozen=True)
class TrainingGroup:
    id: int
    guild_id: int
    name: str
    role_id: int | None
    channel_id: int | None
    ping: bool
    created_at: int
    updated_at: int
    removed_at: int | None = None

    @property
    def current(self) -> bool:
        return self.removed_at is None

    @classmethod
    def from_row(cls, row: Row) -> TrainingGroup:
        def opt(name: str) -> int | None:
            return None if row[name] is None else int(row[name])

        return cls(
            id=int(row["id"]),
            guild_id=int(row["guild_id"]),
            name=str(row["name"]),
            role_id=opt("role_id"),
            channel_id=opt("channel_id"),
            ping=bool(row["ping"]),
            created_at=int(row["created_at"]),
            updated_at=int(row["updated_at"]),
            removed_at=opt("removed_at"),
        )


class GroupNameTaken(Exception):
    """Another current group of the server has that name (case ignored)."""

    def __init__(self, existing: str) -> None:
        super().__init__(existing)
        self.existing = existing


_COLUMNS = "id, guild_id, name, role_id, channel_id, ping, created_at, updated_at, removed_at"


class GroupQueries:
    """Reads and writes of training groups, each write one unit of work."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(
        self,
        guild_id: int,
        name: str,
        *,
        role_id: int | None,
        channel_id: int | None,
        ping: bool,
        now: int,
    ) -> TrainingGroup:
        """A new current group; :class:`GroupNameTaken` when the name is in use.

        One insert that does nothing on a clash with the partial unique index
        (two coaches adding "Sprints" at once: exactly one gets it)."""
        params = {
            "guild_id": guild_id,
            "name": name,
            "key": name_key(name),
            "role_id": role_id,
            "channel_id": channel_id,
            "ping": int(ping),
            "now": now,
        }

        async def unit(tx: Executor) -> Row | None:
            return await tx.fetch_one(
                "INSERT INTO training_groups (guild_id, name, name_key, role_id, channel_id,"
                " ping, created_at, updated_at) VALUES (:guild_id, :name, :key, :role_id,"
                " :channel_id, :ping, :now, :now)"
                " ON CONFLICT (guild_id, name_key) WHERE removed_at IS NULL DO NOTHING"
                f" RETURNING {_COLUMNS}",
                params,
            )

        row = await self._db.run(unit)
        if row is None:
            existing = await self.named(guild_id, name)
            raise GroupNameTaken(existing.name if existing else name)
        return TrainingGroup.from_row(row)

    async def named(self, guild_id: int, name: str) -> TrainingGroup | None:
        """The server's current group called ``name`` (case ignored)."""
        row = await self._db.fetch_one(
            f"SELECT {_COLUMNS} FROM training_groups WHERE guild_id = :guild_id"
            " AND name_key = :key AND removed_at IS NULL",
            {"guild_id": guild_id, "key": name_key(name)},
        )
        return None if row is None else TrainingGroup.from_row(row)

    async def current(self, guild_id: int, *, tx: Executor | None = None) -> list[TrainingGroup]:
        """The server's groups, by name (``tx``: inside the caller's unit of work)."""
        rows = await (tx or self._db).fetch_all(
            f"SELECT {_COLUMNS} FROM training_groups WHERE guild_id = :guild_id"
            " AND removed_at IS NULL ORDER BY name_key, id",
            {"guild_id": guild_id},
        )
        return [TrainingGroup.from_row(row) for row in rows]

    async def by_ids(
        self, guild_id: int, ids: Iterable[int], *, tx: Executor | None = None
    ) -> dict[int, TrainingGroup]:
        """Groups of this server by id, removed ones included (for labels)."""
        wanted = sorted({i for i in ids if i != TEAM})
        if not wanted:
            return {}
        params: dict[str, object] = {"guild_id": guild_id}
        names = []
        for n, group_id in enumerate(wanted):
            params[f"id{n}"] = group_id
            names.append(f":id{n}")
        rows = await (tx or self._db).fetch_all(
            f"SELECT {_COLUMNS} FROM training_groups WHERE guild_id = :guild_id"
            f" AND id IN ({', '.join(names)})",
            params,
        )
        return {int(row["id"]): TrainingGroup.from_row(row) for row in rows}

    async def remove(
        self, guild_id: int, group_id: int, *, now: int, cancel_from: str
    ) -> tuple[TrainingGroup, int] | None:
        """Mark the group removed and delete its workouts not posted yet dated
        ``cancel_from`` (a server-local 'YYYY-MM-DD') or later, in one unit of
        work. Past workouts and every submission stay. Returns the group as it
        was and how many scheduled workouts were cancelled; ``None`` when it is
        not a current group of this server (removed meanwhile)."""

        async def unit(tx: Executor) -> tuple[TrainingGroup, int] | None:
            row = await tx.fetch_one(
                "UPDATE training_groups SET removed_at = :now, updated_at = :now"
                " WHERE id = :id AND guild_id = :guild_id AND removed_at IS NULL"
                f" RETURNING {_COLUMNS}",
                {"id": group_id, "guild_id": guild_id, "now": now},
            )
            if row is None:
                return None
            cancelled = await tx.execute(
                "DELETE FROM workouts WHERE guild_id = :guild_id AND group_id = :id"
                " AND message_id IS NULL AND local_date >= :from",
                {"guild_id": guild_id, "id": group_id, "from": cancel_from},
            )
            return TrainingGroup.from_row(row), cancelled

        return await self._db.run(unit)

    async def scheduled_count(self, guild_id: int, group_id: int, *, from_date: str) -> int:
        """How many of the group's workouts dated ``from_date`` or later are not
        posted yet: what removing it would cancel (said on the confirm button)."""
        row = await self._db.fetch_one(
            "SELECT COUNT(*) AS n FROM workouts WHERE guild_id = :guild_id"
            " AND group_id = :id AND message_id IS NULL AND local_date >= :from",
            {"guild_id": guild_id, "id": group_id, "from": from_date},
        )
        return int(row["n"]) if row else 0
