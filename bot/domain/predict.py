"""Equivalent performances (race predictions), VDOT and Daniels training paces.

Unlike :mod:`bot.domain.pace` (same pace), these answer "what is this effort
worth at another distance?", which no single formula gets right. Trackside
shows three published models side by side so the spread is visible, and flags
inputs or targets outside the distances each model was built for:

* **Riegel** (Pete Riegel, 1977/1981): ``t2 = t1 * (d2 / d1) ** 1.06``.
  Valid 1500 m to the marathon. Seed: a 3:56.13 mile is worth 3:39.16 for
  1500 m (``format_time`` shows ``3:39.16``; the seed story rounds it to 3:39.2).
* **Cameron** (Dave Cameron, "A Critical Examination of Racing Predictions",
  1997): ``t2 = t1 * (d2 / d1) * (a(d1) / a(d2))`` with
  ``a(d) = 13.49681 - 0.000030363 * d + 835.7114 / d ** 0.7905`` and ``d`` in
  metres. Formula and constants as published on Cameron's model page,
  https://www.cs.uml.edu/~phoffman/cammod.html; checked against a public
  implementation that cites that page and uses these exact constants, Asher
  Morgan's running-tools (https://git.ashermorgan.net/running-tools, commit
  e4436e7, ``src/utils/races.js``, "Predict a race time using Dave Cameron's
  Formula"). Valid 800 m to the marathon. (Some calculators ship an
  exponential "Cameron" with km constants a=0.000495, b=0.000985, c=1.4485;
  that is a different fit and is not used.)
  ``a(d)`` reaches zero near 444 km, so the model has no answer beyond that;
  :func:`predict_all` therefore takes distances up to 400 km only.
* **VDOT** (Daniels & Gilbert, *Oxygen Power*, 1979), with velocity ``v`` in
  m/min and race duration ``t`` in minutes::

      VO2   = -4.60 + 0.182258 v + 0.000104 v^2
      %max  = 0.8 + 0.1894393 e^(-0.012778 t) + 0.2989558 e^(-0.1932605 t)
      VDOT  = VO2 / %max

  Predictions solve VDOT(t) = VDOT for the target distance by bisection.
  Valid 1500 m to the marathon. Checked against Daniels' tables: 5K 20:00 is
  49.8, 10K 40:00 is 51.9, marathon 3:00:00 is 53.5.

Training paces (``/pace vdot``) reproduce the training-pace table of Jack
Daniels, *Daniels' Running Formula*, 3rd edition (Human Kinetics), Table 5.2
"Training intensities based on current VDOT", VDOT 30 to 85. Each pace is the
speed whose oxygen cost (the Daniels & Gilbert equation above) is a fraction of
VDOT, with the fractions calibrated against that table:

* **E** (easy) is a range: 73 % of VDOT (fast bound) and 63 % (slow bound) at
  VDOT 50, the fast bound rising 0.0316 and the slow bound falling 0.0146
  percentage points per VDOT (Daniels' text says 59-74 % VO2max; his printed E column is
  this narrower band).
* **M** (marathon) is the VDOT marathon race pace (``time_for_vdot`` at
  42 195 m), as Daniels defines it, from VDOT 50 up. Below 50 the printed M
  column is slower than the race table's marathon (VDOT 30: M 7:03/km, while
  the 4:49:17 marathon is 6:51/km); the pace is slowed by
  ``0.00718 % x (50 - VDOT)^2`` to follow it.
* **T** (threshold) 88 %.
* **I** (interval) ``97.94 + 0.0295 x + 0.0281 x²`` per cent with
  ``x = (VDOT - 50) / 10``: 98.0 % at VDOT 30, 97.94 % at 50, 98.4 % at 85.
* **R** (repetition) is the I pace per 400 m minus a gap: 8 s per 400 m up to
  VDOT 47, 6 s from VDOT 50, narrowing linearly in between. That is how the
  printed R-400 column follows the I-400 column (VDOT 45: I 1:42, R 94 s;
  VDOT 50: I 93 s, R 87 s; 7 s at VDOT 48 and 49). Where the table prints no
  R 400 (VDOT 30-33), twice its R 200 fits the same rule (VDOT 30: I 2:22,
  R 67 s per 200 m, so 2:14 per 400 m).

Outside VDOT 30-85 (the bot accepts 10-100) the fractions, the M correction and
the R gap keep their values at the nearest end of the table; the paces still
come from the same equations, so they stay continuous and keep getting faster
with VDOT.

Calibration and check: the rows transcribed in two independent public
projects (github.com/tlgs/vdot ``notebooks/2-analysis.ipynb``, OCR of the 3rd
edition; github.com/mrodrigues1/running-planner
``RunningPlanner.Core/Models/Paces/VdotCalculator.cs``, whose E, M, T and I per
km agree with it row by row). Every row from VDOT 30 to 85 is reproduced with
T, I and R within 1 s per 400 m (T's printed km pace divided by 2.5) and E and
M within 3 s per km (``tests/domain/test_domain_predict.py``). The printed I
columns are themselves up to 1.6 s per 400 m apart (VDOT 38: 1:56 per 400 m
but 4:54 per km), so no smooth rule can do much better than about 0.9 s on I.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from bot.domain.distance import MARATHON_M, METRES_PER_MILE, STANDARD_DISTANCES, Distance
from bot.domain.errors import InputError

__all__ = [
    "CAMERON",
    "EASY_FAST_PCT",
    "EASY_SLOW_PCT",
    "INTERVAL_PCT",
    "MAX_PREDICTION_M",
    "MODELS",
    "REPETITION_GAP_FAST_MS",
    "REPETITION_GAP_SLOW_MS",
    "RIEGEL",
    "RIEGEL_EXPONENT",
    "THRESHOLD_PCT",
    "VDOT",
    "Prediction",
    "TrainingPace",
    "cameron",
    "in_range",
    "predict_all",
    "riegel",
    "time_for_vdot",
    "training_paces",
    "vdot_from_performance",
]

RIEGEL = "Riegel"
CAMERON = "Cameron"
VDOT = "VDOT"
MODELS: tuple[str, ...] = (RIEGEL, CAMERON, VDOT)

RIEGEL_EXPONENT = 1.06

MAX_PREDICTION_M = Decimal(400_000)
"""The longest source or target distance :func:`predict_all` takes (Cameron ends near 444 km)."""

# VDOT describes running: slower than 2 km/h or faster than 12 m/s (43.2 km/h, beyond
# any human's average speed over any distance) is rejected as an input error.
_MIN_VDOT_SPEED_M_PER_MIN = 2000 / 60
_MAX_VDOT_SPEED_M_PER_MIN = 12 * 60

# Valid ranges by distance, metres (inclusive).
_RANGES: dict[str, tuple[float, float]] = {
    RIEGEL: (1500.0, float(MARATHON_M)),
    CAMERON: (800.0, float(MARATHON_M)),
    VDOT: (1500.0, float(MARATHON_M)),
}

_MILE_M = float(METRES_PER_MILE)


def _metres(value: Decimal | float | int) -> float:
    metres = float(value)
    if not math.isfinite(metres) or metres <= 0:
        raise InputError("The distance must be more than zero.", "`5k`")
    return metres


def _ms(value: float | int | Fraction) -> float:
    ms = float(value)
    if not math.isfinite(ms) or ms <= 0:
        raise InputError("The time must be more than zero.", "`20:00`")
    return ms


def in_range(model: str, metres: Decimal | float | int) -> bool:
    """Whether ``metres`` is inside the distances ``model`` is valid for."""
    try:
        low, high = _RANGES[model]
    except KeyError:
        raise ValueError(f"unknown model {model!r}; expected one of {MODELS}") from None
    return low - 1e-9 <= float(metres) <= high + 1e-9


def riegel(
    time_ms: float | int,
    from_m: Decimal | float | int,
    to_m: Decimal | float | int,
    exponent: float = RIEGEL_EXPONENT,
) -> float:
    """Riegel's power law: ``t2 = t1 * (d2 / d1) ** exponent``, in milliseconds."""
    return _ms(time_ms) * (_metres(to_m) / _metres(from_m)) ** exponent


