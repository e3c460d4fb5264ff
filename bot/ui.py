"""Turning an :class:`~bot.answers.Answer` into what Discord shows."""

from __future__ import annotations

import io

import discord

from bot.answers import Answer

# Colours by kind of answer, so "same pace" and "equivalent" look different.
_COLOURS = {
    "Same pace": discord.Colour.blue(),
    "Even splits": discord.Colour.teal(),
    "Equivalent performance": discord.Colour.purple(),
    "VDOT": discord.Colour.orange(),
    "Splits": discord.Colour.green(),
    "Board": discord.Colour.gold(),
}
CONTENT_LIMIT = 2000


def answer_embed(answer: Answer) -> discord.Embed:
    embed = discord.Embed(
        title=answer.title[:256],
        description=answer.body,
        colour=_COLOURS.get(answer.kind, discord.Colour.dark_grey()),
    )
    if answer.footer:
        embed.set_footer(text=answer.footer[:2048])
    return embed


def answer_content(answer: Answer) -> str:
    headline = answer.headline
    if len(headline) > CONTENT_LIMIT:
        headline = headline[: CONTENT_LIMIT - 1] + "…"
    return headline


def answer_files(answer: Answer) -> list[discord.File]:
    if answer.attachment is None:
        return []
    name, text = answer.attachment
    return [discord.File(io.BytesIO(text.encode("utf-8")), filename=name)]


async def send_answer(
    interaction: discord.Interaction, answer: Answer, *, ephemeral: bool = False
) -> None:
    """Reply with an answer: headline as content (notifications show it), the
    embed, any attached table; never pings."""
    await interaction.response.send_message(
        answer_content(answer),
        embed=answer_embed(answer),
        files=answer_files(answer),
        ephemeral=ephemeral,
        allowed_mentions=discord.AllowedMentions.none(),
    )
