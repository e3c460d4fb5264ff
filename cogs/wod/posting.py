"""Posting and editing the workout-of-the-day message, and its persistent
**Submit splits** button.

Shared by ``/wod post`` (post or edit now) and the scheduler (post when due).
A training group's workout posts in the group's channel (else the server's
workout channel, else where ``/wod post`` was used), shows its label
("Sprints · pm") and, when the group pings, mentions the group's role: the
first send allows exactly that role, every edit allows none.
Exactly once: a workout is claimed in the database before its message is sent,
and the message id is stored right after; a claim left by a crash in between
is reconciled against the channel's recent messages before posting again.

The message always ends up showing the stored workout: whoever sent or edited
it records the revision it rendered, then compares it with the stored one and
edits again until they agree (two coaches saving while a post is on its way:
the last write wins and its message shows it); a workout deleted while its
message was on its way has that message deleted.

The scheduler's poster is paced (:mod:`bot.pacing`): it takes a token before
each request it makes to Discord, so a minute when thousands of servers are
due stays under Discord's global limit; a coach's ``/wod post`` is not paced.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

import discord

from bot.clock import epoch_ms
from bot.domain.schedule import candidate_window, is_due
from bot.groups import slot_label
from bot.metrics import PostOutcome
from bot.pacing import TokenBucket
from bot.replies import inline_text
from cogs.splits.views import BUTTON_ID, post_view
from cogs.wod.rendering import long_date, render_workout, workout_content
from db.base import Database
from db.groups import TEAM, GroupQueries, TrainingGroup
from db.workouts import Shards, StoredWorkout, WorkoutQueries

if TYPE_CHECKING:
    from bot.app import Trackside

log = logging.getLogger(__name__)

ALREADY_POSTING = "it is already being posted"
DELETED_MEANWHILE = "it was deleted meanwhile"
TEMPORARY_ERROR = "Discord had a temporary error"
# A claim older than this is a crash between "send" and "store the id".
CLAIM_TIMEOUT = timedelta(minutes=2)
# How far back to look for our own message when reconciling a stale claim.
RECONCILE_HISTORY = 50


class Poster(Protocol):
    """What the use cases need of the workout messages (Discord's side)."""

    async def publish(
        self, workout: StoredWorkout, channel_id: int, *, ping_role_id: int | None = None
    ) -> tuple[bool, str]: ...

    async def refresh(self, workout: StoredWorkout) -> bool: ...

    async def remove(self, workout: StoredWorkout) -> None: ...


async def post_due(
    db: Database,
    poster: Poster,
    now: datetime,
    *,
    claimer: str,
    shards: Shards | None = None,
    on_outcome: Callable[[PostOutcome], None] | None = None,
) -> list[int]:
    """The scheduler's tick: post every workout of the servers on ``shards``
    whose local date is today in its server's timezone, whose post time has
    passed and which is not posted yet (one query for all of them); returns
    the ids posted. ``claimer`` is this process's boot id: a claim another
    process left is a dead predecessor's, taken over at once. ``on_outcome``
    hears how each attempt ended (the metrics: :func:`post_outcome`)."""
    earliest, latest = candidate_window(now)
    candidates = await WorkoutQueries(db).post_candidates(
        earliest,
        latest,
        claimer=claimer,
        stale_claim_before=epoch_ms(now - CLAIM_TIMEOUT),
        shards=shards,
    )
    posted: list[int] = []
    for candidate in candidates:
        workout = candidate.workout
        if not is_due(workout.local_date, candidate.post_time, candidate.timezone, now):
            continue
        channel_id = (
            candidate.group_channel_id
            or candidate.configured_channel_id
            or workout.origin_channel_id
        )
        done, what = await poster.publish(workout, channel_id, ping_role_id=candidate.ping_role_id)
        if on_outcome is not None:
            on_outcome(post_outcome(done, what))
        if done:
            posted.append(workout.id)
    return posted


def post_outcome(done: bool, what: str) -> PostOutcome:
    """``publish``'s (posted, what happened) as one word: posted; skipped
    (another is posting it, or it was deleted); retry (Discord's 5xx, posted
    at the next tick); failed (refused: the author was told why)."""
    if done:
        return "posted"
    if what in (ALREADY_POSTING, DELETED_MEANWHILE):
        return "skipped"
    if what.startswith(TEMPORARY_ERROR):
        return "retry"
    return "failed"


def post_nonce(workout: StoredWorkout) -> str:
    """The post's nonce (25 characters at most): the workout and its posting
    generation, so a message posted anew after its deletion is a new one."""
    return f"w{workout.id}g{workout.post_generation}"


def ping_mentions(role_id: int | None) -> discord.AllowedMentions:
    """What a post may mention: exactly the group's role when it pings (the
    one coach-configured ping), else nothing."""
    if role_id is None:
        return discord.AllowedMentions.none()
    return discord.AllowedMentions(
        everyone=False, users=False, roles=[discord.Object(role_id)], replied_user=False
    )


def _failure_text(error: discord.HTTPException, channel_id: int) -> str:
    if isinstance(error, discord.NotFound):
        return f"the channel <#{channel_id}> no longer exists (or I can't see it)"
    if isinstance(error, discord.Forbidden):
        return (
            f"I am missing permission to post in <#{channel_id}> "
            "(View Channel, Send Messages, Embed Links)"
        )
    return f"Discord refused the post in <#{channel_id}> ({error.status})"


class WorkoutPoster:
    """Posts, edits and reports on workout messages for one bot; with a
    ``pacer``, every request to Discord first takes a token from it."""

    def __init__(self, bot: Trackside, *, pacer: TokenBucket | None = None) -> None:
        self.bot = bot
        self.workouts = WorkoutQueries(bot.db)
        self.pacer = pacer

    async def _pace(self, requests: int = 1) -> None:
        """Before ``requests`` REST requests: wait for the pacer's tokens."""
        if self.pacer is not None:
            for _ in range(requests):
                await self.pacer.take()

    def _now(self) -> int:
        return epoch_ms(self.bot.clock.now())

    def _stale_before(self) -> int:
        return epoch_ms(self.bot.clock.now() - CLAIM_TIMEOUT)

    async def _group(self, workout: StoredWorkout) -> TrainingGroup | None:
        """The workout's training group (removed ones too: they keep their name)."""
        if workout.group_id == TEAM:
            return None
        groups = await GroupQueries(self.bot.db).by_ids(workout.guild_id, [workout.group_id])
        return groups.get(workout.group_id)

    @staticmethod
    def _label(workout: StoredWorkout, group: TrainingGroup | None) -> str | None:
        """What the post says whose it is: none for the team's main workout."""
        if workout.group_id == TEAM and not workout.session:
            return None
        names = {group.id: group.name} if group is not None else {}
        return slot_label(workout.group_id, workout.session, names)

    def _existing_role(self, guild_id: int, role_id: int | None) -> int | None:
        """``role_id`` unless the server, as cached, no longer has that role
        (a deleted role is not mentioned: it would show as @deleted-role)."""
        if role_id is None:
            return None
        guild = self.bot.get_guild(guild_id)
        if guild is not None and guild.get_role(role_id) is None:
            return None
        return role_id

    def _mention(self, workout: StoredWorkout, group: TrainingGroup | None) -> int | None:
        """The role an edited post keeps showing (it pinged when first sent)."""
        if group is None or not group.ping or not group.current:
            return None
        return self._existing_role(workout.guild_id, group.role_id)

    async def publish(
        self, workout: StoredWorkout, channel_id: int, *, ping_role_id: int | None = None
    ) -> tuple[bool, str]:
        """Post ``workout`` in ``channel_id`` unless someone else is posting it,
        mentioning ``ping_role_id`` (its group's role, when the group pings).

        Returns (posted, what happened) for the caller's confirmation.
        """
        group = await self._group(workout)
        label = self._label(workout, group)
        ping = self._existing_role(workout.guild_id, ping_role_id)
        if not await self.workouts.claim(
            workout,
            now=self._now(),
            claimer=self.bot.boot_id,
            stale_claim_before=self._stale_before(),
        ):
            return False, ALREADY_POSTING
        channel = self.bot.get_partial_messageable(channel_id, guild_id=workout.guild_id)
        try:
            existing = None
            if workout.post_claimed_at is not None:  # a crash mid-post: did it go out?
                await self._pace()  # one page of history
                existing = await self._find_our_post(
                    channel, workout, workout_content(workout, label, mention=ping)
                )
            rendered = render_workout(workout, label=label, mention=ping)
            if existing is None:
                await self._pace()
            message = existing or await channel.send(
                content=rendered.content,
                embeds=rendered.embeds,
                files=rendered.discord_files(),
                view=post_view(workout),  # type: ignore[arg-type]
                # The group's role when it pings; nothing else, ever.
                allowed_mentions=ping_mentions(ping),
                # discord.py sends it with enforce_nonce: should a previous
                # attempt (a process killed before it heard back) have created
                # the message, Discord returns that one instead of a second.
                nonce=post_nonce(workout),
            )
        except discord.DiscordServerError as error:
            # Transient (Discord's 5xx, which discord.py has already retried):
            # not a failure to report. The claim is expired rather than cleared,
            # so the next attempt (the next tick, or a coach's re-post) first
            # looks for the message in case Discord created it anyway.
            await self.workouts.expire_claim(workout.id)
            log.warning(
                "Discord error %s posting workout %s of guild %s; retrying on the next tick",
                error.status,
                workout.id,
                workout.guild_id,
            )
            return False, (
                f"{TEMPORARY_ERROR} ({error.status}); I will post it again within a minute"
            )
        except discord.HTTPException as error:
            reason = _failure_text(error, channel_id)
            await self.workouts.mark_failed(workout.id, reason)
            log.warning(
                "could not post workout %s of guild %s: %s", workout.id, workout.guild_id, reason
            )
            in_group_channel = group is not None and group.channel_id == channel_id
            await self._tell_author(workout, reason, label, group if in_group_channel else None)
            return False, reason
        current = await self.workouts.mark_posted(
            workout.id,
            channel_id=channel_id,
            message_id=message.id,
            revision=workout.revision,
            now=self._now(),
        )
        log.info("posted workout %s in channel %s", workout.id, channel_id)
        if current is None:  # deleted while its message was on its way
            await self._delete(channel, message.id, workout.id)
            return False, DELETED_MEANWHILE
        await self._settle(current, workout.revision)
        return True, f"posted in <#{channel_id}>"

    async def refresh(self, workout: StoredWorkout) -> bool:
        """Edit the posted message to show the stored workout (``workout`` or
        newer); False if the message is gone."""
        assert workout.channel_id is not None and workout.message_id is not None
        if not await self._edit(workout):
            return False
        current = await self.workouts.mark_shown(workout.id, revision=workout.revision)
        if current is not None:
            await self._settle(current, workout.revision)
        return True

    async def _edit(self, workout: StoredWorkout) -> bool:
        assert workout.channel_id is not None and workout.message_id is not None
        channel = self.bot.get_partial_messageable(workout.channel_id, guild_id=workout.guild_id)
        group = await self._group(workout)
        rendered = render_workout(
            workout, label=self._label(workout, group), mention=self._mention(workout, group)
        )
        await self._pace()
        try:
            await channel.get_partial_message(workout.message_id).edit(
                content=rendered.content,
                embeds=rendered.embeds,
                attachments=rendered.discord_files(),
                view=post_view(workout),
                # An edit keeps showing the role but never pings again.
                allowed_mentions=discord.AllowedMentions.none(),
            )
        except discord.NotFound:
            await self.workouts.forget_message(workout.id)
            return False
        return True

    async def _settle(self, current: StoredWorkout, shown: int) -> None:
        """Our message shows revision ``shown``; ``current`` is the row as
        stored after we recorded that. Edit until the two agree: another
        coach's save may have landed while our send or edit was in flight,
        and theirs may have reached Discord before ours."""
        while current.revision != shown and current.message_id is not None:
            if not await self._edit(current):
                return
            shown = current.revision
            latest = await self.workouts.mark_shown(current.id, revision=shown)
            if latest is None:
                return
            current = latest

    async def _delete(
        self, channel: discord.PartialMessageable, message_id: int, workout_id: int
    ) -> None:
        await self._pace()
        try:
            await channel.get_partial_message(message_id).delete()
        except discord.HTTPException as error:
            log.info("could not delete the post of deleted workout %s: %s", workout_id, error)

    async def remove(self, workout: StoredWorkout) -> None:
        if workout.channel_id is None or workout.message_id is None:
            return
        channel = self.bot.get_partial_messageable(workout.channel_id, guild_id=workout.guild_id)
        await self._pace()
        try:
            await channel.get_partial_message(workout.message_id).delete()
        except discord.HTTPException as error:  # gone or forbidden: the row goes anyway
            log.info("could not delete workout message %s: %s", workout.message_id, error)

    async def _find_our_post(
        self, channel: discord.PartialMessageable, workout: StoredWorkout, content: str
    ) -> discord.Message | None:
        """Our message for ``workout`` among the channel's recent ones: its
        button, or (a rest day has none) its ``content`` line."""
        wanted = BUTTON_ID.format(workout_id=workout.id)
        assert self.bot.user is not None
        async for message in channel.history(limit=RECONCILE_HISTORY):
            if message.author.id != self.bot.user.id:
                continue
            ids = [
                getattr(child, "custom_id", None)
                for row in message.components
                for child in getattr(row, "children", [])
            ]
            if wanted in ids or (not ids and message.content == content):
                return message
        return None

    async def _tell_author(
        self,
        workout: StoredWorkout,
        reason: str,
        label: str | None,
        group: TrainingGroup | None,
    ) -> None:
        """DM the workout's author why it did not post; ``group``: it failed
        in that group's own channel, which ``/config channel`` does not change."""
        whose = f" ({inline_text(label)})" if label else ""
        fix = (
            f"give the {inline_text(group.name)} group another channel (`/config group remove`, "
            "then `/config group add` with a channel)"
            if group is not None
            else "pick a channel with `/config channel`"
        )
        text = (
            f"I couldn't post your workout for {long_date(workout.local_date)}{whose}: {reason}. "
            f"Fix the permission or {fix}, then run `/wod post` again."
        )
        try:
            user = self.bot.get_user(workout.author_id)
            if user is None:
                await self._pace()
                user = await self.bot.fetch_user(workout.author_id)
            await self._pace(2)  # the DM channel (unless known), then the message
            await user.send(text, allowed_mentions=discord.AllowedMentions.none())
        except discord.HTTPException as error:
            log.warning("could not DM author %s about a failed post: %s", workout.author_id, error)
