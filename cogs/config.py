"""``/config``: a server's posting channel, post time, timezone and coach role
(Manage Server only)."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.answers import Answer, Field
from bot.clock import epoch_ms
from bot.core import Trackside
from bot.domain.dates import canonical_timezone, local_today, parse_post_time, timezone_names
from bot.domain.errors import InputError
from bot.options import ShortText
from bot.permissions import require_guild, require_manage_guild
from bot.ui import inline_text, send_answer
from cogs._server import server_today
from cogs._wod_text import long_date
from db.guild_settings import GuildSettings, GuildSettingsQueries
from db.workouts import WorkoutQueries

NEEDED_TO_POST = ("view_channel", "send_messages", "embed_links")


def _settings_answer(settings: GuildSettings, failures: list[str]) -> Answer:
    fields = [
        Field(
            "Workout channel",
            f"<#{settings.channel_id}>"
            if settings.channel_id
            else "not set: the channel where /wod post is used",
        ),
        Field("Post time", settings.post_time, inline=True),
        Field("Timezone", settings.timezone, inline=True),
        Field(
            "Coach role",
            f"<@&{settings.coach_role_id}>"
            if settings.coach_role_id
            else "not set: members with Manage Server",
        ),
    ]
    if failures:
        fields.append(Field("⚠️ Posts that failed", "\n".join(failures)))
    return Answer(
        kind="Settings",
        headline="Trackside settings",
        title="Trackside settings",
        body="",
        fields=tuple(fields),
        file_name="settings.txt",
    )


@app_commands.allowed_installs(guilds=True, users=False)
@app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
@app_commands.default_permissions(manage_guild=True)
class Config(commands.GroupCog, group_name="config", group_description="Trackside settings"):
    def __init__(self, bot: Trackside) -> None:
        self.bot = bot
        self.settings = GuildSettingsQueries(bot.db)
        self.workouts = WorkoutQueries(bot.db)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        require_guild(interaction)
        # Autocomplete only lists time zones; every change is still checked.
        if interaction.type is not discord.InteractionType.autocomplete:
            require_manage_guild(interaction)
        return True

    async def _update(self, interaction: discord.Interaction, **values: object) -> GuildSettings:
        guild_id = require_guild(interaction)
        return await self.settings.update(guild_id, now=epoch_ms(self.bot.clock.now()), **values)

    async def _reply(self, interaction: discord.Interaction, text: str) -> None:
        await interaction.response.send_message(text, ephemeral=True)

    @app_commands.command(
        name="channel",
        description="Where workouts are posted",
        extras={"example": "`/config channel channel:#workouts`"},
    )
    async def channel(self, interaction: discord.Interaction, channel: discord.TextChannel) -> None:
        # A modified client can name any channel; discord.py files it under
        # this server whatever it is, so only the server's own list can tell.
        guild = interaction.guild
        resolved = guild.get_channel(channel.id) if guild is not None else None
        if guild is None or resolved is None:
            raise InputError(
                "That channel isn't in this server; pick one of this server's text channels.",
                "`/config channel channel:#workouts`",
            )
        if guild.me is not None:
            allowed = resolved.permissions_for(guild.me)
            missing = [name for name in NEEDED_TO_POST if not getattr(allowed, name)]
            if missing:
                names = ", ".join(name.replace("_", " ").title() for name in missing)
                raise InputError(
                    f"I can't post in {channel.mention}: I am missing {names} there. "
                    "Grant them to my role in that channel, then try again.",
                    "`/config channel channel:#workouts`",
                )
        await self._update(interaction, channel_id=channel.id)
        await self._reply(interaction, f"Workouts will be posted in {channel.mention}.")

    @app_commands.command(
        name="post-time",
        description="Local time scheduled workouts are posted (HH:MM, 24 h)",
        extras={"example": "`/config post-time time:06:00`"},
    )
    @app_commands.describe(time="HH:MM, 24-hour clock, e.g. 06:00 or 17:30")
    async def post_time(self, interaction: discord.Interaction, time: ShortText) -> None:
        at = parse_post_time(time)
        settings = await self._update(interaction, post_time=f"{at:%H:%M}")
        await self._reply(
            interaction,
            f"Scheduled workouts will be posted at {settings.post_time} ({settings.timezone}).",
        )

    @app_commands.command(
        name="timezone",
        description="The server's timezone (IANA name)",
        extras={"example": "`/config timezone timezone:America/Los_Angeles`"},
    )
    @app_commands.describe(timezone="e.g. America/Los_Angeles, Europe/London, UTC")
    async def timezone(self, interaction: discord.Interaction, timezone: ShortText) -> None:
        name = canonical_timezone(timezone)
        if name is None:
            raise InputError(
                f"I don't know the timezone {inline_text(timezone[:40])}; "
                "pick one of the suggestions (IANA names such as Europe/Berlin).",
                "`/config timezone timezone:Europe/Berlin`",
            )
        settings = await self._update(interaction, timezone=name)
        today = local_today(self.bot.clock.now(), name)
        await self._reply(
            interaction,
            f"Timezone set to {name} (today there is {long_date(today)}); workouts post at "
            f"{settings.post_time} local time.",
        )

    @timezone.autocomplete("timezone")
    async def _timezone_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        needle = current.strip().lower().replace(" ", "_")
        names = timezone_names()
        starts = [n for n in names if n.lower().startswith(needle)]
        contains = [n for n in names if needle in n.lower() and n not in starts]
        return [app_commands.Choice(name=n, value=n) for n in (starts + contains)[:25]]

    @app_commands.command(
        name="coach-role",
        description="Members with this role are coaches",
        extras={"example": "`/config coach-role role:@Coach`"},
    )
    async def coach_role(self, interaction: discord.Interaction, role: discord.Role) -> None:
        if interaction.guild is None or interaction.guild.get_role(role.id) is None:
            raise InputError(
                "That role isn't in this server; pick one of this server's roles.",
                "`/config coach-role role:@Coach`",
            )
        await self._update(interaction, coach_role_id=role.id)
        await self._reply(
            interaction,
            f"Members with {role.mention} can now post and manage workouts "
            "(as can anyone with Manage Server).",
        )

    @app_commands.command(
        name="show", description="The current settings", extras={"example": "`/config show`"}
    )
    async def show(self, interaction: discord.Interaction) -> None:
        guild_id = require_guild(interaction)
        settings, today = await server_today(self.bot, guild_id)
        failures = [
            f"{long_date(w.local_date)}: {w.post_error}"
            for w in await self.workouts.failed(guild_id, since=today)
        ]
        await send_answer(interaction, _settings_answer(settings, failures), ephemeral=True)


async def setup(bot: Trackside) -> None:
    await bot.add_cog(Config(bot))
