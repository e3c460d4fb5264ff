"""The **Submit splits** button under a workout post and the form it opens."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord

from bot.errors import ReportingModal, UserError, report_error
from cogs._splits_submit import submit_and_reply
from cogs._wod_text import modal_placeholder
from db.workouts import StoredWorkout, WorkoutQueries

if TYPE_CHECKING:
    from bot.core import Trackside

BUTTON_ID = "trackside:splits:{workout_id}"
BUTTON_TEMPLATE = r"trackside:splits:(?P<workout_id>[0-9]+)"

FIELD_SPLITS = "splits"
FIELD_NOTE = "note"


class SplitsModal(ReportingModal):
    def __init__(self, workout: StoredWorkout) -> None:
        day = workout.local_date
        title = f"Splits for {day:%a} {day.day} {day:%b}"
        super().__init__(title=title[:45], timeout=15 * 60)
        self.workout = workout
        self.splits: discord.ui.TextInput = discord.ui.TextInput(
            label="Your times, in rep order",
            placeholder=modal_placeholder(workout),
            style=discord.TextStyle.paragraph,
            max_length=1000,
            custom_id=FIELD_SPLITS,
        )
        self.note: discord.ui.TextInput = discord.ui.TextInput(
            label="Note (optional)",
            placeholder="How it felt, conditions, spikes or flats…",
            required=False,
            max_length=300,
            custom_id=FIELD_NOTE,
        )
        self.add_item(self.splits)
        self.add_item(self.note)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        # The same path as /splits submit, for the day this form was opened
        # for (the workout is read again: the coach may have edited it since).
        await submit_and_reply(
            interaction.client,
            interaction,
            day=self.workout.local_date,
            text=self.splits.value,
            note=self.note.value,
        )


class SubmitSplitsButton(discord.ui.DynamicItem[discord.ui.Button], template=BUTTON_TEMPLATE):
    """Survives restarts: its custom_id carries the workout id, and the bot
    registers the class in ``setup_hook`` (``add_dynamic_items``)."""

    def __init__(self, workout_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Submit splits",
                style=discord.ButtonStyle.primary,
                custom_id=BUTTON_ID.format(workout_id=workout_id),
            )
        )
        self.workout_id = workout_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Button,
        match: re.Match[str],
    ) -> SubmitSplitsButton:
        return cls(int(match["workout_id"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        try:
            bot: Trackside = interaction.client
            workout = await WorkoutQueries(bot.db).by_id(self.workout_id)
            if workout is None:
                raise UserError("This workout has been deleted, so there is nothing to submit to.")
            await interaction.response.send_modal(SplitsModal(workout))
        except Exception as error:  # one error path for every interaction
            await report_error(interaction, error)
