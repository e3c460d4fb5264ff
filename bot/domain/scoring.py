"""World Athletics scoring-table points for running events, and equal-points equivalents.

Pace arithmetic says 37.47 for 300 m is 49.96 per 400 m; it cannot say what a
400 m *worth the same* as that 300 m is. The World Athletics scoring tables
(the "Hungarian" tables) can: every event is scored on a common scale, so the
same points at another event is the honest equivalent performance for sprints
and middle distance, where Riegel and VDOT do not apply.

Source. The tables are the **IAAF Scoring Tables of Athletics, 2017 edition**
(outdoor and indoor), which World Athletics publishes as PDFs of ~180,000
rows. Each running event's table follows ``points = floor(a × (t + b)²)`` with
``t`` in seconds and ``-b`` the zero point; the coefficients come from
``athlib`` (Apache-2.0, OpenTrack), pinned at 0.9.8 in ``pyproject.toml``, and
agree with an independent regression on the 2017 PDFs
(github.com/MaximMoinat/ScoringTablesIAAF, "Constants Outdoor 2017"). Later
editions (2022, 2025) changed the road events; this module names its edition
in every answer so nobody mistakes which table was used.

What this module adds around athlib (each is tested in
``tests/domain/test_domain_scoring.py``):

* athlib asserts on a lower-case sex (``"m"``) and on events it does not know;
  here sex is ``"male"``/``"female"`` and events are resolved from a
  :class:`~bot.domain.distance.Distance` to a closed list, so bad input is an
  :class:`~bot.domain.errors.InputError` naming the events that exist.
* athlib does not clamp at the zero point: 6:40.00 for 1500 m is past the
  men's zero point (6:25.00) yet the parabola rises again and gives 9. Here it
  is 0, as in the printed tables.
* The printed tables stop at 1400 points; a time faster than that is refused as
  a likely typo rather than scored off the end of the curve.
* Hand timing: for scoring only, a time written to tenths at 400 m or less is
  treated as hand-timed and converted by the usual rule (+0.24 s up to 200 m,
  +0.14 s for 300–400 m) before it is scored.
* Exact arithmetic. athlib evaluates ``a × (t + b)²`` in binary floating point
  and floors the result, so a performance exactly on a points boundary can lose
  a point: 7:20.00 for 3000 m is ``0.00815 × 400² = 1304`` exactly, but the
  float product is 1303.9999999999998 and athlib says 1303 where the printed
  table says 1304 (likewise 5:28.00 for indoor 2000 m: 904, athlib 903). Here
  the coefficients are taken as the decimal numbers athlib's table writes (the
  printed ones) and the time as the exact number of milliseconds, and the
  formula is evaluated in rational arithmetic before the floor.

  Known limit: where the decimal formula lands *exactly* on an integer, the
  printed tables themselves are not consistent (their generator's own rounding
  shows through): 7:20.00 / 3000 m and 5:28.00 / indoor 2000 m print the higher
  points, but 27:30.00 / 10,000 m (1179 by the formula), 1:06.00 / indoor 500 m
  (904) and women's 33:20.00 / 10,000 m (1070) print one point fewer. This
  module follows the formula; the tests list those rows.
"""

from __future__ import annotations

import functools
import importlib
import math
import warnings
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from bot.domain.distance import HALF_MARATHON_M, MARATHON_M, METRES_PER_MILE, Distance
from bot.domain.errors import InputError
from bot.domain.times import format_time

with warnings.catch_warnings():
    # athlib's package __init__ imports jsonschema's deprecated RefResolver for
    # a feature Trackside never uses; the warning is noise, not a risk here.
    warnings.filterwarnings("ignore", r"jsonschema\.RefResolver", DeprecationWarning)
    # By module path: the package rebinds the name ``athlib.hungarian_score`` to
    # the module's ``score`` function, so ``from athlib import ...`` gets that.
    _athlib_hungarian = importlib.import_module("athlib.hungarian_score")

__all__ = [
    "EDITION",
    "MAX_POINTS",
    "Score",
    "ScoringEvent",
    "Sex",
    "choice_label",
    "equivalent_time_ms",
    "event_choices",
    "hand_timing_adjustment_ms",
    "parse_sex",
    "points_for",
    "resolve_event",
    "score_performance",
    "table_events",
    "table_name",
]

EDITION = "World Athletics scoring tables, 2017 edition"
MAX_POINTS = 1400  # the printed tables run from 1 to 1400 points

