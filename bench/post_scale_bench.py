"""Scale of the daily post: 1,000 and 10,000 servers whose workouts are due at
the same minute (06:00 UTC, in five timezones). Prints how long the scheduler
takes to post them all, the SQL statements per tick, and peak memory.
Asserts nothing.

Each size runs in a fresh child process (so its memory figures are its own):
the loopback Discord with N servers, the real bot on a ManualClock at 05:59:30
(its scheduler's first tick finds nothing due), then the clock moves to 06:00
and the bot's own ``Wod.tick()`` is awaited directly, so the figure is the
tick's work and not the up-to-30 s wait for the next ``tasks.loop`` round. The
loop is stopped first so two ticks never overlap the measurement.

Run: ``.venv/bin/python bench/post_scale_bench.py [--sizes 1000 10000]``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

from _harness import LogTally, SqlCounter, rss_now_mib, rss_peak_mib

from bot.clock import ManualClock, epoch_ms
from bot.domain.workout import parse_workout
from db import open_database
from db.guild_settings import GuildSettingsQueries
from db.workouts import NewWorkout, WorkoutQueries
from loopback import FakeDiscord
from loopback.sandbox import INVITE_PERMISSIONS, LOOPBACK_TOKEN, running_bot

DUE = datetime(2026, 11, 28, 6, 0, tzinfo=UTC)
# (timezone, local post time) pairs that are all 06:00 UTC on 28 November 2026.
ZONES = [
    ("UTC", "06:00"),
    ("Europe/Berlin", "07:00"),
    ("America/New_York", "01:00"),
    ("Asia/Tokyo", "15:00"),
    ("Asia/Kolkata", "11:30"),
]


async def _seed(path: Path, fake: FakeDiscord, size: int) -> list[int]:
    """N servers, each with #workouts set as the post channel, a timezone and
    a post time, and one workout for 28 November. Stored with the bot's own
    query classes before it starts (as if coaches had run /config and /wod post)."""
    parsed = parse_workout("4 x 250m sprint + 1 x 300m")
    database = await open_database(path)
    channels = []
    try:
        await database.migrate()
        settings, workouts = GuildSettingsQueries(database), WorkoutQueries(database)
        for i in range(size):
            guild = fake.create_guild(f"Club {i:05d}", bot_permissions=INVITE_PERMISSIONS)
            channel = fake.create_channel(guild, "workouts")
            channels.append(channel.id)
            zone, at = ZONES[i % len(ZONES)]
            await settings.update(guild.id, now=0, channel_id=channel.id, timezone=zone,
                                  post_time=at)  # fmt: skip
            await workouts.save(
                NewWorkout(guild.id, DUE.date(), "Sprint session", "4 x 250m sprint + 1 x 300m",
                           parsed, None, None, guild.owner_id, channel.id),
                now=0,
            )  # fmt: skip
    finally:
        await database.close()
    return channels


async def child(size: int, trace: bool) -> dict[str, float]:
    """Figures for one size (run in its own process by ``main``)."""
    tally = LogTally().install()
    try:
        return await _measure(size, trace)
    finally:
        tally.remove()


async def _measure(size: int, trace: bool) -> dict[str, float]:
    figures: dict[str, float] = {"servers": size}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "scale.db"
        async with FakeDiscord(token=LOOPBACK_TOKEN) as fake:
            started = time.perf_counter()
            channels = await _seed(path, fake, size)
            figures["seed_s"] = time.perf_counter() - started
            clock = ManualClock(DUE.replace(hour=5, minute=59, second=30))
            async with running_bot(fake, path, clock=clock, ready_timeout=300) as bot:
                cog = bot.get_cog("Wod")
                assert cog is not None
                # The loop's first tick (nothing due yet), then stop the loop.
                await asyncio.wait_for(cog.ticked.wait(), 60)  # type: ignore[attr-defined]
                cog.scheduler.cancel()  # type: ignore[attr-defined]
                counter = SqlCounter()
                await counter.attach(bot.db)
                clock.set(DUE)
                figures["rss_before_mib"] = rss_now_mib()
                if trace:
                    tracemalloc.start()
                started = time.perf_counter()
                posted = await cog.tick()  # type: ignore[attr-defined]
                figures["tick_s"] = time.perf_counter() - started
                if trace:
                    _, peak = tracemalloc.get_traced_memory()
                    tracemalloc.stop()
                    figures["tracemalloc_peak_mib"] = peak / 2**20
                figures["rss_peak_mib"] = rss_peak_mib()
                figures["posted"] = len(posted)
                figures["tick_statements"] = len(counter.statements)
                kinds = counter.by_kind()
                figures["tick_selects"] = kinds.get("SELECT", 0)
                figures["tick_updates"] = kinds.get("UPDATE", 0)
                # A second tick right after: nothing is due any more.
                counter.reset()
                started = time.perf_counter()
                await cog.tick()  # type: ignore[attr-defined]
                figures["idle_tick_ms"] = (time.perf_counter() - started) * 1000
                figures["idle_tick_statements"] = len(counter.statements)
                # One pass over the fake's messages (fake.messages(channel) scans
                # them all per channel: quadratic at 10,000 servers).
                wanted = set(channels)
                messages = sum(
                    1
                    for m in fake._messages.values()
                    if m.channel_id in wanted and m.author.id == fake.bot_user.id and not m.deleted
                )
                figures["messages_in_channels"] = messages
                row = await bot.db.fetch_one(
                    "SELECT COUNT(*) AS n FROM workouts WHERE message_id IS NOT NULL"
                    " AND posted_at = :at",
                    {"at": epoch_ms(DUE)},
                )
                figures["rows_marked_posted"] = int(row["n"]) if row else 0
    return figures


def run_child(size: int, trace: bool) -> dict[str, float]:
    command = [sys.executable, __file__, "--child", str(size)] + (["--trace"] if trace else [])
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"child for {size} servers failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(sizes: list[int]) -> None:
    started = time.perf_counter()
    print("Daily post: N servers with a workout due at 06:00 UTC (five timezones), one tick")
    head = (
        f"{'servers':>7} {'posted':>7} {'tick s':>7} {'posts/s':>8} {'SQL/tick':>9}"
        f" {'SELECTs':>7} {'idle tick':>10} {'RSS before':>10} {'RSS peak':>9}"
        f" {'tracemalloc':>11}"
    )
    print(head)
    print("-" * len(head))
    rows = []
    for size in sizes:
        timed = run_child(size, trace=False)
        # A second child with tracemalloc on: it slows the tick, so its time is not used.
        traced = run_child(size, trace=True)
        rows.append((timed, traced))
        print(
            f"{size:>7} {timed['posted']:>7.0f} {timed['tick_s']:>7.2f}"
            f" {timed['posted'] / timed['tick_s']:>8.0f} {timed['tick_statements']:>9.0f}"
            f" {timed['tick_selects']:>7.0f}"
            f" {timed['idle_tick_ms']:>6.1f} ms/{timed['idle_tick_statements']:.0f}"
            f" {timed['rss_before_mib']:>7.0f} MiB {timed['rss_peak_mib']:>5.0f} MiB"
            f" {traced['tracemalloc_peak_mib']:>7.1f} MiB"
        )
    print(
        "(SQL/tick counts every statement of the posting tick, BEGIN/COMMIT included;"
        " 'idle tick' is the next tick: time / statements. RSS is the whole process:"
        " the fake Discord's copy of every server and message is in it too.)"
    )
    for timed, _ in rows:
        print(
            f"  {timed['servers']:.0f} servers: {timed['messages_in_channels']:.0f} posts in the"
            f" fake's channels, {timed['rows_marked_posted']:.0f} workouts marked posted;"
            f" {(timed['tick_statements'] - timed['tick_selects']) / max(1, timed['posted']):.0f}"
            f" write statements per post; seeding took {timed['seed_s']:.1f} s"
        )
    print(f"(post-scale run {time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(asyncio.run(child(args.child, args.trace))))
    else:
        main(args.sizes)
