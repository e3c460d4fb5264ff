"""WMA age grading: how good a time is for the runner's age and sex.

An age-graded percentage compares a time with the best ever run at that age:
``open standard ÷ age factor ÷ time``. 100 % is the age-group world-best
level; the customary classes are 90 % world class, 80 % national, 70 %
regional and 60 % local. The age-graded time (``time × factor``) is what the
same performance is worth in open-age terms.

Source. The **WMA 2023** age factors and open standards (World Masters
Athletics, road and track tables), read from the data file ``athlib`` ships
(``athlib/wma/wma-data-2023.json``; athlib 0.9.8 is pinned). That file's own
comment still says "2015 data", but its standards and factors are the 2023
ones (men's 5K road standard 12:51, not 2015's 12:59); the tests pin values
that only the 2023 tables give (man 50, 5K 16:23 → 89.17 %).

Trackside looks events up itself instead of calling athlib's grader because
of that grader's quirks (covered by tests): it picks the road or track row by
the event code's spelling, and for a distance it does not list it
interpolates across the whole table, which mixes road and track rows and
sees a mile as 1609 m. Here the venue is explicit, and only the table's own
events are graded.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from bot.domain.distance import Distance
from bot.domain.errors import InputError
from bot.domain.scoring import Sex

with warnings.catch_warnings():
    # See bot.domain.scoring: athlib's __init__ touches jsonschema's deprecated API.
    warnings.filterwarnings("ignore", r"jsonschema\.RefResolver", DeprecationWarning)
    from athlib.wma.agegrader import AgeGrader as _AthlibAgeGrader

__all__ = [
    "EDITION",
    "AgeGrade",
    "Venue",
    "age_grade",
    "grade_class",
    "parse_venue",
    "venue_events",
]

EDITION = "WMA 2023"
Venue = Literal["road", "track"]

# The rows of each table Trackside grades, by athlib's codes ("2MT" is the track
# 2 miles, "4M" the road 4 miles).
# fmt: off
_TRACK_CODES = ("50", "55", "60", "100", "200", "300", "400", "500", "600", "800", "1000",
                "1500", "MILE", "2000", "3000", "2MT", "4000", "3MT", "5000", "6000", "4MT",
                "8000", "5MT", "10000")
_ROAD_CODES = ("5K", "6K", "4M", "8K", "5M", "10K", "12K", "15K", "10M", "20K", "HM", "25K",
               "30K", "MAR", "50K", "50M", "100K", "150K", "100M", "200K")
# fmt: on
_MILE_CODES = {
    "MILE": "Mile",
    "2MT": "2 miles",
    "3MT": "3 miles",
    "4MT": "4 miles",
    "5MT": "5 miles",
    "4M": "4 miles",
    "5M": "5 miles",
    "10M": "10 miles",
    "50M": "50 miles",
    "100M": "100 miles",
    "HM": "Half marathon",
    "MAR": "Marathon",
}  # fmt: skip


@dataclass(frozen=True)
class _Row:
    code: str
    metres: Decimal
    label: str
    standard_s: float
    factors: dict[int, float]


def _load() -> tuple[dict[str, dict[Venue, list[_Row]]], int, int]:
    data = _AthlibAgeGrader("2023").get_data()
    ages: list[int] = data["ages"]
    tables: dict[str, dict[Venue, list[_Row]]] = {}
    for sex_key, sex in (("m", "male"), ("f", "female")):
        by_code = {row[0]: row for row in data[sex_key]}
        tables[sex] = {}
        for venue, codes in (("track", _TRACK_CODES), ("road", _ROAD_CODES)):
            rows = []
            for code in codes:
                raw = by_code[code]
                # Distances are stored in km as floats (1.609344); str() keeps their digits.
                metres = Decimal(str(raw[1])) * 1000
                label = _MILE_CODES.get(code) or (
                    f"{metres.normalize():f} m" if venue == "track" else f"{code[:-1]} km"
                )
                rows.append(
                    _Row(code, metres, label, float(raw[2]), dict(zip(ages, raw[3:], strict=True)))
                )
            tables[sex][venue] = sorted(rows, key=lambda r: r.metres)
    return tables, min(ages), max(ages)


_TABLES, MIN_AGE, MAX_AGE = _load()

# The customary WMA age-grading classes, best first.
_CLASSES = (
    (100.0, "world-record level"),
    (90.0, "world class"),
    (80.0, "national class"),
    (70.0, "regional class"),
    (60.0, "local class"),
)


def grade_class(percent: float) -> str:
    """The class of an age-graded percentage: world class from 90 %, national 80 %, …"""
    for floor, name in _CLASSES:
        if percent >= floor:
            return name
    return "below local class"


def parse_venue(text: str | None) -> Venue | None:
    """``road`` or ``track``; ``None`` (blank) means "choose from how the distance was written"."""
    if text is None or not text.strip():
        return None
    word = text.strip().lower()
    if word in {"road", "r"}:
        return "road"
    if word in {"track", "t"}:
        return "track"
    raise InputError(f"Venue must be `road` or `track`, not {text.strip()[:20]!r}.", "`road`")


def venue_events(sex: Sex, venue: Venue) -> list[str]:
    """The event labels one table grades, shortest first."""
    return [row.label for row in _TABLES[sex][venue]]


@dataclass(frozen=True)
class AgeGrade:
    event: str
    venue: Venue
    venue_chosen: bool  # False when the venue was inferred from how the distance was written
    sex: Sex
    age: int
    time_ms: int
    factor: float
    percent: float
    graded_time_ms: int
    standard_ms: int  # the open (age-factor 1) standard the percentage is measured against

    @property
    def grade_class(self) -> str:
        return grade_class(self.percent)

    @property
    def table(self) -> str:
        """e.g. "WMA 2023 road"."""
        return f"{EDITION} {self.venue}"


def _find(distance: Distance, sex: Sex, venue: Venue) -> _Row | None:
    return next((row for row in _TABLES[sex][venue] if row.metres == distance.metres), None)


def age_grade(
    time_ms: int, distance: Distance, age: int, sex: Sex, venue: Venue | None = None
) -> AgeGrade:
    """Age-grade a performance by the WMA 2023 tables.

    ``venue`` ``None`` takes road for distances written in km, miles, half or
    marathon and track for metres and the mile (``Distance.road``); if that
    table lacks the distance but the other has it (``1 mi`` → the track mile),
    the other is used. An explicit venue is never overridden.
    """
    if isinstance(age, bool) or not isinstance(age, int) or not MIN_AGE <= age <= MAX_AGE:
        raise InputError(
            f"Age must be a whole number from {MIN_AGE} to {MAX_AGE}; the WMA tables stop there.",
            "`50`",
        )
    chosen = venue is not None
    first: Venue = venue if venue is not None else ("road" if distance.road else "track")
    row = _find(distance, sex, first)
    used = first
    if row is None and not chosen:
        other: Venue = "track" if first == "road" else "road"
        row = _find(distance, sex, other)
        used = other
    if row is None:
        names = ", ".join(venue_events(sex, first))
        raise InputError(
            f"The {EDITION} {first} table has no {distance.label} event. It grades: {names}.",
            "`/pace agegrade time:18:00 distance:5k age:50 sex:female`",
        )
    factor = row.factors[age]
    standard_ms = round(row.standard_s * 1000)
    percent = row.standard_s * 1000 / factor / time_ms * 100
    return AgeGrade(
        event=row.label,
        venue=used,
        venue_chosen=chosen,
        sex=sex,
        age=age,
        time_ms=time_ms,
        factor=factor,
        percent=percent,
        graded_time_ms=round(time_ms * factor),
        standard_ms=standard_ms,
    )
