"""``/config``: a server's posting channel, post time, timezone, coach role and
training groups (Manage Server only). Each command reads its options, makes
one use-case call (:mod:`cogs.config.settings`, :mod:`cogs.config.groups`)
and sends one reply."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import Trackside
from bot.components import confirm_view
from bot.domain import limits
from bot.options import ShortText
from bot.permissions import actor_of
from bot.replies import send_answer
from cogs.config import groups, settings, views
from cogs.config.seen import ChannelSeen, RoleSeen

GroupName = app_commands.Range[str, 1, limits.GROUP_NAME.max_length]

NEEDED_TO_POST = ("view_channel", "send_messages", "embed_links")


def _seen(interaction: discord.Interaction, channel: discord.abc.Snowflake) -> ChannelSeen:
    """The channel as this server's cache shows it: discord.py files a
    channel under the interaction's server whatever it is, so only the
    server's own list can tell a channel of another server."""
    guild = interaction.guild
    resolved = guild.get_channel(channel.id) if guild is not None else None
    if guild is None or resolved is None:
        return ChannelSeen(channel.id, in_this_server=False)
    missing: tuple[str, ...] = ()
    if guild.me is not None:
        allowed = resolved.permissions_for(guild.me)
        missing = tuple(name for name in NEEDED_TO_POST if not getattr(allowed, name))
    return ChannelSeen(channel.id, in_this_server=True, missing=missing)


def _role_seen(
    interaction: discord.Interaction,
    role: discord.abc.Snowflake,
    channel: discord.abc.Snowflake | None,
) -> RoleSeen:
    """The role as this server's cache shows it (a role of another server is
    filed under this one too; only the server's own list tells), and whether
    a ping of it would notify anyone: it is mentionable, or the bot has
    Mention Everyone in ``channel`` (in the server, without one)."""
    guild = interaction.guild
    resolved = guild.get_role(role.id) if guild is not None else None
    if guild is None or resolved is None:
        return RoleSeen(role.id, in_this_server=False)
    me = guild.me
    where = guild.get_channel(channel.id) if channel is not None else None
    if me is None:
        mentions_everyone = False
    elif where is not None:
        mentions_everyone = where.permissions_for(me).mention_everyone
    else:
        mentions_everyone = me.guild_permissions.mention_everyone
    return RoleSeen(
        role.id,
        in_this_server=True,
        everyone=resolved.is_default(),
        pingable=resolved.mentionable or mentions_everyone,
    )


@app_commands.allowed_installs(guilds=True, users=False)
@app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
@app_commands.default_permissions(manage_guild=True)
class Config(commands.GroupCog, group_name="config", group_description="Trackside settings"):
    training_groups = app_commands.Group(
        name="group", description="Training groups: event groups with workouts of their own"
    )

    def __init__(self, bot: Trackside) -> None:
        self.bot = bot
        views.register(bot)

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
        guild = interaction.guild
        shown = await settings.overview(
            self.bot.db,
            actor_of(interaction),
            now=self.bot.clock.now(),
            served_by=self.bot.serving(interaction.guild_id),
            existing_roles=None if guild is None else {role.id for role in guild.roles},
        )
        await send_answer(interaction, shown, ephemeral=True)

    @training_groups.command(
        name="add",
        description="Add a training group (Sprints, Distance…) with its own workouts",
        extras={"example": "`/config group add name:Sprints role:@Sprinters ping:True`"},
    )
    @app_commands.describe(
        name="1-32 characters, e.g. Sprints",
        role="Members with this role belong to the group",
        channel="Where its workouts post (default: the workout channel)",
        ping="Mention the role when its workout posts (default: no)",
    )
    async def group_add(
        self,
        interaction: discord.Interaction,
        name: GroupName,
        role: discord.Role | None = None,
        channel: discord.TextChannel | None = None,
        ping: bool = False,
    ) -> None:
        text = await groups.add_group(
            self.bot.db,
            actor_of(interaction),
            name,
            role=None if role is None else _role_seen(interaction, role, channel),
            channel=None if channel is None else _seen(interaction, channel),
            ping=ping,
            now=self.bot.clock.now(),
        )
        await send_answer(interaction, text, ephemeral=True)

    @training_groups.command(
        name="remove",
        description="Remove a training group (after a confirm; its past workouts stay)",
        extras={"example": "`/config group remove name:Sprints`"},
    )
    @app_commands.describe(name="The group to remove")
    async def group_remove(self, interaction: discord.Interaction, name: GroupName) -> None:
        actor = actor_of(interaction)
        removal = await groups.to_remove(self.bot.db, actor, name, now=self.bot.clock.now())
        confirm = confirm_view(
            self.bot,
            views.REMOVE_ACTION,
            owner_id=actor.user_id,
            target_id=removal.group.id,
            yes_label="Remove",
        )
        await interaction.response.send_message(
            groups.removal_prompt(removal),
            view=confirm,
            ephemeral=True,
            allowed_mentions=discord.AllowedMentions.none(),
        )

    @group_remove.autocomplete("name")
    async def _group_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        names = await groups.group_choices(self.bot.db, actor_of(interaction).server(), current)
        return [app_commands.Choice(name=name, value=name) for name in names]
