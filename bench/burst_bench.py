"""Burst: N athletes submit splits at the same moment (N = 50, 200, 1000).

Every INTERACTION_CREATE is sent at once through the loopback Discord, which
enforces Discord's 3-second acknowledgement deadline (not raised here: a
missed deadline is a lost submission as the athlete sees it). Prints total
time, throughput, latency percentiles, deadline misses and whether every
submission is stored exactly once (rows counted in the database afterwards).
Asserts nothing.

Run: ``.venv/bin/python bench/burst_bench.py [--sizes 50 200 1000]``
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from dataclasses import dataclass

from _harness import (
    CLUB_START,
    SEED_SPLITS,
    SEED_WORKOUT,
    LogTally,
    SqlCounter,
    backend_label,
    bench_database,
    build_club,
    latency,
    ms,
    percentile,
    settle,
)

from bot.clock import ManualClock
from loopback import FakeDiscord
from loopback.sandbox import LOOPBACK_TOKEN, running_bot

REPS = 5  # splits per submission (SEED_SPLITS)


@dataclass
class Burst:
    size: int
    seconds: float  # first INTERACTION_CREATE sent → last reply seen
    latencies: list[float]  # of every interaction that got a reply (success or error)
    ok: int  # the athlete saw their analysed splits
    missed_deadline: int  # no callback within 3 s: the athlete saw "did not respond"
    error_replies: int  # answered in time, but with an error (e.g. "database busy")
    stored: int  # submissions rows for the day
    duplicates: int  # athletes with more than one row (the unique key forbids it)
    ok_not_stored: int  # told "stored" but no row: must be 0
    missed_but_stored: int  # stored, though the reply came too late to be seen
    refused_but_stored: int  # told "busy" (or any error), yet stored: must be 0
    split_rows: int
    db_seconds: float
    statements: int
    logs: str


async def one_burst(size: int) -> Burst:
    """One burst of ``size`` athletes against a fresh fake, bot and database."""
    tally = LogTally().install()
    try:
        return await _burst(size, tally)
    finally:
        tally.remove()


async def _burst(size: int, tally: LogTally) -> Burst:
    with tempfile.TemporaryDirectory() as folder:
        async with (
            bench_database(folder, "burst") as database,
            FakeDiscord(token=LOOPBACK_TOKEN) as fake,
        ):
            club = build_club(fake, size)
            clock = ManualClock(CLUB_START)
            async with running_bot(fake, database, clock=clock) as bot:
                await fake.wait_for_commands(None)
                post = await fake.slash(
                    club.coach, "wod post", {"workout": SEED_WORKOUT}, channel=club.workouts
                )
                await post.wait_reply(timeout=10)
                counter = SqlCounter()
                await counter.attach(bot.db)
                # All at once: slash() sends INTERACTION_CREATE synchronously, so
                # the whole burst is queued on the gateway before the bot reads any.
                records = [
                    await fake.slash(
                        athlete, "splits submit", {"splits": SEED_SPLITS}, channel=club.general
                    )
                    for athlete in club.athletes
                ]
                await asyncio.gather(*(settle(itx, timeout=60) for itx in records))
                # Work whose reply came too late may still be committing: units
                # take the connection in turn (FIFO), so one more waits for all of it.
                await bot.db.run(lambda tx: tx.fetch_one("SELECT 1"))
                # Counted through the bot's own connection, once every unit is done.
                day = CLUB_START.date().isoformat()
                rows = [
                    (row["athlete_id"], row["n"])
                    for row in await bot.db.fetch_all(
                        "SELECT athlete_id, COUNT(*) AS n FROM submissions"
                        " WHERE local_date = :day GROUP BY athlete_id",
                        {"day": day},
                    )
                ]
                counted = await bot.db.fetch_one(
                    "SELECT COUNT(*) AS n FROM splits p JOIN submissions s"
                    " ON s.id = p.submission_id WHERE s.local_date = :day",
                    {"day": day},
                )
                split_rows = int(counted["n"]) if counted else 0
            replied = [itx.replied_at for itx in records if itx.replied_at is not None]
            seconds = (max(replied) if replied else 0.0) - min(itx.created_at for itx in records)
    per_athlete = dict(rows)
    ok = [itx for itx in records if itx.reply is not None and "splits for" in itx.reply.text()]
    stored_ids = set(per_athlete)
    return Burst(
        size=size,
        seconds=seconds,
        latencies=[v for v in map(latency, records) if v is not None],
        ok=len(ok),
        missed_deadline=sum(1 for itx in records if itx.failed),
        error_replies=sum(1 for itx in records if itx.reply is not None) - len(ok),
        stored=sum(per_athlete.values()),
        duplicates=sum(1 for n in per_athlete.values() if n > 1),
        ok_not_stored=sum(1 for itx in ok if itx.user.id not in stored_ids),
        missed_but_stored=sum(1 for itx in records if itx.failed and itx.user.id in stored_ids),
        refused_but_stored=sum(
            1
            for itx in records
            if itx.reply is not None and itx not in ok and itx.user.id in stored_ids
        ),
        split_rows=split_rows,
        db_seconds=counter.db_seconds,
        statements=len(counter.statements),
        logs=tally.summary(),
    )


def report(bursts: list[Burst]) -> None:
    print(
        "Burst: N athletes submit splits at once (/splits submit, 5 reps, distinct athletes),"
        f" on {backend_label()}"
    )
    head = (
        f"{'N':>5} {'total s':>8} {'subm/s':>7} {'p50 ms':>8} {'p99 ms':>8}"
        f" {'ok':>5} {'missed 3s':>9} {'errors':>6} {'stored':>6}  stored exactly once"
    )
    print(head)
    print("-" * len(head))
    for b in bursts:
        # Every athlete's submission is one row with its 5 splits: nothing lost,
        # nothing twice (the unique key makes "twice" impossible; the count
        # would show it).
        once = b.stored == b.size and b.duplicates == 0 and b.split_rows == b.size * REPS
        print(
            f"{b.size:>5} {b.seconds:>8.2f} {b.ok / b.seconds:>7.0f}"
            f" {ms(percentile(b.latencies, 50)):>8} {ms(percentile(b.latencies, 99)):>8}"
            f" {b.ok:>5} {b.missed_deadline:>9} {b.error_replies:>6} {b.stored:>6}"
            f"  {'yes' if once else 'no'}"
        )
    print("(subm/s counts successful submissions; p50/p99 over every reply, errors included)")
    print()
    for b in bursts:
        print(
            f"N={b.size}: {b.statements / b.size:.1f} SQL statements and"
            f" {b.db_seconds / b.size * 1000:.2f} ms in database calls per submission"
            " (waits for the connection included);"
            f" told 'stored' but no row: {b.ok_not_stored}; duplicates: {b.duplicates};"
            f" reply too late but stored: {b.missed_but_stored};"
            f" refused but stored: {b.refused_but_stored}"
        )
        print(f"  bot log warnings/errors: {b.logs}")


async def main(sizes: list[int]) -> list[Burst]:
    started = time.perf_counter()
    bursts = [await one_burst(size) for size in sizes]
    report(bursts)
    print(f"(burst run {time.perf_counter() - started:.1f} s)")
    return bursts


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 200, 1000])
    args = parser.parse_args()
    asyncio.run(main(args.sizes))
