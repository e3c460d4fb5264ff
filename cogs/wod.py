"""``/wod``: coaches prescribe, schedule and post the workout of the day.

Also runs the scheduler: every tick, each workout whose local date is today in
its server's timezone, whose post time has passed and which is not posted yet
is posted (one query per tick for every server).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import date, timedelta

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.answers import Answer
from bot.clock import epoch_ms
from bot.core import Trackside
from bot.domain import limits
from bot.domain.dates import parse_date
from bot.domain.schedule import candidate_window, is_due
from bot.domain.workout import parse_workout, parsed_summary, short_summary, workout_to_json
from bot.errors import UserError
from bot.options import ShortText
from bot.permissions import is_coach, require_coach, require_guild
from bot.submissions import mismatching
from bot.ui import inline_text, render, send_answer
from cogs import _splits_form
from cogs._server import server_context
from cogs._wod_posts import ALREADY_POSTING, CLAIM_TIMEOUT, WorkoutPoster
from cogs._wod_text import PARSED_LIMIT, long_date, parsed_of, workout_answer
from db.guild_settings import GuildSettings
from db.submissions import SubmissionQueries
from db.workouts import NewWorkout, StoredWorkout, WorkoutQueries

log = logging.getLogger(__name__)

TICK_SECONDS = 30
DATE_HELP = "today, tomorrow, a weekday (friday) or 2026-06-05"
LIST_DAYS = limits.IntRange("days", 1, 60, "`/wod list days:7`")


def _status(workout: StoredWorkout, settings: GuildSettings, today: date) -> str:
    if workout.message_id is not None:
        return f"Posted in <#{workout.channel_id}>"
    if workout.post_error:
        return f"⚠️ Not posted: {workout.post_error}"
    if workout.local_date < today:
        return "Not posted (its day had passed when it was saved)"
    where = f"<#{settings.channel_id or workout.origin_channel_id}>"
    when = "today" if workout.local_date == today else long_date(workout.local_date)
    return f"Scheduled: {when} at {settings.post_time} ({settings.timezone}) in {where}"


@app_commands.allowed_installs(guilds=True, users=False)
@app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
class Wod(commands.GroupCog, group_name="wod", group_description="Workout of the day"):
    def __init__(self, bot: Trackside) -> None:
        self.bot = bot
        self.workouts = WorkoutQueries(bot.db)
        self.poster = WorkoutPoster(bot)
        self.submissions = SubmissionQueries(bot.db)
        # Set after each completed tick; tests wait on it instead of sleeping.
        self.ticked = asyncio.Event()

    async def cog_load(self) -> None:
        # Buttons of every past post keep working after a restart: routed by
        # custom id (bot.components), not by views kept in memory.
        _splits_form.register(self.bot)
        self.scheduler.start()

    async def cog_unload(self) -> None:
        self.scheduler.cancel()

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        require_guild(interaction)
        return True

    # -- scheduler -------------------------------------------------------------
    @tasks.loop(seconds=TICK_SECONDS)
    async def scheduler(self) -> None:
        try:
            await self.tick()
        except Exception:  # a bad tick must not stop the loop for every server
            log.exception("scheduler tick failed")

    @scheduler.before_loop
    async def _before_scheduler(self) -> None:
        await self.bot.wait_until_ready()

    async def tick(self) -> list[int]:
        """Post every due workout; returns the ids posted."""
        now = self.bot.clock.now()
        earliest, latest = candidate_window(now)
        candidates = await self.workouts.post_candidates(
            earliest, latest, stale_claim_before=epoch_ms(now - CLAIM_TIMEOUT)
        )
        posted: list[int] = []
        for candidate in candidates:
            workout = candidate.workout
            if not is_due(workout.local_date, candidate.post_time, candidate.timezone, now):
                continue
            channel_id = candidate.configured_channel_id or workout.origin_channel_id
            done, _ = await self.poster.publish(workout, channel_id)
            if done:
                posted.append(workout.id)
        self.ticked.set()
        return posted

    # -- helpers ---------------------------------------------------------------
    def _visible(
        self, interaction: discord.Interaction, settings: GuildSettings, workout: StoredWorkout
    ) -> bool:
        """Athletes see posted workouts (and a failed post, so they know);
        coaches also see scheduled ones."""
        return workout.public or is_coach(interaction, settings)

    async def _show(
        self, interaction: discord.Interaction, day: date, settings: GuildSettings, today: date
    ) -> None:
        workout = await self.workouts.get(settings.guild_id, day)
        if workout is None:
            raise UserError(
                f"No workout for {long_date(day)}.", "`/wod list` shows the coming days"
            )
        if not self._visible(interaction, settings, workout):
            await interaction.response.send_message(
                f"The workout for {long_date(day)} is not posted yet: it goes out at "
                f"{settings.post_time} ({settings.timezone}).",
                ephemeral=True,
            )
            return
        answer = workout_answer(workout, status=_status(workout, settings, today))
        rendered = render([answer], content=f"Workout for {long_date(day)}")
        await interaction.response.send_message(
            rendered.content,
            embeds=rendered.embeds,
            files=rendered.discord_files() or discord.utils.MISSING,
            ephemeral=True,
        )

    # -- commands --------------------------------------------------------------
    @app_commands.command(
        name="post",
        description="Post or schedule a workout (coaches)",
        extras={"example": "`/wod post workout:4 x 250m sprint + 1 x 300m date:today`"},
    )
    @app_commands.describe(
        workout="The session, e.g. 4 x 250m sprint + 1 x 300m, or 10x400m @ 68",
        date=f"Default today; {DATE_HELP}",
        title="A short title, e.g. Sprint session",
        recovery="e.g. 5-6' walk/jog between reps",
        notes="Anything else athletes should know",
    )
    async def post(
        self,
        interaction: discord.Interaction,
        workout: app_commands.Range[str, 1, limits.WORKOUT_TEXT.max_length],
        date: ShortText | None = None,
        title: app_commands.Range[str, 1, limits.TITLE.max_length] | None = None,
        recovery: app_commands.Range[str, 1, limits.RECOVERY.max_length] | None = None,
        notes: app_commands.Range[str, 1, limits.WORKOUT_NOTES.max_length] | None = None,
    ) -> None:
        guild_id, settings, today = await server_context(self.bot, interaction)
        require_coach(interaction, settings, "post workouts")
        limits.WORKOUT_TEXT.check(workout)
        limits.TITLE.check(title)
        limits.RECOVERY.check(recovery)
        limits.WORKOUT_NOTES.check(notes)
        day = parse_date(date or "today", today, direction="forward")
        limits.check_workout_date(day, today)
        parsed = parse_workout(workout)
        assert interaction.channel_id is not None
        # Validated: from here on, only our own work can fail.
        await interaction.response.defer(ephemeral=True, thinking=True)
        stored, replaced = await self.workouts.save(
            NewWorkout(
                guild_id=guild_id,
                local_date=day,
                title=title,
                text=workout,
                parsed=workout_to_json(parsed),
                recovery=recovery,
                notes=notes,
                author_id=interaction.user.id,
                origin_channel_id=interaction.channel_id,
            ),
            now=epoch_ms(self.bot.clock.now()),
        )
        verb = "Replaced" if replaced else "Saved"
        if stored.posted and await self.poster.refresh(stored):
            outcome = f"{verb} and edited the post in <#{stored.channel_id}>"
        elif day == today:
            target = settings.channel_id or interaction.channel_id
            posted, what = await self.poster.publish(stored, target)
            if posted:
                outcome = f"{verb} and {what}"
            elif what == ALREADY_POSTING:
                # Whoever is posting it compares revisions once Discord has
                # the message, and edits it to show this version.
                outcome = f"{verb}; its post is going out right now and will show this version"
            else:
                outcome = f"{verb}, but not posted: {what}"
        elif day < today:
            outcome = f"{verb}; not posted, since that day has passed"
        else:
            where = settings.channel_id or interaction.channel_id
            outcome = (
                f"{verb}; scheduled for {settings.post_time} ({settings.timezone}) "
                f"that day in <#{where}>"
            )
        parsed_text = parsed_summary(parsed, limit=PARSED_LIMIT)
        text = f"{outcome}: workout for {long_date(day)}.\nParsed: {parsed_text}"
        if replaced:
            submitted = await self.submissions.for_workout(stored.id)
            stale = mismatching(submitted, parsed.distances)
            if stale:
                text += (
                    f"\n{stale} of {len(submitted)} submission(s) no longer match the new "
                    "reps; they keep their own distances."
                )
        await interaction.followup.send(text, ephemeral=True)

    @app_commands.command(
        name="today", description="Today's workout", extras={"example": "`/wod today`"}
    )
    async def today(self, interaction: discord.Interaction) -> None:
        _, settings, today = await server_context(self.bot, interaction)
        await self._show(interaction, today, settings, today)

    @app_commands.command(
        name="show",
        description="The workout of a given day",
        extras={"example": "`/wod show date:yesterday`"},
    )
    @app_commands.describe(date=DATE_HELP)
    async def show(self, interaction: discord.Interaction, date: ShortText) -> None:
        _, settings, today = await server_context(self.bot, interaction)
        day = parse_date(date, today, direction="back")
        await self._show(interaction, day, settings, today)

    @app_commands.command(
        name="list",
        description="The workouts of the coming days",
        extras={"example": "`/wod list days:7`"},
    )
    @app_commands.describe(days="How many days ahead, today included (default 7)")
    async def list_(
        self,
        interaction: discord.Interaction,
        days: app_commands.Range[int, LIST_DAYS.low, LIST_DAYS.high] = 7,
    ) -> None:
        days = LIST_DAYS.check(days)
        guild_id, settings, today = await server_context(self.bot, interaction)
        coach = is_coach(interaction, settings)
        last = today + timedelta(days=days - 1)
        workouts = await self.workouts.between(guild_id, today, last, posted_only=not coach)
        if not workouts:
            await interaction.response.send_message(
                f"No workouts for the next {days} days.", ephemeral=True
            )
            return
        lines = []
        for workout in workouts:
            parsed = parsed_of(workout)
            # One line per day: the reps (cut between groups) or the start of
            # the text, cut before it is escaped so no escape is cut in half.
            text = workout.text if len(workout.text) <= 200 else workout.text[:199] + "…"
            reps = short_summary(parsed, limit=200) if parsed.reps else text
            name = f"**{inline_text(workout.title)}**: " if workout.title else ""
            lines.append(
                f"`{workout.local_date:%a %d %b}` {name}{inline_text(reps)}"
                + (f"\n  {_status(workout, settings, today)}" if coach else "")
            )
        answer = Answer(
            kind="Workout",
            headline=f"{len(workouts)} workout(s) in the next {days} days",
            title=f"Workouts, next {days} days",
            body="\n".join(lines),
            file_name="workouts.txt",
        )
        await send_answer(interaction, answer, ephemeral=True)

    @app_commands.command(
        name="delete",
        description="Delete a day's workout and its post (coaches)",
        extras={"example": "`/wod delete date:tomorrow`"},
    )
    @app_commands.describe(date=DATE_HELP)
    async def delete(self, interaction: discord.Interaction, date: ShortText) -> None:
        guild_id, settings, today = await server_context(self.bot, interaction)
        require_coach(interaction, settings, "delete workouts")
        day = parse_date(date, today, direction="back")
        workout = await self.workouts.get(guild_id, day)
        if workout is None:
            raise UserError(f"No workout for {long_date(day)}.", "`/wod list`")
        kept = len(await self.submissions.for_workout(workout.id))
        await self.workouts.delete(workout.id)
        await self.poster.remove(workout)
        text = f"Deleted the workout for {long_date(day)}."
        if kept:
            text += f" Its {kept} submission(s) stay in the athletes' logs."
        await interaction.response.send_message(text, ephemeral=True)


async def setup(bot: Trackside) -> None:
    await bot.add_cog(Wod(bot))
