"""The **Submit splits** button under a workout post and the form it opens.

Both are routed by custom id (:mod:`bot.components`), not by objects kept in
memory, so a post's button and a form opened before a restart still work
after it. The workout id in the custom id is untrusted: it must be in range,
name a workout of this server, and one this person can see (posted, or any
for a coach); anything else is a refusal that reveals nothing of the workout.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import discord

from bot.components import ForgedId, row_id, submitted_values
from bot.domain.errors import InputError
from bot.groups import group_names, workout_label
from bot.permissions import actor_of
from bot.replies import send_answer
from cogs.splits import logbook
from cogs.splits.rendering import deleted_text, submission_answer
from cogs.splits.submit import submit_splits
from cogs.wod.rendering import modal_placeholder
from db.groups import TEAM
from db.guild_settings import GuildSettingsQueries
from db.workouts import StoredWorkout, WorkoutQueries

if TYPE_CHECKING:
    from bot.app import Trackside

BUTTON_ID = "trackside:splits:{workout_id}"
BUTTON_PATTERN = r"trackside:splits:(?P<workout_id>[0-9]{1,20})"
FORM_ID = "trackside:splitsform:{workout_id}"
FORM_PATTERN = r"trackside:splitsform:(?P<workout_id>[0-9]{1,20})"

FIELD_SPLITS = "splits"
FIELD_NOTE = "note"


def post_view(workout: StoredWorkout) -> discord.ui.View | None:
    """The post's **Submit splits** button; none for a rest day (nothing to
    submit). Stopped before sending: clicks are routed by custom id."""
    if not workout.plan.reps:
        return None
    view = discord.ui.View(timeout=None)
    view.add_item(
        discord.ui.Button(
            label="Submit splits",
            style=discord.ButtonStyle.primary,
            custom_id=BUTTON_ID.format(workout_id=workout.id),
        )
    )
    view.stop()
    return view


def splits_form(workout: StoredWorkout, label: str | None = None) -> discord.ui.Modal:
    """The form the button opens; its submission arrives at :func:`form_submitted`.
    ``label``: the workout's group and session (``Sprints · pm``), if any."""
    day = workout.local_date
    which = f", {' '.join(label.split())}" if label else ""
    form = discord.ui.Modal(
        title=f"Splits for {day:%a} {day.day} {day:%b}{which}"[:45],
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
    form.stop()  # routed by custom id, not kept in memory
    return form


async def workout_to_submit_to(
    bot: Trackside, interaction: discord.Interaction, workout_id_text: str
) -> StoredWorkout:
    """The workout a button or form names, if this person may submit to it here."""
    athlete = actor_of(interaction)
    guild_id = athlete.server()
    workout = await WorkoutQueries(bot.db).by_id(row_id(workout_id_text))
    if workout is None:
        raise InputError("This workout has been deleted, so there is nothing to submit to.")
    if workout.guild_id != guild_id:
        raise ForgedId("That workout isn't one of this server's, so nothing was stored.")
    if not workout.public:
        settings = await GuildSettingsQueries(bot.db).get(guild_id)
        if not athlete.is_coach(settings):
            raise ForgedId("That workout isn't posted yet, so there is nothing to submit to.")
    return workout


async def button_clicked(
    bot: Trackside, interaction: discord.Interaction, match: re.Match[str]
) -> None:
    workout = await workout_to_submit_to(bot, interaction, match["workout_id"])
    label = None
    if (workout.group_id, workout.session) != (TEAM, ""):
        label = workout_label(
            workout, await group_names(bot.db, workout.guild_id, {workout.group_id})
        )
    await interaction.response.send_modal(splits_form(workout, label))


async def form_submitted(
    bot: Trackside, interaction: discord.Interaction, match: re.Match[str]
) -> None:
    workout = await workout_to_submit_to(bot, interaction, match["workout_id"])
    values = submitted_values((interaction.data or {}).get("components", []))  # type: ignore[arg-type]
    # The same use case as /splits submit, for the workout of the post the
    # form was opened from, whatever the athlete's groups.
    outcome = await submit_splits(
        bot.db,
        actor_of(interaction),
        text=values.get(FIELD_SPLITS, ""),
        note=values.get(FIELD_NOTE),
        now=bot.clock.now(),
        day=workout.local_date,
        workout_id=workout.id,
    )
    await send_answer(interaction, submission_answer(outcome))


DELETE_ACTION = "splits-delete"


async def delete_clicked(bot: Trackside, interaction: discord.Interaction, target: int) -> str:
    """The **Delete** of ``/splits delete``'s confirm (re-checked at the click)."""
    deleted = await logbook.delete_clicked(bot.db, actor_of(interaction), target)
    if deleted is None:
        return deleted_text(None)
    return deleted_text(deleted.submission, deleted.label)


def register(bot: Trackside) -> None:
    """Route the post's button, its form and the delete confirm by custom id:
    buttons of every past post keep working after a restart."""
    bot.router.add(BUTTON_PATTERN, button_clicked)
    bot.router.add(FORM_PATTERN, form_submitted, modal=True)
    bot.router.add_confirm(DELETE_ACTION, delete_clicked)
