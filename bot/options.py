"""Every option's registered limits, enforced when a command arrives.

Discord's client keeps a string option within its ``max_length``, an integer
within its range and a choice among its choices; a modified client does not.
:func:`check_registered_limits` reads the limits from the command itself (the
same objects the command tree registers), so an option added later is covered
without anyone remembering to: the command tree calls it before any command
runs. Use cases check the contract's limits again (they are also reached by
forms and plain chat).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import discord
from discord import app_commands

from bot.domain.errors import InputError
from bot.domain.limits import SHORT_INPUT

# Every free-text option of a command that has no limit of its own in the
# contract (a time, a distance, a date, a timezone, an event).
ShortText = app_commands.Range[str, 1, SHORT_INPUT]

_SUBCOMMANDS = {
    discord.AppCommandOptionType.subcommand.value,
    discord.AppCommandOptionType.subcommand_group.value,
}


def _leaf_options(options: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for option in options:
        if option.get("type") in _SUBCOMMANDS:
            yield from _leaf_options(option.get("options") or [])
        else:
            yield option


def _shown(value: object) -> str:
    text = str(value)
    return text if len(text) <= 12 else text[:11] + "…"


def check_registered_limits(interaction: discord.Interaction) -> None:
    """Raise :class:`InputError` naming the first option whose value breaks
    its registered length, range or choices."""
    command = interaction.command
    if not isinstance(command, app_commands.Command):
        return
    parameters = {parameter.display_name: parameter for parameter in command.parameters}
    data: dict[str, Any] = interaction.data or {}  # type: ignore[assignment]
    for option in _leaf_options(list(data.get("options") or [])):
        parameter = parameters.get(str(option.get("name")))
        if parameter is None:
            continue  # not ours to judge; discord.py refuses unknown options itself
        _check(parameter, option.get("value"))


def _check(parameter: app_commands.Parameter, value: object) -> None:
    name = f"`{parameter.display_name}`"
    low, high = parameter.min_value, parameter.max_value
    if parameter.type is discord.AppCommandOptionType.string and isinstance(value, str):
        if high is not None and len(value) > high:
            raise InputError(
                f"{name} is {len(value):,} characters long; the limit is {int(high):,}."
            )
        if low is not None and len(value) < low:
            raise InputError(f"{name} needs at least {int(low)} character(s).")
    numeric = parameter.type in (
        discord.AppCommandOptionType.integer,
        discord.AppCommandOptionType.number,
    ) and isinstance(value, int | float)
    if numeric and ((low is not None and value < low) or (high is not None and value > high)):
        raise InputError(
            f"{name} must be from {_shown(low)} to {_shown(high)}, not {_shown(value)}."
        )
    choices = parameter.choices
    if choices and value not in {choice.value for choice in choices}:
        allowed = " or ".join(f"`{choice.value}`" for choice in choices)
        raise InputError(f"{name} must be {allowed}.")
