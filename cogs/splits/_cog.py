"""``/splits``: submit, correct and read back rep splits; the team board,
CSV export and charts.

Each command reads its options, makes one use-case call (:mod:`cogs.splits.submit`,
:mod:`cogs.splits.logbook`) and sends one reply (:mod:`cogs.splits.rendering`).
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Awaitable, Callable

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import Trackside
from bot.components import confirm_view
from bot.domain import limits
from bot.domain.errors import InputError
from bot.options import ShortText
from bot.permissions import actor_of
from bot.replies import inline_text, send_answer
from cogs.splits import autocomplete, logbook, preview, views
from cogs.splits.charts import progress_chart, rep_chart
from cogs.splits.export import export_csv, export_filename
from cogs.splits.importing import EXAMPLE as IMPORT_EXAMPLE
from cogs.splits.importing import Previews, Upload, import_activity
from cogs.splits.rendering import (
    day_board_answer,
    delete_prompt,
    export_text,
    mine_answer,
    submission_answer,
)
from cogs.splits.submit import submit_splits

DATE_HELP = "Default today; yesterday, a weekday (tuesday) or 2026-06-05"
WORKOUT_HELP = "Which of the day's workouts (training groups, sessions); pick from the list"


def _typed(interaction: discord.Interaction, name: str) -> str | None:
    """Another option's value as typed so far, for an autocomplete."""
    value = getattr(interaction.namespace, name, None)
    return value if isinstance(value, str) else None


def _typed_user(interaction: discord.Interaction) -> int | None:
    """The ``athlete`` option's user id as typed so far (an object or an id)."""
    value = getattr(interaction.namespace, "athlete", None)
    if value is None:
        return None
    found = getattr(value, "id", value)
    return int(found) if isinstance(found, int) or str(found).isdigit() else None


def _upload(file: object) -> Upload:
    """The ``file`` option as the use case takes it. A modified client can
    name an attachment Discord never resolved (discord.py gives an object
    with an id only); a download Discord refuses is the user's to retry."""
    if not isinstance(file, discord.Attachment):
        raise InputError("I can't find that file; attach it again with `file:`.", IMPORT_EXAMPLE)
    attachment = file

    async def download() -> bytes:
        try:
            return await attachment.read()
        except discord.HTTPException:
            raise InputError(
                "I couldn't download that file from Discord; attach it again.", IMPORT_EXAMPLE
            ) from None

    return Upload(attachment.filename, attachment.size, download)


def _choices(found: list[tuple[str, str]]) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=name, value=value) for name, value in found]


def _subject(athlete: discord.abc.Snowflake | None) -> logbook.Subject | None:
    """A person an option names: a member, someone who left (a user), or an
    id Discord could not resolve (a bare ``discord.Object``)."""
    if athlete is None:
        return None
    return logbook.Subject(athlete.id, getattr(athlete, "display_name", None))


