"""Questions in plain chat: mention the bot in a channel, or DM it.

No privileged intent is needed: Discord delivers the text of DMs and of
messages that mention the bot. Each person may ask 5 questions a minute, a
count kept in the database (one upsert per question, :mod:`cogs.chat.cooldown`)
so it holds across processes and restarts. Every use of Trackside in a server
(a mention here, any command, button or form through :meth:`Chat.on_interaction`)
is recorded (:mod:`cogs.chat.presence`); in a DM, questions about workouts and
logs cover the servers where the person was recorded and still is a member:
one REST member lookup (``GET /guilds/{id}/members/{user}``, no members intent)
for each of those, not for every server the bot is in (a server on a shard
another process runs is first read through REST for its name). Each message
makes one use-case call (:func:`cogs.chat.answers.reply`) and gets one reply.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import Trackside
from bot.domain.limits import QUESTION
from bot.errors import user_message
from bot.permissions import Actor, actor_of
from bot.replies import Answer, render, send_answer
from cogs.chat.answers import Server, ask_question, reply
from cogs.chat.cooldown import ChatCooldown, Verdict, slow_down_text
from cogs.chat.presence import GONE, Gone, ServerUse
from db.base import StorageError

log = logging.getLogger(__name__)

SOMETHING_WENT_WRONG = "Something went wrong on my side; please try again."


def _asker(message: discord.Message) -> Actor:
    # Chat never needs a coach's rights: nothing here changes shared data.
    return Actor(
        user_id=message.author.id,
        name=message.author.display_name,
        guild_id=message.guild.id if message.guild else None,
        manage_guild=False,
    )


def _role_ids(person: discord.abc.User) -> frozenset[int]:
    """A member's role ids (a user outside a server has none)."""
    if isinstance(person, discord.Member):
        return frozenset(role.id for role in person.roles)
    return frozenset()


class Chat(commands.Cog):
    def __init__(self, bot: Trackside) -> None:
        self.bot = bot
        self.cooldown = ChatCooldown(bot.db)
        self.server_use = ServerUse(bot.db)

    def _addressed_to_us(self, message: discord.Message) -> bool:
        if message.author.bot or self.bot.user is None:
            return False  # other bots and ourselves
        if message.guild is None:
            return True
        return any(user.id == self.bot.user.id for user in message.mentions)

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        # Any command, button or form in a server (alongside the bot's own
        # routing in bot.app, which answers it): one write per person and
        # server a day at most.
        if interaction.guild_id is not None and not interaction.user.bot:
            await self._record_use(interaction.user.id, interaction.guild_id)

    async def _record_use(self, user_id: int, guild_id: int) -> None:
        try:
            await self.server_use.used(user_id, guild_id, now=self.bot.clock.now())
        except StorageError as error:
            self.bot.metrics.database_fault(error)
            # Only a later DM misses this server; tried again at the next use.
            log.warning("could not record a use of server %s: %s", guild_id, error.reason)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if not self._addressed_to_us(message):
            return
        if message.guild is not None:
            await self._record_use(message.author.id, message.guild.id)
        if (await self.bot.get_context(message)).valid:
            return  # an owner's text command such as `sync`
        try:
            turn = await self.cooldown.take_turn(message.author.id, now=self.bot.clock.now())
        except StorageError as error:
            self.bot.metrics.database_fault(error)
            log.warning("chat cooldown not counted for message %s: %s", message.id, error.reason)
            await self._reply(message, user_message(error) or SOMETHING_WENT_WRONG, [])
            return
        if turn.verdict is Verdict.IGNORE:
            return
        if turn.verdict is Verdict.SLOW_DOWN:
            await self._reply(message, slow_down_text(turn), [])
            return
        try:
            content, answers = await reply(
                self.bot.db,
                _asker(message),
                message.content,
                lambda: self._servers_of(message),
                now=self.bot.clock.now(),
                shown_as=message.clean_content,
            )
        except StorageError as error:
            self.bot.metrics.database_fault(error)
            log.warning("chat answer not stored for message %s: %s", message.id, error.reason)
            content, answers = user_message(error) or SOMETHING_WENT_WRONG, []
        except Exception:
            log.exception("chat answer failed for message %s", message.id)
            content, answers = SOMETHING_WENT_WRONG, []
        await self._reply(message, content, answers)

    @app_commands.command(
        name="ask",
        description="Ask a training question: your paces, your week, or a training term",
        extras={"example": "`/ask question:what pace should my tempo runs be?`"},
    )
    @app_commands.describe(
        question="e.g. what pace should my tempo runs be? how was my week? what are strides?"
    )
    @app_commands.allowed_installs(guilds=True, users=False)
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    async def ask(
        self,
        interaction: discord.Interaction,
        question: app_commands.Range[str, 1, QUESTION.max_length],
    ) -> None:
        # The same understanding and answers as a mention or a DM, privately.
        content, answers = await ask_question(
            self.bot.db,
            actor_of(interaction),
            question,
            lambda: self._servers_for(interaction.user, interaction.guild),
            now=self.bot.clock.now(),
        )
        await send_answer(interaction, answers or content, content=content, ephemeral=True)

    async def _reply(
        self, message: discord.Message, content: str, answers: Sequence[Answer]
    ) -> None:
        # One message, however many servers' answers it carries: the overflow
        # rule of bot.replies keeps it within Discord's limits (the rest as a file).
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

    async def _servers_of(self, message: discord.Message) -> list[Server]:
        return await self._servers_for(message.author, message.guild)

    async def _servers_for(
        self, person: discord.abc.User, guild: discord.Guild | None
    ) -> list[Server]:
        """The server asked in, or in a DM the servers where the asker used
        Trackside and is still a member, by name."""
        if guild is not None:
            # The author of a server message (or interaction) is a Member carrying their roles.
            return [Server(guild.id, guild.name, _role_ids(person))]
        user_id = person.id
        return await self.server_use.shared_with(
            user_id, lambda guild_id: self._membership(user_id, guild_id)
        )

    def _runs_shard_of(self, guild_id: int) -> bool:
        """This process runs the shard that ``guild_id`` is on (so it has the
        server cached if the bot is in it)."""
        shards = getattr(self.bot, "shard_ids", None)  # None: every shard
        return shards is None or (guild_id >> 22) % (self.bot.shard_count or 1) in shards

    async def _membership(self, user_id: int, guild_id: int) -> Server | Gone | None:
        """One recorded server: whether ``user_id`` is still a member (one
        REST lookup unless cached). A server on a shard another process runs
        is read through REST first, for its name."""
        guild = self.bot.get_guild(guild_id)
        if guild is None:
            if self._runs_shard_of(guild_id):
                return None  # the bot is not in it (its row is kept: Discord did not say)
            try:
                guild = await self.bot.fetch_guild(guild_id, with_counts=False)
            except (discord.NotFound, discord.Forbidden):
                return GONE  # the bot is no longer in it
            except discord.HTTPException as error:
                log.info("server lookup of %s failed: %s", guild_id, error)
                return None
        if guild.unavailable or guild.name is None:
            return None  # a Discord outage there: nothing to answer from
        member = guild.get_member(user_id)
        if member is None:
            try:
                member = await guild.fetch_member(user_id)
            except discord.NotFound:
                return GONE
            except discord.HTTPException as error:
                log.info("member lookup in %s failed: %s", guild.id, error)
                return None
        # The member lookup carries their roles: which training groups they are in.
        return Server(guild.id, guild.name, _role_ids(member))
