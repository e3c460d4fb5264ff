"""``/pace``: conversions, even splits, predictions, VDOT, points, age grades and history.

Thin by design: parse and compute in ``bot.answers``, store the answer, then
reply. Works in servers and in DMs with the bot.
"""

from __future__ import annotations

import logging
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot import answers
from bot.answers import Answer
from bot.clock import epoch_ms
from bot.core import Trackside
from bot.domain import scoring
from bot.options import ShortText
from bot.ui import send_answer
from db import PaceHistory

log = logging.getLogger(__name__)

TIME_HELP = "e.g. 37.47, 1:02.3, 3:56.13, 1:02:03, 2h05m30s"
DISTANCE_HELP = "e.g. 300m, 1500, 1.5k, 5k, mile, 2 miles, half, marathon"


def _asked_with(command: str) -> str:
    return "in chat:" if command == "chat" else f"`/{command}`"


def _inputs(**values: str | None) -> str:
    return " ".join(f"{name}={value}" for name, value in values.items() if value)


@app_commands.allowed_installs(guilds=True, users=False)
@app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
class Pace(commands.GroupCog, group_name="pace", group_description="Pace maths for runners"):
    def __init__(self, bot: Trackside) -> None:
        self.bot = bot
        self.history = PaceHistory(bot.db)

    async def _answer(
        self, interaction: discord.Interaction, answer: answers.Answer, command: str, inputs: str
    ) -> None:
        # Stored first: the reply only goes out once the answer is committed.
        await self.history.record(
            user_id=interaction.user.id,
            guild_id=interaction.guild_id,
            command=command,
            inputs=inputs,
            summary=answer.headline,
            created_at=epoch_ms(self.bot.clock.now()),
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
        answer = answers.pace_convert(time, distance)
        await self._answer(
            interaction, answer, "pace convert", _inputs(time=time, distance=distance)
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
        answer = answers.pace_laps(time, distance, lap)
        await self._answer(
            interaction, answer, "pace laps", _inputs(time=time, distance=distance, lap=lap)
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
        answer = answers.pace_predict(time, distance, target, sex)
        await self._answer(
            interaction,
            answer,
            "pace predict",
            _inputs(time=time, distance=distance, target=target, sex=sex),
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
        answer = answers.pace_vdot(time, distance)
        await self._answer(interaction, answer, "pace vdot", _inputs(time=time, distance=distance))

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
        answer = answers.pace_score(time, event, sex, indoor)
        await self._answer(
            interaction,
            answer,
            "pace score",
            _inputs(time=time, event=event, sex=sex, indoor="yes" if indoor else None),
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
        age="Your age on race day",
        sex="Which tables: male or female",
        venue="road or track (default: road for 5k, miles, half, marathon; track for metres, mile)",
    )
    async def agegrade(
        self,
        interaction: discord.Interaction,
        time: ShortText,
        distance: ShortText,
        age: app_commands.Range[int, 5, 110],
        sex: Literal["male", "female"],
        venue: Literal["road", "track"] | None = None,
    ) -> None:
        answer = answers.pace_agegrade(time, distance, age, sex, venue)
        await self._answer(
            interaction,
            answer,
            "pace agegrade",
            _inputs(time=time, distance=distance, age=str(age), sex=sex, venue=venue),
        )

    @app_commands.command(
        name="history",
        description="Your last 10 pace answers",
        extras={"example": "`/pace history`"},
    )
    async def history_command(self, interaction: discord.Interaction) -> None:
        entries = await self.history.recent(interaction.user.id, limit=10)
        if not entries:
            await interaction.response.send_message(
                "No pace answers yet. Try `/pace convert time:37.47 distance:300m`.",
                ephemeral=True,
            )
            return
        lines = [
            f"<t:{entry.created_at // 1000}:g> · {_asked_with(entry.command)} "
            f"{discord.utils.escape_markdown(entry.inputs)}\n"
            f"→ {entry.summary}"
            for entry in entries
        ]
        answer = Answer(
            kind="Same pace",
            headline=f"Your last {len(entries)} pace answers",
            title="Your last pace answers",
            body="\n".join(lines),
            file_name="pace-history.txt",
        )
        await send_answer(interaction, answer, ephemeral=True)


async def setup(bot: Trackside) -> None:
    await bot.add_cog(Pace(bot))
