"""``/profile set|show|delete``: private, per person across servers and DMs.

Each command reads its options, makes one use-case call
(:mod:`cogs.profile.profiles`) and sends one private reply.
"""

from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import Trackside
from bot.options import ShortText
from bot.permissions import actor_of
from bot.replies import send_answer
from cogs.profile.profiles import (
    OLDEST,
    YOUNGEST,
    ProfileInput,
    delete_profile,
    set_profile,
    show_profile,
)
from cogs.profile.rendering import NO_PROFILE, profile_answer

TIME_HELP = "e.g. 20:00, 39:30, 1:29:45"
DISTANCE_HELP = "e.g. 5k, 10k, mile, 3000, half, marathon"
# The widest birth-year range any year of the bot's life allows; the use case
# checks the exact one for today (ages 5 to 110).
FIRST_BIRTH_YEAR, LAST_BIRTH_YEAR = 1900, 2100


@app_commands.allowed_installs(guilds=True, users=False)
@app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
class ProfileCog(
    commands.GroupCog,
    group_name="profile",
    group_description="Your reference race, birth year, sex and units (private)",
):
    def __init__(self, bot: Trackside) -> None:
        self.bot = bot

    @app_commands.command(
        name="set",
        description="Set your reference race, birth year, sex or units (only what you give)",
        extras={"example": "`/profile set race_time:20:00 race_distance:5k race_date:2026-11-14`"},
    )
    @app_commands.describe(
        race_time=f"A recent race or time trial: its time ({TIME_HELP})",
        race_distance=f"Its distance ({DISTANCE_HELP})",
        race_date="The day you ran it (default today): 2026-11-14, yesterday, last saturday",
        birth_year=f"For /pace agegrade (ages {YOUNGEST} to {OLDEST})",
        sex="For /pace agegrade's tables",
        units="Pace answers lead with per km (metric) or per mile (imperial)",
    )
    async def set_command(
        self,
        interaction: discord.Interaction,
        race_time: ShortText | None = None,
        race_distance: ShortText | None = None,
        race_date: ShortText | None = None,
        birth_year: app_commands.Range[int, FIRST_BIRTH_YEAR, LAST_BIRTH_YEAR] | None = None,
        sex: Literal["male", "female"] | None = None,
        units: Literal["metric", "imperial"] | None = None,
    ) -> None:
        shown = await set_profile(
            self.bot.db,
            actor_of(interaction),
            ProfileInput(race_time, race_distance, race_date, birth_year, sex, units),
            now=self.bot.clock.now(),
        )
        await send_answer(interaction, profile_answer(shown, saved=True), ephemeral=True)

    @app_commands.command(
        name="show",
        description="Your profile (only you see it)",
        extras={"example": "`/profile show`"},
    )
    async def show_command(self, interaction: discord.Interaction) -> None:
        shown = await show_profile(self.bot.db, actor_of(interaction), now=self.bot.clock.now())
        await send_answer(
            interaction, NO_PROFILE if shown is None else profile_answer(shown), ephemeral=True
        )

    @app_commands.command(
        name="delete",
        description="Delete your whole profile at once",
        extras={"example": "`/profile delete`"},
    )
    async def delete_command(self, interaction: discord.Interaction) -> None:
        deleted = await delete_profile(self.bot.db, actor_of(interaction))
        await send_answer(
            interaction,
            "Deleted your profile: reference performance, birth year, sex and units are gone."
            if deleted
            else "You have no profile, so there was nothing to delete.",
            ephemeral=True,
        )
