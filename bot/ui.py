"""Turning an :class:`~bot.answers.Answer` into what Discord shows."""

from __future__ import annotations

import io

import discord
from discord.utils import MISSING

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


def literal_text(text: str) -> str:
    """User-typed text (a workout, its recovery and notes) shown as typed, not
    as markup: ``**``, ``||``, backticks, ``>``/``#`` at a line start and the
    rest are escaped, so nothing a user types can open or close the bot's code
    blocks, hide text behind a spoiler or turn a line into a heading."""
    return discord.utils.escape_markdown(text)


def inline_text(text: str) -> str:
    """User-typed text that sits inside one of the bot's lines (a title, an
    athlete's note or name): :func:`literal_text` on one line, whitespace runs
    (newlines included) collapsed to one space."""
    return literal_text(" ".join(text.split()))


def code_text(text: str) -> str:
    """User-typed text inside one of the bot's code blocks (a name in the board
    table). Escapes show literally in a code block, so a backtick, the only
    character that can end the block, becomes the look-alike ``ˋ``; newlines
    would break the table's rows, so whitespace runs become one space."""
    return " ".join(text.split()).replace("`", "ˋ")


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
        # MISSING, not [], when there is nothing to attach: an empty list still
        # sends an "attachments" field.
        files=answer_files(answer) or MISSING,
        ephemeral=ephemeral,
        allowed_mentions=discord.AllowedMentions.none(),
    )
