"""A posting minute under Discord's global limit: hundreds of servers whose
workouts are due at the same minute (06:00 UTC, in five timezones), on a
loopback Discord that models the limit (50 bot requests in any second, then a
global 429). At its default pace the scheduler posts every workout exactly
once and Discord never answers 429; unpaced, the same minute runs into 429s.

Pacing is the same whatever the storage, so these run on SQLite only.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from bot.clock import ManualClock
from bot.domain.workout import parse_workout
from db import open_database
from db.guild_settings import GuildSettingsQueries
from db.workouts import NewWorkout, WorkoutQueries
from loopback import Channel, FakeDiscord
from loopback.sandbox import INVITE_PERMISSIONS, LOOPBACK_TOKEN, Database, running_bot
from tests.e2e.conftest import read_rows

pytestmark = pytest.mark.sqlite

DISCORD_GLOBAL_LIMIT = 50
DUE = datetime(2026, 11, 28, 6, 0, tzinfo=UTC)
# (timezone, local post time) pairs that are all 06:00 UTC on 28 November 2026.
ZONES = [
    ("UTC", "06:00"),
    ("Europe/Berlin", "07:00"),
    ("America/New_York", "01:00"),
    ("Asia/Tokyo", "15:00"),
    ("Asia/Kolkata", "11:30"),
]
WORKOUT = "4 x 250m sprint + 1 x 300m"


async def _due_servers(fake: FakeDiscord, database: Database, count: int) -> list[Channel]:
    """``count`` servers, each with #workouts as its post channel and a
    workout for 28 November due at 06:00 UTC; stored with the bot's own query
    classes before it starts (as if their coaches had used /config and /wod post)."""
    plan = parse_workout(WORKOUT)
    db = await open_database(database)
    channels = []
    try:
        await db.migrate()
        settings, workouts = GuildSettingsQueries(db), WorkoutQueries(db)
        for n in range(count):
            guild = fake.create_guild(f"Club {n:04d}", bot_permissions=INVITE_PERMISSIONS)
            channel = fake.create_channel(guild, "workouts")
            channels.append(channel)
            zone, at = ZONES[n % len(ZONES)]
            await settings.update(
                guild.id, now=0, channel_id=channel.id, timezone=zone, post_time=at
            )
            await workouts.save(
                NewWorkout(
                    guild_id=guild.id,
                    local_date=DUE.date(),
                    title=None,
                    text=WORKOUT,
                    plan=plan,
                    recovery=None,
                    notes=None,
                    author_id=guild.owner_id,
                    origin_channel_id=channel.id,
                ),
                now=0,
            )
    finally:
        await db.close()
    return channels


async def _posting_minute(
    fake: FakeDiscord, database: Database, count: int, **settings: object
) -> list[int]:
    """Start the bot at 06:00 UTC; its scheduler's first tick posts the
    minute. Returns how many posts each server's channel holds."""
    channels = await _due_servers(fake, database, count)
    clock = ManualClock(DUE)
    async with running_bot(fake, database, clock=clock, ready_timeout=60, **settings) as bot:
        wod = bot.get_cog("Wod")
        # The first tick starts once the bot is ready and posts all of them.
        await asyncio.wait_for(wod.ticked.wait(), 120)
        assert bot.user is not None
        posts = [
            sum(1 for m in fake.messages(channel) if m.author_id == bot.user.id and m.embeds)
            for channel in channels
        ]
    rows = await read_rows(
        database, "SELECT COUNT(*) AS n FROM workouts WHERE message_id IS NOT NULL"
    )
    assert rows[0]["n"] == count  # and each one's message id is stored
    return posts


async def test_three_hundred_servers_due_at_once_are_posted_once_without_a_429(
    new_database: Database,
) -> None:
    async with FakeDiscord(token=LOOPBACK_TOKEN, global_limit=DISCORD_GLOBAL_LIMIT) as fake:
        posts = await _posting_minute(fake, new_database, 300)  # POST_RATE at its default
        assert posts == [1] * 300
        assert fake.rest.rate_limited == []
        # The busiest second the fake saw: posts at the default 45 a second
        # (a burst of one), plus at most start-up's 4 requests: under the limit.
        assert fake.rest.busiest_second < DISCORD_GLOBAL_LIMIT
        fake.assert_clean()


async def test_unpaced_the_same_minute_runs_into_the_global_limit(
    new_database: Database,
) -> None:
    async with FakeDiscord(token=LOOPBACK_TOKEN, global_limit=DISCORD_GLOBAL_LIMIT) as fake:
        posts = await _posting_minute(fake, new_database, 120, post_rate=0)
        # discord.py waited out each 429 and sent again, so every workout is
        # still posted once; but Discord counted every 429 towards a ban.
        assert posts == [1] * 120
        assert len(fake.rest.rate_limited) >= 1
        assert fake.rest.rate_limited[0].startswith("POST /api/v10/channels/")
        assert fake.rest.busiest_second == DISCORD_GLOBAL_LIMIT
        fake.assert_clean()
