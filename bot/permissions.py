"""Who is acting, and what they may do.

Real checks, made by the bot when the action happens: ``default_permissions``
only hides commands in Discord's UI, a DM interaction still reaches the
callback, and a button clicked later is a new interaction with the member's
permissions as they are then. An :class:`Actor` is read from each interaction
(its member carries its roles and resolved permissions: no privileged
intent), so the use cases decide without any Discord object.
"""

from __future__ import annotations

from dataclasses import dataclass

import discord
from discord import app_commands

from bot.errors import NotAllowed
from db.guild_settings import GuildSettings


@dataclass(frozen=True)
class Actor:
    """The person behind one interaction, as the use cases need them."""

    user_id: int
    name: str  # display name, as typed by them: user text
    guild_id: int | None  # None in a DM
    manage_guild: bool  # Manage Server, as Discord resolved it for this channel, now
    role_ids: frozenset[int] = frozenset()

    def server(self) -> int:
        """The server id, or a "works in a server" refusal from a DM."""
        if self.guild_id is None:
            raise app_commands.NoPrivateMessage()
        return self.guild_id

    def is_coach(self, settings: GuildSettings) -> bool:
        """Manage Server or the server's configured coach role."""
        if self.manage_guild:
            return True
        return settings.coach_role_id is not None and settings.coach_role_id in self.role_ids

    def require_coach(self, settings: GuildSettings, action: str) -> None:
        if not self.is_coach(settings):
            role = f" or the <@&{settings.coach_role_id}> role" if settings.coach_role_id else ""
            raise NotAllowed(f"Only coaches can {action}: that takes Manage Server{role}.")

    def require_manage_guild(self) -> None:
        if not self.manage_guild:
            raise NotAllowed("Only members with Manage Server can change Trackside's settings.")


def actor_of(interaction: discord.Interaction) -> Actor:
    user = interaction.user
    roles = (
        frozenset(role.id for role in user.roles)
        if isinstance(user, discord.Member)
        else frozenset()
    )
    return Actor(
        user_id=user.id,
        name=user.display_name,
        guild_id=interaction.guild_id,
        manage_guild=interaction.guild_id is not None and interaction.permissions.manage_guild,
        role_ids=roles,
    )
