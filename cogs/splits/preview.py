"""The private preview of ``/splits import``: what it shows, its menu and
buttons, and what a click on them does.

The preview itself is kept in memory (:class:`~cogs.splits.importing.Previews`,
the cog's); its menu and buttons carry the process's boot id and the
preview's id in their custom ids (``trackside:import:<boot>:<preview>:laps``,
``…:yes``, ``…:no``) and are routed by :mod:`bot.components`, like every
component. Everything in a click is untrusted: a preview from before a
restart (another boot id) or past its 10 minutes says it expired; one that is
someone else's, another server's, or clicked on another message than the
preview is refused; a menu value must be one of the laps it offered. None of
these store anything. Only **Confirm** stores, through
:func:`~cogs.splits.importing.confirm_import`, the path of ``/splits submit``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import discord

from bot.components import PREFIX, ForgedId
from bot.domain.distance import format_distance
from bot.domain.errors import InputError
from bot.domain.laps import Lap
from bot.errors import NotAllowed
from bot.permissions import actor_of
from bot.replies import Answer, inline_text, render, send_answer
from cogs.splits.choosing import short_date
from cogs.splits.importing import (
    PREVIEW_ID_HEX,
    PREVIEW_TTL,
    Preview,
    Previews,
    confirm_import,
    select_laps,
    split_time,
    splits_text,
    whole_metres,
)
from cogs.splits.rendering import submission_answer

if TYPE_CHECKING:
    from bot.app import Trackside

ACTIONS = ("laps", "yes", "no")
CUSTOM_ID = PREFIX + "import:{boot}:{preview}:{action}"
PATTERN = (
    r"trackside:import:(?P<boot>[0-9a-f]{8}):"
    rf"(?P<preview>[0-9a-f]{{{PREVIEW_ID_HEX}}}):(?P<action>laps|yes|no)"
)
MINUTES = int(PREVIEW_TTL.total_seconds() // 60)
EXPIRED = (
    f"This preview has expired (it is over {MINUTES} minutes old, or I restarted since), "
    "so nothing was stored. Run `/splits import` again."
)
CANCELLED = "Cancelled: nothing was stored."
ALREADY_CONFIRMED = (
    "You already confirmed these laps: they are stored once, and the reply is in the channel."
)
NOT_YOURS = "Only the person who imported the file can use this preview; nothing was stored."
SELECT_PLACEHOLDER = "Which laps count (in order)"
MARK = "✓"


# ------------------------------------------------------------------- showing it


def lap_list(numbers: tuple[int, ...] | list[int]) -> str:
    """``2, 4, 6`` with runs shortened: ``1-12, 14``."""
    parts: list[str] = []
    run: list[int] = []
    for number in sorted(numbers):
        if run and number == run[-1] + 1:
            run.append(number)
            continue
        if run:
            parts.append(_run(run))
        run = [number]
    if run:
        parts.append(_run(run))
    return ", ".join(parts)


def _run(run: list[int]) -> str:
    if len(run) >= 3:
        return f"{run[0]}-{run[-1]}"
    return ", ".join(map(str, run))


def _recorded(lap: Lap) -> str:
    return format_distance(lap.distance_m) if lap.distance_m is not None else "—"


def _stored_as(preview: Preview, lap: Lap) -> str:
    """What a lap becomes: ``rep 1: 250 m`` (a workout's), ``243 m`` (the
    watch's, to the metre), or why it is not stored."""
    if lap.number not in preview.selection:
        return "rest" if lap.rest else ""
    position = preview.selection.index(lap.number)
    reps = preview.reps
    if reps is not None:
        if position >= len(reps):
            return f"extra: the workout has {len(reps)} reps"
        return f"rep {position + 1}: {format_distance(reps[position])}"
    if lap.distance_m is None:
        return "no distance"
    return f"{whole_metres(lap.distance_m)} m"


def lap_table(preview: Preview) -> list[str]:
    """Every lap: number, recorded distance, timer time, and what the
    selected ones (``✓``) are stored as."""
    laps = preview.proposal.laps
    width = max([len("recorded"), *(len(_recorded(lap)) for lap in laps)])
    lines = [f"{'':1} {'lap':>4}  {'recorded':>{width}}  {'time':>9}  stored as"]
    for lap in laps:
        mark = MARK if lap.number in preview.selection else ""
        lines.append(
            f"{mark:1} {lap.number:>4}  {_recorded(lap):>{width}}  {split_time(lap.time_ms):>9}"
            f"  {_stored_as(preview, lap)}".rstrip()
        )
    return lines


def _workout_line(preview: Preview) -> str:
    day = f"For **{short_date(preview.day)}**"
    if preview.label:
        day += f", {inline_text(preview.label)}"
    if preview.workout_id is None:
        return (
            f"{day}: no workout that day, so every lap not marked rest is proposed, and the "
            "laps are stored with the watch's distances rounded to the metre."
        )
    what = " · ".join(
        inline_text(text) for text in (preview.workout_title, preview.workout_summary) if text
    )
    if preview.reps is None:
        return (
            f"{day}: {what}. It has no structured reps, so every lap not marked rest is "
            "proposed, and the laps are stored with the watch's distances rounded to the metre."
        )
    return f"{day}: {what}"


def _status_line(preview: Preview) -> str:
    proposal, selection = preview.proposal, preview.selection
    reps = preview.reps
    if not selection:
        return "No lap is selected: choose the laps that count in the menu."
    if selection != proposal.chosen:
        text = f"Selected laps {lap_list(selection)}"
        if reps is not None:
            text += f": {len(selection)} for the workout's {len(reps)} reps"
            if len(selection) != len(reps):
                text += f" (Confirm needs exactly {len(reps)})"
        return text + "."
    if reps is None:
        return f"Proposed laps {lap_list(selection)} ({MARK} below)."
    if proposal.complete:
        return (
            f"Proposed laps {lap_list(selection)} as the workout's {len(reps)} reps ({MARK} below)."
        )
    return (
        f"Found {len(selection)} of the workout's {len(reps)} reps among the laps "
        f"({MARK} below): choose the laps that were the reps in the menu."
    )


def _menu_line(preview: Preview) -> str | None:
    """Said when selected laps are not in the menu (over 25 laps proposed)."""
    missing = [n for n in preview.selection if n not in set(preview.offered)]
    if not missing:
        return None
    return (
        f"The menu holds {len(preview.offered)} laps (Discord's limit), so laps "
        f"{lap_list(missing)} are selected but not in it: Confirm stores every selected lap; "
        "a change in the menu keeps only the laps chosen there."
    )


def preview_answer(preview: Preview) -> Answer:
    """The private preview: the day and workout, what is proposed, every
    lap, the splits it makes. A table too long for a message comes whole
    as ``laps.txt`` (the one overflow rule)."""
    count = len(preview.selection)
    which = f", {inline_text(preview.label)}" if preview.label else ""
    menu = _menu_line(preview)
    lines = [_workout_line(preview), _status_line(preview), *([menu] if menu else [])]
    lines += ["```", *lap_table(preview), "```"]
    try:
        typed = splits_text(preview) if preview.selection else ""
    except InputError:  # a lap without a distance: Confirm says what to do
        typed = ""
    if typed:
        lines.append(f"As typed splits: `{typed}`")
    laps = len(preview.proposal.laps)
    return Answer(
        kind="Splits",
        headline=(
            f"Preview (only you see it): {count} of {laps} lap(s) selected for "
            f"{short_date(preview.day)}{which}. Nothing is stored until you press Confirm."
        ),
        title=f"Laps from {inline_text(preview.filename)} ({inline_text(preview.sport)})",
        body="\n".join(lines),
        footer=f"Change the laps in the menu, then Confirm or Cancel. This preview closes in "
        f"{MINUTES} minutes.",
        file_name="laps.txt",
    )


def _custom_id(boot_id: str, preview: Preview, action: str) -> str:
    return CUSTOM_ID.format(boot=boot_id, preview=preview.id, action=action)


def _option_label(preview: Preview, lap: Lap) -> str:
    label = f"Lap {lap.number}: {_recorded(lap)} in {split_time(lap.time_ms)}"
    return (label + (" (rest)" if lap.rest else ""))[:100]


def preview_view(boot_id: str, preview: Preview) -> discord.ui.View:
    """The menu of the offered laps (at most 25, the selected ones chosen)
    and **Confirm** / **Cancel**; stopped before sending: clicks are routed
    by custom id."""
    view = discord.ui.View(timeout=None)
    offered = [preview.lap(number) for number in preview.offered]
    if offered:
        view.add_item(
            discord.ui.Select(
                custom_id=_custom_id(boot_id, preview, "laps"),
                placeholder=SELECT_PLACEHOLDER,
                min_values=1,
                max_values=len(offered),
                options=[
                    discord.SelectOption(
                        label=_option_label(preview, lap),
                        value=str(lap.number),
                        default=lap.number in preview.selection,
                    )
                    for lap in offered
                ],
                row=0,
            )
        )
    view.add_item(
        discord.ui.Button(
            label="Confirm",
            style=discord.ButtonStyle.success,
            custom_id=_custom_id(boot_id, preview, "yes"),
            row=1,
        )
    )
    view.add_item(
        discord.ui.Button(
            label="Cancel",
            style=discord.ButtonStyle.secondary,
            custom_id=_custom_id(boot_id, preview, "no"),
            row=1,
        )
    )
    view.stop()
    return view


async def send_preview(
    bot: Trackside, interaction: discord.Interaction, previews: Previews, preview: Preview
) -> None:
    """Send the preview privately (after the command's defer) and remember
    which message shows it: a click on any other message is refused."""
    rendered = render([preview_answer(preview)])
    message = await interaction.followup.send(
        rendered.content,
        embeds=rendered.embeds,
        files=rendered.discord_files() or discord.utils.MISSING,
        view=preview_view(bot.boot_id, preview),
        ephemeral=True,
        allowed_mentions=discord.AllowedMentions.none(),
        wait=True,
    )
    previews.update(preview.with_message(message.id))


# ------------------------------------------------------------------- clicks


async def _close_with(interaction: discord.Interaction, text: str) -> None:
    """Answer a click by turning the private preview into ``text`` (menu,
    buttons, table and file gone); a click on any other message gets a new
    private reply instead, never an edit of that message."""
    message = interaction.message
    mentions = discord.AllowedMentions.none()
    if message is not None and message.flags.ephemeral:
        await interaction.response.edit_message(
            content=text, embeds=[], attachments=[], view=None, allowed_mentions=mentions
        )
        return
    await interaction.response.send_message(text, ephemeral=True, allowed_mentions=mentions)


def _open_preview(
    bot: Trackside, interaction: discord.Interaction, previews: Previews, match: re.Match[str]
) -> Preview | None:
    """The open preview a click names, once it is known to be this person's,
    here, on its own message; ``None`` when it expired or outlived a restart."""
    if match["boot"] != bot.boot_id:
        return None
    preview = previews.get(match["preview"], bot.clock.now())
    if preview is None:
        return None
    if interaction.user.id != preview.owner_id:
        raise NotAllowed(NOT_YOURS)
    if interaction.guild_id != preview.guild_id:
        raise ForgedId("That preview isn't one of this server's, so nothing was stored.")
    message = interaction.message
    if preview.message_id is not None and (message is None or message.id != preview.message_id):
        raise ForgedId("That isn't on your preview's message, so nothing was stored.")
    return preview


def register(bot: Trackside, previews: Previews) -> None:
    """Route the preview's menu and buttons to ``previews`` (the cog's)."""

    async def clicked(
        bot: Trackside, interaction: discord.Interaction, match: re.Match[str]
    ) -> None:
        preview = _open_preview(bot, interaction, previews, match)
        if preview is None:
            if match["boot"] == bot.boot_id and previews.confirmed(match["preview"]):
                # A second click on a confirmed preview: say so privately, and
                # leave the preview for the first click to turn into "Submitted".
                await interaction.response.send_message(
                    ALREADY_CONFIRMED,
                    ephemeral=True,
                    allowed_mentions=discord.AllowedMentions.none(),
                )
                return
            await _close_with(interaction, EXPIRED)
            return
        action = match["action"]
        if action == "no":
            previews.close(preview.id)
            await _close_with(interaction, CANCELLED)
        elif action == "laps":
            changed = select_laps(preview, (interaction.data or {}).get("values"))
            previews.update(changed)
            rendered = render([preview_answer(changed)])
            await interaction.response.edit_message(
                content=rendered.content,
                embeds=rendered.embeds,
                attachments=rendered.discord_files(),
                view=preview_view(bot.boot_id, changed),
                allowed_mentions=discord.AllowedMentions.none(),
            )
        else:
            await _confirm(bot, interaction, previews, preview)

    bot.router.add(PATTERN, clicked)


async def _confirm(
    bot: Trackside, interaction: discord.Interaction, previews: Previews, preview: Preview
) -> None:
    """Store the selected laps as ``/splits submit`` stores typed splits;
    then the public reply (the same as typing them) and the preview edited
    to say so. A refusal (a wrong number of laps) leaves the preview open."""
    now = bot.clock.now()
    taken = previews.take(preview.id, now)
    if taken is None:  # another click got there first
        await _close_with(interaction, EXPIRED)
        return
    try:
        outcome = await confirm_import(bot.db, actor_of(interaction), taken, now=now)
    except BaseException:
        previews.put_back(taken)
        raise
    previews.stored(taken.id)
    await interaction.response.defer()  # committed: the public reply, then the preview
    await send_answer(interaction, submission_answer(outcome))
    laps = len(outcome.submission.splits)
    await interaction.edit_original_response(
        content=(
            f"Submitted: {laps} lap(s) stored as your splits for {short_date(outcome.day)} "
            "(the reply is in the channel)."
        ),
        embeds=[],
        attachments=[],
        view=None,
        allowed_mentions=discord.AllowedMentions.none(),
    )
