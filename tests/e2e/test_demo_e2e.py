"""``python -m bot demo`` plays the canonical story and exits 0, on a
temporary SQLite file or, with DATABASE_URL, a throwaway PostgreSQL database."""

from __future__ import annotations

import asyncio
import os
import sys

import pytest

from loopback.demo import STORY, play


@pytest.fixture
def demo_env(backend: str, request: pytest.FixtureRequest) -> dict[str, str]:
    """The environment the demo runs in: no DATABASE_URL (a temporary SQLite
    file), or the test server's (a throwaway database created and dropped)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_")}
    if backend == "postgresql":
        env["DATABASE_URL"] = request.getfixturevalue("postgres_admin_url")
    return env


STORED_IN = {"sqlite": "stored in SQLite", "postgresql": "stored in PostgreSQL"}


async def test_demo_plays_every_available_step_with_the_seed_numbers(
    backend: str, demo_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    if "DATABASE_URL" in demo_env:
        monkeypatch.setenv("DATABASE_URL", demo_env["DATABASE_URL"])
    lines: list[str] = []
    problems = await play(lines.append)
    text = "\n".join(lines)
    assert problems == 0, text
    assert STORED_IN[backend] in text
    assert "37.47 for 300 m = 49.96 per 400 m" in text
    assert "splits 1:00.06, 1:58.75, 2:57.44, 3:56.13" in text
    assert "3:39.16 Riegel" in text
    assert "Ana logged splits for Mon 5 Jun: 29.78, 29.98, 31.31, 31.20, 37.47" in text
    assert "  5  300 m    37.47    49.96" in text
    assert "Ben logged splits for Mon 5 Jun" in text  # by the button's form
    assert "(skipped" not in text
    steps = [line for line in lines if line.startswith("── ")]
    assert len(steps) == len(STORY)


async def test_make_demo_entry_point_exits_zero(backend: str, demo_env: dict[str, str]) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "demo",
        env=demo_env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, stderr.decode()
    assert "49.96 per 400 m" in stdout.decode()
    assert STORED_IN[backend] in stdout.decode()
    assert "PyNaCl" not in stderr.decode()
