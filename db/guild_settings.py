"""Per-server settings (``/config``)."""

from __future__ import annotations

from dataclasses import dataclass

from db.base import Database, Executor, Row

DEFAULT_POST_TIME = "06:00"
DEFAULT_TIMEZONE = "UTC"


@dataclass(frozen=True)
class GuildSettings:
    guild_id: int
    channel_id: int | None = None
    post_time: str = DEFAULT_POST_TIME
    timezone: str = DEFAULT_TIMEZONE
    coach_role_id: int | None = None

    @classmethod
    def from_row(cls, row: Row) -> GuildSettings:
        return cls(
            guild_id=int(row["guild_id"]),
            channel_id=None if row["channel_id"] is None else int(row["channel_id"]),
            post_time=str(row["post_time"]),
            timezone=str(row["timezone"]),
            coach_role_id=None if row["coach_role_id"] is None else int(row["coach_role_id"]),
        )


_COLUMNS = "guild_id, channel_id, post_time, timezone, coach_role_id"
_SETTABLE = frozenset({"channel_id", "post_time", "timezone", "coach_role_id"})


class GuildSettingsQueries:
    """Reads return defaults for a server that never ran ``/config``;
    ``update`` is an idempotent upsert of the given columns."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, guild_id: int, *, tx: Executor | None = None) -> GuildSettings:
        """The server's settings (defaults when it never set any); ``tx`` reads
        inside a caller's unit of work."""
        row = await (tx or self._db).fetch_one(
            f"SELECT {_COLUMNS} FROM guild_settings WHERE guild_id = :guild_id",
            {"guild_id": guild_id},
        )
        return GuildSettings(guild_id=guild_id) if row is None else GuildSettings.from_row(row)

    async def update(self, guild_id: int, *, now: int, **values: object) -> GuildSettings:
        """Set some of channel_id, post_time, timezone, coach_role_id.

        When the channel changes, workouts that failed to post get another
        chance (their error is cleared in the same transaction).
        """
        unknown = set(values) - _SETTABLE
        if unknown or not values:
            raise ValueError(f"cannot set {sorted(unknown) or 'nothing'}")
        # Column names come from the fixed whitelist above, never from input.
        names = sorted(values)
        insert_cols = ", ".join(["guild_id", *names, "updated_at"])
        insert_vals = ", ".join([":guild_id", *(f":{n}" for n in names), ":now"])
        updates = ", ".join([*(f"{n} = excluded.{n}" for n in names), "updated_at = :now"])
        params = {"guild_id": guild_id, "now": now, **values}

        async def unit(tx: Executor) -> Row | None:
            await tx.execute(
                f"INSERT INTO guild_settings ({insert_cols}) VALUES ({insert_vals})"
                f" ON CONFLICT (guild_id) DO UPDATE SET {updates}",
                params,
            )
            if "channel_id" in values:
                # Only failed posts get another chance: a claim in flight is a
                # post on its way, and clearing it would let it go out twice.
                await tx.execute(
                    "UPDATE workouts SET post_error = NULL"
                    " WHERE guild_id = :guild_id AND message_id IS NULL"
                    " AND post_error IS NOT NULL",
                    {"guild_id": guild_id},
                )
            return await tx.fetch_one(
                f"SELECT {_COLUMNS} FROM guild_settings WHERE guild_id = :guild_id",
                {"guild_id": guild_id},
            )

        row = await self._db.run(unit)
        assert row is not None
        return GuildSettings.from_row(row)
