"""The storage interface on both back ends (migrations, units of work, the
query classes), then SQLite's own mechanics (pragmas, the one shared
connection, the backup API, its migration history, its query plans), marked
``sqlite``. PostgreSQL's own are in ``test_postgresql.py``."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import asyncpg
import pytest

from bot.domain.workout import parse_workout
from db import AppState, Database, PaceHistory, StorageError, open_database
from db.base import Executor
from db.migrations import Migration, load_migrations
from db.sqlite import BUSY_TIMEOUT_MS, SQLiteDatabase
from db.submissions import NewSubmission, StoredSplit, SubmissionQueries
from db.workouts import NewWorkout, Shards, WorkoutQueries, candidates_query

# What each back end raises for a statement that is wrong (a bug, not a fault
# of its environment): its own error, never a StorageError, never retried.
BAD_STATEMENT = {"sqlite": sqlite3.Error, "postgresql": asyncpg.PostgresError}
DUPLICATE_KEY = {"sqlite": sqlite3.IntegrityError, "postgresql": asyncpg.UniqueViolationError}


@pytest.fixture
async def sqlite_database(tmp_path: Path) -> AsyncIterator[SQLiteDatabase]:
    db = await open_database(tmp_path / "nested" / "trackside.db")
    assert isinstance(db, SQLiteDatabase)
    await db.migrate()
    yield db
    await db.close()


async def _tables(db: Database, backend: str) -> set[str]:
    """The schema's tables (PostgreSQL's migration bookkeeping left out)."""
    if backend == "sqlite":
        rows = await db.fetch_all("SELECT name FROM sqlite_master WHERE type = 'table'")
    else:
        rows = await db.fetch_all(
            "SELECT table_name AS name FROM information_schema.tables"
            " WHERE table_schema = current_schema() AND table_name <> 'schema_migrations'"
        )
    return {str(row["name"]) for row in rows}


async def _keys(db: Database) -> list[str]:
    return [row["key"] for row in await db.fetch_all("SELECT key FROM app_state ORDER BY key")]


# ---------------------------------------------------------------- migrations
async def test_migrations_are_numbered_and_reach_the_latest_version(
    database: Database, backend: str
) -> None:
    migrations = load_migrations(backend)
    assert [m.version for m in migrations] == list(range(1, len(migrations) + 1))
    assert await database.schema_version() == migrations[-1].version
    assert await database.migrate() == []  # idempotent


async def test_old_database_with_data_is_upgraded_in_place(new_database: Path | str) -> None:
    v1 = Migration(1, "0001_a.sql", "CREATE TABLE t (id INTEGER PRIMARY KEY, x TEXT NOT NULL);")
    v2 = Migration(2, "0002_b.sql", "ALTER TABLE t ADD COLUMN y INTEGER NOT NULL DEFAULT 7;")
    db = await open_database(new_database)
    try:
        assert await db.schema_version() == 0  # empty: no migration applied yet
        assert await db.migrate([v1]) == [1]
        await db.run(lambda tx: tx.execute("INSERT INTO t (id, x) VALUES (1, :x)", {"x": "kept"}))
        assert await db.migrate([v1, v2]) == [2]
        assert await db.fetch_all("SELECT x, y FROM t") == [{"x": "kept", "y": 7}]
        assert await db.schema_version() == 2
    finally:
        await db.close()


async def test_a_failing_migration_leaves_the_previous_version(
    new_database: Path | str, backend: str
) -> None:
    v1 = Migration(1, "0001_a.sql", "CREATE TABLE t (id INTEGER PRIMARY KEY);")
    broken = Migration(2, "0002_b.sql", "CREATE TABLE u (id INTEGER);\nNOT SQL AT ALL;")
    db = await open_database(new_database)
    try:
        await db.migrate([v1])
        with pytest.raises(BAD_STATEMENT[backend]):
            await db.migrate([v1, broken])
        assert await db.schema_version() == 1
        assert await _tables(db, backend) == {"t"}  # not u: the whole file rolled back
    finally:
        await db.close()


async def test_a_database_newer_than_the_code_is_refused(database: Database, backend: str) -> None:
    known = load_migrations(backend)
    future = Migration(len(known) + 1, "9999_future.sql", "CREATE TABLE future (x INTEGER);")
    assert await database.migrate([*known, future]) == [future.version]  # a newer release ran
    with pytest.raises(RuntimeError, match="newer than this code"):
        await database.migrate()
    assert await database.schema_version() == future.version


# ---------------------------------------------------------------- units of work
async def test_a_unit_rolls_back_everything_on_error(database: Database) -> None:
    async def unit(tx) -> None:
        await tx.execute("INSERT INTO app_state (key, value) VALUES ('a', '1')")
        1 / 0  # noqa: B018

    with pytest.raises(ZeroDivisionError):
        await database.run(unit)
    assert await database.fetch_all("SELECT * FROM app_state") == []


async def test_run_commits_a_unit_of_work_and_returns_its_result(database: Database) -> None:
    async def unit(tx) -> int:
        await tx.execute("INSERT INTO app_state (key, value) VALUES ('a', '1')")
        row = await tx.fetch_one("SELECT COUNT(*) AS n FROM app_state")
        return int(row["n"])

    assert await database.run(unit) == 1
    assert await database.fetch_all("SELECT key FROM app_state") == [{"key": "a"}]


async def test_run_rolls_back_everything_on_error(database: Database) -> None:
    async def unit(tx) -> None:
        await tx.execute("INSERT INTO app_state (key, value) VALUES ('a', '1')")
        raise ValueError("bad input found half-way")

    with pytest.raises(ValueError, match="half-way"):
        await database.run(unit)
    assert await database.fetch_all("SELECT * FROM app_state") == []
    await AppState(database).set("after", "ok")  # the connection is usable again
    assert await AppState(database).get("after") == "ok"


async def test_a_unit_that_fails_is_rolled_back_and_not_run_again(
    database: Database, backend: str
) -> None:
    calls = 0

    async def duplicate(tx: Executor) -> None:
        nonlocal calls
        calls += 1
        await tx.execute("INSERT INTO app_state (key, value) VALUES ('k', 'x')")
        await tx.execute("INSERT INTO app_state (key, value) VALUES ('k', 'x')")

    with pytest.raises(DUPLICATE_KEY[backend]) as caught:
        await database.run(duplicate)
    assert not isinstance(caught.value, StorageError)  # a bug, not the environment
    assert calls == 1  # a bug is not a lock: no second attempt
    assert await _keys(database) == []
    await AppState(database).set("after", "works")
    assert await _keys(database) == ["after"]


async def test_concurrent_units_of_work_never_interleave(database: Database) -> None:
    """One task's rollback must not wipe another task's uncommitted insert."""
    started = asyncio.Event()

    async def fails(tx) -> None:
        await tx.execute("INSERT INTO app_state (key, value) VALUES ('fail', 'x')")
        started.set()
        await asyncio.sleep(0.01)  # a unit that suspends keeps its transaction to itself
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


# ---------------------------------------------------------------- query classes
async def test_saved_submission_equals_the_one_read_back(database: Database) -> None:
    # save() builds its result from what it wrote instead of selecting it again:
    # it must be exactly what a later read returns (distances as stored text).
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


async def test_app_state_upserts(database: Database) -> None:
    state = AppState(database)
    assert await state.get("hash") is None
    await state.set("hash", "one")
    await state.set("hash", "two")
    assert await state.get("hash") == "two"


async def test_app_state_compare_and_set_moves_only_from_the_expected_value(
    database: Database,
) -> None:
    state = AppState(database)
    assert await state.compare_and_set("hash", None, "one") is True  # absent → set
    assert await state.compare_and_set("hash", None, "other") is False  # no longer absent
    assert await state.get("hash") == "one"
    assert await state.compare_and_set("hash", "stale", "two") is False
    assert await state.get("hash") == "one"
    assert await state.compare_and_set("hash", "one", "two") is True
    assert await state.get("hash") == "two"
    # The same value again (a forced sync) still counts as this call moving it.
    assert await state.compare_and_set("hash", "two", "two") is True
    # Expecting a value of a key that is absent creates nothing.
    assert await state.compare_and_set("other", "x", "y") is False
    assert await state.get("other") is None
    assert await _keys(database) == ["hash"]


async def test_processes_racing_compare_and_set_move_it_once(new_database: Path | str) -> None:
    """Two handles on one database (two processes): of the calls racing from
    the same expected value, exactly one moves it, and the stored value is its."""
    first = await open_database(new_database)
    second = await open_database(new_database)
    try:
        await first.migrate()
        handles = [first, second, first, second]
        # From absent (the first sync ever), then from a stored value.
        for expected in (None, "stored"):
            if expected is not None:
                await AppState(first).set("hash", expected)
            moved = await asyncio.gather(
                *(
                    AppState(handle).compare_and_set("hash", expected, f"value-{n}")
                    for n, handle in enumerate(handles)
                )
            )
            assert moved.count(True) == 1, moved
            assert await AppState(second).get("hash") == f"value-{moved.index(True)}"
    finally:
        await first.close()
        await second.close()


async def test_pace_history_is_newest_first_and_per_user(database: Database) -> None:
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


async def test_snowflakes_and_epoch_milliseconds_keep_every_digit(database: Database) -> None:
    # Discord ids pass 2**53 and 2**62: both back ends store and return them as
    # exact integers (BIGINT), never floats.
    history = PaceHistory(database)
    snowflake = 2**63 - 1
    await history.record(
        user_id=snowflake,
        guild_id=snowflake - 1,
        command="pace convert",
        inputs="x",
        summary="y",
        created_at=4_102_444_800_000,
    )
    [entry] = await history.recent(snowflake)
    assert (entry.user_id, entry.guild_id) == (snowflake, snowflake - 1)
    assert entry.created_at == 4_102_444_800_000


# ---------------------------------------------------------------- SQLite only
@pytest.mark.sqlite
async def test_opening_creates_the_folder_and_sets_pragmas(
    sqlite_database: SQLiteDatabase,
) -> None:
    database = sqlite_database
    assert database.path.parent.is_dir()
    assert (await database.fetch_one("PRAGMA journal_mode"))["journal_mode"] == "wal"
    assert (await database.fetch_one("PRAGMA foreign_keys"))["foreign_keys"] == 1
    assert (await database.fetch_one("PRAGMA busy_timeout"))["timeout"] == BUSY_TIMEOUT_MS == 2000


@pytest.mark.sqlite
async def test_a_version_written_by_hand_newer_than_the_code_is_refused(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "future.db")
    try:
        await db.migrate()
        await db.run(lambda tx: tx.execute("PRAGMA user_version = 999"))
        with pytest.raises(RuntimeError, match="newer than this code"):
            await db.migrate()
    finally:
        await db.close()


@pytest.mark.sqlite
async def test_a_unit_that_suspends_keeps_the_connection_to_itself(
    sqlite_database: SQLiteDatabase,
) -> None:
    # A unit should await only its executor; one that awaits something else
    # still cannot interleave with another unit on the shared connection.
    database = sqlite_database
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


@pytest.mark.sqlite
async def test_backup_is_a_consistent_copy(sqlite_database: SQLiteDatabase, tmp_path: Path) -> None:
    await AppState(sqlite_database).set("k", "v")
    target = tmp_path / "backups" / "copy.db"
    await sqlite_database.backup(target)
    copy = sqlite3.connect(target)
    try:
        assert copy.execute("SELECT value FROM app_state WHERE key = 'k'").fetchone() == ("v",)
        latest = load_migrations("sqlite")[-1].version
        assert copy.execute("PRAGMA user_version").fetchone()[0] == latest
    finally:
        copy.close()


@pytest.mark.sqlite
async def test_migration_0005_gives_old_splits_their_owner_and_bests_still_hold(
    tmp_path: Path,
) -> None:
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
        await db.migrate()  # today's query classes read today's schema
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


@pytest.mark.sqlite
async def test_the_scheduler_query_on_some_shards_reads_the_unposted_index(
    sqlite_database: SQLiteDatabase,
) -> None:
    # PostgreSQL's plan for the same query: test_postgresql.py.
    await sqlite_database.run(
        lambda tx: tx.execute(
            "WITH RECURSIVE g(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM g WHERE n < 18299)"
            " INSERT INTO workouts (guild_id, local_date, text, parsed, author_id,"
            " origin_channel_id, message_id, created_at, updated_at)"
            " SELECT (1000 + n % 50) << 22, date('2025-12-01', '+' || (n / 50) || ' days'),"
            " 'x', '[]', 1, 1, CASE WHEN n / 50 < 364 THEN n END, 1, 1 FROM g"
        )
    )
    await sqlite_database.fetch_all("ANALYZE")
    sql, params = candidates_query(
        date(2026, 11, 30),
        date(2026, 12, 2),
        claimer="b00t",
        stale_claim_before=0,
        shards=Shards(12, (0, 1, 2, 3)),
    )
    plan = await sqlite_database.fetch_all("EXPLAIN QUERY PLAN " + sql, params)
    details = " ".join(str(row["detail"]) for row in plan)
    assert "SCAN w" not in details, details
    assert "USING INDEX workouts_unposted" in details, details
    rows = await sqlite_database.fetch_all(sql, params)
    assert len(rows) == sum(1 for g in range(50) if (1000 + g) % 12 < 4) * 2


@pytest.mark.sqlite
async def test_a_personal_best_is_one_index_probe_not_a_history_scan(
    sqlite_database: SQLiteDatabase,
) -> None:
    # PostgreSQL's plan for the same query: test_postgresql.py.
    plan = await sqlite_database.fetch_all(
        "EXPLAIN QUERY PLAN SELECT (SELECT MIN(time_ms) FROM splits WHERE guild_id = 1"
        " AND athlete_id = 2 AND distance_m = '250' AND local_date <> '2026-11-28') AS best0"
    )
    details = " ".join(str(row["detail"]) for row in plan)
    assert "COVERING INDEX splits_best" in details, details
