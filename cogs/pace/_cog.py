"""``/pace``: conversions, even splits, predictions, VDOT, points, age grades and history.

Each command reads its options, makes one use-case call (compute with
:mod:`cogs.pace.answers`, store in the history, :mod:`cogs.pace.history`) and
sends one reply. Works in servers and in DMs with the bot.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import Trackside
from bot.domain import scoring
from bot.options import ShortText
from bot.permissions import actor_of
from bot.replies import Answer, send_answer
from cogs.pace import answers
from cogs.pace.history import answered, answered_for, history, inputs_text
from db.profiles import Profile

log = logging.getLogger(__name__)

TIME_HELP = "e.g. 37.47, 1:02.3, 3:56.13, 1:02:03, 2h05m30s"
DISTANCE_HELP = "e.g. 300m, 1500, 1.5k, 5k, mile, 2 miles, half, marathon"


@app_commands.allowed_installs(guilds=True, users=False)
@app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
class Pace(commands.GroupCog, group_name="pace", group_description="Pace maths for runners"):
    def __init__(self, bot: Trackside) -> None:
        self.bot = bot

    async def _reply(
        self,
        interaction: discord.Interaction,
        command: str,
        inputs: str,
        build: Callable[[], Answer],
    ) -> None:
        # Stored first: the reply only goes out once the answer is committed.
        answer = await answered(
            self.bot.db, actor_of(interaction), command, inputs, build, now=self.bot.clock.now()
        )
        await send_answer(interaction, answer)

    async def _reply_for(
        self,
        interaction: discord.Interaction,
        command: str,
        inputs: str,
        build: Callable[[Profile | None], Answer],
    ) -> None:
        # An answer that depends on the asker's profile (units, age grading).
        answer = await answered_for(
            self.bot.db, actor_of(interaction), command, inputs, build, now=self.bot.clock.now()
        )
        await send_answer(interaction, answer)

    @app_commands.command(
        name="convert",
        description="The same pace per 400 m, km and mile, and the speed",
        extras={"example": "`/pace convert time:37.47 distance:300m`"},
    )
    @app_commands.describe(time=f"Your time ({TIME_HELP})", distance=f"Distance ({DISTANCE_HELP})")
    async def convert(
        self, interaction: discord.Interaction, time: ShortText, distance: ShortText
    ) -> None:
        await self._reply_for(
            interaction,
            "pace convert",
            inputs_text(time=time, distance=distance),
            lambda profile: answers.pace_convert(time, distance, units=profile and profile.units),
        )

    @app_commands.command(
        name="laps",
        description="Even-pace lap splits with cumulative times, as read on a track",
        extras={"example": "`/pace laps time:3:56.13 distance:mile`"},
    )
    @app_commands.describe(
        time=f"Target time ({TIME_HELP})",
        distance=f"Race distance ({DISTANCE_HELP})",
        lap="Lap length (default 400m)",
    )
    async def laps(
        self,
        interaction: discord.Interaction,
        time: ShortText,
        distance: ShortText,
        lap: ShortText | None = None,
    ) -> None:
        await self._reply(
            interaction,
            "pace laps",
            inputs_text(time=time, distance=distance, lap=lap),
            lambda: answers.pace_laps(time, distance, lap),
        )

    @app_commands.command(
        name="predict",
        description="Equivalent performances by Riegel, Cameron and VDOT side by side",
        extras={"example": "`/pace predict time:3:56.13 distance:mile target:1500m`"},
    )
    @app_commands.describe(
        time=f"Your time ({TIME_HELP})",
        distance=f"Distance run ({DISTANCE_HELP})",
        target="Only this distance (default: 400 m to the marathon)",
        sex="For World Athletics points below 1500 m (default male)",
    )
    async def predict(
        self,
        interaction: discord.Interaction,
        time: ShortText,
        distance: ShortText,
        target: ShortText | None = None,
        sex: Literal["male", "female"] = "male",
    ) -> None:
        await self._reply(
            interaction,
            "pace predict",
            inputs_text(time=time, distance=distance, target=target, sex=sex),
            lambda: answers.pace_predict(time, distance, target, sex),
        )

    @app_commands.command(
        name="vdot",
        description="VDOT (Daniels & Gilbert) and training paces E/M/T/I/R",
        extras={"example": "`/pace vdot time:20:00 distance:5k`"},
    )
    @app_commands.describe(time=f"Race time ({TIME_HELP})", distance=f"Race ({DISTANCE_HELP})")
    async def vdot(
        self, interaction: discord.Interaction, time: ShortText, distance: ShortText
    ) -> None:
        await self._reply_for(
            interaction,
            "pace vdot",
            inputs_text(time=time, distance=distance),
            lambda profile: answers.pace_vdot(time, distance, units=profile and profile.units),
        )

    @app_commands.command(
        name="score",
        description="World Athletics points, and the times worth the same at nearby events",
        extras={"example": "`/pace score time:49.96 event:400m`"},
    )
    @app_commands.describe(
        time=f"Your time ({TIME_HELP}); to tenths at 400 m or less counts as hand-timed",
        event="The event (pick one, or type 400m, mile, 10k, half…)",
        sex="Which tables: male (default) or female",
        indoor="Score on the indoor tables (default: outdoor)",
    )
    async def score(
        self,
        interaction: discord.Interaction,
        time: ShortText,
        event: ShortText,
        sex: Literal["male", "female"] = "male",
        indoor: bool = False,
    ) -> None:
        await self._reply(
            interaction,
            "pace score",
            inputs_text(time=time, event=event, sex=sex, indoor="yes" if indoor else None),
            lambda: answers.pace_score(time, event, sex, indoor),
        )

    @score.autocomplete("event")
    async def _event_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [
            app_commands.Choice(name=scoring.choice_label(e), value=e.typed)
            for e in scoring.event_choices(current)
        ]

    @app_commands.command(
        name="agegrade",
        description="WMA 2023 age grading: percentage, class and age-graded time",
        extras={"example": "`/pace agegrade time:18:00 distance:5k age:50 sex:female`"},
    )
    @app_commands.describe(
        time=f"Your time ({TIME_HELP})",
        distance=f"Race ({DISTANCE_HELP})",
        age="Your age on race day (default: from your /profile birth year)",
        sex="Which tables: male or female (default: your /profile's)",
        venue="road or track (default: road for 5k, miles, half, marathon; track for metres, mile)",
    )
    async def agegrade(
        self,
        interaction: discord.Interaction,
        time: ShortText,
        distance: ShortText,
        age: app_commands.Range[int, 5, 110] | None = None,
        sex: Literal["male", "female"] | None = None,
        venue: Literal["road", "track"] | None = None,
    ) -> None:
        year = self.bot.clock.now().year
        await self._reply_for(
            interaction,
            "pace agegrade",
            inputs_text(
                time=time,
                distance=distance,
                age=None if age is None else str(age),
                sex=sex,
                venue=venue,
            ),
            lambda profile: answers.pace_agegrade(
                time, distance, *answers.agegrade_defaults(age, sex, profile, year), venue
            ),
        )

    @app_commands.command(
        name="history",
        description="Your last 10 pace answers",
        extras={"example": "`/pace history`"},
    )
    async def history_command(self, interaction: discord.Interaction) -> None:
        shown = await history(self.bot.db, actor_of(interaction))
        await send_answer(interaction, shown, ephemeral=True)
