"""Mass posting under Discord's global limit (issue #20): 10,000 servers whose
workouts are due at the same minute (06:00 UTC, in five timezones, as in
``post_scale_bench.py``), on a loopback Discord that models the global limit
(50 bot requests in any sliding second, then a 429 with ``global: true``).
Prints what was posted, the 429s the fake answered, the tick's time and the
busiest second the fake saw. Asserts nothing.

Runs, each with a fresh fake and database: the bot at its default pace
(``POST_RATE`` 45) over ``--servers``; optionally at ``--rate`` (e.g. 40,
for more room under the limit) over the same
servers; and, for contrast, unpaced (``POST_RATE=0``) over ``--unpaced`` servers. Timing as
in ``post_scale_bench.py``: the bot starts at 05:59:30 on a ManualClock, its
loop's first tick finds nothing, the loop is stopped, the clock moves to
06:00 and ``Wod.tick()`` is awaited directly.

Run: ``.venv/bin/python bench/paced_posting_bench.py``, options
``[--servers 10000] [--rate 40] [--unpaced 1000]``
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

from _harness import LogTally
from post_scale_bench import DUE, _seed

from bot.clock import ManualClock
from loopback import FakeDiscord
from loopback.sandbox import LOOPBACK_TOKEN, running_bot

DISCORD_GLOBAL_LIMIT = 50


async def run(servers: int, post_rate: float | None) -> dict[str, Any]:
    """Figures for one posting minute; ``post_rate`` None: the bot's default."""
    figures: dict[str, Any] = {"servers": servers}
    tally = LogTally().install()
    try:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "paced.db"
            async with FakeDiscord(token=LOOPBACK_TOKEN, global_limit=DISCORD_GLOBAL_LIMIT) as fake:
                channels = set(await _seed(path, fake, servers))
                clock = ManualClock(DUE.replace(hour=5, minute=59, second=30))
                rate = {} if post_rate is None else {"post_rate": post_rate}
                async with running_bot(fake, path, clock=clock, ready_timeout=300, **rate) as bot:
                    figures["post_rate"] = bot.settings.post_rate
                    cog = bot.get_cog("Wod")
                    assert cog is not None
                    await asyncio.wait_for(cog.ticked.wait(), 60)  # type: ignore[attr-defined]
                    cog.scheduler.cancel()  # type: ignore[attr-defined]
                    # Start-up's requests are behind us: count the minute alone.
                    limited_before = len(fake.rest.rate_limited)
                    requests_before = fake.rest.request_count
                    fake.rest.busiest_second = 0
                    clock.set(DUE)
                    started = time.perf_counter()
                    posted = await cog.tick()  # type: ignore[attr-defined]
                    figures["tick_s"] = time.perf_counter() - started
                    figures["posted"] = len(posted)
                    figures["requests"] = fake.rest.request_count - requests_before
                    figures["rate_limited"] = len(fake.rest.rate_limited) - limited_before
                    figures["busiest_second"] = fake.rest.busiest_second
                    figures["messages"] = sum(
                        1
                        for m in fake._messages.values()
                        if m.channel_id in channels
                        and m.author.id == fake.bot_user.id
                        and not m.deleted
                    )
                figures["rate_limited_total"] = len(fake.rest.rate_limited)
    finally:
        tally.remove()
    figures["warnings"] = sum(tally.counts.values())
    figures["warning_kinds"] = tally.summary()
    return figures


def row(label: str, figures: dict[str, Any]) -> str:
    servers, seconds = figures["servers"], figures["tick_s"]
    return (
        f"{label:<22} {servers:>7.0f} {figures['posted']:>7.0f} {figures['messages']:>8.0f}"
        f" {figures['rate_limited']:>5.0f} {seconds:>8.1f} {figures['posted'] / seconds:>8.1f}"
        f" {figures['busiest_second']:>8.0f} {servers / DISCORD_GLOBAL_LIMIT:>9.0f}"
        f" {figures['warnings']:>6.0f}"
    )


async def main(servers: int, rate: float | None, unpaced: int) -> list[dict[str, Any]]:
    started = time.perf_counter()
    print(
        f"Posting minute under the global limit ({DISCORD_GLOBAL_LIMIT} bot requests in any"
        " second, modelled by the loopback Discord): N servers due at 06:00 UTC, one tick"
    )
    head = (
        f"{'pace':<22} {'servers':>7} {'posted':>7} {'messages':>8} {'429s':>5} {'tick s':>8}"
        f" {'posts/s':>8} {'busiest':>8} {'N / 50 s':>9} {'warns':>6}"
    )
    print(head)
    print("-" * len(head))
    results = []
    plan: list[tuple[int, float | None]] = [(servers, None)]
    if rate is not None:
        plan.append((servers, rate))
    if unpaced:
        plan.append((unpaced, 0.0))
    for size, post_rate in plan:
        figures = await run(size, post_rate)
        results.append(figures)
        if post_rate is None:
            label = f"default ({figures['post_rate']:g}/s)"
        elif post_rate == 0:
            label = "unpaced (POST_RATE=0)"
        else:
            label = f"POST_RATE={post_rate:g}"
        print(row(label, figures), flush=True)
    print(
        "(posted: the tick's count; messages: the bot's posts in the fake's channels;"
        " 429s: answered by the fake during the tick, discord.py waiting each out and"
        " sending again; tick s: 06:00 → the last server posted; busiest: most bot"
        " requests the fake accepted in one sliding second during the tick; N / 50 s:"
        " the floor at Discord's whole limit; warns: the bot's warning log lines)"
    )
    for figures in results:
        print(f"  {figures['servers']} servers at POST_RATE={figures['post_rate']:g}:"
              f" bot warnings: {figures['warning_kinds']}")  # fmt: skip
    print(f"(paced-posting run {time.perf_counter() - started:.1f} s)")
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--servers", type=int, default=10000)
    parser.add_argument("--rate", type=float, help="also run at this POST_RATE (e.g. 40)")
    parser.add_argument("--unpaced", type=int, default=1000, help="servers unpaced (0: skip)")
    args = parser.parse_args()
    asyncio.run(main(args.servers, args.rate, args.unpaced))
