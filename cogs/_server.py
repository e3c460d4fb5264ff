"""A server's settings and its local "today": what most server commands start from."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import discord

from bot.domain.dates import local_today
from bot.permissions import require_guild
from db.guild_settings import GuildSettings, GuildSettingsQueries

if TYPE_CHECKING:
    from bot.core import Trackside


async def server_today(bot: Trackside, guild_id: int) -> tuple[GuildSettings, date]:
    """The server's settings and today's date in its timezone."""
    settings = await GuildSettingsQueries(bot.db).get(guild_id)
    return settings, local_today(bot.clock.now(), settings.timezone)


async def server_context(
    bot: Trackside, interaction: discord.Interaction
) -> tuple[int, GuildSettings, date]:
    """(server id, settings, local today) for an interaction; refuses DMs."""
    guild_id = require_guild(interaction)
    settings, today = await server_today(bot, guild_id)
    return guild_id, settings, today