Sex = Literal["male", "female"]
_SEX_CODE = {"male": "M", "female": "F"}  # athlib wants upper case: "m" fails its assert


@dataclass(frozen=True)
class ScoringEvent:
    """One running event of the tables: athlib's code, its length and a label."""

    code: str
    metres: Decimal
    label: str
    road: bool
    typed: str  # how a user writes it, so it resolves back to this event


_TRACK = [
    ScoringEvent("50", Decimal(50), "50 m", False, "50m"),
    ScoringEvent("55", Decimal(55), "55 m", False, "55m"),
    ScoringEvent("60", Decimal(60), "60 m", False, "60m"),
    ScoringEvent("100", Decimal(100), "100 m", False, "100m"),
    ScoringEvent("200", Decimal(200), "200 m", False, "200m"),
    ScoringEvent("300", Decimal(300), "300 m", False, "300m"),
    ScoringEvent("400", Decimal(400), "400 m", False, "400m"),
    ScoringEvent("500", Decimal(500), "500 m", False, "500m"),
    ScoringEvent("600", Decimal(600), "600 m", False, "600m"),
    ScoringEvent("800", Decimal(800), "800 m", False, "800m"),
    ScoringEvent("1000", Decimal(1000), "1000 m", False, "1000m"),
    ScoringEvent("1500", Decimal(1500), "1500 m", False, "1500m"),
    ScoringEvent("MILE", METRES_PER_MILE, "Mile", False, "mile"),
    ScoringEvent("2000", Decimal(2000), "2000 m", False, "2000m"),
    ScoringEvent("3000", Decimal(3000), "3000 m", False, "3000m"),
    ScoringEvent("2M", 2 * METRES_PER_MILE, "2 miles", False, "2 miles"),
    ScoringEvent("5000", Decimal(5000), "5000 m", False, "5000m"),
    ScoringEvent("10000", Decimal(10000), "10,000 m", False, "10000m"),
]
_ROAD = [
    ScoringEvent("10K", Decimal(10000), "10 km road", True, "10k"),
    ScoringEvent("15K", Decimal(15000), "15 km road", True, "15k"),
    ScoringEvent("10M", 10 * METRES_PER_MILE, "10 miles road", True, "10 miles"),
    ScoringEvent("20K", Decimal(20000), "20 km road", True, "20k"),
    ScoringEvent("HM", HALF_MARATHON_M, "Half marathon", True, "half"),
    ScoringEvent("25K", Decimal(25000), "25 km road", True, "25k"),
    ScoringEvent("30K", Decimal(30000), "30 km road", True, "30k"),
    ScoringEvent("MAR", MARATHON_M, "Marathon", True, "marathon"),
    ScoringEvent("100K", Decimal(100000), "100 km road", True, "100k"),
]


def event_choices(current: str = "", limit: int = 25) -> list[ScoringEvent]:
    """Events for autocomplete (any table), filtered by what the user has typed so far."""
    needle = "".join(current.lower().split())
    seen: dict[str, ScoringEvent] = {}
    for event in sorted((*_TRACK, *_ROAD), key=lambda e: (e.metres, e.road)):
        haystack = "".join(f"{event.label} {event.typed}".lower().split())
        if needle in haystack:
            seen.setdefault(event.code, event)
    found = list(seen.values())
    for rare in ("50", "55", "100K"):  # Discord shows 25 choices: drop the least asked first
        if len(found) > limit:
            found = [e for e in found if e.code != rare]
    return found[:limit]


def choice_label(event: ScoringEvent) -> str:
    """An autocomplete label: the event, marked when only the indoor tables have it."""
    outdoor = _coefficients("male", False, event.code) or _coefficients("female", False, event.code)
    return event.label if outdoor else f"{event.label} (indoor)"


def _coefficients(sex: Sex, indoor: bool, code: str) -> tuple[float, float, float] | None:
    key = (_SEX_CODE[sex], "IND" if indoor else "OUT", code)
    return _athlib_hungarian.get_lookup_table().get(key)


@functools.lru_cache(maxsize=256)
def _exact_coefficients(
    sex: Sex, indoor: bool, code: str
) -> tuple[Fraction, Fraction, Fraction] | None:
    """``(a, b, c)`` as the exact decimal numbers the table prints.

    athlib stores them as float literals (``0.00815``); ``repr`` gives back the
    shortest decimal that round-trips, i.e. that literal, not the binary
    approximation the float holds (0.008149999999999999...).
    """
    coefficients = _coefficients(sex, indoor, code)
    if coefficients is None:
        return None
    a, b, c = (Fraction(Decimal(repr(value))) for value in coefficients)
    return a, b, c


