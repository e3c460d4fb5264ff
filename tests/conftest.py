"""Fixtures shared by the unit tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio

from bot.app import EXTENSIONS, Trackside
from bot.settings import Settings
from db import open_database

# Shaped like a bot token; never sent anywhere.
TEST_TOKEN = "MTAxMjM0NTY3ODkwMTIzNDU2Nzg.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789AB"


@pytest_asyncio.fixture
async def loaded_bot(tmp_path: Path) -> AsyncIterator[Trackside]:
    """The real bot with every extension loaded, initialised but not logged in."""
    database = await open_database(tmp_path / "t.db")
    await database.migrate()
    bot = Trackside(settings=Settings(_env_file=None, discord_token=TEST_TOKEN), database=database)
    async with bot:
        for extension in EXTENSIONS:
            await bot.load_extension(extension)
        yield bot
    await database.close()
