"""Split submissions with their splits: one per athlete per workout (its
server, day, group and session), or per day when there was no workout."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from db.base import Database, Executor, Params, Row


def metres_text(metres: Decimal) -> str:
    """Canonical exact text for a distance ('250', '1609.344'), so equal
    distances compare and group equal in SQL."""
    return format(metres.normalize(), "f")


@dataclass(frozen=True)
class StoredSplit:
    rep: int
    distance_m: Decimal
    time_ms: int
    target_ms: int | None = None


@dataclass(frozen=True)
class StoredSubmission:
    id: int
    guild_id: int
    local_date: date
    workout_id: int | None
    athlete_id: int
    athlete_name: str
    note: str | None
    total_ms: int
    total_m: Decimal
    created_at: int
    updated_at: int
    splits: tuple[StoredSplit, ...]
    workout_title: str | None = None
    workout_text: str | None = None
    group_id: int = 0  # the workout's group (0: the team's, or no workout)
    session: str = ""  # the workout's session ("": the main one, or no workout)
    source: str = "typed"  # "typed" (command or form) or "file" (a watch file)

    @property
    def distances(self) -> tuple[Decimal, ...]:
        return tuple(split.distance_m for split in self.splits)


@dataclass(frozen=True)
class NewSubmission:
    guild_id: int
    local_date: date
    workout_id: int | None
    athlete_id: int
    athlete_name: str
    note: str | None
    splits: Sequence[StoredSplit]
    group_id: int = 0  # the workout's, copied: part of the key
    session: str = ""
    source: str = "typed"


@dataclass(frozen=True)
class SaveResult:
    submission: StoredSubmission
    replaced: bool
    # The athlete's best time per distance before this submission (the
    # submission it replaces excluded).
    previous_bests: dict[Decimal, int]


_SELECT = (
    "SELECT s.id, s.guild_id, s.local_date, s.workout_id, s.athlete_id, s.athlete_name,"
    " s.note, s.total_ms, s.total_m, s.created_at, s.updated_at, s.group_id, s.session,"
    " s.source, w.title AS workout_title, w.text AS workout_text,"
    " p.rep, p.distance_m, p.time_ms, p.target_ms"
    " FROM submissions s"
    " JOIN splits p ON p.submission_id = s.id"
    " LEFT JOIN workouts w ON w.id = s.workout_id"
)


def _group(rows: Sequence[Row]) -> list[StoredSubmission]:
    """Fold joined (submission × split) rows, already ordered by submission
    then rep, into submissions."""
    found: dict[int, dict] = {}
    for row in rows:
        entry = found.get(int(row["id"]))
        if entry is None:
            entry = found[int(row["id"])] = {"row": row, "splits": []}
        entry["splits"].append(
            StoredSplit(
                rep=int(row["rep"]),
                distance_m=Decimal(str(row["distance_m"])),
                time_ms=int(row["time_ms"]),
                target_ms=None if row["target_ms"] is None else int(row["target_ms"]),
            )
        )
    result = []
    for entry in found.values():
        row = entry["row"]
        result.append(
            StoredSubmission(
                id=int(row["id"]),
                guild_id=int(row["guild_id"]),
                local_date=date.fromisoformat(str(row["local_date"])),
                workout_id=None if row["workout_id"] is None else int(row["workout_id"]),
                athlete_id=int(row["athlete_id"]),
                athlete_name=str(row["athlete_name"]),
                note=row["note"],
                total_ms=int(row["total_ms"]),
                total_m=Decimal(str(row["total_m"])),
                created_at=int(row["created_at"]),
                updated_at=int(row["updated_at"]),
                splits=tuple(entry["splits"]),
                workout_title=row["workout_title"],
                workout_text=row["workout_text"],
                group_id=int(row["group_id"]),
                session=str(row["session"]),
                source=str(row["source"]),
            )
        )
    return result


def _insert_splits(submission_id: int, new: NewSubmission) -> tuple[str, Params]:
    """One multi-row INSERT for a submission's splits (one statement for the
    whole set instead of one per rep; standard SQL, PostgreSQL takes it too).
    Each split carries its submission's server, athlete and day for the
    personal-best index (migration 0005)."""
    rows = []
    params: dict[str, object] = {
        "submission_id": submission_id,
        "guild_id": new.guild_id,
        "athlete_id": new.athlete_id,
        "local_date": new.local_date.isoformat(),
    }
    for n, split in enumerate(new.splits):
        rows.append(
            f"(:submission_id, :rep{n}, :distance{n}, :time{n}, :target{n},"
            " :guild_id, :athlete_id, :local_date)"
        )
        params[f"rep{n}"] = split.rep
        params[f"distance{n}"] = metres_text(split.distance_m)
        params[f"time{n}"] = split.time_ms
        params[f"target{n}"] = split.target_ms
    sql = (
        "INSERT INTO splits (submission_id, rep, distance_m, time_ms, target_ms,"
        " guild_id, athlete_id, local_date) VALUES "
    )
    return sql + ", ".join(rows), params


# The submission ``new`` replaces, if any: same server, day, athlete and slot.
_REPLACED = (
    "COALESCE((SELECT id FROM submissions WHERE guild_id = :guild_id"
    " AND local_date = :local_date AND athlete_id = :athlete_id"
    " AND group_id = :group_id AND session = :session), 0)"
)


async def _previous_bests(tx: Executor, new: NewSubmission) -> dict[Decimal, int]:
    """The athlete's fastest time at each of ``new``'s distances before it:
    every other submission (the same day's other sessions included), not the
    one it replaces. One scalar subquery per distance, each a probe of the
    splits_best index (the first entries under server, athlete, distance),
    however long the athlete's history."""
    distances = list(dict.fromkeys(metres_text(split.distance_m) for split in new.splits))
    params: dict[str, object] = {
        "guild_id": new.guild_id,
        "athlete_id": new.athlete_id,
        "local_date": new.local_date.isoformat(),
        "group_id": new.group_id,
        "session": new.session,
    }
    columns = []
    for n, metres in enumerate(distances):
        params[f"distance{n}"] = metres
        columns.append(
            f"(SELECT MIN(time_ms) FROM splits WHERE guild_id = :guild_id"
            f" AND athlete_id = :athlete_id AND distance_m = :distance{n}"
            f" AND submission_id <> {_REPLACED}) AS best{n}"
        )
    row = await tx.fetch_one("SELECT " + ", ".join(columns), params)
    assert row is not None
    return {
        Decimal(metres): int(row[f"best{n}"])
        for n, metres in enumerate(distances)
        if row[f"best{n}"] is not None
    }


class SubmissionQueries:
    """Reads return dataclasses; ``save`` replaces a day's submission in one
    transaction (submission row and every split together, or nothing)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def bests(self, guild_id: int, athlete_id: int) -> dict[Decimal, int]:
        """The athlete's fastest time per rep distance in this server."""
        rows = await self._db.fetch_all(
            "SELECT distance_m, MIN(time_ms) AS best FROM splits"
            " WHERE guild_id = :guild_id AND athlete_id = :athlete_id GROUP BY distance_m",
            {"guild_id": guild_id, "athlete_id": athlete_id},
        )
        return {Decimal(str(row["distance_m"])): int(row["best"]) for row in rows}

    async def save(self, new: NewSubmission, *, now: int, tx: Executor | None = None) -> SaveResult:
        """Store ``new``, replacing the athlete's submission for that day, as one
        unit of work (``tx``: inside the caller's)."""
        if not new.splits:
            raise ValueError("a submission needs at least one split")
        total_ms = sum(split.time_ms for split in new.splits)
        total_m = sum((split.distance_m for split in new.splits), Decimal(0))
        params = {
            "guild_id": new.guild_id,
            "local_date": new.local_date.isoformat(),
            "workout_id": new.workout_id,
            "athlete_id": new.athlete_id,
            "athlete_name": new.athlete_name,
            "note": new.note,
            "total_ms": total_ms,
            "total_m": metres_text(total_m),
            "group_id": new.group_id,
            "session": new.session,
            "source": new.source,
            "now": now,
        }

        async def unit(tx: Executor) -> SaveResult:
            previous = await _previous_bests(tx, new)
            # Clear the day's earlier splits, if any, before the upsert: a
            # stored submission always has splits, so deleting some is how we
            # know this one replaces it (one statement, not a SELECT and a DELETE).
            replaced = (
                await tx.execute(
                    "DELETE FROM splits WHERE submission_id = (SELECT id FROM submissions"
                    " WHERE guild_id = :guild_id AND local_date = :local_date"
                    " AND athlete_id = :athlete_id AND group_id = :group_id"
                    " AND session = :session)",
                    params,
                )
                > 0
            )
            row = await tx.fetch_one(
                "INSERT INTO submissions (guild_id, local_date, workout_id, athlete_id,"
                " athlete_name, note, total_ms, total_m, group_id, session, source,"
                " created_at, updated_at)"
                " VALUES (:guild_id, :local_date, :workout_id, :athlete_id, :athlete_name,"
                " :note, :total_ms, :total_m, :group_id, :session, :source, :now, :now)"
                " ON CONFLICT (guild_id, local_date, athlete_id, group_id, session)"
                " DO UPDATE SET"
                " workout_id = excluded.workout_id, athlete_name = excluded.athlete_name,"
                " note = excluded.note, total_ms = excluded.total_ms,"
                " total_m = excluded.total_m, source = excluded.source,"
                " updated_at = excluded.updated_at"
                " RETURNING id, created_at, updated_at,"
                " (SELECT title FROM workouts WHERE id = submissions.workout_id) AS workout_title,"
                " (SELECT text FROM workouts WHERE id = submissions.workout_id) AS workout_text",
                params,
            )
            assert row is not None
            submission_id = int(row["id"])
            await tx.execute(*_insert_splits(submission_id, new))
            # Built from what was just written (read back through the same
            # text forms the columns hold) rather than selected again.
            stored = StoredSubmission(
                id=submission_id,
                guild_id=new.guild_id,
                local_date=new.local_date,
                workout_id=new.workout_id,
                athlete_id=new.athlete_id,
                athlete_name=new.athlete_name,
                note=new.note,
                total_ms=total_ms,
                total_m=Decimal(params["total_m"]),
                created_at=int(row["created_at"]),
                updated_at=int(row["updated_at"]),
                splits=tuple(
                    StoredSplit(
                        split.rep, Decimal(metres_text(split.distance_m)), split.time_ms,
                        split.target_ms,
                    )
                    for split in sorted(new.splits, key=lambda split: split.rep)
                ),
                workout_title=row["workout_title"],
                workout_text=row["workout_text"],
                group_id=new.group_id,
                session=new.session,
                source=new.source,
            )  # fmt: skip
            return SaveResult(stored, replaced, previous)

        return await unit(tx) if tx is not None else await self._db.run(unit)

    async def get(
        self,
        guild_id: int,
        local_date: date,
        athlete_id: int,
        *,
        group_id: int = 0,
        session: str = "",
    ) -> StoredSubmission | None:
        """The athlete's submission to that day's workout of ``group_id`` and
        ``session`` (by default the team's main one, or the day's own)."""
        found = _group(
            await self._db.fetch_all(
                _SELECT + " WHERE s.guild_id = :guild_id AND s.local_date = :local_date"
                " AND s.athlete_id = :athlete_id AND s.group_id = :group_id"
                " AND s.session = :session ORDER BY s.id, p.rep",
                {
                    "guild_id": guild_id,
                    "local_date": local_date.isoformat(),
                    "athlete_id": athlete_id,
                    "group_id": group_id,
                    "session": session,
                },
            )
        )
        return found[0] if found else None

    async def of_athlete_on(
        self, guild_id: int, local_date: date, athlete_id: int
    ) -> list[StoredSubmission]:
        """Every submission of the athlete that day (one per workout)."""
        return _group(
            await self._db.fetch_all(
                _SELECT + " WHERE s.guild_id = :guild_id AND s.local_date = :local_date"
                " AND s.athlete_id = :athlete_id ORDER BY s.id, p.rep",
                {
                    "guild_id": guild_id,
                    "local_date": local_date.isoformat(),
                    "athlete_id": athlete_id,
                },
            )
        )

    async def slots_on(self, guild_id: int, local_date: date) -> set[tuple[int, str]]:
        """The (group, session) slots that hold a submission that day."""
        rows = await self._db.fetch_all(
            "SELECT DISTINCT group_id, session FROM submissions"
            " WHERE guild_id = :guild_id AND local_date = :local_date",
            {"guild_id": guild_id, "local_date": local_date.isoformat()},
        )
        return {(int(row["group_id"]), str(row["session"])) for row in rows}

    async def by_id(self, submission_id: int) -> StoredSubmission | None:
        found = _group(
            await self._db.fetch_all(
                _SELECT + " WHERE s.id = :id ORDER BY p.rep", {"id": submission_id}
            )
        )
        return found[0] if found else None

    async def for_date(self, guild_id: int, local_date: date) -> list[StoredSubmission]:
        return _group(
            await self._db.fetch_all(
                _SELECT + " WHERE s.guild_id = :guild_id AND s.local_date = :local_date"
                " ORDER BY s.id, p.rep",
                {"guild_id": guild_id, "local_date": local_date.isoformat()},
            )
        )

    async def for_workout(self, workout_id: int) -> list[StoredSubmission]:
        return _group(
            await self._db.fetch_all(
                _SELECT + " WHERE s.workout_id = :workout_id ORDER BY s.id, p.rep",
                {"workout_id": workout_id},
            )
        )

    async def recent(self, guild_id: int, athlete_id: int, limit: int) -> list[StoredSubmission]:
        """The athlete's submissions of their last ``limit`` days (a day may
        hold several: am and pm, two groups), newest day first."""
        days = await self._db.fetch_all(
            "SELECT DISTINCT local_date FROM submissions WHERE guild_id = :guild_id"
            " AND athlete_id = :athlete_id ORDER BY local_date DESC LIMIT :limit",
            {"guild_id": guild_id, "athlete_id": athlete_id, "limit": limit},
        )
        if not days:
            return []
        oldest = str(days[-1]["local_date"])
        found = _group(
            await self._db.fetch_all(
                _SELECT + " WHERE s.guild_id = :guild_id AND s.athlete_id = :athlete_id"
                " AND s.local_date >= :oldest ORDER BY s.local_date DESC, s.id, p.rep",
                {"guild_id": guild_id, "athlete_id": athlete_id, "oldest": oldest},
            )
        )
        return found

    async def between(
        self, guild_id: int, since: date, until: date, athlete_id: int | None = None
    ) -> list[StoredSubmission]:
        return _group(
            await self._db.fetch_all(
                _SELECT + " WHERE s.guild_id = :guild_id"
                " AND s.local_date BETWEEN :since AND :until"
                + (" AND s.athlete_id = :athlete_id" if athlete_id is not None else "")
                + " ORDER BY s.local_date, s.athlete_name, s.id, p.rep",
                {
                    "guild_id": guild_id,
                    "since": since.isoformat(),
                    "until": until.isoformat(),
                    "athlete_id": athlete_id,
                },
            )
        )

    async def delete(self, submission_id: int) -> bool:
        deleted = await self._db.run(
            lambda tx: tx.execute("DELETE FROM submissions WHERE id = :id", {"id": submission_id})
        )
        return deleted > 0

    async def count(self, guild_id: int | None = None) -> int:
        row = await self._db.fetch_one(
            "SELECT COUNT(*) AS n FROM submissions"
            + (" WHERE guild_id = :guild_id" if guild_id is not None else ""),
            {"guild_id": guild_id},
        )
        return int(row["n"]) if row else 0