@functools.lru_cache(maxsize=4)
def table_events(sex: Sex, indoor: bool) -> tuple[ScoringEvent, ...]:
    """The running events the chosen table scores, shortest first (track before road at
    the same length)."""
    # Cached: every resolve and every predict row reads it; the tables never change.
    events = [e for e in (*_TRACK, *_ROAD) if _coefficients(sex, indoor, e.code) is not None]
    return tuple(sorted(events, key=lambda e: (e.metres, e.road)))


def table_name(sex: Sex, indoor: bool) -> str:
    """The table a figure comes from: "men's outdoor", "women's indoor"."""
    return f"{'men' if sex == 'male' else 'women'}'s {'indoor' if indoor else 'outdoor'}"


def parse_sex(text: str | None) -> Sex:
    """``male`` or ``female`` (also ``m``/``f``, ``man``/``woman``, ``men``/``women``).

    Blank means male, the tables' default."""
    if text is None or not text.strip():
        return "male"
    word = text.strip().lower()
    if word in {"m", "male", "man", "men", "men's", "mens", "boy", "boys"}:
        return "male"
    if word in {"f", "w", "female", "woman", "women", "women's", "womens", "girl", "girls"}:
        return "female"
    raise InputError(f"Sex must be `male` or `female`, not {text.strip()[:20]!r}.", "`female`")


def resolve_event(distance: Distance, sex: Sex = "male", indoor: bool = False) -> ScoringEvent:
    """The table event for a distance as the user wrote it.

    A distance written the road way (``10k``, ``half``) takes the road table when
    one exists at that length; ``10000`` takes the track. ``5k`` has no road
    table in this edition, so it is scored as the 5000 m.
    """
    events = table_events(sex, indoor)
    same_length = [e for e in events if e.metres == distance.metres]
    if not same_length:
        names = ", ".join(e.label for e in events)
        raise InputError(
            f"The {table_name(sex, indoor)} scoring tables have no {distance.label} event. "
            f"They cover: {names}.",
            "`/pace score time:49.96 event:400m`",
        )
    preferred = [e for e in same_length if e.road == distance.road]
    return (preferred or same_length)[0]


def hand_timing_adjustment_ms(event: ScoringEvent, decimals: int) -> int:
    """What to add to a time written with ``decimals`` fraction digits before scoring it.

    A time to tenths (one digit) at 400 m or less reads as hand-timed: +0.24 s up to
    200 m, +0.14 s for 300–400 m (the conversion federations apply to hand times).
    """
    if decimals != 1 or event.road or event.metres > 400:
        return 0
    return 240 if event.metres <= 200 else 140


def points_for(time_ms: int | float, event: ScoringEvent, sex: Sex, indoor: bool) -> int:
    """Points for a time at an event; 0 at or beyond the zero point (no upper clamp).

    ``floor(a × (t + b)² + c)`` in exact rational arithmetic, with the
    coefficients as printed and ``t`` the exact time in seconds (see the module
    docstring): no float rounding can move a performance across a boundary.
    """
    coefficients = _exact_coefficients(sex, indoor, event.code)
    if coefficients is None:
        raise InputError(
            f"The {table_name(sex, indoor)} tables have no {event.label}.",
            "`/pace score time:49.96 event:400m`",
        )
    a, b, c = coefficients
    seconds = Fraction(time_ms) / 1000
    if seconds >= -b:  # the zero point: the parabola would rise again past it
        return 0
    return math.floor(a * (seconds + b) ** 2 + c)


def zero_point_ms(event: ScoringEvent, sex: Sex, indoor: bool) -> int:
    """The time that scores nothing: the table's zero point, in ms."""
    coefficients = _exact_coefficients(sex, indoor, event.code)
    assert coefficients is not None  # callers resolved the event against this table
    return round(-coefficients[1] * 1000)


def _display_step_ms(time_ms: float) -> int:
    # Hundredths under ten minutes, tenths beyond: the bot's display precision.
    return 10 if time_ms < 600_000 else 100


