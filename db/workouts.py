"""Workouts of the day: one per server per local date per training group
(group 0: the whole team) per session ('': the day's main one)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property

from bot.domain.workout import Workout
from db.base import Database, Executor, Row
from db.guild_settings import DEFAULT_POST_TIME, DEFAULT_TIMEZONE
from db.workout_codec import workout_from_json, workout_to_json


@dataclass(frozen=True)
class StoredWorkout:
    id: int
    guild_id: int
    local_date: date
    title: str | None
    text: str
    parsed: str  # JSON, see db.workout_codec
    recovery: str | None
    notes: str | None
    author_id: int
    origin_channel_id: int
    channel_id: int | None
    message_id: int | None
    posted_at: int | None
    post_claimed_at: int | None
    post_error: str | None
    created_at: int
    updated_at: int
    revision: int = 1  # bumped by every save (migration 0006)
    posted_revision: int | None = None  # what the message was last rendered from
    post_claimed_by: str | None = None  # boot id of the process posting it (0007)
    post_generation: int = 0  # bumped when its message must be posted anew: the nonce
    group_id: int = 0  # training_groups.id; 0: the whole team (0008)
    session: str = ""  # "am", "pm", "track"…; "": the day's main session

    @cached_property
    def plan(self) -> Workout:
        """The parsed reps, decoded when first asked (the scheduler reads many
        rows and needs none of them)."""
        return workout_from_json(self.parsed)

    @property
    def posted(self) -> bool:
        return self.message_id is not None

    @property
    def public(self) -> bool:
        """What athletes may see: posted, or due and failed to post (so they
        learn why it is missing). Scheduled workouts are for coaches only."""
        return self.posted or self.post_error is not None

    @classmethod
    def from_row(cls, row: Row) -> StoredWorkout:
        def opt(name: str) -> int | None:
            return None if row[name] is None else int(row[name])

        return cls(
            id=int(row["id"]),
            guild_id=int(row["guild_id"]),
            local_date=date.fromisoformat(str(row["local_date"])),
            title=row["title"],
            text=str(row["text"]),
            parsed=str(row["parsed"]),
            recovery=row["recovery"],
            notes=row["notes"],
            author_id=int(row["author_id"]),
            origin_channel_id=int(row["origin_channel_id"]),
            channel_id=opt("channel_id"),
            message_id=opt("message_id"),
            posted_at=opt("posted_at"),
            post_claimed_at=opt("post_claimed_at"),
            post_error=row["post_error"],
            created_at=int(row["created_at"]),
            updated_at=int(row["updated_at"]),
            revision=int(row["revision"]),
            posted_revision=opt("posted_revision"),
            post_claimed_by=row["post_claimed_by"],
            post_generation=int(row["post_generation"]),
            group_id=int(row["group_id"]),
            session=str(row["session"]),
        )


@dataclass(frozen=True)
class Shards:
    """Which servers a process serves: those whose shard, ``(guild_id >> 22)
    % count`` (Discord's rule), is one of ``ids``."""

    count: int
    ids: tuple[int, ...]

    @property
    def everything(self) -> bool:
        return self.count == 1 or set(self.ids) == set(range(self.count))


def _on_shards(column: str, shards: Shards | None, params: dict[str, object]) -> str:
    """The SQL condition keeping ``column``'s servers on ``shards`` (bitwise
    shift and modulo read the same on SQLite and PostgreSQL), its parameters
    added to ``params``; empty when every shard is served."""
    if shards is None or shards.everything:
        return ""
    params["shard_count"] = shards.count
    names = []
    for n, shard in enumerate(shards.ids):
        params[f"shard{n}"] = shard
        names.append(f":shard{n}")
    return f" AND (({column} >> 22) % :shard_count) IN ({', '.join(names)})"


# A claim this process may take: none, another process's (a shard has one
# live owner: the other is a dead predecessor), or an old one.
_CLAIMABLE = (
    "({alias}post_claimed_at IS NULL OR {alias}post_claimed_by IS NULL"
    " OR {alias}post_claimed_by <> :claimer OR {alias}post_claimed_at < :stale)"
)


def _opt_int(value: object) -> int | None:
    return None if value is None else int(value)  # type: ignore[call-overload]


def candidates_query(
    earliest: date,
    latest: date,
    *,
    claimer: str,
    stale_claim_before: int,
    shards: Shards | None = None,
) -> tuple[str, dict[str, object]]:
    """The scheduler's query and its parameters (see
    :meth:`WorkoutQueries.post_candidates`); apart so a test can EXPLAIN it:
    the partial index of unposted workouts must serve it, shard filter included."""
    params: dict[str, object] = {
        "earliest": earliest.isoformat(),
        "latest": latest.isoformat(),
        "claimer": claimer,
        "stale": stale_claim_before,
        "default_timezone": DEFAULT_TIMEZONE,
        "default_post_time": DEFAULT_POST_TIME,
    }
    sql = (
        f"SELECT {_COLUMNS},"
        " COALESCE(s.timezone, :default_timezone) AS tz,"
        " COALESCE(s.post_time, :default_post_time) AS at,"
        " s.channel_id AS configured_channel_id, g.channel_id AS group_channel_id,"
        " CASE WHEN g.ping = 1 THEN g.role_id END AS ping_role_id"
        " FROM workouts w LEFT JOIN guild_settings s ON s.guild_id = w.guild_id"
        " LEFT JOIN training_groups g ON g.id = w.group_id AND g.guild_id = w.guild_id"
        " WHERE w.message_id IS NULL AND w.post_error IS NULL"
        " AND w.local_date BETWEEN :earliest AND :latest"
        f" AND {_CLAIMABLE.format(alias='w.')}"
        + _on_shards("w.guild_id", shards, params)
        + " ORDER BY w.local_date, w.id"
    )
    return sql, params


@dataclass(frozen=True)
class PostCandidate:
    """An unposted workout with what the scheduler needs to decide on it."""

    workout: StoredWorkout
    timezone: str
    post_time: str
    configured_channel_id: int | None
    group_channel_id: int | None = None  # its group's channel, before the server's
    ping_role_id: int | None = None  # its group's role, when the group pings


_COLUMNS = (
    "w.id, w.guild_id, w.local_date, w.title, w.text, w.parsed, w.recovery, w.notes,"
    " w.author_id, w.origin_channel_id, w.channel_id, w.message_id, w.posted_at,"
    " w.post_claimed_at, w.post_error, w.created_at, w.updated_at, w.revision,"
    " w.posted_revision, w.post_claimed_by, w.post_generation, w.group_id, w.session"
)


@dataclass(frozen=True)
class NewWorkout:
    guild_id: int
    local_date: date
    title: str | None
    text: str
    plan: Workout
    recovery: str | None
    notes: str | None
    author_id: int
    origin_channel_id: int
    group_id: int = 0  # 0: the whole team
    session: str = ""  # "": the day's main session


class WorkoutQueries:
    """Reads and writes of workouts. Writes run in their own transaction
    unless a ``tx`` is passed to fold them into a larger unit of work."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def save(self, new: NewWorkout, *, now: int) -> tuple[StoredWorkout, bool]:
        """Insert the day's workout or replace the existing one (same server,
        date, group and session), keeping where it was posted so its message
        can be edited.
        Returns the row and whether it replaced an earlier workout."""
        params = {
            "guild_id": new.guild_id,
            "local_date": new.local_date.isoformat(),
            "title": new.title,
            "text": new.text,
            "parsed": workout_to_json(new.plan),
            "recovery": new.recovery,
            "notes": new.notes,
            "author_id": new.author_id,
            "origin_channel_id": new.origin_channel_id,
            "group_id": new.group_id,
            "session": new.session,
            "now": now,
        }

        async def unit(tx: Executor) -> Row | None:
            # One upsert, no read before it: two coaches saving the same day at
            # once are serialised by the unique key (PostgreSQL retries the
            # loser's unit), never both "new". A fresh row starts at revision
            # 1; every replacement bumps it, so it also says which this was.
            # A replaced workout that had failed to post gets a fresh attempt.
            return await tx.fetch_one(
                "INSERT INTO workouts (guild_id, local_date, title, text, parsed, recovery,"
                " notes, author_id, origin_channel_id, group_id, session, created_at,"
                " updated_at) VALUES (:guild_id, :local_date, :title, :text, :parsed,"
                " :recovery, :notes, :author_id, :origin_channel_id, :group_id, :session,"
                " :now, :now)"
                " ON CONFLICT (guild_id, local_date, group_id, session) DO UPDATE SET"
                " title = excluded.title, text = excluded.text, parsed = excluded.parsed,"
                " recovery = excluded.recovery, notes = excluded.notes,"
                " author_id = excluded.author_id,"
                " origin_channel_id = excluded.origin_channel_id,"
                " post_error = NULL, updated_at = excluded.updated_at,"
                " revision = workouts.revision + 1"
                f" RETURNING {_COLUMNS.replace('w.', '')}",
                params,
            )

        row = await self._db.run(unit)
        assert row is not None
        stored = StoredWorkout.from_row(row)
        return stored, stored.revision > 1

    async def get(
        self,
        guild_id: int,
        local_date: date,
        *,
        group_id: int = 0,
        session: str = "",
        tx: Executor | None = None,
    ) -> StoredWorkout | None:
        """The workout of that day, group (0: the team's) and session."""
        row = await (tx or self._db).fetch_one(
            f"SELECT {_COLUMNS} FROM workouts w"
            " WHERE w.guild_id = :guild_id AND w.local_date = :local_date"
            " AND w.group_id = :group_id AND w.session = :session",
            {
                "guild_id": guild_id,
                "local_date": local_date.isoformat(),
                "group_id": group_id,
                "session": session,
            },
        )
        return None if row is None else StoredWorkout.from_row(row)

    async def for_day(
        self, guild_id: int, local_date: date, *, tx: Executor | None = None
    ) -> list[StoredWorkout]:
        """Every workout of that day, in the order they were first saved."""
        rows = await (tx or self._db).fetch_all(
            f"SELECT {_COLUMNS} FROM workouts w"
            " WHERE w.guild_id = :guild_id AND w.local_date = :local_date ORDER BY w.id",
            {"guild_id": guild_id, "local_date": local_date.isoformat()},
        )
        return [StoredWorkout.from_row(row) for row in rows]

    async def by_id(self, workout_id: int) -> StoredWorkout | None:
        row = await self._db.fetch_one(
            f"SELECT {_COLUMNS} FROM workouts w WHERE w.id = :id", {"id": workout_id}
        )
        return None if row is None else StoredWorkout.from_row(row)

    async def between(
        self, guild_id: int, first: date, last: date, *, posted_only: bool
    ) -> list[StoredWorkout]:
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM workouts w WHERE w.guild_id = :guild_id"
            " AND w.local_date BETWEEN :first AND :last"
            + (" AND w.message_id IS NOT NULL" if posted_only else "")
            + " ORDER BY w.local_date, w.id",
            {"guild_id": guild_id, "first": first.isoformat(), "last": last.isoformat()},
        )
        return [StoredWorkout.from_row(row) for row in rows]

    async def failed(self, guild_id: int, since: date) -> list[StoredWorkout]:
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM workouts w WHERE w.guild_id = :guild_id"
            " AND w.message_id IS NULL AND w.post_error IS NOT NULL"
            " AND w.local_date >= :since ORDER BY w.local_date, w.id",
            {"guild_id": guild_id, "since": since.isoformat()},
        )
        return [StoredWorkout.from_row(row) for row in rows]

    async def delete(self, workout_id: int) -> bool:
        deleted = await self._db.run(
            lambda tx: tx.execute("DELETE FROM workouts WHERE id = :id", {"id": workout_id})
        )
        return deleted > 0

    # -- posting bookkeeping --------------------------------------------------
    async def post_candidates(
        self,
        earliest: date,
        latest: date,
        *,
        claimer: str,
        stale_claim_before: int,
        shards: Shards | None = None,
    ) -> list[PostCandidate]:
        """Every unposted, not-failed workout dated between ``earliest`` and
        ``latest`` (UTC today ± 1 covers every timezone's today) of the servers
        on ``shards`` (all when ``None``), with its server's timezone and post
        time: the scheduler's one query per tick. A claim another process left
        (``claimer`` is this process's boot id) or one older than
        ``stale_claim_before`` is a crash mid-post."""
        sql, params = candidates_query(
            earliest, latest, claimer=claimer, stale_claim_before=stale_claim_before, shards=shards
        )
        rows = await self._db.fetch_all(sql, params)
        return [
            PostCandidate(
                workout=StoredWorkout.from_row(row),
                timezone=str(row["tz"]),
                post_time=str(row["at"]),
                configured_channel_id=_opt_int(row["configured_channel_id"]),
                group_channel_id=_opt_int(row["group_channel_id"]),
                ping_role_id=_opt_int(row["ping_role_id"]),
            )
            for row in rows
        ]

    async def claim(
        self, workout: StoredWorkout, *, now: int, claimer: str, stale_claim_before: int
    ) -> bool:
        """Mark ``workout`` as being posted by ``claimer``. True for exactly
        one claimant; a claim another process left, or an old one, is taken
        over (the post is reconciled with the channel first)."""
        changed = await self._db.run(
            lambda tx: tx.execute(
                "UPDATE workouts SET post_claimed_at = :now, post_claimed_by = :claimer"
                " WHERE id = :id AND message_id IS NULL"
                f" AND {_CLAIMABLE.format(alias='')}",
                {"id": workout.id, "now": now, "claimer": claimer, "stale": stale_claim_before},
            )
        )
        return changed == 1

    async def mark_posted(
        self, workout_id: int, *, channel_id: int, message_id: int, revision: int, now: int
    ) -> StoredWorkout | None:
        """Record the message that now shows ``revision`` of the workout;
        returns the row as it is now (``None``: deleted meanwhile, so the
        message shows a workout that no longer exists)."""
        row = await self._db.run(
            lambda tx: tx.fetch_one(
                "UPDATE workouts SET channel_id = :channel_id, message_id = :message_id,"
                " posted_at = COALESCE(posted_at, :now), post_error = NULL,"
                " post_claimed_at = NULL, post_claimed_by = NULL,"
                " posted_revision = :revision WHERE id = :id"
                f" RETURNING {_COLUMNS.replace('w.', '')}",
                {
                    "id": workout_id,
                    "channel_id": channel_id,
                    "message_id": message_id,
                    "revision": revision,
                    "now": now,
                },
            )
        )
        return None if row is None else StoredWorkout.from_row(row)

    async def mark_shown(self, workout_id: int, *, revision: int) -> StoredWorkout | None:
        """The posted message was edited to show ``revision``; returns the row
        as it is now (``None``: deleted meanwhile)."""
        row = await self._db.run(
            lambda tx: tx.fetch_one(
                "UPDATE workouts SET posted_revision = :revision WHERE id = :id"
                f" RETURNING {_COLUMNS.replace('w.', '')}",
                {"id": workout_id, "revision": revision},
            )
        )
        return None if row is None else StoredWorkout.from_row(row)

    async def expire_claim(self, workout_id: int) -> None:
        """Leave the claim in place but expired (0 is older than any cut-off),
        so the next claimant retries the post, reconciling first."""
        await self._db.run(
            lambda tx: tx.execute(
                "UPDATE workouts SET post_claimed_at = 0 WHERE id = :id AND message_id IS NULL",
                {"id": workout_id},
            )
        )

    async def mark_failed(self, workout_id: int, error: str, *, tx: Executor | None = None) -> None:
        sql = (
            "UPDATE workouts SET post_error = :error, post_claimed_at = NULL,"
            " post_claimed_by = NULL WHERE id = :id"
        )
        params = {"id": workout_id, "error": error}
        if tx is not None:
            await tx.execute(sql, params)
            return
        await self._db.run(lambda own: own.execute(sql, params))

    async def forget_message(self, workout_id: int) -> None:
        """The posted message is gone (deleted by someone): post it again, as
        a new generation (a new nonce: Discord must not take it for the old)."""
        await self._db.run(
            lambda tx: tx.execute(
                "UPDATE workouts SET message_id = NULL, channel_id = NULL,"
                " post_generation = post_generation + 1 WHERE id = :id",
                {"id": workout_id},
            )
        )
