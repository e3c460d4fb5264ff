"""Logs: JSON lines with their context fields, readable text by default, and
the token redacted whatever logs it."""

from __future__ import annotations

import io
import json
import logging
import warnings
from collections.abc import Iterator

import pytest

from bot.logs import REDACTED, JsonFormatter, RedactToken, configure_logging, context
from bot.settings import ConfigError, Settings, load_settings

TOKEN = "MTAxMjM0NTY3ODkwMTIzNDU2Nzg.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789AB"


def _settings(**values: object) -> Settings:
    return load_settings(Settings, _env_file=None, discord_token=TOKEN, **values)


@pytest.fixture
def root_logging() -> Iterator[logging.Logger]:
    """The root logger as it was after the test (configure_logging changes it)."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield root
    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)
    logging.captureWarnings(False)


def _logger(name: str, formatter: logging.Formatter) -> tuple[logging.Logger, io.StringIO]:
    """A logger of its own writing to a string, with the token filter on its handler."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    handler.addFilter(RedactToken(TOKEN))
    logger = logging.getLogger(f"tests.logs.{name}")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    return logger, stream


def test_a_json_line_has_time_level_logger_message_and_the_context_given() -> None:
    logger, stream = _logger("json", JsonFormatter())
    logger.warning(
        "database error %s in %s:\nsecond line",
        "3f9c01ab",
        "splits submit",
        extra=context(error_id="3f9c01ab", server=123456789012345678, command="splits submit"),
    )
    logger.info("plain")
    first, second = stream.getvalue().splitlines()  # the newline inside stays escaped
    line = json.loads(first)
    assert line["time"].endswith("+00:00") and "T" in line["time"]
    del line["time"]
    assert line == {
        "level": "WARNING",
        "logger": "tests.logs.json",
        "message": "database error 3f9c01ab in splits submit:\nsecond line",
        "error_id": "3f9c01ab",
        "server": 123456789012345678,
        "command": "splits submit",
    }
    assert set(json.loads(second)) == {"time", "level", "logger", "message"}


def test_a_json_line_carries_the_traceback_in_one_field() -> None:
    logger, stream = _logger("traceback", JsonFormatter())
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logger.exception("unexpected error %s", "0badc0de")
    [text] = stream.getvalue().splitlines()
    line = json.loads(text)
    assert line["level"] == "ERROR" and line["message"] == "unexpected error 0badc0de"
    assert line["exception"].startswith("Traceback (most recent call last):")
    assert line["exception"].endswith("RuntimeError: boom")


@pytest.mark.parametrize("formatter", [JsonFormatter(), logging.Formatter()], ids=["json", "text"])
def test_the_token_is_redacted_from_messages_arguments_tracebacks_and_stacks(
    formatter: logging.Formatter,
) -> None:
    logger, stream = _logger(f"redact-{type(formatter).__name__}", formatter)
    logger.info(f"in the message {TOKEN}")
    logger.info("in an argument %s", f"Bot {TOKEN}")
    logger.info("in a mapping %(token)s", {"token": TOKEN})
    try:
        raise ValueError(f"a library put it in an exception: {TOKEN}")
    except ValueError:
        logger.exception("failed")
    logger.info("with a stack", stack_info=True, extra={"unused": TOKEN})
    out = stream.getvalue()
    assert TOKEN not in out
    assert out.count(REDACTED) == 4
    assert f"in an argument Bot {REDACTED}" in out
    assert f"a library put it in an exception: {REDACTED}" in out


def test_configure_logging_json_puts_every_root_handler_in_json_with_the_filter(
    root_logging: logging.Logger, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(_settings(log_format="json", log_level="DEBUG"))
    assert root_logging.level == logging.DEBUG
    handlers = root_logging.handlers
    assert any(isinstance(h.formatter, JsonFormatter) for h in handlers)
    assert all(any(isinstance(f, RedactToken) for f in h.filters) for h in handlers)
    logging.getLogger("bot.test").info("the token is %s", TOKEN)
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.warn("a dependency's deprecation", DeprecationWarning, stacklevel=1)
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert [(line["logger"], line["message"]) for line in lines][:1] == [
        ("bot.test", f"the token is {REDACTED}")
    ]
    # A warning is a log line too: nothing but JSON reaches the log.
    assert lines[1]["logger"] == "py.warnings"
    assert "a dependency's deprecation" in lines[1]["message"]


def test_configure_logging_text_stays_readable_and_redacts_too(
    root_logging: logging.Logger, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(_settings())
    assert root_logging.level == logging.INFO
    assert not any(isinstance(h.formatter, JsonFormatter) for h in root_logging.handlers)
    logging.getLogger("bot.test").info("connected with %s", TOKEN)
    [line] = capsys.readouterr().err.splitlines()
    # discord.py's format (coloured when the terminal can): time, level, logger, message.
    assert "INFO" in line and "bot.test" in line
    assert line.endswith(f"connected with {REDACTED}")
    assert not line.startswith("{")


@pytest.mark.parametrize(
    ("value", "expected"), [(None, "text"), ("", "text"), (" JSON ", "json"), ("text", "text")]
)
def test_log_format_setting(value: str | None, expected: str) -> None:
    given = {} if value is None else {"log_format": value}
    assert _settings(**given).log_format == expected


def test_an_unknown_log_format_is_one_line() -> None:
    with pytest.raises(ConfigError, match=r"^LOG_FORMAT must be text or json$"):
        _settings(log_format="xml")
