"""The one submission path behind ``/splits submit`` and the post's form."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import discord

from bot.permissions import require_guild
from bot.split_answers import submission_answer
from bot.submissions import submit
from bot.ui import inline_text, send_answer

if TYPE_CHECKING:
    from bot.core import Trackside


async def submit_and_reply(
    bot: Trackside,
    interaction: discord.Interaction,
    *,
    text: str,
    note: str | None,
    day: date | None = None,
    date_text: str | None = None,
) -> None:
    """Validate and store in one unit of work, then answer publicly. Input
    errors raise before anything is stored or sent (the error handler makes
    them ephemeral). ``day`` for the form; ``date_text`` (blank: today) for
    the command."""
    guild_id = require_guild(interaction)
    outcome = await submit(
        bot.db,
        guild_id=guild_id,
        text=text,
        athlete_id=interaction.user.id,
        athlete_name=interaction.user.display_name,
        note=(note or "").strip() or None,
        now=bot.clock.now(),
        day=day,
        date_text=date_text,
    )
    name = inline_text(interaction.user.display_name)
    answer = submission_answer(outcome, name)
    await send_answer(interaction, answer)
