"""Splits: what athletes type, matching to the day's reps, and the seed's exact numbers."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.errors import InputError
from bot.domain.splits import (
    MatchedSplit,
    SplitEntry,
    analyse,
    format_fade,
    match_splits,
    parse_splits,
)
from bot.domain.times import format_time
from bot.domain.workout import parse_workout

SEED_WORKOUT = "4 x 250m sprint + 1 x 300m"
SEED_SPLITS = "29.78 / 29.98 31.31 / 31.20 37.47"
SEED_TIMES = [29_780, 29_980, 31_310, 31_200, 37_470]
D250, D300 = Decimal(250), Decimal(300)


def _plain(times: list[int]) -> list[SplitEntry]:
    return [SplitEntry(ms) for ms in times]


# --------------------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    ("text", "entries"),
    [
        # the product contract's examples and the seed workout
        ("29.78 29.98 31.31 31.20 37.47", _plain(SEED_TIMES)),
        ("29.78/29.98/31.31/31.20, 37.47", _plain(SEED_TIMES)),
        (SEED_SPLITS, _plain(SEED_TIMES)),
        (
            "250m: 29.78 / 29.98 / 31.31 / 31.20; 300m: 37.47",
            [SplitEntry(ms, D250) for ms in SEED_TIMES[:4]] + [SplitEntry(37_470, D300)],
        ),
        ("300m 37.47, 300m 38.10", [SplitEntry(37_470, D300), SplitEntry(38_100, D300)]),
        # clock forms and units
        ("1:02.3 1:01.9", _plain([62_300, 61_900])),
        ("29.78s 30 s 45\" 1'05", _plain([29_780, 30_000, 45_000, 65_000])),
        ("2:05:30 2h05m30s", _plain([7_530_000, 7_530_000])),
        # how thumbs type
        ("  29.78\n29.98\t31.31 ", _plain([29_780, 29_980, 31_310])),
        ("29.78 - 29.98 | 31.31 + 31.20", _plain([29_780, 29_980, 31_310, 31_200])),
        ("29.78,29.98;31.31", _plain([29_780, 29_980, 31_310])),
        ("29,30,31", _plain([29_000, 30_000, 31_000])),
        # labels: spaces, no spaces, counts, other units
        ("250 m : 29.78 29.98", [SplitEntry(29_780, D250), SplitEntry(29_980, D250)]),
        ("250m:29.78/29.98", [SplitEntry(29_780, D250), SplitEntry(29_980, D250)]),
        ("250: 29.78", [SplitEntry(29_780, D250)]),
        (
            "4 x 250m: 29.78 29.98; 1x300m: 37.47",
            [SplitEntry(29_780, D250), SplitEntry(29_980, D250), SplitEntry(37_470, D300)],
        ),
        ("mile 4:01.2", [SplitEntry(241_200, Decimal("1609.344"))]),
        (
            "1k 2:50 1k 2:52",
            [SplitEntry(170_000, Decimal(1000)), SplitEntry(172_000, Decimal(1000))],
        ),
        ("half marathon 1:10:00", [SplitEntry(4_200_000, Decimal("21097.5"))]),
        # a distance without a colon is for the next time only; a label sticks
        ("300m 37.47 38.10", [SplitEntry(37_470, D300), SplitEntry(38_100)]),
        (
            "250m: 29.78 300m 37.47 29.98",
            [SplitEntry(29_780, D250), SplitEntry(37_470, D300), SplitEntry(29_980, D250)],
        ),
        ("29.78’’ 45’", _plain([29_780, 2_700_000])),
    ],
)
def test_parse_splits(text: str, entries: list[SplitEntry]) -> None:
    assert parse_splits(text) == entries


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "No splits given. Type one time per rep, in order, like `29.78 / 29.98 / 31.31`."),
        (" / ", "No times found. Type one time per rep, in order, like `29.78 / 29.98 / 31.31`."),
        (
            "29.78 abc 31.31",
            "Split 2: `abc` isn't a time. Type one time per rep, in order, like "
            "`29.78 / 29.98 / 31.31`.",
        ),
        (
            "29.78 1:75",
            "Split 2: `1:75` has 75 seconds; seconds must be under 60 in a m:ss time.",
        ),
        (
            "29.78 29.7x",
            "Split 2: `29.7x`: I don't know the unit `x`. Use h, min (or ') and s (or \").",
        ),
        (
            "dnf",
            "Split 1: `dnf` isn't a time. Type one time per rep, in order, like "
            "`29.78 / 29.98 / 31.31`.",
        ),
        ("-29.78", "Split 1: `-29.78` is negative; a time must be more than zero."),
        ("300m", "`300m` has no time after it."),
        ("300m 400m 37.47", "`300m` has no time after it."),
        ("250m: 300m: 37.47", "`250m:` has no times after it."),
        ("29.78 250m:", "`250m:` has no times after it."),
        (
            "foo: 29.78",
            "Split 1: `foo` isn't a distance I can use as a label. "
            "`foo` isn't a distance I can read. Write a distance like `300`, `1500 m`, `5k`, "
            "`mile`, `2 miles` or `half marathon`.",
        ),
        (
            "29,78 29,98",
            "Use a dot for fractions of a second (`29.78`, not `29,78`), "
            "and spaces or slashes between times.",
        ),
        ("29.78 " * 201, "That is more than 200 times; a workout has at most 200 reps."),
    ],
)
def test_parse_splits_rejects_naming_the_problem(text: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_splits(text)
    assert caught.value.message == message
    assert caught.value.example


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=60))
def test_any_text_parses_or_raises_input_error(text: str) -> None:
    try:
        entries = parse_splits(text)
    except InputError:
        return
    assert entries
    assert all(entry.time_ms > 0 for entry in entries)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="0123456789 .:/,;'\"mks-x", max_size=40))
def test_split_like_text_parses_or_raises_input_error(text: str) -> None:
    try:
        entries = parse_splits(text)
    except InputError:
        return
    assert 1 <= len(entries) <= 200


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(1_000, 600_000), min_size=1, max_size=20),
    st.sampled_from([" ", "/", " / ", ", ", "; ", "\n"]),
)
def test_formatted_times_read_back(times: list[int], separator: str) -> None:
    text = separator.join(format_time(ms) for ms in times)
    parsed = [entry.time_ms for entry in parse_splits(text)]
    # format_time shows hundredths (tenths from 10 minutes), so allow that rounding
    assert all(abs(a - b) <= 50 for a, b in zip(parsed, times, strict=True))


# --------------------------------------------------------------------------- matching


def test_seed_matches_the_seed_workout() -> None:
    workout = parse_workout(SEED_WORKOUT)
    matched = match_splits(parse_splits(SEED_SPLITS), workout.reps)
    assert matched == [
        MatchedSplit(1, D250, 29_780),
        MatchedSplit(2, D250, 29_980),
        MatchedSplit(3, D250, 31_310),
        MatchedSplit(4, D250, 31_200),
        MatchedSplit(5, D300, 37_470),
    ]
    labelled = "250m: 29.78 / 29.98 / 31.31 / 31.20; 300m: 37.47"
    assert match_splits(parse_splits(labelled), workout.reps) == matched
    assert match_splits(parse_splits(SEED_SPLITS), workout.distances) == matched


def test_targets_come_from_the_reps() -> None:
    workout = parse_workout("2 x 400m @ 68")
    matched = match_splits(parse_splits("68.4 67"), workout.reps)
    assert [split.target_ms for split in matched] == [68_000, 68_000]


@pytest.mark.parametrize(
    ("splits", "reps", "message", "example"),
    [
        (
            "29.78 29.98 31.31 31.20",
            SEED_WORKOUT,
            "Expected 4 × 250 m, 1 × 300 m — 5 reps; received 4 times: 29.78, 29.98, 31.31, 31.20.",
            "`250m: 37.50 / 37.50 / 37.50 / 37.50; 300m: 45.00`",
        ),
        (
            "29.78 29.98 31.31 31.20 37.47 40",
            SEED_WORKOUT,
            "Expected 4 × 250 m, 1 × 300 m — 5 reps; received 6 times: "
            "29.78, 29.98, 31.31, 31.20, 37.47, 40.00.",
            "`250m: 37.50 / 37.50 / 37.50 / 37.50; 300m: 45.00`",
        ),
        (
            "37.47",
            "1 x 300m + 1 x 400",
            "Expected 1 × 300 m, 1 × 400 m — 2 reps; received 1 time: 37.47.",
            "`300m: 45.00; 400m: 1:00.00`",
        ),
        (
            "4:01 4:02",
            "1 x mile",
            "Expected 1 × 1 mile — 1 rep; received 2 times: 4:01.00, 4:02.00.",
            "`1 mile: 4:01.40`",
        ),
        (
            "250m: 29.78 29.98 31.31 31.20 37.47",
            SEED_WORKOUT,
            "Time 5 (37.47) is marked 250 m, but rep 5 is 300 m. "
            "Expected 4 × 250 m, 1 × 300 m — 5 reps.",
            "`250m: 37.50 / 37.50 / 37.50 / 37.50; 300m: 45.00`",
        ),
        (
            "300m 37.47 29.98 31.31 31.20 37.47",
            SEED_WORKOUT,
            "Time 1 (37.47) is marked 300 m, but rep 1 is 250 m. "
            "Expected 4 × 250 m, 1 × 300 m — 5 reps.",
            "`250m: 37.50 / 37.50 / 37.50 / 37.50; 300m: 45.00`",
        ),
        (
            "37.47 38.10",
            "Rest day",
            "This day's workout has no structured reps, so give each time its distance "
            "(time 1, 37.47, has none): `300m 37.47, 300m 38.10` or "
            "`250m: 29.78 / 29.98; 300m: 37.47`.",
            "`300m: 37.47 / 38.10`",
        ),
        (
            "300m 37.47 38.10",
            "Rest day",
            "This day's workout has no structured reps, so give each time its distance "
            "(time 2, 38.10, has none): `300m 37.47, 300m 38.10` or "
            "`250m: 29.78 / 29.98; 300m: 37.47`.",
            "`300m: 37.47 / 38.10`",
        ),
    ],
)
def test_mismatches_say_what_was_expected_and_received(
    splits: str, reps: str, message: str, example: str
) -> None:
    with pytest.raises(InputError) as caught:
        match_splits(parse_splits(splits), parse_workout(reps).reps)
    assert caught.value.message == message
    assert caught.value.example == example


def test_a_long_rep_list_is_shortened_in_the_message() -> None:
    ladder = parse_workout("-".join(str(100 + step) for step in range(150)))
    with pytest.raises(InputError) as caught:
        match_splits(parse_splits("60"), ladder.reps)
    assert caught.value.message.endswith(", … — 150 reps; received 1 time: 1:00.00.")
    assert len(caught.value.message) < 400


def test_without_reps_labelled_times_keep_their_distances() -> None:
    entries = parse_splits("300m 37.47, 300m 38.10")
    assert match_splits(entries, []) == [
        MatchedSplit(1, D300, 37_470),
        MatchedSplit(2, D300, 38_100),
    ]
    with pytest.raises(InputError, match="No splits given"):
        match_splits([], [])


# --------------------------------------------------------------------------- analysis


def test_the_seed_numbers_exactly() -> None:
    workout = parse_workout(SEED_WORKOUT)
    analysis = analyse(match_splits(parse_splits(SEED_SPLITS), workout.reps))
    assert [rep.distance_text for rep in analysis.reps] == ["250 m"] * 4 + ["300 m"]
    assert [rep.time_text for rep in analysis.reps] == [
        "29.78",
        "29.98",
        "31.31",
        "31.20",
        "37.47",
    ]
    assert [rep.per_400_text for rep in analysis.reps] == [
        "47.65",
        "47.97",
        "50.10",
        "49.92",
        "49.96",
    ]
    two_fifty, three_hundred = analysis.distances
    assert two_fifty.distance_m == D250
    assert two_fifty.count == 4
    assert two_fifty.average_text == "30.57"
    assert two_fifty.average_per_400_text == "48.91"
    assert two_fifty.fastest_text == "29.78"
    assert two_fifty.slowest_text == "31.31"
    assert two_fifty.fade_text == "+4.8 %"
    assert two_fifty.fade_percent == Fraction(1420, 29780) * 100
    assert three_hundred.count == 1
    assert three_hundred.average_per_400_text == "49.96"
    assert three_hundred.fade_percent is None
    assert three_hundred.fade_text is None
    assert analysis.total_ms == 159_740
    assert analysis.total_text == "2:39.74"
    assert analysis.total_m == Decimal(1300)
    assert analysis.overall_per_400_text == "49.15"
    assert analysis.reps_with_target == 0
    assert analysis.target_text is None
    assert analysis.fastest_by_distance == {D250: 29_780, D300: 37_470}
    assert all(rep.delta_text is None and rep.on_target is None for rep in analysis.reps)


def test_targets_differences_and_reps_on_target() -> None:
    workout = parse_workout("5 x 400m @ 68")
    analysis = analyse(match_splits(parse_splits("68.4 66.9 68.68 67.32 69.2"), workout.reps))
    assert [rep.delta_text for rep in analysis.reps] == ["+0.4", "-1.1", "+0.7", "-0.7", "+1.2"]
    # within 1 % of 68.00 is 67.32 to 68.68 inclusive
    assert [rep.on_target for rep in analysis.reps] == [True, False, True, True, False]
    assert analysis.reps_with_target == 5
    assert analysis.reps_on_target == 3
    assert analysis.target_text == "3 of 5 reps on target (within 1 %)"


def test_per_lap_targets_are_scaled_to_each_rep() -> None:
    workout = parse_workout("1 x 1000m + 1 x 400 @ 68/lap")
    analysis = analyse(match_splits(parse_splits("3:00 68"), workout.reps))
    assert [rep.target_ms for rep in analysis.reps] == [None, 68_000]
    assert analysis.target_text == "1 of 1 rep on target (within 1 %)"


def test_distances_are_summarised_in_order_of_first_appearance() -> None:
    matched = [
        MatchedSplit(1, Decimal(200), 30_000),
        MatchedSplit(2, Decimal(400), 62_000),
        MatchedSplit(3, Decimal(200), 29_000),
    ]
    analysis = analyse(matched)
    assert [summary.distance_m for summary in analysis.distances] == [Decimal(200), Decimal(400)]
    assert analysis.distances[0].fade_text == "-3.3 %"
    assert analysis.distances[0].average_text == "29.50"


@pytest.mark.parametrize(
    ("percent", "text"),
    [
        (Fraction(1420, 29780) * 100, "+4.8 %"),
        (Fraction(0), "+0.0 %"),
        (Fraction(-1, 100), "+0.0 %"),
        (Fraction(-5, 100), "-0.1 %"),
        (Fraction(5, 100), "+0.1 %"),
        (Fraction(-123, 10), "-12.3 %"),
    ],
)
def test_format_fade(percent: Fraction, text: str) -> None:
    assert format_fade(percent) == text


def test_analyse_needs_splits() -> None:
    with pytest.raises(ValueError):
        analyse([])
