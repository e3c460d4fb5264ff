"""Distances: the grammar, exact metres, labels, road/track, and rejections."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.distance import (
    MAX_DISTANCE_M,
    STANDARD_DISTANCES,
    Distance,
    format_distance,
    parse_distance,
)
from bot.domain.errors import InputError


@pytest.mark.parametrize(
    ("text", "metres", "label", "road"),
    [
        ("300", "300", "300 m", False),
        ("300m", "300", "300 m", False),
        ("1500 m", "1500", "1500 m", False),
        ("1500 metres", "1500", "1500 m", False),
        ("1500 meters", "1500", "1500 m", False),
        ("1.5k", "1500", "1.5 km", True),
        ("1.5km", "1500", "1.5 km", True),
        ("1.5 KM", "1500", "1.5 km", True),
        ("5k", "5000", "5 km", True),
        ("10K", "10000", "10 km", True),
        ("5 kilometres", "5000", "5 km", True),
        ("mile", "1609.344", "1 mile", False),
        ("Mile", "1609.344", "1 mile", False),
        ("1 mile", "1609.344", "1 mile", False),
        ("1 mi", "1609.344", "1 mile", True),
        ("2 miles", "3218.688", "2 miles", True),
        ("26.2 mi", "42164.8128", "26.2 miles", True),
        ("400y", "365.76", "400 yd", False),
        ("440 yd", "402.336", "440 yd", False),
        ("half", "21097.5", "half marathon", True),
        ("half marathon", "21097.5", "half marathon", True),
        ("Half-Marathon", "21097.5", "half marathon", True),
        ("HM", "21097.5", "half marathon", True),
        ("marathon", "42195", "marathon", True),
        ("  Marathon ", "42195", "marathon", True),
        ("1609.344", "1609.344", "1 mile", False),
        ("409.344", "409.344", "409.344 m", False),
        ("1000 km", "1000000", "1000 km", True),
    ],
)
def test_parse_distance_accepts_the_grammar(text: str, metres: str, label: str, road: bool) -> None:
    distance = parse_distance(text)
    assert distance == Distance(Decimal(metres), label, road)
    assert str(distance.metres) == metres  # exact, without trailing zeros or exponents


def test_a_mile_is_exact() -> None:
    assert parse_distance("mile").metres == Decimal("1609.344")
    assert parse_distance("2 miles").metres == Decimal("3218.688")
    assert parse_distance("440 yd").metres == Decimal("402.336")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", ["no distance"]),
        ("0", ["zero"]),
        ("0 km", ["zero"]),
        ("-400", ["negative"]),
        ("abc", ["`abc`", "isn't a distance"]),
        ("miles", ["isn't a distance"]),
        ("1-500", ["isn't a distance"]),
        ("5 parsecs", ["unit", "`parsecs`"]),
        ("1,500", ["commas"]),
        ("1001 km", ["1000 km"]),
        ("2000000", ["1000 km"]),
        ("0.5", ["shorter than a metre"]),
        ("x" * 41, ["too long"]),
    ],
)
def test_parse_distance_rejects_with_a_message_naming_the_problem(
    text: str, words: list[str]
) -> None:
    with pytest.raises(InputError) as caught:
        parse_distance(text)
    for word in words:
        assert word.lower() in caught.value.message.lower()
    assert caught.value.example is not None
    parse_distance(caught.value.example.strip("`"))


@pytest.mark.parametrize(
    ("metres", "shown"),
    [
        (300, "300 m"),
        (Decimal("1500"), "1500 m"),
        (Decimal("409.344"), "409.34 m"),
        (409.345, "409.35 m"),
        (Decimal("1609.344"), "1 mile"),
        (1609.344, "1 mile"),
        (Decimal("3218.688"), "2 miles"),
        (Decimal("21097.5"), "half marathon"),
        (42195, "marathon"),
        (5000, "5000 m"),
        (Decimal("5000.00"), "5000 m"),
        (Decimal("402.336"), "402.34 m"),
    ],
)
def test_format_distance(metres: Decimal | float | int, shown: str) -> None:
    assert format_distance(metres) == shown


def test_standard_distances() -> None:
    assert [d.label for d in STANDARD_DISTANCES] == [
        "400 m",
        "800 m",
        "1500 m",
        "1 mile",
        "3000 m",
        "5 km",
        "10 km",
        "half marathon",
        "marathon",
    ]
    assert [d.metres for d in STANDARD_DISTANCES] == [
        Decimal(v) for v in ("400", "800", "1500", "1609.344", "3000", "5000", "10000")
    ] + [Decimal("21097.5"), Decimal("42195")]
    assert [d.road for d in STANDARD_DISTANCES] == [False] * 5 + [True] * 4
    for distance in STANDARD_DISTANCES:
        assert parse_distance(distance.label) == distance


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30))
def test_parse_distance_raises_only_input_error_on_any_text(text: str) -> None:
    try:
        distance = parse_distance(text)
    except InputError:
        return
    assert 0 < distance.metres <= MAX_DISTANCE_M


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="0123456789.,kmiylesdh -", max_size=14))
def test_parse_distance_raises_only_input_error_on_distance_like_text(text: str) -> None:
    try:
        distance = parse_distance(text)
    except InputError:
        return
    assert 0 < distance.metres <= MAX_DISTANCE_M


@settings(max_examples=300, deadline=None)
@given(st.decimals(min_value=1, max_value=1_000_000, places=3))
def test_metres_round_trip_exactly(metres: Decimal) -> None:
    written = format(metres, "f")
    assert parse_distance(written).metres == metres
    assert parse_distance(written + " m").metres == metres
    assert parse_distance(written + "m").road is False


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=Decimal("0.001"), max_value=1000, places=3))
def test_kilometres_are_exact_and_road(km: Decimal) -> None:
    distance = parse_distance(format(km, "f") + "k")
    assert distance.metres == km * 1000
    assert distance.road is True
    assert parse_distance(distance.label) == distance
