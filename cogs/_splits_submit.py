"""The one submission path behind ``/splits submit`` and the post's form."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import discord

from bot.clock import epoch_ms
from bot.permissions import require_guild
from bot.split_answers import submission_answer
from bot.submissions import match_to_workout, record
from bot.ui import inline_text, send_answer
from db.workouts import WorkoutQueries

if TYPE_CHECKING:
    from bot.core import Trackside


async def submit_and_reply(
    bot: Trackside,
    interaction: discord.Interaction,
    *,
    day: date,
    text: str,
    note: str | None,
) -> None:
    """Validate, store in one transaction, then answer publicly. Input errors
    raise before anything is stored or sent (the error handler makes them
    ephemeral)."""
    guild_id = require_guild(interaction)
    workout = await WorkoutQueries(bot.db).get(guild_id, day)
    matched = match_to_workout(text, workout)
    outcome = await record(
        bot.db,
        guild_id=guild_id,
        day=day,
        workout=workout,
        athlete_id=interaction.user.id,
        athlete_name=interaction.user.display_name,
        matched=matched,
        note=(note or "").strip() or None,
        now=epoch_ms(bot.clock.now()),
    )
    name = inline_text(interaction.user.display_name)
    answer = submission_answer(outcome, name)
    await send_answer(interaction, answer)
