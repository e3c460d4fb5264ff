"""``/config``: a server's posting channel, post time, timezone and coach role
(Manage Server only). Each command reads its options, makes one use-case call
(:mod:`cogs.config.settings`) and sends one reply."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import Trackside
from bot.options import ShortText
from bot.permissions import actor_of
from bot.replies import send_answer
from cogs.config import settings

NEEDED_TO_POST = ("view_channel", "send_messages", "embed_links")


def _seen(interaction: discord.Interaction, channel: discord.abc.Snowflake) -> settings.ChannelSeen:
    """The channel as this server's cache shows it: discord.py files a
    channel under the interaction's server whatever it is, so only the
    server's own list can tell a channel of another server."""
    guild = interaction.guild
    resolved = guild.get_channel(channel.id) if guild is not None else None
    if guild is None or resolved is None:
        return settings.ChannelSeen(channel.id, in_this_server=False)
    missing: tuple[str, ...] = ()
    if guild.me is not None:
        allowed = resolved.permissions_for(guild.me)
        missing = tuple(name for name in NEEDED_TO_POST if not getattr(allowed, name))
    return settings.ChannelSeen(channel.id, in_this_server=True, missing=missing)


@app_commands.allowed_installs(guilds=True, users=False)
@app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
@app_commands.default_permissions(manage_guild=True)
class Config(commands.GroupCog, group_name="config", group_description="Trackside settings"):
    def __init__(self, bot: Trackside) -> None:
        self.bot = bot

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        actor = actor_of(interaction)
        actor.server()  # "works in a server" from a DM
        # Autocomplete only lists time zones; every change is still checked.
        if interaction.type is not discord.InteractionType.autocomplete:
            actor.require_manage_guild()
        return True

    @app_commands.command(
        name="channel",
        description="Where workouts are posted",
        extras={"example": "`/config channel channel:#workouts`"},
    )
    async def channel(self, interaction: discord.Interaction, channel: discord.TextChannel) -> None:
        text = await settings.set_channel(
            self.bot.db,
            actor_of(interaction),
            _seen(interaction, channel),
            now=self.bot.clock.now(),
        )
        await send_answer(interaction, text, ephemeral=True)

    @app_commands.command(
        name="post-time",
        description="Local time scheduled workouts are posted (HH:MM, 24 h)",
        extras={"example": "`/config post-time time:06:00`"},
    )
    @app_commands.describe(time="HH:MM, 24-hour clock, e.g. 06:00 or 17:30")
    async def post_time(self, interaction: discord.Interaction, time: ShortText) -> None:
        text = await settings.set_post_time(
            self.bot.db, actor_of(interaction), time, now=self.bot.clock.now()
        )
        await send_answer(interaction, text, ephemeral=True)

    @app_commands.command(
        name="timezone",
        description="The server's timezone (IANA name)",
        extras={"example": "`/config timezone timezone:America/Los_Angeles`"},
    )
    @app_commands.describe(timezone="e.g. America/Los_Angeles, Europe/London, UTC")
    async def timezone(self, interaction: discord.Interaction, timezone: ShortText) -> None:
        text = await settings.set_timezone(
            self.bot.db, actor_of(interaction), timezone, now=self.bot.clock.now()
        )
        await send_answer(interaction, text, ephemeral=True)

    @timezone.autocomplete("timezone")
    async def _timezone_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [
            app_commands.Choice(name=name, value=name)
            for name in settings.timezone_choices(current)
        ]

    @app_commands.command(
        name="coach-role",
        description="Members with this role are coaches",
        extras={"example": "`/config coach-role role:@Coach`"},
    )
    async def coach_role(self, interaction: discord.Interaction, role: discord.Role) -> None:
        here = interaction.guild is not None and interaction.guild.get_role(role.id) is not None
        text = await settings.set_coach_role(
            self.bot.db,
            actor_of(interaction),
            role.id,
            in_this_server=here,
            now=self.bot.clock.now(),
        )
        await send_answer(interaction, text, ephemeral=True)

    @app_commands.command(
        name="show", description="The current settings", extras={"example": "`/config show`"}
    )
    async def show(self, interaction: discord.Interaction) -> None:
        shown = await settings.overview(
            self.bot.db,
            actor_of(interaction),
            now=self.bot.clock.now(),
            served_by=self.bot.serving(interaction.guild_id),
        )
        await send_answer(interaction, shown, ephemeral=True)
