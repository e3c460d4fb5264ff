"""The **Remove** confirm of ``/config group remove``, routed by custom id
(:mod:`bot.components`): the group id in it is untrusted, and the click is
checked again when it happens (:func:`cogs.config.groups.remove_confirmed`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.permissions import actor_of
from cogs.config import groups

if TYPE_CHECKING:
    from bot.app import Trackside

REMOVE_ACTION = "group-remove"


async def remove_clicked(bot: Trackside, interaction: discord.Interaction, target: int) -> str:
    return await groups.remove_confirmed(bot.db, actor_of(interaction), target, now=bot.clock.now())


def register(bot: Trackside) -> None:
    bot.router.add_confirm(REMOVE_ACTION, remove_clicked)
