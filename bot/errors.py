"""One table-driven error handler for every interaction (commands, buttons,
forms).

User errors, of one type (:class:`~bot.domain.errors.InputError`, raised by
the domain and the use cases alike), become an ephemeral reply that names the
problem and shows a valid example; permission refusals (:class:`NotAllowed`)
say who may; anything unexpected is logged with a short id that the user sees, so a
report ("error id 3f9c01ab") can be matched to its traceback. Faults of the
bot's surroundings (the database busy or not writable) are named to the user
and logged with an id too. No traceback ever reaches a user, and no reply here
can ping anyone.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable

import discord
from discord import app_commands

from bot.domain.errors import InputError
from bot.logs import context
from bot.metrics import Metrics, Outcome
from bot.options import check_registered_limits
from db.base import DatabaseBusy, DatabaseUnavailable, StorageError

log = logging.getLogger(__name__)


class NotAllowed(app_commands.CheckFailure):
    """An explicit permission refusal ("Only coaches can post workouts")."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _unwrap(error: BaseException) -> BaseException:
    # discord.py wraps what a callback raised; a transformer chains the cause,
    # which is the answer when it is a user error of ours and a discord.py
    # internal (an AttributeError on an unresolvable id, say) otherwise.
    while True:
        if isinstance(error, app_commands.CommandInvokeError):
            error = error.original
        elif isinstance(error, app_commands.TransformerError) and isinstance(
            error.__cause__, InputError | NotAllowed
        ):
            error = error.__cause__
        else:
            return error


def _seconds(value: float) -> str:
    return f"{value:.0f} s" if value >= 1 else "a moment"


_UNUSABLE = {
    discord.AppCommandOptionType.channel: (
        "That channel isn't in this server (or I can't see it); pick one of this server's channels."
    ),
    discord.AppCommandOptionType.role: "That role isn't in this server; pick one of its roles.",
    discord.AppCommandOptionType.user: "I can't find that person; pick someone from the list.",
}


def _unusable_option(error: app_commands.TransformerError) -> str:
    return _UNUSABLE.get(
        error.type,
        "I can't use that value for one of the options here; pick one Discord offers.",
    )


# (exception type, message builder, may a command example follow?) — first match wins.
_Rule = tuple[type[BaseException], Callable[[BaseException], str], bool]
_RULES: list[_Rule] = [
    (
        DatabaseBusy,
        lambda e: (
            "The database is busy right now (another program is writing to it), so nothing "
            "was saved. Please try again in a moment."
        ),
        False,
    ),
    (
        DatabaseUnavailable,
        lambda e: (
            "I can't save anything right now: my database can't be written (a problem on the "
            "server running me, not with your input). Nothing was saved."
        ),
        False,
    ),
    (InputError, lambda e: e.message, True),  # type: ignore[attr-defined]
    (NotAllowed, lambda e: e.message, False),  # type: ignore[attr-defined]
    (
        # An option value discord.py could not turn into what the command
        # takes (a channel or role it cannot resolve, say): only a modified
        # client sends one, but the answer is still a clear refusal.
        app_commands.TransformerError,
        lambda e: _unusable_option(e),  # type: ignore[arg-type]
        True,
    ),
    (
        # A required option missing, or options this version does not have:
        # a modified client, or a Discord app still showing the commands as
        # they were before an update (until Discord's copy is synced).
        app_commands.CommandSignatureMismatch,
        lambda e: (
            "That command arrived with options this version of Trackside doesn't have (or "
            "without one it needs), so nothing was done. Reopen the command from the list "
            "and fill in every required option."
        ),
        False,
    ),
    (
        app_commands.NoPrivateMessage,
        lambda e: "This command works in a server, not in DMs.",
        False,
    ),
    (
        app_commands.CommandOnCooldown,
        lambda e: f"Slow down a little: try again in {_seconds(e.retry_after)}.",  # type: ignore[attr-defined]
        False,
    ),
    (
        app_commands.MissingPermissions,
        lambda e: (
            "You need the "
            + ", ".join(p.replace("_", " ").title() for p in e.missing_permissions)  # type: ignore[attr-defined]
            + " permission for this."
        ),
        False,
    ),
    (
        app_commands.BotMissingPermissions,
        lambda e: (
            "I am missing the "
            + ", ".join(p.replace("_", " ").title() for p in e.missing_permissions)  # type: ignore[attr-defined]
            + " permission here; ask an admin to grant it."
        ),
        False,
    ),
    (
        discord.Forbidden,
        lambda e: "Discord refused me permission to do that here (check my channel permissions).",
        False,
    ),
    (
        app_commands.CheckFailure,
        lambda e: str(e) or "You can't use this command here.",
        False,
    ),
]


