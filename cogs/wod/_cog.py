"""``/wod``: coaches prescribe, schedule and post the workout of the day; the
scheduler posts each server's workout at its local post time.

Each command reads its options, makes one use-case call (:mod:`cogs.wod.plan`)
and sends one reply.
"""

from __future__ import annotations

import asyncio
import logging

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.app import Trackside
from bot.domain import limits
from bot.options import ShortText
from bot.pacing import posting_bucket
from bot.permissions import actor_of
from bot.replies import send_answer
from cogs.wod import plan
from cogs.wod.posting import WorkoutPoster, post_due
from db.base import StorageError
from db.workouts import Shards

log = logging.getLogger(__name__)

TICK_SECONDS = 30
DATE_HELP = "today, tomorrow, a weekday (friday) or 2026-06-05"
GROUP_HELP = "A training group (default: the whole team)"
SESSION_HELP = "Another session that day, e.g. am, pm, track (default: the main one)"
GroupName = app_commands.Range[str, 1, limits.GROUP_NAME.max_length]
SessionLabel = app_commands.Range[str, 1, limits.SESSION.max_length]


def _server_role_ids(interaction: discord.Interaction) -> frozenset[int] | None:
    """The server's roles as Discord has them now (None: server not cached)."""
    guild = interaction.guild
    return frozenset(role.id for role in guild.roles) if guild is not None else None


@app_commands.allowed_installs(guilds=True, users=False)
@app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
class Wod(commands.GroupCog, group_name="wod", group_description="Workout of the day"):
    def __init__(self, bot: Trackside) -> None:
        self.bot = bot
        self.poster = WorkoutPoster(bot)
        # The scheduler's own poster, paced (made at the first tick).
        self._scheduled: WorkoutPoster | None = None
        # Set after each completed tick; tests wait on it instead of sleeping.
        self.ticked = asyncio.Event()

    async def cog_load(self) -> None:
        self.scheduler.start()

    async def cog_unload(self) -> None:
        self.scheduler.cancel()

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.guild_id is None:
            raise app_commands.NoPrivateMessage()  # "works in a server" from a DM
        return True

    # -- scheduler -------------------------------------------------------------
    @tasks.loop(seconds=TICK_SECONDS)
    async def scheduler(self) -> None:
        try:
            await self.tick()
        except StorageError as error:  # the next tick tries again
            self.bot.metrics.database_fault(error)
            log.warning("scheduler tick failed: %s", error.reason)
        except Exception:  # a bad tick must not stop the loop for every server
            log.exception("scheduler tick failed")

    @scheduler.before_loop
    async def _before_scheduler(self) -> None:
        await self.bot.wait_until_ready()

    def scheduled_poster(self) -> WorkoutPoster:
        """The scheduler's poster, paced at this process's share of
        ``POST_RATE`` (its shards of all shards; ``bot.pacing``). Made at the
        first tick, once connected: ``SHARD_COUNT=auto`` is resolved by then.
        Commands use the unpaced ``poster``: a coach does not queue behind a
        mass posting minute, and people's few requests fit in the headroom."""
        if self._scheduled is None:
            count = self.bot.shard_count or 1
            run = len(self.bot.shards_run)
            pacer = posting_bucket(self.bot.settings.post_rate, run, count)
            if pacer is not None:
                log.info(
                    "scheduled posts paced at %.1f requests/s (POST_RATE=%g, %d of %d shards)",
                    pacer.rate,
                    self.bot.settings.post_rate,
                    run,
                    count,
                )
            self._scheduled = WorkoutPoster(self.bot, pacer=pacer)
        return self._scheduled

    async def tick(self) -> list[int]:
        """Post every due workout of this process's shards; returns the ids posted."""
        shards = Shards(self.bot.shard_count or 1, tuple(self.bot.shards_run))
        posted = await post_due(
            self.bot.db,
            self.scheduled_poster(),
            self.bot.clock.now(),
            claimer=self.bot.boot_id,
            shards=shards,
            on_outcome=self.bot.metrics.scheduled_post,
        )
        self.ticked.set()
        return posted

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
        group=GROUP_HELP,
        session=SESSION_HELP,
    )
    async def post(
        self,
        interaction: discord.Interaction,
        workout: app_commands.Range[str, 1, limits.WORKOUT_TEXT.max_length],
        date: ShortText | None = None,
        title: app_commands.Range[str, 1, limits.TITLE.max_length] | None = None,
        recovery: app_commands.Range[str, 1, limits.RECOVERY.max_length] | None = None,
        notes: app_commands.Range[str, 1, limits.WORKOUT_NOTES.max_length] | None = None,
        group: GroupName | None = None,
        session: SessionLabel | None = None,
    ) -> None:
        assert interaction.channel_id is not None
        asked = plan.Prescription(
            workout,
            date,
            title,
            recovery,
            notes,
            interaction.channel_id,
            group=group,
            session=session,
            server_role_ids=_server_role_ids(interaction),
        )
        text = await plan.prescribe(
            self.bot.db,
            self.poster,
            actor_of(interaction),
            asked,
            now=self.bot.clock.now(),
            # Validated: from here on, only our own work can fail.
            acknowledge=lambda: interaction.response.defer(ephemeral=True, thinking=True),
        )
        await send_answer(interaction, text, ephemeral=True)

    @post.autocomplete("group")
    async def _post_group_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await self._group_choices(interaction, current)

    async def _group_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        names = await plan.group_choices(self.bot.db, interaction.guild_id, current)
        return [app_commands.Choice(name=name, value=name) for name in names]

    @app_commands.command(
        name="today", description="Today's workouts", extras={"example": "`/wod today`"}
    )
    async def today(self, interaction: discord.Interaction) -> None:
        shown = await plan.show(self.bot.db, actor_of(interaction), None, now=self.bot.clock.now())
        await send_answer(interaction, shown, ephemeral=True)

    @app_commands.command(
        name="show",
        description="The workouts of a given day",
        extras={"example": "`/wod show date:yesterday`"},
    )
    @app_commands.describe(date=DATE_HELP)
    async def show(self, interaction: discord.Interaction, date: ShortText) -> None:
        shown = await plan.show(self.bot.db, actor_of(interaction), date, now=self.bot.clock.now())
        await send_answer(interaction, shown, ephemeral=True)

    @app_commands.command(
        name="list",
        description="The workouts of the coming days",
        extras={"example": "`/wod list days:7`"},
    )
    @app_commands.describe(days="How many days ahead, today included (default 7)")
    async def list_(
        self,
        interaction: discord.Interaction,
        days: app_commands.Range[int, plan.LIST_DAYS.low, plan.LIST_DAYS.high] = 7,
    ) -> None:
        listed = await plan.coming(
            self.bot.db, actor_of(interaction), days, now=self.bot.clock.now()
        )
        await send_answer(interaction, listed, ephemeral=True)

    @app_commands.command(
        name="delete",
        description="Delete a day's workout and its post (coaches)",
        extras={"example": "`/wod delete date:tomorrow`"},
    )
    @app_commands.describe(date=DATE_HELP, group=GROUP_HELP, session=SESSION_HELP)
    async def delete(
        self,
        interaction: discord.Interaction,
        date: ShortText,
        group: GroupName | None = None,
        session: SessionLabel | None = None,
    ) -> None:
        text = await plan.remove(
            self.bot.db,
            self.poster,
            actor_of(interaction),
            date,
            now=self.bot.clock.now(),
            group=group,
            session=session,
        )
        await send_answer(interaction, text, ephemeral=True)

    @delete.autocomplete("group")
    async def _delete_group_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await self._group_choices(interaction, current)
