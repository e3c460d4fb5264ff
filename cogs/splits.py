"""``/splits``: submit, correct and read back rep splits; the team board,
CSV export and charts."""

from __future__ import annotations

import asyncio
import io
from collections import Counter
from datetime import date
from decimal import Decimal
from fractions import Fraction

import discord
from discord import app_commands
from discord.ext import commands

from bot.answers import Answer, Field
from bot.charts import ProgressPoint, RepBar, progress_chart, rep_chart
from bot.components import ForgedId, confirm_view
from bot.core import Trackside
from bot.domain import limits
from bot.domain.dates import parse_date
from bot.domain.distance import format_distance
from bot.domain.errors import InputError
from bot.domain.pace import pace_per
from bot.domain.times import format_time
from bot.errors import NotAllowed, UserError
from bot.export import ExportRow, export_csv, export_filename
from bot.options import ShortText
from bot.permissions import is_coach, require_guild
from bot.split_answers import board_answer, history_lines, short_date
from bot.submissions import analysis_of
from bot.ui import inline_text, send_answer
from cogs._server import server_context
from cogs._splits_submit import submit_and_reply
from db.guild_settings import GuildSettings, GuildSettingsQueries
from db.submissions import StoredSubmission, SubmissionQueries
from db.workouts import WorkoutQueries

DATE_HELP = "Default today; yesterday, a weekday (tuesday) or 2026-06-05"
BEGINNING = date(1970, 1, 1)  # "since the beginning" for exports and progress


MINE_LIMIT = limits.IntRange("limit", 1, 50, "`/splits mine limit:10`")
DELETE_ACTION = "splits-delete"


async def delete_confirmed(
    bot: Trackside, interaction: discord.Interaction, submission_id: int
) -> str:
    """The **Delete** click: everything is checked again now, not when the
    confirm was opened (a coach may have lost the role since, and the id came
    back from the client)."""
    guild_id = require_guild(interaction)
    queries = SubmissionQueries(bot.db)
    found = await queries.by_id(submission_id)
    if found is None:
        return "Those splits were already deleted."
    if found.guild_id != guild_id:
        raise ForgedId("Those splits aren't in this server, so nothing was deleted.")
    if found.athlete_id != interaction.user.id:
        settings = await GuildSettingsQueries(bot.db).get(guild_id)
        if not is_coach(interaction, settings):
            raise NotAllowed(
                "Only coaches can delete another athlete's splits, so nothing was deleted."
            )
    deleted = await queries.delete(found.id)
    if not deleted:
        return "Those splits were already deleted."
    return f"Deleted {inline_text(found.athlete_name)}'s splits for {short_date(found.local_date)}."