def equivalent_time_ms(points: int, event: ScoringEvent, sex: Sex, indoor: bool) -> int:
    """The slowest time, at display precision, worth at least ``points`` at ``event``.

    Inverts ``floor(a (t + b)²)``: the boundary is ``t = -b - sqrt(points / a)``;
    the time is rounded *down* to the displayed hundredth (tenth beyond ten
    minutes) so that the figure shown really scores the points. The square root
    is a float estimate; the answer is then settled with :func:`points_for`
    (exact), one display step at a time in whichever direction it is off.
    """
    coefficients = _exact_coefficients(sex, indoor, event.code)
    assert coefficients is not None
    a, b, c = (float(value) for value in coefficients)
    boundary_ms = (-b - math.sqrt(max(points - c, 0) / a)) * 1000
    step = _display_step_ms(boundary_ms)
    candidate = math.ceil(boundary_ms / step) * step
    # Float error in the estimate may leave the ceiling a step too slow: step down...
    while candidate > step and points_for(candidate, event, sex, indoor) < points:
        candidate -= step
    # ...and never settle a step too fast (a guard; the ceiling makes it rare).
    zero_ms = zero_point_ms(event, sex, indoor)
    while candidate + step < zero_ms and points_for(candidate + step, event, sex, indoor) >= points:
        candidate += step
    return int(candidate)


@dataclass(frozen=True)
class Equivalent:
    event: ScoringEvent
    time_ms: int


@dataclass(frozen=True)
class Score:
    """A scored performance and what it is worth elsewhere."""

    event: ScoringEvent
    sex: Sex
    indoor: bool
    time_ms: int  # as typed
    scored_ms: int  # after the hand-timing conversion, if any
    hand_timed: bool
    points: int
    zero_point_ms: int
    equivalents: list[Equivalent]  # neighbouring events, shortest first, incl. this one

    @property
    def table(self) -> str:
        """e.g. "men's outdoor"."""
        return table_name(self.sex, self.indoor)


NEIGHBOURS = 3  # events listed on each side of the scored one


def score_performance(
    time_ms: int,
    distance: Distance,
    *,
    sex: Sex = "male",
    indoor: bool = False,
    decimals: int = 2,
) -> Score:
    """Score a performance and list equal-points times at neighbouring events.

    ``decimals`` is how many fraction digits the time was written with (see
    :func:`bot.domain.times.written_decimals`); one digit at 400 m or less makes
    it a hand time. Raises :class:`InputError` for an event the table lacks or a
    time faster than the tables' 1400 points.
    """
    event = resolve_event(distance, sex, indoor)
    adjustment = hand_timing_adjustment_ms(event, decimals)
    scored_ms = time_ms + adjustment
    points = points_for(scored_ms, event, sex, indoor)
    if points > MAX_POINTS:
        top = equivalent_time_ms(MAX_POINTS, event, sex, indoor)
        raise InputError(
            f"{format_time(scored_ms)} for {event.label} is faster than the top of the "
            f"{table_name(sex, indoor)} tables ({MAX_POINTS} points = {format_time(top)}). "
            "Check the time and the event.",
            "`/pace score time:49.96 event:400m`",
        )
    events = table_events(sex, indoor)
    # Keep one event per length: the scored one where track and road share it.
    events = [e for e in events if e == event or e.metres != event.metres]
    at = events.index(event)
    chosen = events[max(0, at - NEIGHBOURS) : at + NEIGHBOURS + 1]
    # The scored event shows the time scored, not the slowest time worth as much.
    equivalents = (
        [
            Equivalent(e, scored_ms if e == event else equivalent_time_ms(points, e, sex, indoor))
            for e in chosen
        ]
        if points > 0
        else []
    )
    return Score(
        event=event,
        sex=sex,
        indoor=indoor,
        time_ms=time_ms,
        scored_ms=scored_ms,
        hand_timed=adjustment > 0,
        points=points,
        zero_point_ms=zero_point_ms(event, sex, indoor),
        equivalents=equivalents,
    )


def equal_points_time_ms(
    time_ms: int, source: Distance, target: Distance, sex: Sex = "male", indoor: bool = False
) -> tuple[int, int] | None:
    """The time at ``target`` worth the same points as ``time_ms`` at ``source``,
    with those points; ``None`` when either distance has no table or the
    performance scores nothing."""
    try:
        source_event = resolve_event(source, sex, indoor)
        target_event = resolve_event(target, sex, indoor)
    except InputError:
        return None
    points = points_for(time_ms, source_event, sex, indoor)
    if points <= 0 or points > MAX_POINTS:
        return None
    return equivalent_time_ms(points, target_event, sex, indoor), points
