"""Reading race and rep distances, kept as exact metres.

A mile is 1609.344 m exactly and a yard 0.9144 m exactly; rounding them would
make a 3:56.13 mile come out a hundredth off per lap, and coaches check. So
distances are :class:`decimal.Decimal` metres, computed in a context precise
enough that every product here is exact.

Besides the metres, a :class:`Distance` remembers how it was written:

* ``label`` is a canonical display (``300 m``, ``1 mile``, ``2 miles``,
  ``5 km``, ``1.5 km``, ``440 yd``, ``half marathon``, ``marathon``);
* ``road`` is True when the distance was written the way road races are
  (``k``/``km``, ``mi``/``miles``, half, marathon) and False for metres, yards
  and the bare word ``mile`` (the track mile). Age grading uses it to pick the
  road or track table.

Accepted input (case-insensitive, spaces optional): ``300``, ``300m``,
``1500 m``, ``1500 metres``, ``1.5k``, ``1.5km``, ``5k``, ``10K``, ``mile``,
``1 mile``, ``1 mi``, ``2 miles``, ``400y``, ``440 yd``, ``half``,
``half marathon``, ``HM``, ``marathon``. A bare number means metres.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

from bot.domain.errors import InputError

__all__ = [
    "HALF_MARATHON_M",
    "MARATHON_M",
    "MAX_DISTANCE_M",
    "METRES_PER_MILE",
    "METRES_PER_YARD",
    "MIN_DISTANCE_M",
    "STANDARD_DISTANCES",
    "Distance",
    "format_distance",
    "parse_distance",
]

METRES_PER_MILE = Decimal("1609.344")
METRES_PER_YARD = Decimal("0.9144")
HALF_MARATHON_M = Decimal("21097.5")
MARATHON_M = Decimal("42195")
MIN_DISTANCE_M = Decimal(1)
MAX_DISTANCE_M = Decimal(1_000_000)

_MAX_INPUT_CHARS = 40
_EXAMPLE = "`1500 m`"
_HINT = "Write a distance like `300`, `1500 m`, `5k`, `mile`, `2 miles` or `half marathon`."


@dataclass(frozen=True)
class Distance:
    """A distance in exact metres, its canonical label and whether it reads as a road distance."""

    metres: Decimal
    label: str
    road: bool

    def __str__(self) -> str:
        return self.label


def _clean(value: Decimal) -> Decimal:
    """Drop trailing zeros without switching to exponent notation (5000, not 5E+3)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def _number_text(value: Decimal) -> str:
    return format(_clean(value), "f")


def _show(text: str, limit: int = 24) -> str:
    cleaned = " ".join(text.split()).replace("`", "'")
    if len(cleaned) > limit:
        cleaned = cleaned[: limit - 1] + "…"
    return f"`{cleaned}`"


_HALF_WORDS = {"half", "halfmarathon", "hm", "halfmara"}
_MARATHON_WORDS = {"marathon", "fullmarathon"}
_MILE_WORDS = {"mile", "themile", "1mile", "onemile"}

# unit word -> (kind, metres per unit)
_UNITS: dict[str, tuple[str, Decimal]] = {}
for _word in ("", "m", "meter", "meters", "metre", "metres", "mtr", "mtrs"):
    _UNITS[_word] = ("m", Decimal(1))
for _word in ("k", "km", "kms", "kilometer", "kilometers", "kilometre", "kilometres", "kilo"):
    _UNITS[_word] = ("km", Decimal(1000))
for _word in ("mi", "mis", "miles"):
    _UNITS[_word] = ("miles", METRES_PER_MILE)
_UNITS["mile"] = ("mile", METRES_PER_MILE)
for _word in ("y", "yd", "yds", "yard", "yards"):
    _UNITS[_word] = ("yd", METRES_PER_YARD)

_QUANTITY = re.compile(r"([0-9]+(?:\.[0-9]+)?|\.[0-9]+)([a-z]*)", re.ASCII)


def _label(kind: str, number: Decimal) -> str:
    text = _number_text(number)
    if kind == "m":
        return f"{text} m"
    if kind == "km":
        return f"{text} km"
    if kind == "yd":
        return f"{text} yd"
    # miles, whether written "mile" or "miles"
    return f"{text} mile" if number == 1 else f"{text} miles"


def _check_range(original: str, metres: Decimal) -> None:
    if metres <= 0:
        raise InputError(
            f"{_show(original)} is a distance of zero; a distance must be more than zero.",
            _EXAMPLE,
        )
    if metres < MIN_DISTANCE_M:
        raise InputError(
            f"{_show(original)} is shorter than a metre; is that the right unit?", _EXAMPLE
        )
    if metres > MAX_DISTANCE_M:
        raise InputError(
            f"{_show(original)} is more than 1000 km; the longest distance I take is 1000 km.",
            "`100 km`",
        )


