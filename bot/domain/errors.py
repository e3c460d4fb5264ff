"""The single error type the pace engine raises for bad user input.

Every parser and calculator in ``bot.domain`` reports a problem with what a
user typed by raising :class:`InputError`, never anything else. The cogs catch
this one type and turn it into an ephemeral reply that names the problem and
shows a valid example, so a user never sees a traceback and the domain code
never needs to know about Discord.
"""

from __future__ import annotations

__all__ = ["InputError"]


class InputError(ValueError):
    """Bad user input, with a message fit to show to users.

    ``message`` is one or two sentences naming the problem (for instance
    "`1:75` has 75 seconds; seconds must be under 60 in a m:ss time.") and
    ``example`` is a valid input the user could type instead (for instance
    "`1:02.3`"), or ``None`` when no example helps.
    """

    def __init__(self, message: str, example: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.example = example

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"InputError({self.message!r}, example={self.example!r})"
