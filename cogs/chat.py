"""Questions in plain chat: mention the bot in a channel, or DM it.

No privileged intent is needed: Discord delivers the text of DMs and of
messages that mention the bot. In a DM, questions about workouts and logs
cover every server the person shares with the bot; membership is checked with
one REST member lookup per server (``GET /guilds/{id}/members/{user}``), which
needs no members intent.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import date

import discord
from discord.ext import commands

from bot.answers import Answer
from bot.chat import PACE_INTENTS, help_answer, missing_answer, pace_answer
from bot.clock import epoch_ms
from bot.core import Trackside
from bot.domain.dates import parse_date
from bot.domain.distance import format_distance, parse_distance
from bot.domain.errors import InputError
from bot.domain.questions import Question, parse_question
from bot.domain.times import format_time
from bot.split_answers import rep_table, short_date, summary_lines
from bot.submissions import analysis_of
from bot.ui import inline_text, render
from cogs._server import server_today
from cogs._wod_text import long_date, workout_answer
from db import PaceHistory
from db.submissions import SubmissionQueries
from db.workouts import WorkoutQueries

log = logging.getLogger(__name__)

# Per user: at most this many questions per window; the first extra one gets
# a "slow down", the rest are ignored until the window passes.
QUESTIONS_PER_WINDOW = 5
WINDOW_SECONDS = 60.0


class Chat(commands.Cog):
    def __init__(self, bot: Trackside) -> None:
        self.bot = bot
        self.history = PaceHistory(bot.db)
        self.workouts = WorkoutQueries(bot.db)
        self.submissions = SubmissionQueries(bot.db)
        self.cooldown = commands.CooldownMapping.from_cooldown(
            QUESTIONS_PER_WINDOW, WINDOW_SECONDS, commands.BucketType.user
        )
        self._told_to_slow_down: set[int] = set()

    def _addressed_to_us(self, message: discord.Message) -> bool:
        if message.author.bot or self.bot.user is None:
            return False  # other bots and ourselves
        if message.guild is None:
            return True
        return any(user.id == self.bot.user.id for user in message.mentions)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if not self._addressed_to_us(message):
            return
        if (await self.bot.get_context(message)).valid:
            return  # an owner's text command such as `sync`
        retry_after = self.cooldown.get_bucket(message).update_rate_limit()  # type: ignore[union-attr]
        if retry_after:
            if message.author.id not in self._told_to_slow_down:
                self._told_to_slow_down.add(message.author.id)
                await self._reply(
                    message,
                    f"Slow down a little: {QUESTIONS_PER_WINDOW} questions a minute. "
                    f"Try again in {retry_after:.0f} s.",
                    [],
                )
            return
        self._told_to_slow_down.discard(message.author.id)
        try:
            content, answers = await self.answer(message)
        except Exception:
            log.exception("chat answer failed for message %s", message.id)
            content, answers = "Something went wrong on my side; please try again.", []
        await self._reply(message, content, answers)

    async def _reply(
        self, message: discord.Message, content: str, answers: Sequence[Answer]
    ) -> None:
        # One message, however many servers' answers it carries: the overflow
        # rule of bot.ui keeps it within Discord's limits (the rest as a file).
        rendered = render(answers, content=content)
        try:
            await message.reply(
                rendered.content,
                embeds=rendered.embeds,
                files=rendered.discord_files(),
                mention_author=False,
                allowed_mentions=discord.AllowedMentions.none(),
            )
        except discord.HTTPException as error:
            log.warning("could not answer message %s: %s", message.id, error)

    # -- answers -----------------------------------------------------------------
    async def answer(self, message: discord.Message) -> tuple[str, list[Answer]]:
        question = parse_question(message.content)
        if question.intent in PACE_INTENTS:
            return await self._pace(message, question)
        if question.intent in {"workout", "log", "best"}:
            return await self._team(message, question)
        answer = help_answer(unknown=question.intent == "unknown")
        return answer.headline, [answer]

    async def _pace(self, message: discord.Message, question: Question) -> tuple[str, list[Answer]]:
        try:
            answer = pace_answer(question)
        except InputError as error:  # understood, but a value is out of range
            return f"{error.message} For example {error.example}.", []
        if answer is None:
            answer = missing_answer(question)
            return answer.headline, [answer]
        await self.history.record(
            user_id=message.author.id,
            guild_id=message.guild.id if message.guild else None,
            command="chat",
            inputs=message.clean_content[:200],
            summary=answer.headline,
            created_at=epoch_ms(self.bot.clock.now()),
        )
        return answer.headline, [answer]

    async def _guilds_for(self, message: discord.Message) -> list[discord.Guild]:
        if message.guild is not None:
            return [message.guild]
        shared = []
        for guild in sorted(self.bot.guilds, key=lambda g: g.name.lower()):
            if guild.get_member(message.author.id) is None:
                try:
                    await guild.fetch_member(message.author.id)
                except discord.NotFound:
                    continue
                except discord.HTTPException as error:
                    log.info("member lookup in %s failed: %s", guild.id, error)
                    continue
            shared.append(guild)
        return shared

    async def _team(self, message: discord.Message, question: Question) -> tuple[str, list[Answer]]:
        guilds = await self._guilds_for(message)
        if not guilds:
            return (
                "We don't share a server that uses Trackside, so I have no workouts or "
                "logs for you.",
                [],
            )
        labelled = len(guilds) > 1
        lines: list[str] = []
        found: list[Answer] = []
        for guild in guilds:
            _, today = await server_today(self.bot, guild.id)
            try:
                day = parse_date(question.date_text or "today", today, direction="back")
            except InputError as error:
                return f"{error.message} For example {error.example}.", []
            # A server's name is user text like any other: shown as typed.
            prefix = f"{inline_text(guild.name)}: " if labelled else ""
            if question.intent == "workout":
                line, answer = await self._workout(guild.id, day)
            elif question.intent == "log":
                line, answer = await self._log(guild.id, day, message.author.id)
            else:
                line, answer = await self._best(guild.id, message.author.id, question)
            lines.append(prefix + line)
            if answer is not None:
                if labelled:
                    answer = replace(answer, title=f"{inline_text(guild.name)}: {answer.title}")
                found.append(answer)
        return "\n".join(lines), found

    async def _workout(self, guild_id: int, day: date) -> tuple[str, Answer | None]:
        workout = await self.workouts.get(guild_id, day)
        if workout is None or not workout.public:
            return f"No workout posted for {long_date(day)}.", None
        return f"Workout for {long_date(day)}", workout_answer(workout)

    async def _log(self, guild_id: int, day: date, athlete_id: int) -> tuple[str, Answer | None]:
        submission = await self.submissions.get(guild_id, day, athlete_id)
        if submission is None:
            return f"You logged no splits for {long_date(day)}.", None
        analysis = analysis_of(submission)
        answer = Answer(
            kind="Splits",
            headline=f"Your splits for {short_date(day)}",
            title=f"Your splits for {short_date(day)}"
            + (f", {inline_text(submission.workout_title)}" if submission.workout_title else ""),
            body="\n".join(["```", *rep_table(analysis), "```", *summary_lines(analysis)]),
            file_name="splits.txt",
        )
        return answer.headline, answer

    async def _best(
        self, guild_id: int, athlete_id: int, question: Question
    ) -> tuple[str, Answer | None]:
        bests = await self.submissions.bests(guild_id, athlete_id)
        if question.distance_text:
            metres = parse_distance(question.distance_text).metres
            if metres not in bests:
                return f"No {format_distance(metres)} reps logged yet.", None
            return f"Your best {format_distance(metres)} rep: {format_time(bests[metres])}", None
        if not bests:
            return "No reps logged yet.", None
        listed = ", ".join(
            f"{format_distance(metres)} {format_time(ms)}" for metres, ms in sorted(bests.items())
        )
        return f"Your bests: {listed}", None


async def setup(bot: Trackside) -> None:
    await bot.add_cog(Chat(bot))