def parse_distance(text: str) -> Distance:
    """Parse a distance as a runner types it.

    See the module docstring for the grammar. Raises only
    :class:`~bot.domain.errors.InputError`, whatever the string.
    """
    if not isinstance(text, str):
        raise InputError("No distance given. " + _HINT, _EXAMPLE)
    original = text.strip()
    if not original:
        raise InputError("No distance given. " + _HINT, _EXAMPLE)
    if len(original) > _MAX_INPUT_CHARS:
        raise InputError(f"{_show(original)} is too long to be a distance. {_HINT}", _EXAMPLE)
    if original.startswith(("-", "−", "–")):
        raise InputError(
            f"{_show(original)} is negative; a distance must be more than zero.", _EXAMPLE
        )
    compact = "".join(original.lower().split())
    words = compact.replace("-", "")
    if words in _HALF_WORDS:
        return Distance(HALF_MARATHON_M, "half marathon", True)
    if words in _MARATHON_WORDS:
        return Distance(MARATHON_M, "marathon", True)
    if words in _MILE_WORDS:
        return Distance(METRES_PER_MILE, "1 mile", False)
    if "," in compact and re.fullmatch(r"[0-9,.]+[a-z]*", compact, re.ASCII):
        raise InputError(
            f"{_show(original)}: write distances without commas, like `1500 m` or `1.5 km`.",
            _EXAMPLE,
        )
    match = _QUANTITY.fullmatch(compact)
    if match is None:
        raise InputError(f"{_show(original)} isn't a distance I can read. {_HINT}", _EXAMPLE)
    number_text, unit_word = match.groups()
    unit = _UNITS.get(unit_word)
    if unit is None:
        raise InputError(
            f"{_show(original)}: I don't know the unit {_show(unit_word, 12)}. "
            "Use m, km (or k), mi/miles, mile or yd.",
            "`5 km`",
        )
    kind, factor = unit
    number = Decimal(number_text)
    with localcontext() as context:
        context.prec = 60
        metres = number * factor
    _check_range(original, metres)
    metres = _clean(metres)
    if kind == "m" and metres == METRES_PER_MILE:
        return Distance(metres, "1 mile", False)
    return Distance(metres, _label(kind, number), kind in ("km", "miles"))


_NAMED = {
    METRES_PER_MILE: "1 mile",
    HALF_MARATHON_M: "half marathon",
    MARATHON_M: "marathon",
}


def format_distance(metres: Decimal | float | int) -> str:
    """Show metres as a label: ``300 m``, ``409.34 m``, ``1 mile``, ``half marathon``.

    Exactly one mile, the half marathon and the marathon get their names, whole
    numbers of miles up to 100 read ``2 miles``; anything else is metres rounded
    half up to two decimals without trailing zeros. Floats are taken by their
    shortest repr (``409.344`` stays 409.344).
    """
    if isinstance(metres, bool):
        raise TypeError("metres must be a number, not a bool")
    try:
        return _format_distance(metres)
    except TypeError:  # unhashable (a signalling NaN): not worth caching
        return _format_distance.__wrapped__(metres)


# Cached: a reply labels the same few rep distances over and over. Values that
# compare equal (250 and Decimal("250")) share a label, as they must.
@functools.lru_cache(maxsize=1024)
def _format_distance(metres: Decimal | float | int) -> str:
    value = Decimal(repr(metres)) if isinstance(metres, float) else Decimal(metres)
    if not value.is_finite():
        raise ValueError(f"cannot format a non-finite distance: {metres!r}")
    if value in _NAMED:
        return _NAMED[value]
    with localcontext() as context:
        context.prec = 60
        miles = value / METRES_PER_MILE
        if value > 0 and miles == miles.to_integral_value() and miles <= 100:
            return f"{_number_text(miles)} miles"
        rounded = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{_number_text(rounded)} m"


STANDARD_DISTANCES: list[Distance] = [
    Distance(Decimal(400), "400 m", False),
    Distance(Decimal(800), "800 m", False),
    Distance(Decimal(1500), "1500 m", False),
    Distance(METRES_PER_MILE, "1 mile", False),
    Distance(Decimal(3000), "3000 m", False),
    Distance(Decimal(5000), "5 km", True),
    Distance(Decimal(10000), "10 km", True),
    Distance(HALF_MARATHON_M, "half marathon", True),
    Distance(MARATHON_M, "marathon", True),
]
"""The standard events predictions are shown for, shortest first."""
