"""The SQLite back end: pragmas, migrations, transactions, backup, queries."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from db import AppState, PaceHistory, open_database
from db.migrations import Migration, load_migrations
from db.sqlite import BUSY_TIMEOUT_MS, SQLiteDatabase


@pytest.fixture
async def database(tmp_path: Path):
    db = await open_database(tmp_path / "nested" / "trackside.db")
    await db.migrate()
    yield db
    await db.close()


async def test_opening_creates_the_folder_and_sets_pragmas(database: SQLiteDatabase) -> None:
    assert database.path.parent.is_dir()
    assert (await database.fetch_one("PRAGMA journal_mode"))["journal_mode"] == "wal"
    assert (await database.fetch_one("PRAGMA foreign_keys"))["foreign_keys"] == 1
    assert (await database.fetch_one("PRAGMA busy_timeout"))["timeout"] == BUSY_TIMEOUT_MS == 2000


async def test_migrations_are_numbered_and_reach_the_latest_version(
    database: SQLiteDatabase,
) -> None:
    migrations = load_migrations("sqlite")
    assert [m.version for m in migrations] == list(range(1, len(migrations) + 1))
    assert await database.schema_version() == migrations[-1].version
    assert await database.migrate() == []  # idempotent


async def test_old_database_with_data_is_upgraded_in_place(tmp_path: Path) -> None:
    v1 = Migration(1, "0001_a.sql", "CREATE TABLE t (id INTEGER PRIMARY KEY, x TEXT NOT NULL);")
    v2 = Migration(2, "0002_b.sql", "ALTER TABLE t ADD COLUMN y INTEGER NOT NULL DEFAULT 7;")
    db = await open_database(tmp_path / "old.db")
    try:
        assert await db.migrate([v1]) == [1]
        await db.run(lambda tx: tx.execute("INSERT INTO t (x) VALUES (:x)", {"x": "kept"}))
        assert await db.migrate([v1, v2]) == [2]
        assert await db.fetch_all("SELECT x, y FROM t") == [{"x": "kept", "y": 7}]
        assert await db.schema_version() == 2
    finally:
        await db.close()


async def test_a_failing_migration_leaves_the_previous_version(tmp_path: Path) -> None:
    v1 = Migration(1, "0001_a.sql", "CREATE TABLE t (id INTEGER PRIMARY KEY);")
    broken = Migration(2, "0002_b.sql", "CREATE TABLE u (id INTEGER);\nNOT SQL AT ALL;")
    db = await open_database(tmp_path / "broken.db")
    try:
        await db.migrate([v1])
        with pytest.raises(sqlite3.Error):
            await db.migrate([v1, broken])
        assert await db.schema_version() == 1
        tables = await db.fetch_all("SELECT name FROM sqlite_master WHERE type = 'table'")
        assert {row["name"] for row in tables} == {"t"}
    finally:
        await db.close()


async def test_a_database_newer_than_the_code_is_refused(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "future.db")
    try:
        await db.migrate()
        await db.run(lambda tx: tx.execute("PRAGMA user_version = 999"))
        with pytest.raises(RuntimeError, match="newer than this code"):
            await db.migrate()
    finally:
        await db.close()


async def test_a_unit_rolls_back_everything_on_error(database: SQLiteDatabase) -> None:
    async def unit(tx) -> None:
        await tx.execute("INSERT INTO app_state (key, value) VALUES ('a', '1')")
        1 / 0  # noqa: B018

    with pytest.raises(ZeroDivisionError):
        await database.run(unit)
    assert await database.fetch_all("SELECT * FROM app_state") == []


async def test_run_commits_a_unit_of_work_and_returns_its_result(
    database: SQLiteDatabase,
) -> None:
    async def unit(tx) -> int:
        await tx.execute("INSERT INTO app_state (key, value) VALUES ('a', '1')")
        row = await tx.fetch_one("SELECT COUNT(*) AS n FROM app_state")
        return int(row["n"])

    assert await database.run(unit) == 1
    assert await database.fetch_all("SELECT key FROM app_state") == [{"key": "a"}]


async def test_run_rolls_back_everything_on_error(database: SQLiteDatabase) -> None:
    async def unit(tx) -> None:
        await tx.execute("INSERT INTO app_state (key, value) VALUES ('a', '1')")
        raise ValueError("bad input found half-way")

    with pytest.raises(ValueError, match="half-way"):
        await database.run(unit)
    assert await database.fetch_all("SELECT * FROM app_state") == []
    await AppState(database).set("after", "ok")  # the connection is usable again
    assert await AppState(database).get("after") == "ok"


async def test_a_unit_that_suspends_keeps_the_connection_to_itself(
    database: SQLiteDatabase,
) -> None:
    # A unit should await only its executor; one that awaits something else
    # still cannot interleave with another unit on the shared connection.
    order: list[str] = []

    async def slow(tx) -> None:
        await tx.execute("INSERT INTO app_state (key, value) VALUES ('slow', '1')")
        order.append("slow wrote")
        await asyncio.sleep(0.05)
        order.append("slow done")

    async def quick(tx) -> None:
        order.append("quick started")
        await tx.execute("INSERT INTO app_state (key, value) VALUES ('quick', '1')")

    first = asyncio.create_task(database.run(slow))
    await asyncio.sleep(0)
    await asyncio.gather(first, database.run(quick))
    assert order == ["slow wrote", "slow done", "quick started"]
    assert [r["key"] for r in await database.fetch_all("SELECT key FROM app_state")] == [
        "quick",
        "slow",
    ]


async def test_saved_submission_equals_the_one_read_back(database: SQLiteDatabase) -> None:
    # save() builds its result from what it wrote instead of selecting it again:
    # it must be exactly what a later read returns (distances as stored text).
    from datetime import date
    from decimal import Decimal

    from bot.domain.workout import parse_workout
    from db.submissions import NewSubmission, StoredSplit, SubmissionQueries
    from db.workouts import NewWorkout, WorkoutQueries

    workout, _ = await WorkoutQueries(database).save(
        NewWorkout(
            7,
            date(2026, 11, 28),
            "Sprints",
            "6 x 1 mile",
            parse_workout("6 x 1 mile"),
            None,
            None,
            1,
            1,
        ),
        now=5,
    )
    queries = SubmissionQueries(database)
    for attempt in (1, 2):  # new, then a replacement
        saved = await queries.save(
            NewSubmission(
                guild_id=7,
                local_date=date(2026, 11, 28),
                workout_id=workout.id,
                athlete_id=3,
                athlete_name="Ana",
                note="windy",
                splits=[
                    StoredSplit(2, Decimal("1609.3440"), 300_000 + attempt, None),
                    StoredSplit(1, Decimal("1609.344"), 299_000, 298_000),
                ],
            ),
            now=10 * attempt,
        )
        assert saved.replaced is (attempt == 2)
        assert saved.submission == await queries.get(7, date(2026, 11, 28), 3)
    assert saved.submission.workout_title == "Sprints"
    assert saved.submission.created_at == 10 and saved.submission.updated_at == 20


async def test_concurrent_units_of_work_never_interleave(database: SQLiteDatabase) -> None:
    """One task's rollback must not wipe another task's uncommitted insert."""
    started = asyncio.Event()

    async def fails(tx) -> None:
        await tx.execute("INSERT INTO app_state (key, value) VALUES ('fail', 'x')")
        started.set()
        await asyncio.sleep(0.01)  # a unit that suspends keeps the connection to itself
        raise RuntimeError("boom")

    async def failing() -> None:
        await database.run(fails)

    async def succeeding() -> None:
        await started.wait()
        await database.run(
            lambda tx: tx.execute("INSERT INTO app_state (key, value) VALUES ('ok', 'y')")
        )

    results = await asyncio.gather(failing(), succeeding(), return_exceptions=True)
    assert isinstance(results[0], RuntimeError)
    rows = await database.fetch_all("SELECT key FROM app_state ORDER BY key")
    assert rows == [{"key": "ok"}]


async def test_backup_is_a_consistent_copy(database: SQLiteDatabase, tmp_path: Path) -> None:
    await AppState(database).set("k", "v")
    target = tmp_path / "backups" / "copy.db"
    await database.backup(target)
    copy = sqlite3.connect(target)
    try:
        assert copy.execute("SELECT value FROM app_state WHERE key = 'k'").fetchone() == ("v",)
        latest = load_migrations("sqlite")[-1].version
        assert copy.execute("PRAGMA user_version").fetchone()[0] == latest
    finally:
        copy.close()


async def test_app_state_upserts(database: SQLiteDatabase) -> None:
    state = AppState(database)
    assert await state.get("hash") is None
    await state.set("hash", "one")
    await state.set("hash", "two")
    assert await state.get("hash") == "two"


async def test_pace_history_is_newest_first_and_per_user(database: SQLiteDatabase) -> None:
    history = PaceHistory(database)
    for i in range(12):
        await history.record(
            user_id=1,
            guild_id=None,
            command="pace convert",
            inputs=f"time={i}",
            summary=f"answer {i}",
            created_at=1_000 + i,
        )
    await history.record(
        user_id=2, guild_id=5, command="pace laps", inputs="x", summary="y", created_at=5_000
    )
    recent = await history.recent(1)
    assert [entry.summary for entry in recent] == [f"answer {i}" for i in range(11, 1, -1)]
    assert await history.count(1) == 12
    assert (await history.recent(2))[0].guild_id == 5


async def test_migration_0005_gives_old_splits_their_owner_and_bests_still_hold(
    tmp_path: Path,
) -> None:
    from datetime import date
    from decimal import Decimal

    from db.submissions import NewSubmission, StoredSplit, SubmissionQueries

    migrations = load_migrations("sqlite")
    db = await open_database(tmp_path / "seasons.db")
    try:
        assert await db.migrate(migrations[:4]) == [1, 2, 3, 4]

        async def last_season(tx) -> None:  # written by the old schema
            for day, (guild, athlete, times) in enumerate(
                [(7, 3, (30_500, 31_000)), (7, 3, (30_200, 30_900)), (7, 4, (29_000, 29_500))]
            ):
                row = await tx.fetch_one(
                    "INSERT INTO submissions (guild_id, local_date, athlete_id, athlete_name,"
                    " total_ms, total_m, created_at, updated_at) VALUES (:g, :d, :a, 'x',"
                    " 1, '500', 1, 1) RETURNING id",
                    {"g": guild, "d": f"2025-06-0{day + 1}", "a": athlete},
                )
                assert row is not None
                for rep, time_ms in enumerate(times, start=1):
                    await tx.execute(
                        "INSERT INTO splits (submission_id, rep, distance_m, time_ms)"
                        " VALUES (:s, :r, '250', :t)",
                        {"s": row["id"], "r": rep, "t": time_ms},
                    )

        await db.run(last_season)
        assert await db.migrate(migrations[:5]) == [5]

        owners = await db.fetch_all(
            "SELECT DISTINCT s.guild_id = p.guild_id AND s.athlete_id = p.athlete_id"
            " AND s.local_date = p.local_date AS same FROM splits p"
            " JOIN submissions s ON s.id = p.submission_id"
        )
        assert owners == [{"same": 1}]
        queries = SubmissionQueries(db)
        assert await queries.bests(7, 3) == {Decimal(250): 30_200}
        splits = [StoredSplit(1, Decimal(250), 30_100), StoredSplit(2, Decimal(300), 37_470)]
        saved = await queries.save(
            NewSubmission(7, date(2026, 11, 28), None, 3, "Ana", None, splits), now=1
        )
        # Bests from other days only, and only at this submission's distances.
        assert saved.previous_bests == {Decimal(250): 30_200}
        assert await queries.bests(7, 3) == {Decimal(250): 30_100, Decimal(300): 37_470}
    finally:
        await db.close()


async def test_a_personal_best_is_one_index_probe_not_a_history_scan(
    database: SQLiteDatabase,
) -> None:
    plan = await database.fetch_all(
        "EXPLAIN QUERY PLAN SELECT (SELECT MIN(time_ms) FROM splits WHERE guild_id = 1"
        " AND athlete_id = 2 AND distance_m = '250' AND local_date <> '2026-11-28') AS best0"
    )
    details = " ".join(str(row["detail"]) for row in plan)
    assert "COVERING INDEX splits_best" in details, details
