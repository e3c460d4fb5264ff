"""The groups-and-sessions migration (SQLite 0008, PostgreSQL 0003) on a
database written by the previous schema: every row kept with its id, today's
workouts team-wide main-session ones, submissions still attached to them, the
foreign keys still acting; then two sessions a day and a submission to each.
(End to end through the commands: tests/e2e/test_groups_migration_e2e.py.)"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from bot.domain.workout import parse_workout
from db import Database, open_database
from db.base import Executor
from db.migrations import load_migrations
from db.submissions import NewSubmission, StoredSplit, SubmissionQueries
from db.workout_codec import workout_to_json
from db.workouts import NewWorkout, WorkoutQueries

GUILD = 2**60 + 3
ANA, BEN = 11, 12
DAY = date(2026, 11, 28)
# The last migration before groups, per back end.
BEFORE = {"sqlite": 7, "postgresql": 2}

_WORKOUT = (
    "INSERT INTO workouts (id, guild_id, local_date, title, text, parsed, author_id,"
    " origin_channel_id, channel_id, message_id, posted_at, post_error, created_at,"
    " updated_at, revision, posted_revision, post_generation) VALUES (:id, :guild, :day,"
    " :title, :text, :parsed, 1, 500, :channel, :message, :posted, :error, 1, 2, :rev,"
    " :shown, :generation)"
)
_SUBMISSION = (
    "INSERT INTO submissions (id, guild_id, local_date, workout_id, athlete_id,"
    " athlete_name, note, total_ms, total_m, created_at, updated_at) VALUES (:id, :guild,"
    " :day, :workout, :athlete, :name, :note, :total, :metres, 1, 1)"
)
_SPLIT = (
    "INSERT INTO splits (submission_id, rep, distance_m, time_ms, target_ms, guild_id,"
    " athlete_id, local_date) VALUES (:submission, :rep, :distance, :time, :target, :guild,"
    " :athlete, :day)"
)
# The stored form the previous release wrote (the codec did not change).
SEED_PARSED = workout_to_json(parse_workout("4 x 250m sprint + 1 x 300m"))
MILES_PARSED = workout_to_json(parse_workout("6 x 1 mile"))


async def _previous_season(tx: Executor) -> None:
    """Written with the previous schema's columns, as that release did."""
    await tx.execute(
        _WORKOUT,
        {
            "id": 40, "guild": GUILD, "day": DAY.isoformat(), "title": "Sprint session",
            "text": "4 x 250m sprint + 1 x 300m", "parsed": SEED_PARSED, "channel": 600,
            "message": 2**62 + 9, "posted": 3, "error": None, "rev": 2, "shown": 2,
            "generation": 1,
        },
    )  # fmt: skip
    await tx.execute(
        _WORKOUT,
        {
            "id": 41, "guild": GUILD, "day": "2026-11-29", "title": None, "text": "6 x 1 mile",
            "parsed": MILES_PARSED, "channel": None, "message": None, "posted": None,
            "error": "Missing Access (50001)", "rev": 1, "shown": None, "generation": 0,
        },
    )  # fmt: skip
    times = [29_780, 29_980, 31_310, 31_200, 37_470]
    distances = ["250", "250", "250", "250", "300"]
    for submission, athlete, name, workout, day in [
        (70, ANA, "Ana", 40, DAY.isoformat()),
        (71, BEN, "Ben", 40, DAY.isoformat()),
        (72, ANA, "Ana", None, "2026-11-20"),  # its workout was deleted long ago
    ]:
        await tx.execute(
            _SUBMISSION,
            {
                "id": submission, "guild": GUILD, "day": day, "workout": workout,
                "athlete": athlete, "name": name, "note": "windy", "total": sum(times),
                "metres": "1300",
            },
        )  # fmt: skip
        for rep, (distance, time_ms) in enumerate(zip(distances, times, strict=True), 1):
            await tx.execute(
                _SPLIT,
                {
                    "submission": submission, "rep": rep, "distance": distance,
                    "time": time_ms + athlete, "target": 30_000 if rep == 1 else None,
                    "guild": GUILD, "athlete": athlete, "day": day,
                },
            )  # fmt: skip


