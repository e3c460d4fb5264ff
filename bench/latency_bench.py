"""Interaction latency through the loopback Discord: INTERACTION_CREATE sent →
the first reply the user sees, for ``/pace convert`` and ``/splits submit``,
the real bot side by side with a baseline discord.py bot whose handlers only
reply "ok" (the framework's floor). Prints figures, asserts nothing.

Run: ``.venv/bin/python bench/latency_bench.py [--count 500] [--profile]``
(``make bench`` runs it with the defaults). ``--profile`` adds a cProfile of
the instrumented Trackside run.

Each bot runs in its own process with its own loopback Discord, and the three
take turns one interaction at a time (the order rotating), so a burst of noise
on the machine lands on all of them alike instead of on whichever bot happened
to be running; a worker waits on its pipe, idle, while another one runs. The
breakdown table comes from a second, in-process run with counters on.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import io
import json
import os
import pstats
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
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
    bench_database,
    build_club,
    latency,
    ms,
    percentile,
    running_baseline,
    settle,
)

from bot.clock import ManualClock
from cogs.pace import answers
from cogs.splits import _cog as splits_cog
from cogs.splits import submit as submissions
from loopback import FakeDiscord, InteractionRecord
from loopback.sandbox import LOOPBACK_TOKEN, running_bot

WARMUP = 50
LABELS = ("/pace convert", "/splits submit (new)", "/splits submit (resubmit)")
Replies = dict[str, tuple[str, dict[str, Any]]]
KINDS = {"baseline": 'baseline ("ok")', "trackside": "trackside", "same": "baseline (same reply)"}
SERIES = dict(zip(("pace", "new", "resubmit"), LABELS, strict=True))
Sender = Callable[[int], Awaitable[InteractionRecord]]


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


def _club_senders(
    fake: FakeDiscord, club: Club, real: bool
) -> tuple[dict[str, Sender], dict[str, str]]:
    """How to send interaction number ``i`` of each series ("pace", "new",
    "resubmit") to the bot, and the text its reply must contain (a canned
    baseline reply is Trackside's own). Submissions go to athletes from
    ``WARMUP`` on: the warm-up uses the first ones."""
    athletes = club.athletes

    def pace(i: int) -> Awaitable[InteractionRecord]:
        return fake.slash(athletes[i % len(athletes)], "pace convert", PACE_OPTIONS,
                          channel=club.general)  # fmt: skip

    def splits(i: int) -> Awaitable[InteractionRecord]:
        return fake.slash(athletes[i], "splits submit", {"splits": SEED_SPLITS},
                          channel=club.general)  # fmt: skip

    def measured_splits(i: int) -> Awaitable[InteractionRecord]:
        return splits(WARMUP + i)

    splits_text = "splits for" if real else "ok"
    senders = {"warm-up": splits, "pace": pace, "new": measured_splits,
               "resubmit": measured_splits}  # fmt: skip
    expect = {"warm-up": splits_text, "pace": "49.96 per 400 m" if real else "ok",
              "new": splits_text, "resubmit": splits_text}  # fmt: skip
    return senders, expect


async def _warm_up(fake: FakeDiscord, senders: dict[str, Sender], expect: dict[str, str]) -> None:
    # First-call costs (imports, caches, SQLite page cache) out of the figures.
    await _series(fake, "warm-up", WARMUP, senders["pace"], expect["pace"], None, None)
    await _series(fake, "warm-up", WARMUP, senders["warm-up"], expect["warm-up"], None, None)


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
    senders, expect = _club_senders(fake, club, real)
    await _warm_up(fake, senders, expect)
    return [
        await _series(fake, label, count, senders[series], expect[series], counter, watch)
        for series, label in SERIES.items()
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
            async with (
                bench_database(folder, "latency") as database,
                running_bot(fake, database, clock=clock) as bot,
            ):
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
                    watch.wrap(splits_cog, "submission_answer", "compute")
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
            replies = _captured_replies(fake)  # for the same-size baseline
    return blocks, watch, replies


def _check_clean(fake: FakeDiscord, who: str) -> None:
    problems = [str(v) for v in fake.violations] + fake.unknown_routes
    if problems:
        print(f"!! {who}: the fake saw {len(problems)} problem(s), first: {problems[0]}")


# ------------------------------------------------- interleaved, one process per bot
_SCRIPT = str(Path(__file__).resolve())


@contextlib.asynccontextmanager
async def _bot_senders(
    kind: str, count: int, replies: Replies | None
) -> AsyncIterator[tuple[dict[str, Sender], dict[str, str], FakeDiscord]]:
    """A running bot of ``kind`` on its own loopback Discord, and how to send
    each series' interaction number ``i`` to it (with the text its reply must
    contain)."""
    async with contextlib.AsyncExitStack() as stack:
        fake = await stack.enter_async_context(FakeDiscord(token=LOOPBACK_TOKEN))
        club = build_club(fake, WARMUP + count)
        if kind == "trackside":
            folder = stack.enter_context(tempfile.TemporaryDirectory())
            database = await stack.enter_async_context(bench_database(folder, "latency"))
            await stack.enter_async_context(
                running_bot(fake, database, clock=ManualClock(CLUB_START))
            )
            await fake.wait_for_commands(None)
            post = await fake.slash(club.coach, "wod post", {"workout": SEED_WORKOUT},
                                    channel=club.workouts)  # fmt: skip
            await post.wait_reply(timeout=10)
        else:
            await stack.enter_async_context(
                running_baseline(fake, replies if kind == "same" else None)
            )
            await fake.wait_for_commands(None)
        senders, expect = _club_senders(fake, club, real=kind != "baseline")
        await _warm_up(fake, senders, expect)
        yield senders, expect, fake


def _captured_replies(fake: FakeDiscord) -> Replies:
    """What the user saw last for each command: the same-size baseline sends it."""
    replies: Replies = {}
    for itx in reversed(fake.interactions):
        if itx.reply is not None and itx.name not in replies and itx.reply.embeds:
            replies[itx.name] = (itx.reply.content, itx.reply.embeds[0])
    return replies


async def worker(kind: str, count: int, replies: Replies | None) -> None:
    """A child process: one bot, one interaction per command line on stdin,
    one JSON result per line on stdout (the protocol's only writer)."""
    protocol = os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1)
    sys.stdout = sys.stderr  # anything else printed must not corrupt the protocol
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    async with _bot_senders(kind, count, replies) as (senders, expect, fake):
        ready: dict[str, Any] = {"ready": kind}
        if kind == "trackside":
            ready["replies"] = _captured_replies(fake)
        protocol.write(json.dumps(ready) + "\n")
        while line := await reader.readline():
            command = json.loads(line)
            if command.get("stop"):
                break
            series = command["series"]
            itx = await senders[series](command["i"])
            result: dict[str, Any] = {"latency": None, "expected": False}
            if await settle(itx, timeout=10):
                assert itx.reply is not None
                result = {"latency": latency(itx), "expected": expect[series] in itx.reply.text()}
            protocol.write(json.dumps(result) + "\n")
    problems = [str(v) for v in fake.violations] + fake.unknown_routes
    if problems:
        print(f"!! {kind}: the fake saw {len(problems)} problem(s), first: {problems[0]}")


