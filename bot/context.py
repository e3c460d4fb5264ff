"""A server's settings and its local "today": what most use cases start from."""

from __future__ import annotations

from datetime import date, datetime

from bot.domain.dates import local_today
from db.base import Database, Executor
from db.guild_settings import GuildSettings, GuildSettingsQueries


async def server_today(
    db: Database, guild_id: int, now: datetime, *, tx: Executor | None = None
) -> tuple[GuildSettings, date]:
    """The server's settings and today's date in its timezone (``tx``: read
    inside a caller's unit of work)."""
    settings = await GuildSettingsQueries(db).get(guild_id, tx=tx)
    return settings, local_today(now, settings.timezone)
