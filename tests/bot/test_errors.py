"""The error table: what a user reads for each kind of failure."""

from __future__ import annotations

import discord
import pytest
from discord import app_commands

from bot.domain.errors import InputError
from bot.errors import NotAllowed, user_message


def test_input_error_names_the_problem_and_gives_its_example() -> None:
    text = user_message(InputError("`1:75` has 75 seconds.", "`1:15`"), "`/pace convert`")
    assert text == "`1:75` has 75 seconds.\nExample: `1:15` · full command: `/pace convert`"


def test_command_example_is_used_when_the_error_has_none() -> None:
    text = user_message(InputError("No workout today."), "`/wod today`")
    assert text == "No workout today.\nExample: `/wod today`"


def test_permission_refusals_are_explicit_and_carry_no_example() -> None:
    text = user_message(NotAllowed("Only coaches can post workouts."), "`/wod post`")
    assert text == "Only coaches can post workouts."


def test_dm_only_guard() -> None:
    assert "server" in (user_message(app_commands.NoPrivateMessage()) or "")


def test_cooldown_says_when_to_retry() -> None:
    cooldown = app_commands.Cooldown(1, 30)
    error = app_commands.CommandOnCooldown(cooldown, 12.4)
    assert user_message(error) == "Slow down a little: try again in 12 s."


@pytest.mark.parametrize("error", [RuntimeError("boom"), KeyError("x"), ZeroDivisionError()])
def test_bugs_are_not_user_errors(error: Exception) -> None:
    assert user_message(error) is None


def test_a_command_missing_a_required_option_is_refused_not_a_bug() -> None:
    # What discord.py raises when a (modified) client leaves out a required option.
    @app_commands.command(name="convert", description="x")
    async def convert(interaction: discord.Interaction, time: str) -> None: ...

    message = user_message(app_commands.CommandSignatureMismatch(convert))
    assert message is not None
    assert "without one it needs" in message and "nothing was done" in message


def test_forbidden_is_explained() -> None:
    class _Response:
        status = 403
        reason = "Forbidden"

    error = discord.Forbidden(_Response(), {"message": "Missing Permissions", "code": 50013})
    assert "permission" in (user_message(error) or "")


async def test_an_expired_interaction_is_logged_not_answered(caplog) -> None:
    # Discord dropped the interaction (no answer within 3 s): trying to reply
    # again would only 404 again, so the handler logs it and stops.
    from types import SimpleNamespace

    import discord

    from bot.errors import report_error

    sent: list[str] = []

    async def send_message(content: str, **_: object) -> None:
        sent.append(content)

    interaction = SimpleNamespace(
        id=42,
        command=SimpleNamespace(qualified_name="splits submit", extras={}),
        type=None,
        response=SimpleNamespace(is_done=lambda: False, send_message=send_message),
    )
    expired = discord.NotFound(
        SimpleNamespace(status=404, reason="Not Found"),
        {"code": 10062, "message": "Unknown interaction"},
    )
    with caplog.at_level("WARNING", logger="bot.errors"):
        await report_error(interaction, expired)  # type: ignore[arg-type]
    assert sent == []
    assert "expired before its reply" in caplog.text
    assert "unexpected error" not in caplog.text
