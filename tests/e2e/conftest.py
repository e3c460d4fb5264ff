"""Shared world for end-to-end tests: the loopback Discord with a track club,
and the real Trackside bot connected to it (one per test module)."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
import pytest_asyncio

from bot.app import Trackside
from bot.clock import ManualClock
from loopback import (
    MANAGE_GUILD,
    Channel,
    FakeDiscord,
    Guild,
    Member,
    Role,
)
from loopback.sandbox import INVITE_PERMISSIONS, LOOPBACK_TOKEN, running_bot

# The club's clock starts at noon UTC on a Saturday and moves only when a test sets it.
CLUB_START = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


@dataclass
class Club:
    """A server as a coach would set it up, with the bot invited."""

    fake: FakeDiscord
    bot: Trackside
    guild: Guild
    general: Channel
    workouts: Channel
    coach_role: Role
    coach: Member  # has Manage Server
    assistant: Member  # has only the coach role
    ana: Member
    ben: Member
    database_path: Path
    clock: ManualClock


def build_world(fake: FakeDiscord) -> dict[str, object]:
    guild = fake.create_guild("Track Club", bot_permissions=INVITE_PERMISSIONS)
    general = fake.create_channel(guild, "general")
    workouts = fake.create_channel(guild, "workouts")
    coach_role = fake.create_role(guild, "Coach")
    coach = fake.create_member(guild, "Coach Rivera", permissions=MANAGE_GUILD)
    assistant = fake.create_member(guild, "Assistant Kim", roles=[coach_role])
    ana = fake.create_member(guild, "Ana")
    ben = fake.create_member(guild, "Ben")
    return {
        "guild": guild,
        "general": general,
        "workouts": workouts,
        "coach_role": coach_role,
        "coach": coach,
        "assistant": assistant,
        "ana": ana,
        "ben": ben,
    }


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def club(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Club]:
    database_path = tmp_path_factory.mktemp("club") / "trackside.db"
    async with FakeDiscord(token=LOOPBACK_TOKEN) as fake:
        world = build_world(fake)
        guild = world["guild"]
        clock = ManualClock(CLUB_START)
        async with running_bot(
            fake,
            database_path,
            dev_guild_id=guild.id,  # type: ignore[attr-defined]
            clock=clock,
        ) as bot:
            await fake.wait_for_commands(guild)  # type: ignore[arg-type]
            yield Club(
                fake=fake,
                bot=bot,
                database_path=database_path,
                clock=clock,
                **world,  # type: ignore[arg-type]
            )


@pytest.fixture
def clean_fake(club: Club):
    """Fail the test if the bot hit an unknown route or broke a Discord rule."""
    club.fake.take_violations()
    yield club.fake
    club.fake.assert_clean()


def database_digest(path: Path | str) -> str:
    """A hash of every row of every table: "nothing stored" means it is unchanged.

    Blocking sqlite3: call it between interactions or from a worker thread, never
    while the bot is mid-answer on the event loop (a reader SQLite makes wait
    would stall the bot past Discord's 3 seconds)."""
    connection = sqlite3.connect(path)
    try:
        digest = hashlib.sha256()
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        for table in tables:
            digest.update(table.encode())
            for row in connection.execute(f"SELECT * FROM {table} ORDER BY rowid"):
                digest.update(repr(row).encode("utf-8", "surrogatepass"))
        return digest.hexdigest()
    finally:
        connection.close()
