"""``python -m bot demo`` plays the canonical story and exits 0."""

from __future__ import annotations

import asyncio
import sys

from loopback.demo import STORY, play


async def test_demo_plays_every_available_step_with_the_seed_numbers() -> None:
    lines: list[str] = []
    problems = await play(lines.append)
    text = "\n".join(lines)
    assert problems == 0, text
    assert "37.47 for 300 m = 49.96 per 400 m" in text
    assert "splits 1:00.06, 1:58.75, 2:57.44, 3:56.13" in text
    assert "3:39.16 Riegel" in text
    assert "Ana logged splits for Mon 5 Jun: 29.78, 29.98, 31.31, 31.20, 37.47" in text
    assert "  5  300 m    37.47    49.96" in text
    assert "Ben logged splits for Mon 5 Jun" in text  # by the button's form
    assert "(skipped" not in text
    steps = [line for line in lines if line.startswith("── ")]
    assert len(steps) == len(STORY)


async def test_make_demo_entry_point_exits_zero() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "demo",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, stderr.decode()
    assert "49.96 per 400 m" in stdout.decode()
    assert "PyNaCl" not in stderr.decode()