@app_commands.allowed_installs(guilds=True, users=False)
@app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
class Splits(commands.GroupCog, group_name="splits", group_description="Rep splits"):
    def __init__(self, bot: Trackside) -> None:
        self.bot = bot
        # /splits import's open previews: in memory, 10 minutes each.
        self.previews = Previews()

    async def cog_load(self) -> None:
        views.register(self.bot)
        preview.register(self.bot, self.previews)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.guild_id is None:
            raise app_commands.NoPrivateMessage()  # "works in a server" from a DM
        return True

    @app_commands.command(
        name="submit",
        description="Log your rep times for a day's workout",
        extras={"example": "`/splits submit splits:29.78 / 29.98 31.31 / 31.20 37.47`"},
    )
    @app_commands.describe(
        splits="Your times in rep order, e.g. 29.78 29.98 31.31 31.20 37.47",
        date=DATE_HELP,
        note="How it felt, conditions (optional)",
        workout=WORKOUT_HELP + " (default: yours that fits)",
    )
    async def submit(
        self,
        interaction: discord.Interaction,
        splits: app_commands.Range[str, 1, limits.SPLITS_TEXT.max_length],
        date: ShortText | None = None,
        note: app_commands.Range[str, 1, limits.ATHLETE_NOTE.max_length] | None = None,
        workout: ShortText | None = None,
    ) -> None:
        outcome = await submit_splits(
            self.bot.db,
            actor_of(interaction),
            text=splits,
            note=note,
            now=self.bot.clock.now(),
            date_text=date,
            workout_text=workout,
        )
        await send_answer(interaction, submission_answer(outcome))

    async def _offered(
        self,
        interaction: discord.Interaction,
        find: Callable[..., Awaitable[autocomplete.Choices]],
        *typed: object,
    ) -> list[app_commands.Choice[str]]:
        """A ``workout`` option's choices: ``find`` (one of
        :mod:`cogs.splits.autocomplete`) given the date typed so far, then
        ``typed`` (what else it reads, the text typed last)."""
        found = await find(
            self.bot.db,
            actor_of(interaction),
            _typed(interaction, "date"),
            *typed,
            now=self.bot.clock.now(),
        )
        return _choices(found)

    @submit.autocomplete("workout")
    async def _submit_workouts(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await self._offered(interaction, autocomplete.submit_choices, current)

    @app_commands.command(
        name="import",
        description="Log your splits from a watch file (.fit or .tcx): a private preview first",
        extras={"example": "`/splits import file:(your .fit or .tcx file)`"},
    )
    @app_commands.describe(
        file="Your watch's activity: .fit or .tcx (or .gpx with laps), up to 10 MB",
        date="Default: the day it was recorded; yesterday, a weekday (tuesday) or 2026-06-05",
        workout=WORKOUT_HELP + " (default: the one your laps fit)",
    )
    async def import_file(
        self,
        interaction: discord.Interaction,
        file: discord.Attachment,
        date: ShortText | None = None,
        workout: ShortText | None = None,
    ) -> None:
        opened = await import_activity(
            self.bot.db,
            actor_of(interaction),
            _upload(file),
            now=self.bot.clock.now(),
            previews=self.previews,
            date_text=date,
            workout_text=workout,
            # Once the options are valid: reading a file can take over a second.
            acknowledge=lambda: interaction.response.defer(ephemeral=True, thinking=True),
        )
        await preview.send_preview(self.bot, interaction, self.previews, opened)

    @import_file.autocomplete("workout")
    async def _import_workouts(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await self._submit_workouts(interaction, current)

    @app_commands.command(
        name="mine",
        description="Your recent splits (only you see them)",
        extras={"example": "`/splits mine limit:10`"},
    )
    @app_commands.describe(limit="How many days (default 10)")
    async def mine(
        self,
        interaction: discord.Interaction,
        limit: app_commands.Range[int, logbook.MINE_LIMIT.low, logbook.MINE_LIMIT.high] = 10,
    ) -> None:
        found = await logbook.mine(self.bot.db, actor_of(interaction), limit)
        await send_answer(
            interaction, mine_answer(found.found, found.bests, found.names), ephemeral=True
        )

    @app_commands.command(
        name="board",
        description="Everyone's results for a workout, ranked by overall pace",
        extras={"example": "`/splits board date:today`"},
    )
    @app_commands.describe(date=DATE_HELP, workout=WORKOUT_HELP + " (default: every one)")
    async def board(
        self,
        interaction: discord.Interaction,
        date: ShortText | None = None,
        workout: ShortText | None = None,
    ) -> None:
        found = await logbook.day_board(
            self.bot.db, actor_of(interaction), date, workout, now=self.bot.clock.now()
        )
        await send_answer(interaction, day_board_answer(found))

    @board.autocomplete("workout")
    async def _board_workouts(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await self._offered(interaction, autocomplete.board_choices, current)

    @app_commands.command(
        name="delete",
        description="Delete your splits for a day (coaches: anyone's)",
        extras={"example": "`/splits delete date:today`"},
    )
    @app_commands.describe(
        date=DATE_HELP,
        athlete="Coaches only: whose splits",
        workout="Which of the day's submissions, when there are several",
    )
    async def delete(
        self,
        interaction: discord.Interaction,
        date: ShortText | None = None,
        athlete: discord.User | None = None,
        workout: ShortText | None = None,
    ) -> None:
        actor = actor_of(interaction)
        found = await logbook.delete_request(
            self.bot.db, actor, date, _subject(athlete), workout, now=self.bot.clock.now()
        )
        confirm = confirm_view(
            self.bot,
            views.DELETE_ACTION,
            owner_id=actor.user_id,
            target_id=found.submission.id,
            yes_label="Delete",
        )
        await interaction.response.send_message(
            delete_prompt(found.submission, found.label),
            view=confirm,
            ephemeral=True,
            allowed_mentions=discord.AllowedMentions.none(),
        )

    @delete.autocomplete("workout")
    async def _delete_workouts(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await self._own_workouts(interaction, current)

    async def _own_workouts(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await self._offered(
            interaction, autocomplete.own_choices, _typed_user(interaction), current
        )

    @app_commands.command(
        name="export",
        description="Splits as a CSV file (coaches: the team; athletes: your own)",
        extras={"example": "`/splits export since:2026-11-01 until:today`"},
    )
    @app_commands.describe(
        since="First day (default: the beginning)", until="Last day (default today)"
    )
    async def export(
        self,
        interaction: discord.Interaction,
        since: ShortText | None = None,
        until: ShortText | None = None,
    ) -> None:
        done = await logbook.export(
            self.bot.db,
            actor_of(interaction),
            since,
            until,
            now=self.bot.clock.now(),
            acknowledge=lambda: interaction.response.defer(ephemeral=True, thinking=True),
        )
        name = export_filename(
            interaction.guild.name if interaction.guild else "server",
            done.first if done.since_given else None,
            done.last,
        )
        data = export_csv(done.rows).encode("utf-8")
        await interaction.followup.send(
            export_text(
                len(done.rows),
                team=done.team,
                first=done.first,
                last=done.last,
                since_given=done.since_given,
            ),
            file=discord.File(io.BytesIO(data), filename=name),
            ephemeral=True,
            allowed_mentions=discord.AllowedMentions.none(),
        )

    @app_commands.command(
        name="chart",
        description="A chart of one day's reps, or your progress over time",
        extras={"example": "`/splits chart date:today`"},
    )
    @app_commands.describe(
        date="A day's reps; leave empty for progress at your most frequent rep distance",
        athlete="Coaches only: whose splits",
        workout="Which of the day's submissions, when there are several",
    )
    async def chart(
        self,
        interaction: discord.Interaction,
        date: ShortText | None = None,
        athlete: discord.User | None = None,
        workout: ShortText | None = None,
    ) -> None:
        drawn = await logbook.chart(
            self.bot.db,
            actor_of(interaction),
            date,
            _subject(athlete),
            now=self.bot.clock.now(),
            workout_text=workout,
        )
        await interaction.response.defer(thinking=True)  # drawing takes a moment
        if isinstance(drawn, logbook.DayChart):
            png = await asyncio.to_thread(
                rep_chart, drawn.title, drawn.bars, drawn.target_per_400_ms
            )
            filename = f"splits-{drawn.day.isoformat()}.png"
        else:
            png = await asyncio.to_thread(progress_chart, drawn.title, drawn.distance, drawn.points)
            filename = "splits-progress.png"
        await interaction.followup.send(
            f"Chart: {inline_text(drawn.title)}",
            file=discord.File(io.BytesIO(png), filename=filename),
            allowed_mentions=discord.AllowedMentions.none(),
        )

    @chart.autocomplete("workout")
    async def _chart_workouts(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await self._own_workouts(interaction, current)
