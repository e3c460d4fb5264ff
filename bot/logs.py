"""Logging for ``python -m bot``: readable text (the default) or, with
``LOG_FORMAT=json``, one JSON object per line for a log collector.

A JSON line always has ``time`` (UTC, ISO 8601), ``level``, ``logger`` and
``message`` (with the traceback, when there is one, under ``exception``), and
where the code knows them ``error_id``, ``server`` and ``command`` (given
with ``extra=`` at the call: :func:`context`).

The token is never logged on purpose; :class:`RedactToken` on every handler
replaces it anyway, should a library or an exception's text ever carry it.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

import discord

from bot.settings import Settings

REDACTED = "[token redacted]"
# Attributes a call may add with extra= (context()), copied into a JSON line.
CONTEXT_FIELDS = ("error_id", "server", "command")


def context(
    *, error_id: str | None = None, server: int | None = None, command: str | None = None
) -> dict[str, Any]:
    """``extra=`` for a log call: what a JSON line carries as its own fields
    (a text line shows them only as its message words them)."""
    given = {"error_id": error_id, "server": server, "command": command}
    return {key: value for key, value in given.items() if value is not None}


class RedactToken(logging.Filter):
    """Replaces ``secret`` in a record's message, traceback and stack before
    any handler formats it. On handlers, not loggers: a handler's filter sees
    every record that reaches it, whichever logger it came from."""

    def __init__(self, secret: str) -> None:
        super().__init__()
        self.secret = secret

    def _clean(self, text: str) -> str:
        return text.replace(self.secret, REDACTED)

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secret:
            return True
        message = record.getMessage()
        if self.secret in message:
            record.msg, record.args = self._clean(message), None
        if record.exc_info and not record.exc_text:
            # What Formatter.format would cache: made here so it is cleaned too.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text and self.secret in record.exc_text:
            record.exc_text = self._clean(record.exc_text)
        if record.stack_info and self.secret in record.stack_info:
            record.stack_info = self._clean(record.stack_info)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line (newlines inside are escaped)."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in CONTEXT_FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                line[field] = value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def configure_logging(settings: Settings) -> None:
    """The root logger as ``LOG_FORMAT`` and ``LOG_LEVEL`` say, on stderr,
    with the token redacted on every handler."""
    if settings.log_format == "json":
        handler: logging.Handler = logging.StreamHandler(sys.stderr)
        discord.utils.setup_logging(
            handler=handler, formatter=JsonFormatter(), level=settings.log_level_number, root=True
        )
    else:
        # discord.py's own readable format (coloured on a terminal).
        discord.utils.setup_logging(level=settings.log_level_number, root=True)
    # Warnings (a deprecation in a dependency) become log records: in JSON
    # mode a stray plain line would break "one object per line".
    logging.captureWarnings(True)
    redact(settings.token)


def redact(secret: str) -> None:
    """Add a :class:`RedactToken` for ``secret`` to every handler of the root
    logger that has none for it yet."""
    for handler in logging.getLogger().handlers:
        if not any(
            isinstance(existing, RedactToken) and existing.secret == secret
            for existing in handler.filters
        ):
            handler.addFilter(RedactToken(secret))