class _Child:
    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    @classmethod
    async def start(cls, kind: str, count: int, replies_path: str | None = None) -> _Child:
        args = [sys.executable, _SCRIPT, "--worker", kind,
                "--count", str(count)]  # fmt: skip
        if replies_path:
            args += ["--replies", replies_path]
        process = await asyncio.create_subprocess_exec(
            *args, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE
        )
        return cls(process)

    async def receive(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = await self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"a latency worker exited (code {await self.process.wait()})")
        return json.loads(line)  # type: ignore[no-any-return]

    async def ask(self, command: dict[str, Any]) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write((json.dumps(command) + "\n").encode())
        await self.process.stdin.drain()
        return await self.receive()

    async def stop(self) -> None:
        assert self.process.stdin is not None
        with contextlib.suppress(ConnectionError):
            self.process.stdin.write(b'{"stop": true}\n')
            await self.process.stdin.drain()
            self.process.stdin.close()
        await asyncio.wait_for(self.process.wait(), 30)


async def interleaved(count: int) -> list[tuple[str, list[Block]]]:
    """The three bots, each in its own process, taking turns interaction by interaction."""
    children: dict[str, _Child] = {}
    with tempfile.TemporaryDirectory() as folder:
        try:
            children["trackside"] = await _Child.start("trackside", count)
            ready = await children["trackside"].receive()
            replies_path = Path(folder) / "replies.json"
            replies_path.write_text(json.dumps(ready["replies"]), "utf-8")
            children["baseline"] = await _Child.start("baseline", count)
            children["same"] = await _Child.start("same", count, str(replies_path))
            await children["baseline"].receive()
            await children["same"].receive()
            blocks = {kind: [Block(label) for label in LABELS] for kind in KINDS}
            order = list(KINDS)
            for index, series in enumerate(SERIES):
                for i in range(count):
                    turn = i % len(order)  # who goes first rotates
                    for kind in order[turn:] + order[:turn]:
                        result = await children[kind].ask({"series": series, "i": i})
                        block = blocks[kind][index]
                        if result["latency"] is None:
                            block.missing += 1
                            continue
                        block.latencies.append(result["latency"])
                        if not result["expected"]:
                            block.unexpected += 1
        finally:
            for child in children.values():
                await child.stop()
    return [(KINDS[kind], blocks[kind]) for kind in KINDS]


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
    print_table(await interleaved(count), count)
    # The breakdown: every bot again, in this process, with the counters on
    # (and Trackside profiled if asked).
    profiler = cProfile.Profile() if profile else None
    real_watched, _, replies = await trackside_phase(count, profiler, instrument=True)
    floor_watched, _ = await baseline_phase(count, watched=True)
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
    parser.add_argument("--worker", choices=sorted(KINDS), help=argparse.SUPPRESS)
    parser.add_argument("--replies", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        canned = json.loads(Path(args.replies).read_text("utf-8")) if args.replies else None
        asyncio.run(worker(args.worker, args.count, canned))
    else:
        asyncio.run(main(args.count, args.profile))