@app_commands.allowed_installs(guilds=True, users=False)
@app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
class Splits(commands.GroupCog, group_name="splits", group_description="Rep splits"):
    def __init__(self, bot: Trackside) -> None:
        self.bot = bot
        self.submissions = SubmissionQueries(bot.db)
        self.workouts = WorkoutQueries(bot.db)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        require_guild(interaction)
        return True

    async def cog_load(self) -> None:
        self.bot.router.add_confirm(DELETE_ACTION, delete_confirmed)

    def _subject(
        self,
        interaction: discord.Interaction,
        settings: GuildSettings,
        athlete: discord.User | discord.Member | None,
        action: str,
    ) -> discord.abc.User:
        """Whose splits: the caller's own, or (coaches only) the named
        person's, whether or not they are still a member: whether there is
        data decides, not membership."""
        if athlete is None or athlete.id == interaction.user.id:
            return interaction.user
        if not is_coach(interaction, settings):
            raise NotAllowed(f"Only coaches can {action} for another athlete.")
        return athlete

    # -- submit ----------------------------------------------------------------
    @app_commands.command(
        name="submit",
        description="Log your rep times for a day's workout",
        extras={"example": "`/splits submit splits:29.78 / 29.98 31.31 / 31.20 37.47`"},
    )
    @app_commands.describe(
        splits="Your times in rep order, e.g. 29.78 29.98 31.31 31.20 37.47",
        date=DATE_HELP,
        note="How it felt, conditions (optional)",
    )
    async def submit(
        self,
        interaction: discord.Interaction,
        splits: app_commands.Range[str, 1, limits.SPLITS_TEXT.max_length],
        date: ShortText | None = None,
        note: app_commands.Range[str, 1, limits.ATHLETE_NOTE.max_length] | None = None,
    ) -> None:
        await submit_and_reply(self.bot, interaction, date_text=date, text=splits, note=note)

    # -- reading -----------------------------------------------------------------
    @app_commands.command(
        name="mine",
        description="Your recent splits (only you see them)",
        extras={"example": "`/splits mine limit:10`"},
    )
    @app_commands.describe(limit="How many days (default 10)")
    async def mine(
        self,
        interaction: discord.Interaction,
        limit: app_commands.Range[int, MINE_LIMIT.low, MINE_LIMIT.high] = 10,
    ) -> None:
        guild_id = require_guild(interaction)
        limit = MINE_LIMIT.check(limit)
        found = await self.submissions.recent(guild_id, interaction.user.id, limit)
        if not found:
            raise UserError(
                "You have no splits here yet.",
                "`/splits submit splits:29.78 29.98 31.31 31.20 37.47`",
            )
        # history_lines escapes the titles; escaping whole lines would also
        # escape its own `date` code spans.
        lines = history_lines(found)
        bests = await self.submissions.bests(guild_id, interaction.user.id)
        best_text = " · ".join(
            f"{format_distance(metres)} {format_time(ms)}" for metres, ms in sorted(bests.items())
        )
        answer = Answer(
            kind="Splits",
            headline=f"Your last {len(found)} day(s) of splits",
            title="Your recent splits",
            body="\n".join(lines),
            fields=(Field("Personal bests", best_text or "none yet"),),
            file_name="my-splits.txt",
        )
        await send_answer(interaction, answer, ephemeral=True)

    @app_commands.command(
        name="board",
        description="Everyone's results for a workout, ranked by overall pace",
        extras={"example": "`/splits board date:today`"},
    )
    @app_commands.describe(date=DATE_HELP)
    async def board(
        self,
        interaction: discord.Interaction,
        date: ShortText | None = None,
    ) -> None:
        guild_id, _, today = await server_context(self.bot, interaction)
        day = parse_date(date or "today", today, direction="back")
        found = await self.submissions.for_date(guild_id, day)
        if not found:
            raise UserError(f"No splits for {short_date(day)} yet.", "`/splits board date:today`")
        workout = await self.workouts.get(guild_id, day)
        answer = board_answer(day, workout.title if workout else None, found)
        await send_answer(interaction, answer)

    # -- delete ------------------------------------------------------------------
    @app_commands.command(
        name="delete",
        description="Delete your splits for a day (coaches: anyone's)",
        extras={"example": "`/splits delete date:today`"},
    )
    @app_commands.describe(date=DATE_HELP, athlete="Coaches only: whose splits")
    async def delete(
        self,
        interaction: discord.Interaction,
        date: ShortText | None = None,
        athlete: discord.User | None = None,
    ) -> None:
        guild_id, settings, today = await server_context(self.bot, interaction)
        day = parse_date(date or "today", today, direction="back")
        subject = self._subject(interaction, settings, athlete, "delete splits")
        found = await self.submissions.get(guild_id, day, subject.id)
        if found is None:
            whose = "You have" if subject.id == interaction.user.id else "They have"
            raise UserError(f"{whose} no splits for {short_date(day)}.", "`/splits mine`")
        reps = ", ".join(format_time(split.time_ms) for split in found.splits[:10])
        if len(found.splits) > 10:
            reps += ", …"
        await interaction.response.send_message(
            f"Delete {inline_text(found.athlete_name)}'s splits for {short_date(day)} ({reps})?",
            view=confirm_view(
                self.bot,
                DELETE_ACTION,
                owner_id=interaction.user.id,
                target_id=found.id,
                yes_label="Delete",
            ),
            ephemeral=True,
            allowed_mentions=discord.AllowedMentions.none(),
        )

    # -- export ------------------------------------------------------------------
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
        guild_id, settings, today = await server_context(self.bot, interaction)
        first = parse_date(since, today, direction="back") if since else BEGINNING
        last = parse_date(until, today, direction="back") if until else today
        if first > last:
            raise InputError(
                f"`since` ({first}) is after `until` ({last}).",
                "`/splits export since:2026-11-01 until:today`",
            )
        coach = is_coach(interaction, settings)
        # Validated; a big export may take a moment, so acknowledge first.
        await interaction.response.defer(ephemeral=True, thinking=True)
        found = await self.submissions.between(
            guild_id, first, last, None if coach else interaction.user.id
        )
        rows = [
            ExportRow(
                date=s.local_date,
                workout=s.workout_title or s.workout_text or "",
                athlete_id=s.athlete_id,
                athlete=s.athlete_name,
                rep=split.rep,
                distance_m=split.distance_m,
                time_ms=split.time_ms,
                pace_per_400_ms=pace_per(split.time_ms, split.distance_m, 400),
                note=s.note,
            )
            for s in found
            for split in s.splits
        ]
        data = export_csv(rows).encode("utf-8")
        name = export_filename(
            interaction.guild.name if interaction.guild else "server", since and first, last
        )
        scope = "the team's" if coach else "your"
        await interaction.followup.send(
            f"{len(rows)} split(s): {scope} splits from {first if since else 'the beginning'} "
            f"to {last}.",
            file=discord.File(io.BytesIO(data), filename=name),
            ephemeral=True,
        )

    # -- chart -------------------------------------------------------------------
    @app_commands.command(
        name="chart",
        description="A chart of one day's reps, or your progress over time",
        extras={"example": "`/splits chart date:today`"},
    )
    @app_commands.describe(
        date="A day's reps; leave empty for progress at your most frequent rep distance",
        athlete="Coaches only: whose splits",
    )
    async def chart(
        self,
        interaction: discord.Interaction,
        date: ShortText | None = None,
        athlete: discord.User | None = None,
    ) -> None:
        guild_id, settings, today = await server_context(self.bot, interaction)
        subject = self._subject(interaction, settings, athlete, "chart splits")
        # An id Discord could not resolve arrives as a bare discord.Object.
        name = getattr(subject, "display_name", None) or "them"
        if date is not None:
            day = parse_date(date, today, direction="back")
            found = await self.submissions.get(guild_id, day, subject.id)
            if found is None:
                raise UserError(f"No splits for {short_date(day)}.", "`/splits mine`")
            name = found.athlete_name  # as they were known here, members or not
            analysis = analysis_of(found)
            bars = [
                RepBar(f"{rep.index}\n{rep.distance_text}", float(rep.per_400_ms), rep.time_ms)
                for rep in analysis.reps
            ]
            targets = [
                float(pace_per(rep.target_ms, rep.distance_m, 400))
                for rep in analysis.reps
                if rep.target_ms is not None
            ]
            target = targets[0] if targets and len(set(targets)) == 1 else None
            title = f"{name}: {short_date(day)}" + (
                f", {found.workout_title}" if found.workout_title else ""
            )
            await interaction.response.defer(thinking=True)
            png = await asyncio.to_thread(rep_chart, title, bars, target)
            filename = f"splits-{day.isoformat()}.png"
        else:
            history = await self.submissions.between(guild_id, BEGINNING, today, subject.id)
            counts = Counter(split.distance_m for s in history for split in s.splits)
            if not counts:
                raise UserError(f"No splits for {inline_text(name)} yet.", "`/splits submit`")
            name = history[-1].athlete_name
            metres = _most_frequent(counts)
            points = [
                ProgressPoint(s.local_date, float(_average_pace(s, metres)))
                for s in history
                if metres in s.distances
            ]
            title = f"{name}: {format_distance(metres)} reps over time"
            await interaction.response.defer(thinking=True)
            png = await asyncio.to_thread(progress_chart, title, format_distance(metres), points)
            filename = "splits-progress.png"
        await interaction.followup.send(
            f"Chart: {inline_text(title)}",
            file=discord.File(io.BytesIO(png), filename=filename),
            allowed_mentions=discord.AllowedMentions.none(),
        )


def _most_frequent(counts: Counter[Decimal]) -> Decimal:
    # Ties go to the shorter distance: the sharper, more comparable reps.
    return min(counts, key=lambda metres: (-counts[metres], metres))


def _average_pace(submission: StoredSubmission, metres: Decimal) -> Fraction:
    times = [split.time_ms for split in submission.splits if split.distance_m == metres]
    return pace_per(sum(times), metres * len(times), 400)


async def setup(bot: Trackside) -> None:
    await bot.add_cog(Splits(bot))
