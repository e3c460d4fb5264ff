"""A channel or role a coach named in ``/config``, as Discord's cache shows
it (the cog reads it; the use cases decide on plain values), and the checks
every ``/config`` command makes on them.

A modified client can name any channel or role: discord.py files it under
the interaction's server whatever it is, so only the server's own lists tell
one of another server."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.errors import InputError

CHANNEL_EXAMPLE = "`/config channel channel:#workouts`"


@dataclass(frozen=True)
class ChannelSeen:
    """A channel named in ``/config channel`` or ``/config group add``."""

    id: int
    in_this_server: bool  # a modified client can name any channel
    missing: tuple[str, ...] = ()  # permissions the bot lacks there to post


@dataclass(frozen=True)
class RoleSeen:
    """A role named in ``/config group add``."""

    id: int
    in_this_server: bool  # a modified client can name any role
    everyone: bool = False  # @everyone: every member has it
    # Mentionable, or the bot has Mention Everyone: Discord delivers a ping.
    pingable: bool = False


def check_channel(channel: ChannelSeen, example: str = CHANNEL_EXAMPLE) -> None:
    """A channel workouts may post in: one of this server's, where the bot
    has what it needs to post."""
    if not channel.in_this_server:
        raise InputError(
            "That channel isn't in this server; pick one of this server's text channels.",
            example,
        )
    if channel.missing:
        names = ", ".join(name.replace("_", " ").title() for name in channel.missing)
        raise InputError(
            f"I can't post in <#{channel.id}>: I am missing {names} there. "
            "Grant them to my role in that channel, then try again.",
            example,
        )
