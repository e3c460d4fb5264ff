"""Who may do what. Real checks run by the bot on every interaction:
``default_permissions`` only hides commands in Discord's UI, and a DM
interaction still reaches the callback."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.errors import NotAllowed
from db.guild_settings import GuildSettings


def require_guild(interaction: discord.Interaction) -> int:
    """The server id, or a "works in a server" refusal from a DM."""
    if interaction.guild_id is None:
        raise app_commands.NoPrivateMessage()
    return interaction.guild_id


def is_coach(interaction: discord.Interaction, settings: GuildSettings) -> bool:
    """Manage Server (as Discord resolved it for this channel) or the
    configured coach role."""
    if interaction.permissions.manage_guild:
        return True
    user = interaction.user
    if settings.coach_role_id is None or not isinstance(user, discord.Member):
        return False
    return any(role.id == settings.coach_role_id for role in user.roles)


def require_coach(interaction: discord.Interaction, settings: GuildSettings, action: str) -> None:
    if not is_coach(interaction, settings):
        role = f" or the <@&{settings.coach_role_id}> role" if settings.coach_role_id else ""
        raise NotAllowed(f"Only coaches can {action}: that takes Manage Server{role}.")


def require_manage_guild(interaction: discord.Interaction) -> None:
    if not interaction.permissions.manage_guild:
        raise NotAllowed("Only members with Manage Server can change Trackside's settings.")
