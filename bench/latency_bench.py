"""Interaction latency through the loopback Discord: INTERACTION_CREATE sent →
the first reply the user sees, for ``/pace convert`` and ``/splits submit``,
the real bot side by side with a baseline discord.py bot whose handlers only
reply "ok" (the framework's floor). Prints figures, asserts nothing.

Run: ``.venv/bin/python bench/latency_bench.py [--count 500] [--profile]``
(``make bench`` runs it with the defaults). ``--profile`` adds a cProfile of
the Trackside phase (event-loop thread only; SQLite runs on aiosqlite's thread).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import discord
from _harness import (
    CLUB_START,
    PACE_OPTIONS,
    SEED_SPLITS,
    SEED_WORKOUT,
    Club,
    SqlCounter,
    Stopwatch,
    build_club,
    latency,
    ms,
    percentile,
    running_baseline,
    settle,
)

from bot import answers, submissions
from bot.clock import ManualClock
from bot.loopback import FakeDiscord, InteractionRecord
from bot.sandbox import LOOPBACK_TOKEN, running_bot
from cogs import _splits_submit

WARMUP = 50
LABELS = ("/pace convert", "/splits submit (new)", "/splits submit (resubmit)")
Replies = dict[str, tuple[str, dict[str, Any]]]


@dataclass
class Block:
    """One measured series of sequential interactions."""

    label: str
    latencies: list[float] = field(default_factory=list)
    missing: int = 0  # no visible reply (deadline missed or error)
    unexpected: int = 0  # a reply, but not the one the command should give
    statements: int = 0
    db_seconds: float = 0.0
    watch: dict[str, float] = field(default_factory=dict)  # Stopwatch seconds, whole block


async def _series(
    fake: FakeDiscord,
    label: str,
    count: int,
    send: Callable[[int], Awaitable[InteractionRecord]],
    expect: str,
    counter: SqlCounter | None,
    watch: Stopwatch | None,
) -> Block:
    block = Block(label)
    if counter is not None:
        counter.reset()
    if watch is not None:
        watch.reset()
    for i in range(count):
        itx = await send(i)
        if not await settle(itx, timeout=10):
            block.missing += 1
            continue
        assert itx.reply is not None
        if expect not in itx.reply.text():
            block.unexpected += 1
        value = latency(itx)
        if value is not None:
            block.latencies.append(value)
    if counter is not None:
        block.statements = len(counter.statements)
        block.db_seconds = counter.db_seconds
    if watch is not None:
        block.watch = dict(watch.seconds)
    return block


async def _drive(
    fake: FakeDiscord,
    club: Club,
    count: int,
    real: bool,
    counter: SqlCounter | None,
    watch: Stopwatch | None,
) -> list[Block]:
    """Warm up, then ``count`` sequential /pace convert, ``count`` /splits
    submit by distinct athletes (each one's first submission of the day), and
    ``count`` resubmissions by the same athletes (the replace path)."""
    # What each reply must contain (a canned baseline reply is Trackside's own).
    pace_text = "49.96 per 400 m" if real else "ok"
    splits_text = "splits for" if real else "ok"
    athletes = club.athletes

    def pace(i: int) -> Awaitable[InteractionRecord]:
        return fake.slash(athletes[i % len(athletes)], "pace convert", PACE_OPTIONS,
                          channel=club.general)  # fmt: skip

    def splits(offset: int) -> Callable[[int], Awaitable[InteractionRecord]]:
        def send(i: int) -> Awaitable[InteractionRecord]:
            return fake.slash(athletes[offset + i], "splits submit", {"splits": SEED_SPLITS},
                              channel=club.general)  # fmt: skip

        return send

    # Warm-up: first-call costs (imports, caches, SQLite page cache) out of the figures.
    await _series(fake, "warm-up", WARMUP, pace, pace_text, None, None)
    await _series(fake, "warm-up", WARMUP, splits(0), splits_text, None, None)
    return [
        await _series(fake, LABELS[0], count, pace, pace_text, counter, watch),
        await _series(fake, LABELS[1], count, splits(WARMUP), splits_text, counter, watch),
        await _series(fake, LABELS[2], count, splits(WARMUP), splits_text, counter, watch),
    ]


def _watch_reply(watch: Stopwatch) -> None:
    # The callback REST call (POST /interactions/{id}/{token}/callback, which
    # the fake answers after recording the reply): the same for both bots.
    watch.wrap(discord.InteractionResponse, "send_message", "reply REST call")


async def baseline_phase(
    count: int, replies: Replies | None = None, *, watched: bool = False
) -> tuple[list[Block], Stopwatch]:
    watch = Stopwatch()
    async with FakeDiscord(token=LOOPBACK_TOKEN) as fake:
        club = build_club(fake, WARMUP + count)
        async with running_baseline(fake, replies):
            await fake.wait_for_commands(None)
            if watched:
                _watch_reply(watch)
            try:
                blocks = await _drive(
                    fake, club, count, replies is not None, None, watch if watched else None
                )
            finally:
                watch.restore()
        _check_clean(fake, "baseline")
    return blocks, watch


async def trackside_phase(
    count: int, profile: cProfile.Profile | None, *, instrument: bool = False
) -> tuple[list[Block], Stopwatch, Replies]:
    """Trackside's series. ``instrument`` turns on the SQL counter and the
    stopwatches for the breakdown: they cost time on Trackside's side only,
    so the latency table comes from a run without them."""
    watch = Stopwatch()
    with tempfile.TemporaryDirectory() as folder:
        async with FakeDiscord(token=LOOPBACK_TOKEN) as fake:
            club = build_club(fake, WARMUP + count)
            clock = ManualClock(CLUB_START)
            async with running_bot(fake, Path(folder) / "bench.db", clock=clock) as bot:
                await fake.wait_for_commands(None)
                post = await fake.slash(club.coach, "wod post", {"workout": SEED_WORKOUT},
                                        channel=club.workouts)  # fmt: skip
                await post.wait_reply(timeout=10)
                counter: SqlCounter | None = None
                if instrument:
                    counter = SqlCounter()
                    await counter.attach(bot.db)
                    _watch_reply(watch)
                    # Pure computation on the hot paths (no I/O inside these).
                    watch.wrap(answers, "pace_convert", "compute")
                    watch.wrap(submissions, "match_to_workout", "compute")  # inside the unit
                    watch.wrap(_splits_submit, "submission_answer", "compute")
                    watch.wrap(submissions, "analyse", "compute")
                if profile is not None:
                    profile.enable()
                try:
                    blocks = await _drive(
                        fake, club, count, True, counter, watch if instrument else None
                    )
                finally:
                    if profile is not None:
                        profile.disable()
                    watch.restore()
            _check_clean(fake, "trackside")
            # What the user saw, for the same-size baseline.
            replies: Replies = {}
            for itx in reversed(fake.interactions):
                if itx.reply is not None and itx.name not in replies and itx.reply.embeds:
                    replies[itx.name] = (itx.reply.content, itx.reply.embeds[0])
    return blocks, watch, replies


def _check_clean(fake: FakeDiscord, who: str) -> None:
    problems = [str(v) for v in fake.violations] + fake.unknown_routes
    if problems:
        print(f"!! {who}: the fake saw {len(problems)} problem(s), first: {problems[0]}")


def print_table(rows: list[tuple[str, list[Block]]], count: int) -> None:
    print(
        f"Interaction latency through the loopback Discord, {count} sequential interactions"
        " per row (ms)"
    )
    print('ratio = p50 / p50 of the baseline bot that replies "ok"')
    head = (f"{'command':<27} {'bot':<21} {'p50':>6} {'p95':>6} {'p99':>6} {'max':>6}"
            f" {'ratio':>6} {'lost':>4}")  # fmt: skip
    print(head)
    print("-" * len(head))
    floor_blocks = rows[0][1]
    for index, label in enumerate(LABELS):
        floor = percentile(floor_blocks[index].latencies, 50)
        for who, blocks in rows:
            block = blocks[index]
            values = block.latencies
            print(
                f"{label:<27} {who:<21} {ms(percentile(values, 50)):>6}"
                f" {ms(percentile(values, 95)):>6} {ms(percentile(values, 99)):>6}"
                f" {ms(max(values)):>6} {percentile(values, 50) / floor:>5.2f}x"
                f" {block.missing:>4}"
                + (f"  ({block.unexpected} unexpected replies)" if block.unexpected else "")
            )


def print_breakdown(rows: list[tuple[str, list[Block]]]) -> None:
    print()
    print("Where the time goes, mean ms per interaction (gateway + dispatch = the rest);")
    print("a second run of each bot with the SQL counter and stopwatches on, which")
    print("slow Trackside's own figures a little")
    head = (f"{'command':<27} {'bot':<21} {'total':>6} {'reply':>6} {'db':>6} {'SQL':>4}"
            f" {'comp':>6} {'rest':>6}")  # fmt: skip
    print(head)
    print("-" * len(head))
    for index, label in enumerate(LABELS):
        for who, blocks in rows:
            block = blocks[index]
            n = max(1, len(block.latencies))
            total = sum(block.latencies) / n
            reply = block.watch.get("reply REST call", 0.0) / n
            db = block.db_seconds / n
            compute = block.watch.get("compute", 0.0) / n
            rest = total - reply - db - compute
            print(
                f"{label:<27} {who:<21} {ms(total):>6} {ms(reply):>6} {ms(db):>6}"
                f" {block.statements / n:>4.0f} {ms(compute):>6} {ms(rest):>6}"
            )


async def main(count: int, profile: bool) -> None:
    started = time.perf_counter()
    profiler = cProfile.Profile() if profile else None
    floor, _ = await baseline_phase(count)
    real, _, replies = await trackside_phase(count, None)
    same_size, _ = await baseline_phase(count, replies)
    print_table(
        [('baseline ("ok")', floor), ("trackside", real), ("baseline (same reply)", same_size)],
        count,
    )
    # The breakdown: every bot again, instrumented (and Trackside profiled if asked).
    floor_watched, _ = await baseline_phase(count, watched=True)
    real_watched, _, _ = await trackside_phase(count, profiler, instrument=True)
    same_watched, _ = await baseline_phase(count, replies, watched=True)
    print_breakdown(
        [
            ('baseline ("ok")', floor_watched),
            ("trackside", real_watched),
            ("baseline (same reply)", same_watched),
        ]
    )
    print(f"(latency run {time.perf_counter() - started:.1f} s)")
    if profiler is not None:
        out = io.StringIO()
        # PROFILE_SORT=cumtime PROFILE_FILTER='bot/|cogs/|db/' narrows it to our code.
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats(os.environ.get("PROFILE_SORT", "tottime"))
        stats.print_stats(os.environ.get("PROFILE_FILTER", ""), 40)
        print(out.getvalue())


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    asyncio.run(main(args.count, args.profile))
