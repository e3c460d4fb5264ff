"""Same-pace conversions and even-pace splits, checked against the seed numbers."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.distance import parse_distance
from bot.domain.errors import InputError
from bot.domain.pace import MAX_SPLITS, convert, format_speed, lap_splits, pace_per
from bot.domain.times import format_time, parse_time

MILE = Decimal("1609.344")

# --------------------------------------------------------------------------- seeds


def test_seed_37_47_for_300m() -> None:
    table = convert(37_470, Decimal(300))
    assert format_time(table.per_400_ms) == "49.96"
    assert format_time(table.per_km_ms) == "2:04.90"
    assert format_time(table.per_mile_ms) == "3:21.01"
    assert format_speed(table.kmh) == "28.82"
    assert table.kmh_text == "28.82"
    assert table.mph_text == "17.91"
    assert table.metres_per_second_text == "8.01"
    assert format_time(table.per_200_ms) == "24.98"
    assert format_time(table.per_100_ms) == "12.49"
    assert table.per_400_ms == Fraction(49_960)
    assert table.time_ms == 37_470
    assert table.metres == Decimal(300)


def test_seed_29_78_for_250m() -> None:
    assert format_time(convert(29_780, Decimal(250)).per_400_ms) == "47.65"


@pytest.mark.parametrize(
    ("time", "metres", "per_400"),
    # The seed workout's table (the team's canonical story).
    [
        ("29.78", 250, "47.65"),
        ("29.98", 250, "47.97"),
        ("31.31", 250, "50.10"),
        ("31.20", 250, "49.92"),
        ("37.47", 300, "49.96"),
    ],
)
def test_seed_workout_table(time: str, metres: int, per_400: str) -> None:
    assert format_time(convert(parse_time(time), Decimal(metres)).per_400_ms) == per_400


def test_seed_mile_per_lap() -> None:
    assert format_time(convert(236_130, MILE).per_400_ms) == "58.69"


def test_seed_mile_splits() -> None:
    splits = lap_splits(236_130, MILE)
    assert [format_time(s.cumulative_ms) for s in splits] == [
        "1:00.06",
        "1:58.75",
        "2:57.44",
        "3:56.13",
    ]
    assert [s.distance_m for s in splits] == [
        Decimal("409.344"),
        Decimal("809.344"),
        Decimal("1209.344"),
        Decimal("1609.344"),
    ]
    assert [s.segment_m for s in splits] == [Decimal("409.344")] + [Decimal(400)] * 3
    assert [s.index for s in splits] == [1, 2, 3, 4]
    assert [format_time(s.lap_ms) for s in splits] == ["1:00.06", "58.69", "58.69", "58.69"]
    assert splits[-1].cumulative_ms == 236_130


def test_seed_1500_splits_start_with_300() -> None:
    splits = lap_splits(parse_time("3:38.81"), Decimal(1500))
    assert splits[0].distance_m == 300
    assert format_time(splits[0].cumulative_ms) == "43.76"
    assert [s.distance_m for s in splits] == [300, 700, 1100, 1500]
    assert splits[-1].cumulative_ms == 218_810


def test_5000_starts_with_200_then_400s() -> None:
    splits = lap_splits(parse_time("14:00"), Decimal(5000))
    assert splits[0].segment_m == 200
    assert all(s.segment_m == 400 for s in splits[1:])
    assert len(splits) == 13


def test_whole_laps_and_other_lap_lengths() -> None:
    assert [s.distance_m for s in lap_splits(120_000, Decimal(800))] == [400, 800]
    assert [s.distance_m for s in lap_splits(120_000, Decimal(800), Decimal(200))] == [
        200,
        400,
        600,
        800,
    ]
    two_miles = parse_distance("2 miles").metres
    assert lap_splits(600_000, two_miles)[0].segment_m == Decimal("418.688")
    assert lap_splits(60_000, Decimal(400), Decimal(400))[0].cumulative_ms == 60_000


@pytest.mark.parametrize(
    ("metres", "lap", "words"),
    [
        (Decimal(1500), Decimal(0), "longer than zero"),
        (Decimal(1500), Decimal(-400), "longer than zero"),
        (Decimal(300), Decimal(400), "longer than the whole distance"),
        (Decimal(100_000), Decimal(400), "splits"),
    ],
)
def test_lap_splits_rejects(metres: Decimal, lap: Decimal, words: str) -> None:
    with pytest.raises(InputError) as caught:
        lap_splits(600_000, metres, lap)
    assert words in caught.value.message
    assert caught.value.example


def test_200_splits_is_the_limit() -> None:
    assert len(lap_splits(600_000, Decimal(80_000))) == MAX_SPLITS
    with pytest.raises(InputError):
        lap_splits(600_000, Decimal(80_400))


def test_convert_rejects_non_positive_inputs() -> None:
    with pytest.raises(InputError):
        convert(0, Decimal(400))
    with pytest.raises(InputError):
        convert(60_000, Decimal(0))
    with pytest.raises(InputError):
        pace_per(60_000, Decimal(400), Decimal(-1))


def test_pace_per_is_exact() -> None:
    assert pace_per(236_130, MILE, 400) == Fraction(236_130 * 400) / Fraction(MILE)
    assert format_speed(Fraction(28_825, 1000)) == "28.83"
    assert format_speed(Decimal("28.825")) == "28.83"
    assert format_speed(28.824) == "28.82"


# --------------------------------------------------------------------------- properties

times = st.integers(min_value=1, max_value=48 * 3600 * 1000)
distances = st.decimals(min_value=1, max_value=1_000_000, places=3)


@settings(max_examples=300, deadline=None)
@given(times, times, distances)
def test_a_slower_time_gives_a_slower_pace(t1: int, t2: int, metres: Decimal) -> None:
    fast, slow = sorted((t1, t2))
    a, b = convert(fast, metres), convert(slow, metres)
    if fast == slow:
        assert a == b
        return
    assert a.per_400_ms < b.per_400_ms
    assert a.per_km_ms < b.per_km_ms
    assert a.per_mile_ms < b.per_mile_ms
    assert a.kmh > b.kmh
    assert a.mph > b.mph


@settings(max_examples=300, deadline=None)
@given(times, distances)
def test_pace_table_is_consistent(time_ms: int, metres: Decimal) -> None:
    table = convert(time_ms, metres)
    assert table.per_400_ms * Fraction(metres) / 400 == time_ms
    assert table.per_km_ms == table.per_400_ms * Fraction(1000, 400)
    assert table.per_200_ms * 2 == table.per_400_ms
    assert table.kmh_exact * table.per_km_ms == 3_600_000


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=1_000, max_value=48 * 3600 * 1000),
    st.decimals(min_value=100, max_value=50_000, places=3),
    st.sampled_from([Decimal(100), Decimal(200), Decimal(400), Decimal(1000), MILE]),
)
def test_lap_splits_add_up(time_ms: int, metres: Decimal, lap: Decimal) -> None:
    try:
        splits = lap_splits(time_ms, metres, lap)
    except InputError:
        assert lap > metres or metres / lap > MAX_SPLITS
        return
    assert splits[-1].distance_m == metres
    assert splits[-1].cumulative_ms == time_ms
    assert sum(s.lap_ms for s in splits) == time_ms
    assert sum(s.segment_m for s in splits) == metres
    assert all(s.segment_m == lap for s in splits[1:])
    assert lap / 4 <= splits[0].segment_m < lap + lap / 4
    cumulative = [s.cumulative_ms for s in splits]
    assert cumulative == sorted(cumulative)


def test_float_inputs_are_taken_exactly() -> None:
    # e.g. the pace of a predicted (float) time over a float distance
    table = convert(37_470.0, 300.0)  # type: ignore[arg-type]
    assert format_time(table.per_400_ms) == "49.96"
    assert table.metres == Decimal(300)
    splits = lap_splits(236_130, 1609.344)  # type: ignore[arg-type]
    assert splits[0].distance_m == Decimal("409.344")
    with pytest.raises(InputError):
        convert(float("nan"), Decimal(400))  # type: ignore[arg-type]


def test_domain_imports_only_the_standard_library_athlib_and_rapidfuzz() -> None:
    import ast
    import pathlib
    import sys

    import bot.domain

    # athlib is pure data and arithmetic (the scoring tables and WMA factors), wrapped
    # by bot/domain/scoring.py and agegrade.py; rapidfuzz is string matching (the
    # glossary's typo-tolerant lookup); nothing Discord- or database-shaped.
    allowed = set(sys.stdlib_module_names) | {"bot", "__future__", "athlib", "rapidfuzz"}
    for path in pathlib.Path(bot.domain.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                assert name.split(".")[0] in allowed, f"{path.name} imports {name}"
                if name.startswith("bot"):
                    assert name.startswith("bot.domain"), f"{path.name} imports {name}"