def _cameron_a(metres: float) -> float:
    return 13.49681 - 0.000030363 * metres + 835.7114 / metres**0.7905


def cameron(
    time_ms: float | int, from_m: Decimal | float | int, to_m: Decimal | float | int
) -> float:
    """Dave Cameron's published model, in milliseconds (see the module docstring).

    ``t2 = t1 * (d2 / d1) * a(d1) / a(d2)``,
    ``a(d) = 13.49681 - 0.000030363 d + 835.7114 / d^0.7905`` (d in metres).
    Raises :class:`~bot.domain.errors.InputError` beyond ~444 km, where ``a``
    stops being positive and the model has no answer.
    """
    time = _ms(time_ms)
    source, target = _metres(from_m), _metres(to_m)
    a_source, a_target = _cameron_a(source), _cameron_a(target)
    if a_source <= 0 or a_target <= 0:
        raise InputError("Cameron's model only works up to about 400 km.", "`marathon`")
    return time * (target / source) * (a_source / a_target)


def _oxygen_cost(velocity: float) -> float:
    """VO2 (ml/kg/min) of running at ``velocity`` m/min (Daniels & Gilbert)."""
    return -4.60 + 0.182258 * velocity + 0.000104 * velocity * velocity


def _fraction_sustainable(minutes: float) -> float:
    """Fraction of VO2max sustainable for a race lasting ``minutes`` (Daniels & Gilbert)."""
    return (
        0.8 + 0.1894393 * math.exp(-0.012778 * minutes) + 0.2989558 * math.exp(-0.1932605 * minutes)
    )