async def _rows(db: Database, table: str, order: str) -> list[dict]:
    # Table and column names are this test's constants.
    return [dict(row) for row in await db.fetch_all(f"SELECT * FROM {table} ORDER BY {order}")]


async def test_every_row_is_kept_and_becomes_the_teams_main_session(
    backend: str, new_database: Path | str
) -> None:
    migrations = load_migrations(backend)
    db = await open_database(new_database)
    try:
        applied = await db.migrate(migrations[: BEFORE[backend]])  # type: ignore[call-arg]
        assert applied[-1] == BEFORE[backend]
        await db.run(_previous_season)
        if backend == "postgresql":  # explicit ids, as `db copy` writes them: move the counters
            await db.finish_copy(("workouts", "submissions"))  # type: ignore[attr-defined]
        before = {
            "workouts": await _rows(db, "workouts", "id"),
            "submissions": await _rows(db, "submissions", "id"),
            "splits": await _rows(db, "splits", "submission_id, rep"),
        }

        # This migration first, then any later one.
        assert (await db.migrate())[0] == BEFORE[backend] + 1

        after = {
            "workouts": await _rows(db, "workouts", "id"),
            "submissions": await _rows(db, "submissions", "id"),
            "splits": await _rows(db, "splits", "submission_id, rep"),
        }
        # Every row and value kept; the new columns say "the team's main session".
        for table, extra in [
            ("workouts", {"group_id": 0, "session": ""}),
            ("submissions", {"group_id": 0, "session": "", "source": "typed"}),
            ("splits", {}),
        ]:
            assert after[table] == [{**row, **extra} for row in before[table]], table

        # Reachable through the query classes as before.
        workouts, submissions = WorkoutQueries(db), SubmissionQueries(db)
        posted = await workouts.get(GUILD, DAY)
        assert posted is not None and posted.id == 40 and posted.message_id == 2**62 + 9
        assert posted.plan == parse_workout("4 x 250m sprint + 1 x 300m")
        board = await submissions.for_workout(40)
        assert [(s.athlete_name, len(s.splits)) for s in board] == [("Ana", 5), ("Ben", 5)]
        assert (await submissions.bests(GUILD, ANA))[Decimal(250)] == 29_780 + ANA
        failed = await workouts.get(GUILD, date(2026, 11, 29))
        assert failed is not None and failed.post_error == "Missing Access (50001)"

        # A pm session the same day, and Ana's submission to it beside her first.
        pm, replaced = await workouts.save(
            NewWorkout(GUILD, DAY, None, "6 x 150m", parse_workout("6 x 150m"), None, None, 1,
                       500, session="pm"),
            now=5,
        )  # fmt: skip
        assert not replaced and pm.id > 41
        await submissions.save(
            NewSubmission(GUILD, DAY, pm.id, ANA, "Ana", None,
                          [StoredSplit(1, Decimal(150), 18_000)], session="pm"),
            now=5,
        )  # fmt: skip
        ana_today = await submissions.of_athlete_on(GUILD, DAY, ANA)
        assert [(s.workout_id, s.session) for s in ana_today] == [(40, ""), (pm.id, "pm")]

        # The foreign keys still act on the rebuilt tables.
        assert await workouts.delete(40)
        orphaned = await submissions.by_id(70)
        assert orphaned is not None and orphaned.workout_id is None and len(orphaned.splits) == 5
        assert await submissions.delete(71)
        [row] = await db.fetch_all("SELECT COUNT(*) AS n FROM splits WHERE submission_id = 71")
        assert int(row["n"]) == 0
    finally:
        await db.close()


@pytest.mark.sqlite
async def test_sqlite_leaves_no_trace_of_the_rebuild(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "team.db")
    try:
        await db.migrate(load_migrations("sqlite")[:7])  # type: ignore[call-arg]
        await db.run(_previous_season)
        await db.migrate()
        names = {
            str(row["name"])
            for row in await db.fetch_all("SELECT name FROM sqlite_master WHERE name LIKE '%0007%'")
        }
        assert names == set()
        assert [dict(r) for r in await db.fetch_all("PRAGMA foreign_key_check")] == []
        [check] = await db.fetch_all("PRAGMA integrity_check")
        assert list(dict(check).values()) == ["ok"]
    finally:
        await db.close()
