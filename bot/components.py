"""Buttons and forms, routed by their custom ids alone.

Every button and form the bot sends carries what it acts on in its custom id
(``trackside:splits:42``, ``trackside:confirm:…``); no view is kept in memory,
so a post's button keeps working after a restart, and there is one place
where a click or a form arrives: :meth:`ComponentRouter.dispatch`.

A custom id comes back from the client, so it is untrusted input: a modified
client can send any custom id on any message. Hence:

* every id in it is parsed with :func:`row_id` (digits, in the database's
  range) and the row it names must belong to the server where it is used and
  be visible to the person using it (the routes check);
* a custom id that matches no route gets a clear private refusal instead of
  "The application did not respond";
* a confirm button carries the process's boot id and the time it was issued:
  one opened before a restart, or long ago, answers privately that it expired
  and nothing changed, and a live one re-checks at the click that the person
  may still do what it confirms (a coach who lost the role cannot).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import discord

from bot.domain.errors import InputError
from bot.errors import NotAllowed, report_error

if TYPE_CHECKING:
    from bot.app import Trackside

log = logging.getLogger(__name__)

PREFIX = "trackside:"
# SQLite INTEGER and PostgreSQL BIGINT: the largest id either can hold.
MAX_ROW_ID = 2**63 - 1
# A confirmation is a decision made now: past this, it has to be asked again.
CONFIRM_TTL_S = 10 * 60

Handler = Callable[["Trackside", discord.Interaction, re.Match[str]], Awaitable[None]]


class ForgedId(InputError):
    """A custom id that names something this person cannot act on here."""


def row_id(text: str) -> int:
    """An id taken from a custom id: 1 to 2⁶³−1, else :class:`ForgedId` (an
    80-digit id must be a refusal, not an ``OverflowError`` in the driver)."""
    if (
        not text.isascii()
        or not text.isdigit()
        or len(text) > 19
        or not 0 < int(text) <= MAX_ROW_ID
    ):
        raise ForgedId("That button or form doesn't match anything I know, so nothing changed.")
    return int(text)


def submitted_values(components: list[dict[str, Any]]) -> dict[str, str]:
    """custom_id → value of every text input of a submitted form, however
    Discord nests them (action rows, or labels around inputs)."""
    values: dict[str, str] = {}
    for component in components:
        if not isinstance(component, dict):
            continue
        if "custom_id" in component and isinstance(component.get("value"), str):
            values[str(component["custom_id"])] = component["value"]
        nested = component.get("components") or []
        if isinstance(component.get("component"), dict):
            nested = [*nested, component["component"]]
        if isinstance(nested, list):
            values.update(submitted_values(nested))
    return values


@dataclass(frozen=True)
class _Route:
    pattern: re.Pattern[str]
    modal: bool
    handler: Handler

    @property
    def name(self) -> str:
        """For metrics and logs: the pattern's fixed start (``trackside:splits:``
        → ``component splits``), never the custom id a client sent."""
        fixed = re.match(r"[\w:-]*", self.pattern.pattern)
        word = (fixed.group(0) if fixed else "").removeprefix(PREFIX).split(":")[0]
        return f"{'form' if self.modal else 'component'} {word or 'unnamed'}"


class ComponentRouter:
    """custom id → handler, for buttons and selects (``modal=False``) and
    submitted forms (``modal=True``)."""

    def __init__(self) -> None:
        self._routes: list[_Route] = []
        self._confirms: dict[str, Callable[[Trackside, discord.Interaction, int], Awaitable[str]]]
        self._confirms = {}
        self.add(CONFIRM_PATTERN, self._confirm_clicked)

    def add(self, pattern: str, handler: Handler, *, modal: bool = False) -> None:
        self._routes.append(_Route(re.compile(pattern), modal, handler))

    def add_confirm(
        self, action: str, handler: Callable[[Trackside, discord.Interaction, int], Awaitable[str]]
    ) -> None:
        """``handler(bot, interaction, target_id)`` does the confirmed action
        after re-checking everything, and returns what to tell the person."""
        if not _ACTION.fullmatch(action):
            raise ValueError(f"bad confirm action name {action!r}")
        self._confirms[action] = handler

    async def dispatch(self, bot: Trackside, interaction: discord.Interaction) -> bool:
        """Answer a component or form interaction; False for other kinds."""
        if interaction.type is discord.InteractionType.component:
            modal = False
        elif interaction.type is discord.InteractionType.modal_submit:
            modal = True
        else:
            return False
        data = interaction.data or {}
        custom_id = str(data.get("custom_id", ""))
        label = f"{'form' if modal else 'component'} unknown"
        try:
            for route in self._routes:
                if route.modal != modal:
                    continue
                match = route.pattern.fullmatch(custom_id)
                if match is not None:
                    label = route.name
                    await route.handler(bot, interaction, match)
                    bot.metrics.interaction(label, "answered", interaction.created_at)
                    return True
            log.info("no route for custom id %r", custom_id[:100])
            raise ForgedId(
                "That button or form is no longer valid (or was never mine), so nothing changed."
            )
        except Exception as error:  # one error path for every interaction
            await report_error(interaction, error, label=label)
        return True

    async def _confirm_clicked(
        self, bot: Trackside, interaction: discord.Interaction, match: re.Match[str]
    ) -> None:
        owner_id = row_id(match["owner"])
        target_id = row_id(match["target"])
        if interaction.user.id != owner_id:
            raise NotAllowed("Only the person who asked can confirm this.")
        issued = int(match["issued"])
        if match["boot"] != bot.boot_id or not 0 <= time.time() - issued <= CONFIRM_TTL_S:
            await reply_to_click(
                interaction,
                "This confirmation has expired (I restarted since, or it is over "
                f"{CONFIRM_TTL_S // 60} minutes old), so nothing changed. Run the command again.",
            )
            return
        if match["choice"] == "no":
            await reply_to_click(interaction, "Cancelled; nothing changed.")
            return
        handler = self._confirms.get(match["action"])
        if handler is None:
            raise ForgedId("That confirmation doesn't match anything I know, so nothing changed.")
        await reply_to_click(interaction, await handler(bot, interaction, target_id))


# ------------------------------------------------------------------- confirms
# Kept short enough that the longest custom id fits Discord's 100 characters.
_ACTION = re.compile(r"[a-z][a-z-]{0,15}")
CONFIRM_PATTERN = (
    r"trackside:confirm:(?P<action>[a-z][a-z-]{0,15}):(?P<boot>[0-9a-f]{8}):"
    r"(?P<issued>[0-9]{1,10}):(?P<owner>[0-9]{1,20}):(?P<target>[0-9]{1,19}):(?P<choice>yes|no)"
)


def confirm_view(
    bot: Trackside, action: str, *, owner_id: int, target_id: int, yes_label: str
) -> discord.ui.View:
    """A **yes** / **Cancel** pair for ``action`` on ``target_id``, answered by
    the handler registered with :meth:`ComponentRouter.add_confirm`. The view
    is stopped before it is sent: the click is routed by custom id, not by
    an object in memory."""
    issued = int(time.time())
    base = f"{PREFIX}confirm:{action}:{bot.boot_id}:{issued}:{owner_id}:{target_id}"
    view = discord.ui.View(timeout=None)
    view.add_item(
        discord.ui.Button(
            label=yes_label, style=discord.ButtonStyle.danger, custom_id=f"{base}:yes"
        )
    )
    view.add_item(
        discord.ui.Button(
            label="Cancel", style=discord.ButtonStyle.secondary, custom_id=f"{base}:no"
        )
    )
    view.stop()
    return view


async def reply_to_click(interaction: discord.Interaction, text: str) -> None:
    """Answer a click privately: by replacing the private message it came
    from (buttons gone), or, on any other message, with a new private one
    (a forged click on a public post must never rewrite that post)."""
    message = interaction.message
    if message is not None and message.flags.ephemeral:
        await interaction.response.edit_message(
            content=text, view=None, embeds=[], allowed_mentions=discord.AllowedMentions.none()
        )
        return
    await interaction.response.send_message(
        text, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
    )
