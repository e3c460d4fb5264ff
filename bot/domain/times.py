"""Reading times the way runners type them, and showing them the way coaches read them.

Times are integer milliseconds everywhere in Trackside: a float would let
``0.1 + 0.2`` style errors creep into stored splits and into the "round half
up, never truncate" display rule. Parsing therefore works on exact decimal
fractions (:class:`fractions.Fraction`) and rounds once, to the millisecond.

Accepted input (surrounding whitespace ignored, case-insensitive):

* plain seconds: ``29.78``, ``49.8``, ``90``, optionally with a unit:
  ``29.78s``, ``90 sec``, ``90"``;
* clock forms: ``1:02.3``, ``3:56.13``, ``4:05`` (m:ss, minutes may exceed 59:
  ``75:30``) and ``1:02:03``, ``2:05:30.5`` (h:mm:ss). Seconds (and minutes in
  h:mm:ss) are written with two digits and must be under 60;
* unit forms: ``2h05m30s``, ``2h``, ``45m``, ``1h5m``, ``30s``, ``5min``,
  ``1 hr 5 min``, with or without spaces. Units must go from hours down to
  seconds, each at most once; after a larger unit the next value must be under
  60. A two-digit number after the last unit means the next smaller unit:
  ``2h05`` is 2 h 5 min, ``4'05`` is 4 min 5 s;
* marks: ``45'`` (minutes), ``90"`` (seconds), including the phone keyboards'
  curly quotes ``’ ”``, primes ``′ ″`` and two apostrophes ``''`` (seconds).

Fractions of a second may have any number of digits; more than three digits are
rounded half up to the millisecond (``29.7785`` -> 29 779 ms). Only the last
component of a time may carry a fraction (``1.5h`` is fine, ``1.5h30m`` is not).

Rejected with :class:`~bot.domain.errors.InputError`: empty text, negative
times, letters or other garbage, out-of-range fields such as ``1:75``, a zero
time and anything over 48 hours.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

from bot.domain.errors import InputError
from bot.domain.marks import DASHES, QUOTES

__all__ = [
    "MAX_TIME_MS",
    "format_delta",
    "format_time",
    "parse_time",
    "round_half_up",
    "written_decimals",
]

MAX_TIME_MS = 48 * 3600 * 1000
"""The longest time accepted: 48 hours."""

_MAX_INPUT_CHARS = 40
_EXAMPLE = "`1:02.3`"
_HINT = "Write a time like `49.8`, `1:02.3`, `2:05:30` or `2h05m30s`."

_MARKS = str.maketrans({**QUOTES, **DASHES})

_UNIT_SECONDS = {"h": 3600, "m": 60, "s": 1}
_UNIT_WORDS = {
    "h": "h",
    "hr": "h",
    "hrs": "h",
    "hour": "h",
    "hours": "h",
    "m": "m",
    "min": "m",
    "mins": "m",
    "minute": "m",
    "minutes": "m",
    "'": "m",
    "s": "s",
    "sec": "s",
    "secs": "s",
    "second": "s",
    "seconds": "s",
    '"': "s",
}
_UNIT_NAMES = {"h": "hours", "m": "minutes", "s": "seconds"}
_NEXT_UNIT = {"h": "m", "m": "s"}

_NUMBER = r"[0-9]+(?:\.[0-9]+)?"
_UNIT_TOKEN = re.compile(rf"\s*({_NUMBER})\s*([a-z'\"]*)", re.ASCII)
_CLOCK_FIELD = re.compile(r"[0-9]+", re.ASCII)
_CLOCK_LAST = re.compile(r"([0-9]+)(?:\.([0-9]+))?", re.ASCII)


def _show(text: str, limit: int = 24) -> str:
    """Quote user text for an error message without letting it break the markup."""
    cleaned = " ".join(text.split()).replace("`", "'")
    if len(cleaned) > limit:
        cleaned = cleaned[: limit - 1] + "…"
    return f"`{cleaned}`"


def round_half_up(value: Fraction | int, step: int | Fraction = 1) -> int:
    """Round ``value / step`` to the nearest integer, halves away from zero.

    Exact for :class:`~fractions.Fraction` input, which is the point: display
    rounding must never depend on binary floating point.
    """
    # Integer arithmetic on numerators and denominators: the same exact result as
    # Fraction maths, without allocating a Fraction per step (this runs for every
    # figure of every reply). floor(n/d + 1/2) == (2n + d) // 2d for d > 0.
    value_n, value_d = _ratio(value)
    step_n, step_d = _ratio(step)
    n, d = value_n * step_d, value_d * step_n
    if d < 0:
        n, d = -n, -d
    if n < 0:
        return -((-2 * n + d) // (2 * d))
    return (2 * n + d) // (2 * d)


def _ratio(value: Fraction | int) -> tuple[int, int]:
    if type(value) is int:
        return value, 1
    if isinstance(value, Fraction):
        return value.numerator, value.denominator
    exact = Fraction(value)
    return exact.numerator, exact.denominator


def _garbage(original: str) -> InputError:
    return InputError(f"{_show(original)} isn't a time I can read. {_HINT}", _EXAMPLE)


_PLAIN_SECONDS = re.compile(r"([0-9]{1,6})(?:\.([0-9]{1,3}))?", re.ASCII)


def _finish(original: str, seconds: Fraction) -> int:
    """Round exact seconds to milliseconds and apply the zero / 48 h limits."""
    return _finish_ms(original, round_half_up(seconds * 1000))


def _finish_ms(original: str, ms: int) -> int:
    if ms <= 0:
        raise InputError(
            f"{_show(original)} is a time of zero; a time must be more than zero.", _EXAMPLE
        )
    if ms > MAX_TIME_MS:
        raise InputError(
            f"{_show(original)} is more than 48 hours; the longest time I take is 48:00:00.",
            "`2:05:30`",
        )
    return ms


def _parse_clock(original: str, text: str) -> int:
    """``m:ss(.fff)`` or ``h:mm:ss(.fff)``."""
    parts = [part.strip() for part in text.split(":")]
    if len(parts) > 3:
        raise InputError(
            f"{_show(original)} has too many colons; use m:ss or h:mm:ss.", "`2:05:30`"
        )
    *leading, last = parts
    if not all(_CLOCK_FIELD.fullmatch(part) for part in leading):
        raise _garbage(original)
    last_match = _CLOCK_LAST.fullmatch(last)
    if last_match is None:
        raise _garbage(original)
    sec_digits, frac_digits = last_match.group(1), last_match.group(2)
    form = "m:ss" if len(parts) == 2 else "h:mm:ss"
    seconds_value = int(sec_digits)
    if len(sec_digits) != 2:
        if seconds_value >= 60:
            raise InputError(
                f"{_show(original)} has {seconds_value} seconds; "
                f"seconds must be under 60 in a {form} time.",
                _EXAMPLE,
            )
        raise InputError(
            f"{_show(original)}: write the seconds with two digits in a {form} time "
            f"(`4:05`, not `4:5`).",
            "`4:05`",
        )
    if seconds_value >= 60:
        raise InputError(
            f"{_show(original)} has {seconds_value} seconds; "
            f"seconds must be under 60 in a {form} time.",
            _EXAMPLE,
        )
    seconds = Fraction(seconds_value)
    if frac_digits:
        seconds += Fraction(int(frac_digits), 10 ** len(frac_digits))
    if len(parts) == 2:
        minutes = int(leading[0])
        return _finish(original, minutes * 60 + seconds)
    hours_text, minutes_text = leading
    minutes = int(minutes_text)
    if len(minutes_text) != 2 or minutes >= 60:
        if minutes >= 60:
            raise InputError(
                f"{_show(original)} has {minutes} minutes; "
                "minutes must be under 60 in an h:mm:ss time.",
                "`2:05:30`",
            )
        raise InputError(
            f"{_show(original)}: write the minutes with two digits in an h:mm:ss time "
            "(`1:05:00`, not `1:5:00`).",
            "`1:05:00`",
        )
    return _finish(original, int(hours_text) * 3600 + minutes * 60 + seconds)


def _parse_units(original: str, text: str) -> int:
    """Plain seconds (``29.78``) and unit forms (``2h05m30s``, ``45'``, ``90"``)."""
    # Scan token by token (no backtracking regex over the whole string, so a
    # long run of digits cannot make matching slow).
    tokens: list[tuple[str, str]] = []
    position = 0
    end = len(text.rstrip())
    while position < end:
        match = _UNIT_TOKEN.match(text, position)
        if match is None:
            raise _garbage(original)
        tokens.append((match.group(1), match.group(2)))
        position = match.end()
    if not tokens:
        raise _garbage(original)
    if len(tokens) == 1 and tokens[0][1] == "":
        return _finish(original, Fraction(tokens[0][0]))

    total = Fraction(0)
    previous: str | None = None
    for index, (number, word) in enumerate(tokens):
        is_last = index == len(tokens) - 1
        if word == "":
            # A bare number is only allowed last, right after a unit: 2h05, 4'05.
            if previous is None or not is_last or previous not in _NEXT_UNIT:
                raise _garbage(original)
            if len(number.split(".")[0]) != 2:
                raise _garbage(original)
            unit = _NEXT_UNIT[previous]
        else:
            unit_or_none = _UNIT_WORDS.get(word)
            if unit_or_none is None:
                raise InputError(
                    f"{_show(original)}: I don't know the unit {_show(word, 12)}. "
                    "Use h, min (or ') and s (or \").",
                    "`45'`",
                )
            unit = unit_or_none
        if previous is not None and _UNIT_SECONDS[unit] >= _UNIT_SECONDS[previous]:
            raise InputError(
                f"{_show(original)}: put hours, minutes and seconds in that order, each once.",
                "`2h05m30s`",
            )
        value = Fraction(number)
        if "." in number and not is_last:
            raise InputError(
                f"{_show(original)}: only the last part of a time can have a decimal point.",
                "`2h05m30.5s`",
            )
        if previous is not None and value >= 60:
            raise InputError(
                f"{_show(original)} has {number} {_UNIT_NAMES[unit]}; "
                f"{_UNIT_NAMES[unit]} must be under 60 after {_UNIT_NAMES[previous]}.",
                "`2h05m30s`",
            )
        total += value * _UNIT_SECONDS[unit]
        previous = unit
    return _finish(original, total)


def parse_time(text: str) -> int:
    """Parse a time as a runner types it into integer milliseconds.

    See the module docstring for the grammar. Raises only
    :class:`~bot.domain.errors.InputError`, whatever the string.
    """
    if not isinstance(text, str):
        raise InputError("No time given. " + _HINT, _EXAMPLE)
    original = text.strip()
    if not original:
        raise InputError("No time given. " + _HINT, _EXAMPLE)
    if len(original) > _MAX_INPUT_CHARS:
        raise InputError(f"{_show(original)} is too long to be a time. {_HINT}", _EXAMPLE)
    normalised = original.translate(_MARKS).replace("''", '"').lower()
    if normalised.startswith("-"):
        raise InputError(f"{_show(original)} is negative; a time must be more than zero.", _EXAMPLE)
    if "," in normalised and re.fullmatch(r"[0-9:]*[0-9],[0-9]+", normalised, re.ASCII):
        raise InputError(
            f"{_show(original)}: use a dot for fractions of a second, "
            f"like `{normalised.replace(',', '.')}`.",
            "`29.78`",
        )
    plain = _PLAIN_SECONDS.fullmatch(normalised)
    if plain is not None:
        # The common case (a rep split such as 29.78), in integer arithmetic:
        # the same milliseconds the general path computes, several times faster.
        whole, fraction = plain.groups()
        return _finish_ms(original, int(whole) * 1000 + int((fraction or "").ljust(3, "0")))
    if ":" in normalised:
        return _parse_clock(original, normalised)
    return _parse_units(original, normalised)


_LAST_FRACTION = re.compile(r"\.([0-9]+)\D*$", re.ASCII)


def written_decimals(text: str) -> int:
    """How many fraction-of-a-second digits a time was written with: ``49.8`` → 1,
    ``49.80`` → 2, ``4:05`` → 0. Scoring reads a time to tenths as hand-timed;
    the parsed milliseconds cannot tell ``49.8`` from ``49.80``."""
    normalised = text.strip().translate(_MARKS) if isinstance(text, str) else ""
    match = _LAST_FRACTION.search(normalised[:_MAX_INPUT_CHARS])
    return len(match.group(1)) if match else 0


def _as_fraction(ms: int | float | Fraction | Decimal) -> Fraction | int:
    # Ints and Fractions are already exact; round_half_up reads both directly.
    if type(ms) is int or type(ms) is Fraction:
        return ms
    if isinstance(ms, bool):
        raise TypeError("a time in milliseconds must be a number, not a bool")
    if isinstance(ms, Fraction | int):
        return Fraction(ms)
    if isinstance(ms, Decimal):
        if not ms.is_finite():
            raise ValueError(f"cannot format a non-finite time: {ms!r}")
        return Fraction(ms)
    if isinstance(ms, float):
        if not math.isfinite(ms):
            raise ValueError(f"cannot format a non-finite time: {ms!r}")
        return Fraction(ms)
    raise TypeError(f"a time in milliseconds must be a number, not {type(ms).__name__}")


def format_time(ms: int | float | Fraction | Decimal) -> str:
    """Show a time by Trackside's display rules, rounding half up (see
    :func:`_format_time`). Remembered per value: a reply formats the same few
    times and paces dozens of times over."""
    try:
        return _format_remembered(ms)
    except TypeError:  # not hashable (a signalling NaN): no memory, same answer
        return _format_time(ms)


@lru_cache(maxsize=4096)
def _format_remembered(ms: int | float | Fraction | Decimal) -> str:
    return _format_time(ms)


def _format_time(ms: int | float | Fraction | Decimal) -> str:
    """Show a time by Trackside's display rules, rounding half up.

    Under 60 s ``49.96``; under 10 min ``2:04.90`` (hundredths); under an hour
    ``41:41.9``; longer ``1:02:03.0`` (tenths). The bracket is chosen after
    rounding, so 59.996 s is ``1:00.00`` and 9:59.996 is ``10:00.0``. Rounding is
    exact (the value is converted to a Fraction first, a float exactly as
    stored). Negative values get a leading ``-``.
    """
    value = _as_fraction(ms)
    if type(value) is int:
        n, d = value, 1
    else:
        n, d = value.numerator, value.denominator  # type: ignore[union-attr]
    if n < 0:
        return "-" + format_time(Fraction(-n, d))
    # Half-up rounding of n/d ms to hundredths and tenths of a second, in
    # integers: floor(n / 10d + 1/2) == (2n + 10d) // 20d (every figure of every
    # reply comes through here).
    hundredths = (2 * n + 10 * d) // (20 * d)
    if hundredths < 60 * 100:
        return f"{hundredths // 100}.{hundredths % 100:02d}"
    if hundredths < 10 * 60 * 100:
        minutes, rest = divmod(hundredths, 60 * 100)
        return f"{minutes}:{rest // 100:02d}.{rest % 100:02d}"
    tenths = (2 * n + 100 * d) // (200 * d)
    if tenths < 60 * 60 * 10:
        minutes, rest = divmod(tenths, 60 * 10)
        return f"{minutes}:{rest // 10:02d}.{rest % 10}"
    hours, rest = divmod(tenths, 60 * 60 * 10)
    minutes, rest = divmod(rest, 60 * 10)
    return f"{hours}:{minutes:02d}:{rest // 10:02d}.{rest % 10}"


def format_delta(ms: int | float | Fraction | Decimal, digits: int = 2) -> str:
    """Show a signed difference in seconds: ``+0.40``, ``-1.10`` (half up, sign always).

    ``digits`` is 2 (hundredths, the default) or 1 (tenths: ``+0.4``). A
    difference that rounds to zero is shown as ``+0.00``. Differences of a
    minute or more keep the sign and use the clock form: ``+1:02.50``.
    """
    if digits not in (1, 2):
        raise ValueError("digits must be 1 or 2")
    value = _as_fraction(ms)
    step = 10 if digits == 2 else 100
    units = round_half_up(abs(value), step)
    sign = "-" if value < 0 and units != 0 else "+"
    per_second = 1000 // step
    if units < 60 * per_second:
        return f"{sign}{units // per_second}.{units % per_second:0{digits}d}"
    return sign + format_time(abs(value))
