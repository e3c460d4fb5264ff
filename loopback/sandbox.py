"""Run the real Trackside bot against the loopback Discord.

Used by ``python -m bot demo`` and by the end-to-end tests, so both exercise
exactly what ``python -m bot`` runs: the same factory, settings, migrations,
cogs and error handler, pointed at the fake only through
``DISCORD_API_URL`` / ``DISCORD_GATEWAY_URL``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Mapping
from pathlib import Path

from bot.app import Trackside, build_bot
from bot.clock import Clock
from bot.settings import Settings
from db import is_postgresql, open_database
from loopback import (
    ATTACH_FILES,
    EMBED_LINKS,
    READ_MESSAGE_HISTORY,
    SEND_MESSAGES,
    VIEW_CHANNEL,
    FakeDiscord,
)

# What the README's invite link grants the bot (permissions integer 117760).
INVITE_PERMISSIONS = (
    VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | ATTACH_FILES | READ_MESSAGE_HISTORY
)

# Shaped like a real bot token (the settings validate the shape); only the
# loopback Discord accepts it.
LOOPBACK_TOKEN = "MTAxMDAwMDAwMDAwMDAwMDAx.GLoopb.loopback-token-not-a-real-secret-0000"


Database = Path | str  # a SQLite file, or a postgresql:// URL


def identify_interval(fake: FakeDiscord) -> float:
    """The bot's IDENTIFY pacing on ``fake``: none unless the fake enforces
    Discord's (a restart would otherwise wait out the 5 s of the previous start)."""
    return fake.identify_interval if fake.enforce_identify_concurrency else 0.0


def post_rate(fake: FakeDiscord) -> float | None:
    """The bot's ``POST_RATE`` on ``fake``: its default (None: not set) when
    the fake models Discord's global limit, else 0 (no pacing: the fake takes
    any rate, and tests of thousands of servers stay quick)."""
    return None if fake.global_limit is not None else 0.0


def loopback_env(fake: FakeDiscord, database: Database, **extra: str) -> dict[str, str]:
    """Environment variables that point ``python -m bot`` at ``fake``."""
    env = {
        "DISCORD_TOKEN": fake.token,
        "DISCORD_API_URL": fake.api_url,
        "DISCORD_GATEWAY_URL": fake.gateway_url,
        "IDENTIFY_INTERVAL": str(identify_interval(fake)),
    }
    if (rate := post_rate(fake)) is not None:
        env["POST_RATE"] = str(rate)
    if is_postgresql(database):
        env["DATABASE_URL"] = str(database)
    else:
        env["DATABASE_PATH"] = str(database)
    env.update(extra)
    return env


def loopback_settings(
    fake: FakeDiscord, database: Database, *, dev_guild_id: int | None = None, **extra: object
) -> Settings:
    # Explicit either way: a DATABASE_URL in the environment must not
    # redirect a test or the demo to another database.
    where: dict[str, object] = (
        {"database_url": str(database)}
        if is_postgresql(database)
        else {"database_path": database, "database_url": None}
    )
    values: Mapping[str, object] = {
        "discord_token": fake.token,
        **where,
        "discord_api_url": fake.api_url,
        "discord_gateway_url": fake.gateway_url,
        "dev_guild_id": dev_guild_id,
        "identify_interval": identify_interval(fake),
        **({} if (rate := post_rate(fake)) is None else {"post_rate": rate}),
        **extra,
    }
    # _env_file=None: a developer's own .env must not leak into tests or the demo.
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@contextlib.asynccontextmanager
async def running_bot(
    fake: FakeDiscord,
    database_at: Database,
    *,
    dev_guild_id: int | None = None,
    clock: Clock | None = None,
    ready_timeout: float = 15.0,
    **settings_values: object,
) -> AsyncIterator[Trackside]:
    """Start Trackside on ``fake`` and yield it once it is connected and ready.
    ``settings_values`` are more settings (``shard_count=2, shard_ids=[1]``:
    one process of several, each with a database handle of its own)."""
    settings = loopback_settings(fake, database_at, dev_guild_id=dev_guild_id, **settings_values)
    database = await open_database(settings.database, pool_size=settings.database_pool_size)
    # on_ready fires guild_ready_timeout after the last GUILD_CREATE: 2 s by
    # default, pointless on a loopback Discord that sends them all at once.
    bot = build_bot(settings, database, clock, guild_ready_timeout=0.05)
    runner = asyncio.create_task(bot.start(settings.token), name="trackside")
    try:
        # The bot's own on_ready, not the fake's: after a restart the fake
        # still remembers the previous session until the new one identifies.
        ready = asyncio.create_task(asyncio.wait_for(bot.wait_until_ready(), ready_timeout))
        done, _ = await asyncio.wait({runner, ready}, return_when=asyncio.FIRST_COMPLETED)
        if runner in done:
            ready.cancel()
            runner.result()  # re-raise why the bot stopped
            raise RuntimeError("the bot stopped before it was ready")
        ready.result()
        yield bot
    finally:
        await bot.close()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await asyncio.wait_for(runner, 10)
        await database.close()


def subprocess_environment(fake: FakeDiscord, database: Database, **extra: str) -> dict[str, str]:
    """The current environment plus the loopback settings, for a child process."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DISCORD_", "DEV_GUILD", "DATABASE_", "POST_RATE"))
    }
    env.update(loopback_env(fake, database, **extra))
    return env
