"""Scale figures for the database paths the bot takes on every tick and every
submission; prints figures, asserts nothing.

Run: ``make bench`` (or ``.venv/bin/python bench/scale_bench.py``).
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from bot.domain.schedule import candidate_window, is_due
from bot.domain.workout import parse_workout
from cogs.splits.rendering import board_answer
from db import open_database
from db.guild_settings import GuildSettingsQueries
from db.submissions import NewSubmission, StoredSplit, SubmissionQueries
from db.workouts import NewWorkout, WorkoutQueries

GUILDS = 2000
ATHLETES = 200
ZONES = ["UTC", "America/Los_Angeles", "Europe/Berlin", "Asia/Tokyo", "Pacific/Auckland"]


def _line(label: str, value: str) -> None:
    print(f"{label:<52} {value}")


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = await open_database(Path(folder) / "bench.db")
        await db.migrate()
        workouts, settings = WorkoutQueries(db), GuildSettingsQueries(db)
        parsed = parse_workout("4 x 250m sprint + 1 x 300m")
        today = date(2026, 11, 28)
        started = time.perf_counter()
        for guild in range(GUILDS):
            await settings.update(guild, now=0, timezone=ZONES[guild % len(ZONES)])
            for offset in range(-3, 4):  # a week of workouts per server
                await workouts.save(
                    NewWorkout(guild, today + timedelta(days=offset), None, "x", parsed,
                               None, None, 1, 1),
                    now=0,
                )  # fmt: skip
        _line(f"setup: {GUILDS} servers × 7 workouts", f"{time.perf_counter() - started:.1f} s")

        now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
        rounds = 20
        started = time.perf_counter()
        for _ in range(rounds):
            earliest, latest = candidate_window(now)
            candidates = await workouts.post_candidates(
                earliest, latest, claimer="bench", stale_claim_before=0
            )
            due = [
                c for c in candidates if is_due(c.workout.local_date, c.post_time, c.timezone, now)
            ]
        per_tick = (time.perf_counter() - started) / rounds
        _line(
            f"scheduler tick: 1 query over {GUILDS} servers",
            f"{per_tick * 1000:.1f} ms ({len(candidates)} candidates, {len(due)} due)",
        )

        submissions = SubmissionQueries(db)
        splits = [
            StoredSplit(i + 1, Decimal(250 if i < 4 else 300), 30000 + i * 100) for i in range(5)
        ]
        started = time.perf_counter()
        await asyncio.gather(
            *(
                submissions.save(
                    NewSubmission(0, today, None, athlete, f"Runner {athlete}", None, splits),
                    now=0,
                )
                for athlete in range(ATHLETES)
            )
        )
        elapsed = time.perf_counter() - started
        _line(
            f"submissions: {ATHLETES} concurrent (5 splits each)",
            f"{elapsed * 1000:.0f} ms ({ATHLETES / elapsed:,.0f}/s)",
        )
        started = time.perf_counter()
        board = board_answer(today, "Sprint session", await submissions.for_date(0, today))
        _line(
            f"board: {ATHLETES} athletes (query + render)",
            f"{(time.perf_counter() - started) * 1000:.1f} ms"
            f" ({'attached file' if board.attachment else 'inline'})",
        )

        # A veteran: four seasons of sessions, ten reps each, at ten distances.
        # Personal bests must not cost a scan of all of it on every submission
        # (a unit of work runs on the event loop's thread).
        sessions, distances = 1500, [Decimal(m) for m in (150, 200, 250, 300, 400, 600, 800,
                                                          1000, 1200, 1600)]  # fmt: skip
        for day in range(sessions):
            history = [
                StoredSplit(rep + 1, distances[(day + rep) % 10], 30_000 + day + rep)
                for rep in range(10)
            ]
            await submissions.save(
                NewSubmission(1, today - timedelta(days=day + 1), None, 9, "Vet", None, history),
                now=0,
            )
        timings = []
        for _ in range(200):
            started = time.perf_counter()
            await submissions.save(NewSubmission(1, today, None, 9, "Vet", None, splits), now=0)
            timings.append(time.perf_counter() - started)
        timings.sort()
        _line(
            f"submission by an athlete with {sessions * 10:,} past splits",
            f"{timings[len(timings) // 2] * 1000:.2f} ms p50, {timings[-1] * 1000:.2f} ms max",
        )
        await db.close()


if __name__ == "__main__":
    asyncio.run(main())
