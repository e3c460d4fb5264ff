"""Start-up time and resident memory of the bot connected to 1, 100 and 1,000
servers. Prints figures, asserts nothing.

The bot runs as ``python -m bot`` (the production entry point, production
client options) in a fresh process with a fresh database, pointed at the
loopback Discord that this process serves; so the child's RSS is the bot's
own, without the fake's. Milestones, measured from the spawn:

* commands synced: the global command sync reached the fake (it happens in
  ``setup_hook``, before the gateway connects);
* gateway ready: the bot has processed READY and every GUILD_CREATE (the
  fake's heartbeat barrier);
* on_ready: the bot logged "connected as" (discord.py waits
  ``guild_ready_timeout``, 2 s by default, after the last GUILD_CREATE).

Run: ``.venv/bin/python bench/startup_bench.py [--sizes 1 100 1000]``
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
import tempfile
import time
from pathlib import Path

from _harness import child_rss_mib

from loopback import FakeDiscord
from loopback.sandbox import INVITE_PERMISSIONS, LOOPBACK_TOKEN, subprocess_environment

ROOT = Path(__file__).resolve().parent.parent


async def one_start(size: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        async with FakeDiscord(token=LOOPBACK_TOKEN) as fake:
            for i in range(size):
                guild = fake.create_guild(f"Club {i:04d}", bot_permissions=INVITE_PERMISSIONS)
                fake.create_channel(guild, "general")
                fake.create_channel(guild, "workouts")
            env = subprocess_environment(fake, Path(folder) / "start.db", LOG_LEVEL="INFO")
            loop = asyncio.get_running_loop()
            started = loop.time()
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", env=env, cwd=ROOT,
                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
            )  # fmt: skip
            on_ready = loop.create_future()

            async def read_log() -> None:
                assert process.stderr is not None
                async for line in process.stderr:
                    if b"connected as" in line and not on_ready.done():
                        on_ready.set_result(loop.time())

            reader = asyncio.create_task(read_log())
            try:
                await fake.wait_for_commands(None, timeout=120)
                synced = loop.time()
                await fake.wait_for_ready(timeout=300)
                ready = loop.time()
                logged = await asyncio.wait_for(on_ready, 60)
                rss, peak = child_rss_mib(process.pid)
            finally:
                if process.returncode is None:
                    process.send_signal(signal.SIGINT)
                await asyncio.wait_for(process.wait(), 30)
                reader.cancel()
    return {
        "servers": size,
        "synced_s": synced - started,
        "ready_s": ready - started,
        "on_ready_s": logged - started,
        "rss_mib": rss,
        "peak_mib": peak,
    }


async def main(sizes: list[int]) -> None:
    started = time.perf_counter()
    print("Start-up: `python -m bot` in a fresh process, fresh database, N loopback servers")
    head = (
        f"{'servers':>7} {'commands synced':>15} {'gateway ready':>13} {'on_ready':>9}"
        f" {'RSS':>8} {'peak RSS':>9}"
    )
    print(head)
    print("-" * len(head))
    for size in sizes:
        f = await one_start(size)
        print(
            f"{size:>7} {f['synced_s']:>13.2f} s {f['ready_s']:>11.2f} s {f['on_ready_s']:>7.2f} s"
            f" {f['rss_mib']:>4.0f} MiB {f['peak_mib']:>5.0f} MiB"
        )
    print(
        "(times from spawning the process; on_ready includes discord.py's default 2 s"
        " guild_ready_timeout after the last GUILD_CREATE; RSS read from /proc at on_ready)"
    )
    print(f"(start-up run {time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 100, 1000])
    args = parser.parse_args()
    asyncio.run(main(args.sizes))