def _velocity_for_vo2(vo2: float) -> float:
    """Invert the oxygen-cost quadratic: the speed (m/min) that costs ``vo2``."""
    a, b, c = 0.000104, 0.182258, -4.60 - vo2
    return (-b + math.sqrt(b * b - 4 * a * c)) / (2 * a)


def _vdot(minutes: float, metres: float) -> float:
    return _oxygen_cost(metres / minutes) / _fraction_sustainable(minutes)


def vdot_from_performance(time_ms: float | int, metres: Decimal | float | int) -> float:
    """Daniels & Gilbert VDOT for running ``metres`` in ``time_ms``.

    Raises :class:`~bot.domain.errors.InputError` for an average speed below
    2 km/h (slower than walking; the oxygen-cost formula goes to zero there) or
    above 12 m/s (faster than anyone has run).
    """
    minutes = _ms(time_ms) / 60_000
    distance = _metres(metres)
    speed = distance / minutes
    if speed < _MIN_VDOT_SPEED_M_PER_MIN:
        raise InputError(
            "That is slower than walking pace; VDOT only describes running efforts.",
            "`20:00` for `5k`",
        )
    if speed > _MAX_VDOT_SPEED_M_PER_MIN:
        raise InputError(
            "That is faster than anyone has ever run; check the time and the distance.",
            "`20:00` for `5k`",
        )
    return _vdot(minutes, distance)


def time_for_vdot(vdot: float, metres: Decimal | float | int) -> float:
    """The race time (ms) at ``metres`` that gives ``vdot``: the inverse of
    :func:`vdot_from_performance`, solved by bisection to well under 1 ms."""
    if not math.isfinite(vdot) or vdot <= 0:
        raise InputError("VDOT must be more than zero.", "`50`")
    distance = _metres(metres)
    # Bracket the time between 2 km/min (no human) and the speed at which the
    # oxygen cost reaches ~0.5 ml/kg/min (slower than walking). VDOT falls
    # monotonically with time in between.
    fast = distance / 2000.0
    slow = distance / _velocity_for_vo2(0.5)
    if not (_vdot(slow, distance) <= vdot <= _vdot(fast, distance)):
        raise InputError(f"VDOT {vdot:.1f} is outside the range I can convert.", "`50`")
    for _ in range(200):
        middle = (fast + slow) / 2
        if _vdot(middle, distance) > vdot:
            fast = middle
        else:
            slow = middle
        if (slow - fast) * 60_000 < 1e-4:
            break
    return (fast + slow) / 2 * 60_000


