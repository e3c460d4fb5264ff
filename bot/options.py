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

import weakref
from collections.abc import Iterator
from dataclasses import dataclass
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


@dataclass(frozen=True)
class _Limit:
    name: str  # as registered (the option's display name)
    type: discord.AppCommandOptionType
    low: float | None
    high: float | None
    choices: tuple[object, ...]  # in registration order


# Per command object: its options' limits, read once (Command.parameters
# builds new wrappers on every access, and this runs on every interaction).
_LIMITS: weakref.WeakKeyDictionary[app_commands.Command, dict[str, _Limit]] = (
    weakref.WeakKeyDictionary()
)


def _limits_of(command: app_commands.Command) -> dict[str, _Limit]:
    limits = _LIMITS.get(command)
    if limits is None:
        limits = {
            p.display_name: _Limit(
                p.display_name,
                p.type,
                p.min_value,
                p.max_value,
                tuple(choice.value for choice in p.choices),
            )
            for p in command.parameters
        }
        _LIMITS[command] = limits
    return limits


def check_registered_limits(interaction: discord.Interaction) -> None:
    """Raise :class:`InputError` naming the first option whose value breaks
    its registered length, range or choices."""
    command = interaction.command
    if not isinstance(command, app_commands.Command):
        return
    data: dict[str, Any] = interaction.data or {}  # type: ignore[assignment]
    options = data.get("options")
    if not options:
        return
    limits = _limits_of(command)
    for option in _leaf_options(list(options)):
        limit = limits.get(str(option.get("name")))
        if limit is not None:  # an unknown option is discord.py's to refuse
            _check(limit, option.get("value"))


def _check(limit: _Limit, value: object) -> None:
    name = f"`{limit.name}`"
    low, high = limit.low, limit.high
    if limit.type is discord.AppCommandOptionType.string and isinstance(value, str):
        if high is not None and len(value) > high:
            raise InputError(
                f"{name} is {len(value):,} characters long; the limit is {int(high):,}."
            )
        if low is not None and len(value) < low:
            raise InputError(f"{name} needs at least {int(low)} character(s).")
    numeric = limit.type in (
        discord.AppCommandOptionType.integer,
        discord.AppCommandOptionType.number,
    ) and isinstance(value, int | float)
    if numeric and ((low is not None and value < low) or (high is not None and value > high)):
        raise InputError(
            f"{name} must be from {_shown(low)} to {_shown(high)}, not {_shown(value)}."
        )
    if limit.choices and value not in limit.choices:
        allowed = " or ".join(f"`{choice}`" for choice in limit.choices)
        raise InputError(f"{name} must be {allowed}.")