def user_message(error: BaseException, example: str | None = None) -> str | None:
    """The reply text for a user error, or ``None`` when the error is a bug."""
    for kind, build, with_example in _RULES:
        if isinstance(error, kind):
            text = build(error)
            own_example = getattr(error, "example", None)
            if with_example and own_example and example:
                text += f"\nExample: {own_example} · full command: {example}"
            elif with_example and (own_example or example):
                text += f"\nExample: {own_example or example}"
            return text
    return None


async def send_ephemeral(interaction: discord.Interaction, content: str) -> None:
    """Reply privately, whether or not the interaction was answered already."""
    mentions = discord.AllowedMentions.none()
    if interaction.response.is_done():
        await interaction.followup.send(content, ephemeral=True, allowed_mentions=mentions)
    else:
        await interaction.response.send_message(content, ephemeral=True, allowed_mentions=mentions)


def _command_example(interaction: discord.Interaction) -> str | None:
    command = interaction.command
    if command is None:
        return None
    return command.extras.get("example")


UNKNOWN_INTERACTION = 10062  # Discord's error code for an expired interaction token


def _served_by(interaction: discord.Interaction) -> str:
    """The shard and process that served, so an error id a coach quotes leads
    to the right machine's log (``Trackside.serving``; ``?`` for another client)."""
    serving = getattr(interaction.client, "serving", None)
    return serving(interaction.guild_id) if callable(serving) else "?"


def interaction_label(interaction: discord.Interaction) -> str:
    """What an interaction is called in metrics and logs: its command's name,
    else its kind (components name their route: ``ComponentRouter``)."""
    if interaction.command is not None:
        return interaction.command.qualified_name
    return getattr(interaction.type, "name", str(interaction.type))


def _count(
    interaction: discord.Interaction, label: str, outcome: Outcome, error: BaseException
) -> None:
    metrics = getattr(getattr(interaction, "client", None), "metrics", None)
    if not isinstance(metrics, Metrics):  # another client (tests of this module)
        return
    metrics.interaction(label, outcome, interaction.created_at)
    if isinstance(error, StorageError):
        metrics.database_fault(error)


async def report_error(
    interaction: discord.Interaction, error: BaseException, *, label: str | None = None
) -> None:
    """Answer ``interaction`` for ``error``: explained if the user can fix it,
    logged with an id otherwise, and counted by ``label`` (default: the
    command's name). Never raises."""
    error = _unwrap(error)
    where = label or interaction_label(interaction)
    if isinstance(error, discord.NotFound) and error.code == UNKNOWN_INTERACTION:
        # Too late: Discord dropped the interaction (3 s without an answer), so
        # no reply of any kind can reach the user; anything stored stays stored.
        # Counted as ours: the person got no answer because we were slow.
        _count(interaction, where, "unexpected_error", error)
        log.warning("interaction %s in %s expired before its reply", interaction.id, where)
        return
    text = user_message(error, _command_example(interaction))
    # Storage faults are not the person's to fix either: like bugs, they carry an id.
    ours = text is None or isinstance(error, StorageError)
    _count(interaction, where, "unexpected_error" if ours else "user_error", error)
    if text is None:
        error_id = secrets.token_hex(4)
        log.error(
            "unexpected error %s in %s (%s)",
            error_id,
            where,
            _served_by(interaction),
            exc_info=error,
            extra=context(error_id=error_id, server=interaction.guild_id, command=where),
        )
        text = (
            f"Something went wrong on my side (error id `{error_id}`). It has been logged; "
            "please try again in a moment."
        )
    elif isinstance(error, StorageError):
        # Not the user's doing: whoever runs the bot needs the reason (no
        # traceback: the reason says it all), and the user the id to quote.
        error_id = secrets.token_hex(4)
        log.warning(
            "database error %s in %s (%s): %s",
            error_id,
            where,
            _served_by(interaction),
            error.reason,
            extra=context(error_id=error_id, server=interaction.guild_id, command=where),
        )
        text += f" (error id `{error_id}`)"
    try:
        await send_ephemeral(interaction, text)
    except discord.HTTPException:
        # The interaction may have expired; the log above is all we can do.
        log.warning("could not deliver an error reply for interaction %s", interaction.id)


class ErrorReportingTree(app_commands.CommandTree):
    """The bot's command tree: every command error goes through one table,
    and no command runs with an option outside its registered limits."""

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.type is not discord.InteractionType.application_command:
            return True
        try:
            check_registered_limits(interaction)
        except InputError as error:
            await report_error(interaction, error)
            return False
        return True

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        await report_error(interaction, error)
