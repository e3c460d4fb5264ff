"""Same-pace conversions and even-pace lap splits.

This is *same pace* arithmetic: 37.47 for 300 m is 49.96 per 400 m because
that is the same speed, not because a 400 m race would take 49.96 (that is an
*equivalent performance*, see :mod:`bot.domain.predict`). The answers are exact
fractions of a millisecond (:class:`fractions.Fraction`), so the one rounding
that happens is the display's round-half-up in
:func:`bot.domain.times.format_time`; a pace can never be a hundredth off
because of binary floating point.

Seeds the product relies on: 37.47 for 300 m is 49.96 per 400 m, 2:04.90 per
km, 3:21.01 per mile, 28.82 km/h; 29.78 for 250 m is 47.65 per 400 m; a
3:56.13 mile is 58.69 per 400 m with splits 1:00.06, 1:58.75, 2:57.44, 3:56.13.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from bot.domain.distance import METRES_PER_MILE
from bot.domain.errors import InputError
from bot.domain.times import round_half_up

__all__ = [
    "MAX_SPLITS",
    "LapSplit",
    "PaceTable",
    "convert",
    "format_speed",
    "lap_splits",
    "pace_per",
    "speed_kmh",
    "speed_mph",
]

MAX_SPLITS = 200
"""The most splits :func:`lap_splits` will produce."""

_MILE = Fraction(METRES_PER_MILE)
_HUNDREDTH = Fraction(1, 100)


@functools.lru_cache(maxsize=1024)
def _decimal_fraction(value: Decimal) -> Fraction:
    # Rep distances repeat (250, 300, 400, a mile): converting each Decimal once
    # keeps Fraction construction off the per-rep path.
    return Fraction(value)


def _exact(value: Decimal | int | float | Fraction, what: str) -> Fraction:
    """A number as an exact Fraction (a float by its shortest repr: 1609.344 stays 1609.344)."""
    if type(value) is Fraction:
        return value
    if type(value) is int:
        return Fraction(value)
    if type(value) is Decimal and value.is_finite():
        return _decimal_fraction(value)
    if isinstance(value, bool) or not isinstance(value, Decimal | int | float | Fraction):
        raise TypeError(f"{what} must be a number, not {type(value).__name__}")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InputError(f"The {what} must be a finite number.", None)
        value = Decimal(repr(value))
    if isinstance(value, Decimal) and not value.is_finite():
        raise InputError(f"The {what} must be a finite number.", None)
    return Fraction(value)


def _metres_fraction(metres: Decimal | int | float | Fraction, what: str = "distance") -> Fraction:
    value = _exact(metres, what)
    if value <= 0:
        raise InputError(f"The {what} must be more than zero.", "`400 m`")
    return value


def _time_fraction(time_ms: int | float | Fraction) -> Fraction:
    value = _exact(time_ms, "time")
    if value <= 0:
        raise InputError("The time must be more than zero.", "`1:02.3`")
    return value


@functools.lru_cache(maxsize=1024)
def _decimal_ratio(value: Decimal) -> tuple[int, int]:
    return value.as_integer_ratio()


def _positive_ratio(
    value: Decimal | int | float | Fraction, what: str, example: str
) -> tuple[int, int]:
    """``value`` as an exact (numerator, denominator) in lowest terms, refusing
    zero and below. Integer milliseconds and Decimal metres (what every reply
    passes) skip building a Fraction: :func:`pace_per` runs for every rep."""
    if type(value) is int:
        ratio = (value, 1)
    elif type(value) is Decimal and value.is_finite():
        ratio = _decimal_ratio(value)
    else:
        exact = _exact(value, what)
        ratio = (exact.numerator, exact.denominator)
    if ratio[0] <= 0:
        raise InputError(f"The {what} must be more than zero.", example)
    return ratio


def _time_ratio(time_ms: int | float | Fraction) -> tuple[int, int]:
    return _positive_ratio(time_ms, "time", "`1:02.3`")


def _metres_ratio(
    metres: Decimal | int | float | Fraction, what: str = "distance"
) -> tuple[int, int]:
    return _positive_ratio(metres, what, "`400 m`")


def pace_per(
    time_ms: int | float | Fraction,
    metres: Decimal | int | float | Fraction,
    per_metres: Decimal | int | float | Fraction,
) -> Fraction:
    """Time in exact milliseconds for ``per_metres`` at the pace of ``time_ms`` over ``metres``."""
    time_num, time_den = _time_ratio(time_ms)
    per_num, per_den = _metres_ratio(per_metres, "pace distance")
    metres_num, metres_den = _metres_ratio(metres)
    # One Fraction, normalised once.
    return Fraction(time_num * per_num * metres_den, time_den * per_den * metres_num)


def speed_kmh(
    time_ms: int | float | Fraction, metres: Decimal | int | float | Fraction
) -> Fraction:
    """Exact speed in km/h."""
    time_num, time_den = _time_ratio(time_ms)
    metres_num, metres_den = _metres_ratio(metres)
    return Fraction(metres_num * 3600 * time_den, metres_den * time_num)


def speed_mph(
    time_ms: int | float | Fraction, metres: Decimal | int | float | Fraction
) -> Fraction:
    """Exact speed in miles per hour."""
    time_num, time_den = _time_ratio(time_ms)
    metres_num, metres_den = _metres_ratio(metres)
    return Fraction(
        metres_num * 3_600_000 * time_den * _MILE.denominator,
        metres_den * time_num * _MILE.numerator,
    )


def format_speed(speed: float | Fraction | Decimal | int) -> str:
    """Show a speed with two decimals, rounding half up: ``28.82``.

    Pass the exact Fraction (``PaceTable.kmh_exact``) where you have it; a
    float is taken by its shortest repr.
    """
    if isinstance(speed, Fraction):
        hundredths = round_half_up(speed, _HUNDREDTH)
        sign = "-" if hundredths < 0 else ""
        whole, part = divmod(abs(hundredths), 100)
        return f"{sign}{whole}.{part:02d}"
    value = Decimal(repr(speed)) if isinstance(speed, float) else Decimal(speed)
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class PaceTable:
    """Everything ``/pace convert`` shows for one effort.

    ``per_*_ms`` are exact Fractions of a millisecond (format them with
    :func:`~bot.domain.times.format_time`). Speeds are computed when asked:
    exact (``kmh_exact``), as the nearest float for charts and sorting
    (``kmh``), or for display (``kmh_text``, rounded half up from the exact
    value); likewise mph and metres per second.
    """

    time_ms: int
    metres: Decimal
    per_100_ms: Fraction
    per_200_ms: Fraction
    per_400_ms: Fraction
    per_km_ms: Fraction
    per_mile_ms: Fraction

    @property
    def kmh_exact(self) -> Fraction:
        return speed_kmh(self.time_ms, self.metres)

    @property
    def mph_exact(self) -> Fraction:
        return speed_mph(self.time_ms, self.metres)

    @property
    def metres_per_second_exact(self) -> Fraction:
        time_num, time_den = _time_ratio(self.time_ms)
        metres_num, metres_den = _metres_ratio(self.metres)
        return Fraction(metres_num * 1000 * time_den, metres_den * time_num)

    @property
    def kmh(self) -> float:
        return float(self.kmh_exact)

    @property
    def mph(self) -> float:
        return float(self.mph_exact)

    @property
    def metres_per_second(self) -> float:
        return float(self.metres_per_second_exact)

    @property
    def kmh_text(self) -> str:
        return format_speed(self.kmh_exact)

    @property
    def mph_text(self) -> str:
        return format_speed(self.mph_exact)

    @property
    def metres_per_second_text(self) -> str:
        return format_speed(self.metres_per_second_exact)


def convert(time_ms: int, metres: Decimal) -> PaceTable:
    """The same-pace table for running ``metres`` in ``time_ms``.

    ``time_ms`` is normally the int from :func:`~bot.domain.times.parse_time`;
    a float (such as a predicted time) or Fraction is taken exactly.

    Raises :class:`~bot.domain.errors.InputError` for a non-positive time or
    distance.
    """
    time_num, time_den = _time_ratio(time_ms)
    metres_num, metres_den = _metres_ratio(metres)
    # Exact ms per metre as an integer ratio; each pace is then one Fraction,
    # normalised once (this runs for every pace answer).
    ms_num, ms_den = time_num * metres_den, time_den * metres_num
    if not isinstance(metres, Decimal):
        metres = _decimal(Fraction(metres_num, metres_den))
    return PaceTable(
        time_ms=time_ms,
        metres=metres,
        per_100_ms=Fraction(ms_num * 100, ms_den),
        per_200_ms=Fraction(ms_num * 200, ms_den),
        per_400_ms=Fraction(ms_num * 400, ms_den),
        per_km_ms=Fraction(ms_num * 1000, ms_den),
        per_mile_ms=Fraction(ms_num * _MILE.numerator, ms_den * _MILE.denominator),
    )


@dataclass(frozen=True)
class LapSplit:
    """One line of an even-pace split table.

    ``distance_m`` is the cumulative distance at this split, ``segment_m`` the
    length of this segment (the odd first part, or one lap), ``lap_ms`` the
    time for this segment and ``cumulative_ms`` the clock at this split.
    """

    index: int
    distance_m: Decimal
    lap_ms: Fraction
    cumulative_ms: Fraction
    segment_m: Decimal


def lap_splits(time_ms: int, metres: Decimal, lap_m: Decimal = Decimal(400)) -> list[LapSplit]:
    """Even-pace splits, read where a coach stands on the track.

    When ``metres`` is not a whole number of laps, the race starts with the
    odd part: 1500 m is 300 m then 400s, 5000 m is 200 m then 400s. An odd part
    shorter than a quarter lap is not a split anyone reads, so it is run
    together with the first lap: the mile (4 laps + 9.344 m) splits at
    409.344 m, then every 400 m.

    Raises :class:`~bot.domain.errors.InputError` when the lap is not positive,
    is longer than the distance, or there would be more than
    :data:`MAX_SPLITS` splits.
    """
    time = _time_fraction(time_ms)
    distance = _metres_fraction(metres)
    lap = _exact(lap_m, "lap")
    if lap <= 0:
        raise InputError("The lap must be longer than zero.", "`400 m`")
    if lap > distance:
        raise InputError("The lap is longer than the whole distance; use a shorter lap.", "`400 m`")
    full_laps, remainder = divmod(distance, lap)
    full_laps = int(full_laps)
    segments: list[Fraction]
    if remainder == 0:
        segments = [lap] * full_laps
    elif remainder < lap / 4:
        segments = [lap + remainder] + [lap] * (full_laps - 1)
    else:
        segments = [remainder] + [lap] * full_laps
    if len(segments) > MAX_SPLITS:
        raise InputError(
            f"That is {len(segments)} splits; the most I list is {MAX_SPLITS}. Use a longer lap.",
            "`1 km`",
        )
    splits: list[LapSplit] = []
    covered = Fraction(0)
    for index, segment in enumerate(segments, start=1):
        covered += segment
        splits.append(
            LapSplit(
                index=index,
                distance_m=_decimal(covered),
                lap_ms=time * segment / distance,
                cumulative_ms=time * covered / distance,
                segment_m=_decimal(segment),
            )
        )
    return splits


def _decimal(value: Fraction) -> Decimal:
    """Fraction metres back to Decimal; exact for sums of decimal inputs."""
    result = Decimal(value.numerator) / Decimal(value.denominator)
    if result == result.to_integral_value():
        return result.quantize(Decimal(1))
    return result.normalize()
