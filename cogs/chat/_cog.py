"""Questions in plain chat: mention the bot in a channel, or DM it.

No privileged intent is needed: Discord delivers the text of DMs and of
messages that mention the bot. In a DM, questions about workouts and logs
cover every server the person shares with the bot; membership is checked with
one REST member lookup per server (``GET /guilds/{id}/members/{user}``), which
needs no members intent. Each message makes one use-case call
(:func:`cogs.chat.answers.reply`) and gets one reply.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import discord
from discord.ext import commands

from bot.app import Trackside
from bot.permissions import Actor
from bot.replies import Answer, render
from cogs.chat.answers import Server, reply

log = logging.getLogger(__name__)

# Per user: at most this many questions per window; the first extra one gets
# a "slow down", the rest are ignored until the window passes.
QUESTIONS_PER_WINDOW = 5
WINDOW_SECONDS = 60.0


def _asker(message: discord.Message) -> Actor:
    # Chat never needs a coach's rights: nothing here changes shared data.
    return Actor(
        user_id=message.author.id,
        name=message.author.display_name,
        guild_id=message.guild.id if message.guild else None,
        manage_guild=False,
    )


class Chat(commands.Cog):
    def __init__(self, bot: Trackside) -> None:
        self.bot = bot
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
            content, answers = await reply(
                self.bot.db,
                _asker(message),
                message.content,
                lambda: self._servers_of(message),
                now=self.bot.clock.now(),
                shown_as=message.clean_content,
            )
        except Exception:
            log.exception("chat answer failed for message %s", message.id)
            content, answers = "Something went wrong on my side; please try again.", []
        await self._reply(message, content, answers)

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
        """The server asked in, or in a DM every server shared with the asker."""
        if message.guild is not None:
            return [Server(message.guild.id, message.guild.name)]
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
            shared.append(Server(guild.id, guild.name))
        return shared