@dataclass(frozen=True)
class Prediction:
    """One model's equivalent performance at one target distance.

    ``in_range`` is True when both the source and the target distance are
    within the model's valid range; out-of-range predictions are still given
    (the reply flags them).
    """

    model: str
    target_m: Decimal
    label: str
    time_ms: float
    in_range: bool


def predict_all(
    time_ms: int, metres: Decimal, targets: list[Distance] | None = None
) -> list[Prediction]:
    """Predictions by Riegel, Cameron and VDOT (in that order) for each target.

    ``targets`` defaults to :data:`~bot.domain.distance.STANDARD_DISTANCES`.
    Every prediction has a finite ``time_ms``. Raises
    :class:`~bot.domain.errors.InputError` for a non-positive time or
    distance, a source or target over 400 km, or an effort slower than walking
    or faster than anyone has run (see :func:`vdot_from_performance`).
    """
    source = _metres(metres)
    time = _ms(time_ms)
    chosen = STANDARD_DISTANCES if targets is None else targets
    if source > MAX_PREDICTION_M or any(t.metres > MAX_PREDICTION_M for t in chosen):
        raise InputError(
            "Predictions go up to 400 km; beyond that the models have no answer.",
            "`marathon`",
        )
    vdot = vdot_from_performance(time, source)
    predictions: list[Prediction] = []
    for target in chosen:
        target_m = float(target.metres)
        for model in MODELS:
            if model == RIEGEL:
                predicted = riegel(time, source, target_m)
            elif model == CAMERON:
                predicted = cameron(time, source, target_m)
            else:
                predicted = time_for_vdot(vdot, target_m)
            predictions.append(
                Prediction(
                    model=model,
                    target_m=target.metres,
                    label=target.label,
                    time_ms=predicted,
                    in_range=in_range(model, source) and in_range(model, target_m),
                )
            )
    return predictions


# Training intensities as fractions of VDOT, calibrated against Daniels' Running
# Formula, 3rd ed., Table 5.2 (see the module docstring). The table runs from VDOT 30
# to 85; outside it every calibration term keeps its value at the nearest end.
TABLE_VDOT_MIN = 30.0
TABLE_VDOT_MAX = 85.0
EASY_FAST_PCT = 0.73  # at VDOT 50
EASY_FAST_SLOPE = 0.000316  # per VDOT
EASY_SLOW_PCT = 0.63  # at VDOT 50
EASY_SLOW_SLOPE = -0.000146  # per VDOT
MARATHON_SLOWDOWN = 0.0000718  # x (50 - VDOT)^2 below VDOT 50
THRESHOLD_PCT = 0.88
INTERVAL_PCT = 0.9794  # at VDOT 50; quadratic in (VDOT - 50) / 10:
INTERVAL_PCT_LINEAR = 0.000295
INTERVAL_PCT_QUADRATIC = 0.000281
# R is I minus this much per 400 m: 8 s up to VDOT 47, 6 s from VDOT 50.
REPETITION_GAP_SLOW_MS = 8000.0
REPETITION_GAP_FAST_MS = 6000.0
_REPETITION_TAPER = (47.0, 50.0)


