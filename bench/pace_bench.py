"""Throughput of the pace engine and of answer storage; prints figures.

Run: ``make bench`` (or ``.venv/bin/python bench/pace_bench.py``). Figures, not
assertions: compare runs on the same machine.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

from cogs.pace import answers
from db import PaceHistory, open_database


def _rate(label: str, count: int, seconds: float) -> None:
    print(f"{label:<42} {count / seconds:>10,.0f}/s  ({seconds * 1e6 / count:,.1f} µs each)")


def bench_answers(rounds: int = 2000) -> None:
    cases = [
        ("convert", lambda: answers.pace_convert("37.47", "300m")),
        ("laps (mile)", lambda: answers.pace_laps("3:56.13", "mile")),
        ("laps (marathon, 106 splits)", lambda: answers.pace_laps("2:05:30", "marathon")),
        ("predict (9 distances × 3 models)", lambda: answers.pace_predict("3:56.13", "mile")),
        ("vdot + training paces", lambda: answers.pace_vdot("20:00", "5k")),
    ]
    for label, run in cases:
        started = time.perf_counter()
        for _ in range(rounds):
            run()
        _rate(f"answer: {label}", rounds, time.perf_counter() - started)


async def bench_storage(count: int = 2000) -> None:
    with tempfile.TemporaryDirectory() as folder:
        database = await open_database(Path(folder) / "bench.db")
        try:
            await database.migrate()
            history = PaceHistory(database)

            async def one(i: int) -> None:
                await history.record(
                    user_id=i % 50,
                    guild_id=1,
                    command="pace convert",
                    inputs="time=37.47 distance=300m",
                    summary="49.96 per 400 m",
                    created_at=i,
                )

            started = time.perf_counter()
            await asyncio.gather(*(one(i) for i in range(count)))
            _rate("store: concurrent history writes", count, time.perf_counter() - started)
            started = time.perf_counter()
            for i in range(count):
                await history.recent(i % 50)
            _rate("read: /pace history (last 10)", count, time.perf_counter() - started)
        finally:
            await database.close()


if __name__ == "__main__":
    bench_answers()
    asyncio.run(bench_storage())
