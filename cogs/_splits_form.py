"""The **Submit splits** button under a workout post and the form it opens."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord

from bot.errors import UserError, report_error
from cogs._splits_submit import submit_and_reply
from cogs._wod_text import modal_placeholder
from db.workouts import StoredWorkout, WorkoutQueries

if TYPE_CHECKING:
    from bot.core import Trackside

BUTTON_ID = "trackside:splits:{workout_id}"
BUTTON_TEMPLATE = r"trackside:splits:(?P<workout_id>[0-9]+)"

FIELD_SPLITS = "splits"
FIELD_NOTE = "note"


FORM_ID = "trackside:splitsform:{workout_id}"
FORM_PATTERN = re.compile(r"trackside:splitsform:(?P<workout_id>[0-9]+)")


def splits_form(workout: StoredWorkout) -> discord.ui.Modal:
    """The form the button opens. Its submission is handled by
    :func:`handle_form_submit` from its custom id alone, not by an object kept
    in memory, so a form opened before a restart still submits after it."""
    day = workout.local_date
    form = discord.ui.Modal(
        title=f"Splits for {day:%a} {day.day} {day:%b}"[:45],
        custom_id=FORM_ID.format(workout_id=workout.id),
    )
    form.add_item(
        discord.ui.TextInput(
            label="Your times, in rep order",
            placeholder=modal_placeholder(workout),
            style=discord.TextStyle.paragraph,
            max_length=1000,
            custom_id=FIELD_SPLITS,
        )
    )
    form.add_item(
        discord.ui.TextInput(
            label="Note (optional)",
            placeholder="How it felt, conditions, spikes or flats…",
            required=False,
            max_length=300,
            custom_id=FIELD_NOTE,
        )
    )
    return form


def _submitted_values(components: list[dict[str, Any]]) -> dict[str, str]:
    """custom_id → value of every text input, however Discord nests them
    (action rows, or labels around inputs)."""
    values: dict[str, str] = {}
    for component in components:
        if "custom_id" in component and "value" in component:
            values[component["custom_id"]] = component["value"]
        nested = component.get("components") or []
        if component.get("component"):
            nested = [*nested, component["component"]]
        values.update(_submitted_values(nested))
    return values


async def handle_form_submit(bot: Trackside, interaction: discord.Interaction) -> bool:
    """Answer a submitted splits form; False if the interaction is not one."""
    data: dict[str, Any] = interaction.data or {}  # type: ignore[assignment]
    match = FORM_PATTERN.fullmatch(str(data.get("custom_id", "")))
    if interaction.type is not discord.InteractionType.modal_submit or match is None:
        return False
    try:
        workout = await WorkoutQueries(bot.db).by_id(int(match["workout_id"]))
        if workout is None:
            raise UserError("This workout has been deleted, so there is nothing to submit to.")
        values = _submitted_values(data.get("components", []))
        # The same path as /splits submit, for the day the form was opened for.
        await submit_and_reply(
            bot,
            interaction,
            day=workout.local_date,
            text=values.get(FIELD_SPLITS, ""),
            note=values.get(FIELD_NOTE),
        )
    except Exception as error:  # one error path for every interaction
        await report_error(interaction, error)
    return True


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
            form = splits_form(workout)
            await interaction.response.send_modal(form)
            form.stop()  # its submission is routed by custom id (handle_form_submit)
        except Exception as error:  # one error path for every interaction
            await report_error(interaction, error)