@dataclass(frozen=True)
class TrainingPace:
    """A Daniels training pace, as time per 400 m, km and mile (ms, floats).

    Every pace has a fast and a slow bound; they are equal for all but E
    (easy), which is a range. ``pct_fast``/``pct_slow`` are the matching
    fractions of VDOT (for R, the equivalent fraction of its speed).
    """

    code: str
    name: str
    fast_per_400_ms: float
    slow_per_400_ms: float
    fast_per_km_ms: float
    slow_per_km_ms: float
    fast_per_mile_ms: float
    slow_per_mile_ms: float
    pct_fast: float
    pct_slow: float

    @property
    def is_range(self) -> bool:
        return self.fast_per_400_ms != self.slow_per_400_ms

    @property
    def per_400_ms(self) -> float:
        """The pace per 400 m (for E, the fast bound)."""
        return self.fast_per_400_ms

    @property
    def per_km_ms(self) -> float:
        """The pace per km (for E, the fast bound)."""
        return self.fast_per_km_ms

    @property
    def per_mile_ms(self) -> float:
        """The pace per mile (for E, the fast bound)."""
        return self.fast_per_mile_ms


def _pace(code: str, name: str, fast_mpm: float, slow_mpm: float, vdot: float) -> TrainingPace:
    def per(metres: float, velocity: float) -> float:
        return metres / velocity * 60_000

    return TrainingPace(
        code=code,
        name=name,
        fast_per_400_ms=per(400, fast_mpm),
        slow_per_400_ms=per(400, slow_mpm),
        fast_per_km_ms=per(1000, fast_mpm),
        slow_per_km_ms=per(1000, slow_mpm),
        fast_per_mile_ms=per(_MILE_M, fast_mpm),
        slow_per_mile_ms=per(_MILE_M, slow_mpm),
        pct_fast=_oxygen_cost(fast_mpm) / vdot,
        pct_slow=_oxygen_cost(slow_mpm) / vdot,
    )


def _table_vdot(vdot: float) -> float:
    """The VDOT the calibration terms are read at: clamped to the table's rows."""
    return min(max(vdot, TABLE_VDOT_MIN), TABLE_VDOT_MAX)


def _interval_pct(vdot: float) -> float:
    x = (_table_vdot(vdot) - 50) / 10
    return INTERVAL_PCT + INTERVAL_PCT_LINEAR * x + INTERVAL_PCT_QUADRATIC * x * x


def _repetition_gap_ms(vdot: float) -> float:
    """Seconds per 400 m (in ms) by which R is faster than I."""
    start, end = _REPETITION_TAPER
    share = min(max((vdot - start) / (end - start), 0.0), 1.0)
    return REPETITION_GAP_SLOW_MS + (REPETITION_GAP_FAST_MS - REPETITION_GAP_SLOW_MS) * share


def training_paces(vdot: float) -> list[TrainingPace]:
    """Daniels' E, M, T, I and R paces for ``vdot``, in that order.

    Calibrated against Daniels' Running Formula, 3rd ed., Table 5.2 (VDOT 30-85;
    see the module docstring). Raises :class:`~bot.domain.errors.InputError` for
    a VDOT that is not a positive number.
    """
    if not math.isfinite(vdot) or vdot <= 0:
        raise InputError("VDOT must be more than zero.", "`50`")
    table_vdot = _table_vdot(vdot)
    easy_fast = _velocity_for_vo2((EASY_FAST_PCT + EASY_FAST_SLOPE * (table_vdot - 50)) * vdot)
    easy_slow = _velocity_for_vo2((EASY_SLOW_PCT + EASY_SLOW_SLOPE * (table_vdot - 50)) * vdot)
    race_marathon = float(MARATHON_M) / (time_for_vdot(vdot, MARATHON_M) / 60_000)
    marathon = race_marathon / (1 + MARATHON_SLOWDOWN * max(50 - table_vdot, 0.0) ** 2)
    threshold = _velocity_for_vo2(THRESHOLD_PCT * vdot)
    interval = _velocity_for_vo2(_interval_pct(vdot) * vdot)
    interval_400_ms = 400 / interval * 60_000
    repetition = 400 / ((interval_400_ms - _repetition_gap_ms(vdot)) / 60_000)
    return [
        _pace("E", "Easy", easy_fast, easy_slow, vdot),
        _pace("M", "Marathon", marathon, marathon, vdot),
        _pace("T", "Threshold", threshold, threshold, vdot),
        _pace("I", "Interval", interval, interval, vdot),
        _pace("R", "Repetition", repetition, repetition, vdot),
    ]
