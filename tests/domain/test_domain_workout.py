"""Workouts: coaches' free text into ordered reps, and the confirmation summary."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.errors import InputError
from bot.domain.workout import (
    MAX_REPS,
    Rep,
    RepGroup,
    Workout,
    parse_workout,
    short_summary,
    summarise,
    summarise_distances,
)

MILE = "1609.344"


def _metres(workout: Workout) -> list[str]:
    return [str(rep.distance_m) for rep in workout.reps]


# --------------------------------------------------------------------------- reps


@pytest.mark.parametrize(
    ("text", "metres"),
    [
        # the product contract's examples and the seed workout
        ("4 x 250m sprint + 1 x 300m", ["250"] * 4 + ["300"]),
        ("10x400m @ 68", ["400"] * 10),
        ("10 x 400 @ 68/lap", ["400"] * 10),
        ("10 x 400 @ 68 per 400", ["400"] * 10),
        ("3 x (4 x 300m)", ["300"] * 12),
        ("2 sets of 5 x 200m", ["200"] * 10),
        ("200-400-600-400-200", ["200", "400", "600", "400", "200"]),
        ("6 x 1 mile", [MILE] * 6),
        ("1 x 5k tempo", ["5000"]),
        # how people type the multiplication
        ("4×250m", ["250"] * 4),
        ("4 X 250", ["250"] * 4),
        ("4*250", ["250"] * 4),
        ("4x250m, 1x300m", ["250"] * 4 + ["300"]),
        ("4x250m; 1x300m", ["250"] * 4 + ["300"]),
        ("4 x 250m then 1 x 300m", ["250"] * 4 + ["300"]),
        ("4 x 400 - 4 x 200", ["400"] * 4 + ["200"] * 4),
        ("4 x 400\n4 x 200", ["400"] * 4 + ["200"] * 4),
        # recovery never becomes reps
        ("8 x 200m (90s)", ["200"] * 8),
        ("5 x 1k w/ 2' rest", ["1000"] * 5),
        ("6x800 @ 2:30 w/ 400 jog", ["800"] * 6),
        ('4 x 400, 90" jog', ["400"] * 4),
        ("6 x 300 with 100m walk", ["300"] * 6),
        # sets and brackets
        ("(4 x 300m) x 3", ["300"] * 12),
        ("3 x 4 x 300", ["300"] * 12),
        ("2 x (3 x 200 + 1 x 400)", (["200"] * 3 + ["400"]) * 2),
        ("2 sets of (2 x 200, 1 x 100)", ["200", "200", "100"] * 2),
        ("3 rounds of 2 x 150", ["150"] * 6),
        ("(4 x 300m)", ["300"] * 4),
        ("3 x [4 x 300m]", ["300"] * 12),
        # distances in every unit
        ("6 x mile", [MILE] * 6),
        ("4 x 1.5k", ["1500"] * 4),
        ("3 x 2 miles", ["3218.688"] * 3),
        ("2 x 1 km", ["1000"] * 2),
        ("4 x 440 yd", ["402.336"] * 4),
        ("4 x 1,000m", ["1000"] * 4),
        ("4 x 1,5 km", ["1500"] * 4),
        ("1 x half marathon", ["21097.5"]),
        # ladders
        ("200 - 400 - 600", ["200", "400", "600"]),
        ("200m-400m-300m", ["200", "400", "300"]),
        ("1-2-3k", ["1000", "2000", "3000"]),
        ("Main set: 1600-1200-800-400", ["1600", "1200", "800", "400"]),
        # a single distance without "x"
        ("5k tempo", ["5000"]),
        ("300m", ["300"]),
        ("mile @ 4:40", [MILE]),
        ("20' wu, 4 x 400m @ 68 (2' rest), 10' cd", ["400"] * 4),
        ("2 mile warm up, 6 x 800, 2 mile cool down", ["800"] * 6),
        ("Tuesday: 10 x 400", ["400"] * 10),
        ("2026-06-05: 4x400", ["400"] * 4),
    ],
)
def test_parse_workout_reps(text: str, metres: list[str]) -> None:
    workout = parse_workout(text)
    assert _metres(workout) == metres
    assert workout.text == text


@pytest.mark.parametrize(
    "text",
    [
        "45' easy + strides",
        "Rest day",
        "",
        "   ",
        "rest",
        "2 sets",
        "8 x 30s hills",
        "10 x 1' on 1' off",
        "45 min easy",
        "6 x strides",
        "2 mile warm up",
        "5 - 6' recovery walk/jog",
        "2026-06-05",
        "x",
        "@ 68",
        "(((",
        ")))",
    ],
)
def test_text_without_reps_is_a_valid_workout(text: str) -> None:
    workout = parse_workout(text)
    assert workout.reps == ()
    assert workout.groups == ()
    assert summarise(workout) == "no structured reps"


@pytest.mark.parametrize(
    ("text", "targets"),
    [
        ("10x400m @ 68", [68_000] * 10),
        ("10 x 400 @68", [68_000] * 10),
        ("10 x 400 @ 68s", [68_000] * 10),
        ("10 x 400 at 68", [68_000] * 10),
        ("10 x 400 in 68", [68_000] * 10),
        ("10 x 400 (@ 68)", [68_000] * 10),
        ("10 x 400 @ 68/lap", [68_000] * 10),
        ("10 x 400 @ 68 per 400", [68_000] * 10),
        ("5 x 1000m @ 68/lap", [170_000] * 5),
        ("5 x 1k @ 68 per 400", [170_000] * 5),
        ("5 x 1k @ 68 per lap", [170_000] * 5),
        ("4 x 200 @ 68/400m", [34_000] * 4),
        ("3 x 2k @ 3:20/km", [400_000] * 3),
        ("2 x 1 mile @ 68/lap", [273_588] * 2),
        ("6x800 @ 2:30 w/ 400 jog", [150_000] * 6),
        ("6 x mile @ 4:40", [280_000] * 6),
        ("2 x (3 x 200 + 1 x 400) @ 70/lap", ([35_000] * 3 + [70_000]) * 2),
        ("200-400 @ 68/lap", [34_000, 68_000]),
        ("4 x 250m sprint + 1 x 300m", [None] * 5),
        ("10 x 400 @ 5k pace", [None] * 10),
        ("10 x 400 @ 68-70", [None] * 10),
    ],
)
def test_targets_per_rep(text: str, targets: list[int | None]) -> None:
    assert [rep.target_ms for rep in parse_workout(text).reps] == targets


@pytest.mark.parametrize(
    ("text", "recovery"),
    [
        ("8 x 200m (90s)", "90s"),
        ("5 x 1k w/ 2' rest", "2' rest"),
        ("6x800 @ 2:30 w/ 400 jog", "400 jog"),
        ('4 x 400, 90" jog', '90" jog'),
        ("4 x 400, 90”  jog", '90" jog'),
        ("4 x 400, 2' rest", "2' rest"),
        ("4 x 400, 90s", "90s"),
        ("10 x 400m @ 68 (90s)", "90s"),
        ("10 x 400 (200 jog)", "200 jog"),
        ("3 x (4 x 300m w/ 1' rest) w/ 5' between sets", "5' between sets; 1' rest"),
        ("4 x 400 full recovery", "full recovery"),
        ("4 x 250m sprint + 1 x 300m", None),
        ("Rest day", None),
        ("45' easy + strides", None),
        ("2 mile jog, 4 x 400", None),
    ],
)
def test_recovery_is_kept_as_text(text: str, recovery: str | None) -> None:
    assert parse_workout(text).recovery == recovery


def test_groups_keep_what_was_typed() -> None:
    workout = parse_workout("4 x 250m sprint + 1 x 300m")
    assert workout.groups == (
        RepGroup(4, Decimal(250), "250 m", None, "sprint"),
        RepGroup(1, Decimal(300), "300 m", None, None),
    )
    assert [rep.group_index for rep in workout.reps] == [0, 0, 0, 0, 1]
    assert all(rep.set_index is None for rep in workout.reps)
    assert parse_workout("1 x 5k tempo").groups[0].note == "tempo"
    assert parse_workout("1 x 5k tempo").groups[0].label == "5 km"


def test_set_blocks_keep_their_structure() -> None:
    workout = parse_workout("3 x (4 x 300m)")
    assert workout.groups == (RepGroup(3, groups=(RepGroup(4, Decimal(300), "300 m"),)),)
    assert workout.groups[0].is_block
    assert workout.groups[0].rep_count == 12
    assert [rep.set_index for rep in workout.reps] == [1] * 4 + [2] * 4 + [3] * 4
    sets = parse_workout("2 sets of 5 x 200m")
    assert [rep.set_index for rep in sets.reps] == [1] * 5 + [2] * 5


def test_reps_are_ordered_dataclasses() -> None:
    workout = parse_workout("10x400m @ 68")
    assert workout.reps[0] == Rep(Decimal(400), 68_000, None, 0)
    assert workout.distances == (Decimal(400),) * 10
    assert workout.has_targets
    assert not parse_workout("4 x 250m").has_targets


# --------------------------------------------------------------------------- limits


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("101 x 400", "101 is too many reps for one group; a count goes up to 100."),
        ("101x400m", "101 is too many reps for one group; a count goes up to 100."),
        ("101 sets of 2 x 200", "101 is too many sets for one group; a count goes up to 100."),
        ("(4 x 300m) x 101", "101 is too many sets for one group; a count goes up to 100."),
        ("101 x (2 x 200)", "101 is too many sets for one group; a count goes up to 100."),
        (
            "99999999999999999999 x 400",
            "99999999999… is too many reps for one group; a count goes up to 100.",
        ),
        ("0 x 400", "A count of 0 makes no reps; counts start at 1."),
        ("3 x (100 x 400)", "That is 300 reps; a workout can have at most 200."),
        ("100 x 200 + 100 x 200 + 1 x 400", "That is 201 reps; a workout can have at most 200."),
        ("100 x (100 x (100 x 400))", "That is 1000000 reps; a workout can have at most 200."),
        ("-".join(["200"] * 201), "That ladder has 201 steps; a workout has at most 200 reps."),
    ],
)
def test_limits_are_explained(text: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_workout(text)
    assert caught.value.message == message
    assert caught.value.example is not None


def test_the_limits_themselves_are_accepted() -> None:
    assert len(parse_workout("100 x 200 + 100 x 200").reps) == MAX_REPS
    assert len(parse_workout("2 x (100 x 200)").reps) == MAX_REPS
    assert len(parse_workout("-".join(["200"] * 200)).reps) == MAX_REPS


def test_a_count_on_something_that_is_not_a_rep_is_not_an_error() -> None:
    assert parse_workout("Class of 2026 x-country").reps == ()
    assert parse_workout("500 x strides").reps == ()


# --------------------------------------------------------------------------- display


@pytest.mark.parametrize(
    ("text", "summary"),
    [
        ("4 x 250m sprint + 1 x 300m", "4 × 250 m, 1 × 300 m"),
        ("10x400m @ 68", "10 × 400 m @ 1:08.00"),
        ("10 x 200 @ 32", "10 × 200 m @ 32.00"),
        ("5 x 1k @ 68/lap", "5 × 1 km @ 2:50.00"),
        ("3 x (4 x 300m)", "3 × (4 × 300 m)"),
        ("2 sets of 5 x 200m", "2 × (5 × 200 m)"),
        ("200-400-600-400-200", "1 × 200 m, 1 × 400 m, 1 × 600 m, 1 × 400 m, 1 × 200 m"),
        ("6 x 1 mile", "6 × 1 mile"),
        ("1 x 5k tempo", "1 × 5 km"),
        ("4 x 250 + 2 x 250m", "6 × 250 m"),
        ("4 x 250 @ 40 + 2 x 250", "4 × 250 m @ 40.00, 2 × 250 m"),
        ("2 x (3 x 200 + 1 x 400)", "2 × (3 × 200 m, 1 × 400 m)"),
        ("1 x half marathon", "1 × half marathon"),
        ("Rest day", "no structured reps"),
    ],
)
def test_summarise(text: str, summary: str) -> None:
    assert summarise(parse_workout(text)) == summary


def test_summaries_parse_back_to_the_same_reps() -> None:
    for text in ("4 x 250m sprint + 1 x 300m", "3 x (4 x 300m)", "200-400-600-400-200"):
        workout = parse_workout(text)
        assert parse_workout(summarise(workout)).reps == workout.reps


def test_short_summary_fits_a_placeholder_at_a_group_boundary() -> None:
    workout = parse_workout("-".join(str(100 * step) for step in range(1, 21)))
    short = short_summary(workout)
    assert len(short) <= 100
    assert short.endswith(", …")
    assert short == (
        "1 × 100 m, 1 × 200 m, 1 × 300 m, 1 × 400 m, 1 × 500 m, 1 × 600 m, 1 × 700 m, "
        "1 × 800 m, 1 × 900 m, …"
    )
    seed = parse_workout("4 x 250m sprint + 1 x 300m")
    assert short_summary(seed) == "4 × 250 m, 1 × 300 m"
    assert short_summary(seed, limit=15) == "4 × 250 m, …"
    assert short_summary(seed, limit=8) == "4 × 250…"
    assert short_summary(parse_workout("Rest day")) == "no structured reps"


def test_summarise_distances() -> None:
    metres = [Decimal(250)] * 4 + [Decimal(300)]
    assert summarise_distances(metres) == "4 × 250 m, 1 × 300 m"
    assert summarise_distances([Decimal(MILE), Decimal(400)]) == "1 × 1 mile, 1 × 400 m"
    assert summarise_distances([]) == "no structured reps"


# --------------------------------------------------------------------------- properties

_DISTANCES = {
    "200": "200",
    "300m": "300",
    "400 m": "400",
    "1k": "1000",
    "1.5km": "1500",
    "mile": MILE,
    "2 miles": "3218.688",
    "600": "600",
}
_SEPARATORS = [" + ", ", ", "; ", " then ", "\n"]


@st.composite
def _simple(draw: st.DrawFn) -> tuple[str, list[str]]:
    count = draw(st.integers(1, 6))
    written, metres = draw(st.sampled_from(sorted(_DISTANCES.items())))
    times = draw(st.sampled_from(["x", "X", "×", "*"]))
    space = draw(st.sampled_from(["", " "]))
    target = draw(st.sampled_from(["", " @ 68", " @ 2:30", " @ 70/lap", " (90s)", " w/ 2' rest"]))
    return f"{count}{space}{times}{space}{written}{target}", [metres] * count


@st.composite
def _part(draw: st.DrawFn) -> tuple[str, list[str]]:
    kind = draw(st.sampled_from(["simple", "block", "ladder"]))
    if kind == "simple":
        return draw(_simple())
    if kind == "ladder":
        steps = draw(st.lists(st.sampled_from([100, 200, 300, 400, 600, 800]), min_size=2))
        return "-".join(map(str, steps)), [str(step) for step in steps]
    sets = draw(st.integers(1, 3))
    inner = draw(st.lists(_simple(), min_size=1, max_size=2))
    text = " + ".join(part for part, _ in inner)
    metres = [m for _, reps in inner for m in reps]
    return f"{sets} x ({text})", metres * sets


@settings(max_examples=200, deadline=None)
@given(st.lists(_part(), min_size=1, max_size=4), st.sampled_from(_SEPARATORS))
def test_generated_workouts_parse_and_summaries_list_the_same_reps(
    parts: list[tuple[str, list[str]]], separator: str
) -> None:
    text = separator.join(part for part, _ in parts)
    expected = [m for _, metres in parts for m in metres]
    workout = parse_workout(text)
    assert _metres(workout) == expected
    again = parse_workout(summarise(workout))
    assert _metres(again) == expected
    # targets come back to the hundredth shown
    for before, after in zip(workout.reps, again.reps, strict=True):
        if before.target_ms is None:
            assert after.target_ms is None
        else:
            assert after.target_ms is not None
            assert abs(after.target_ms - before.target_ms) <= 5
    assert len(short_summary(workout)) <= 100


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=60))
def test_any_text_parses_or_raises_input_error(text: str) -> None:
    try:
        workout = parse_workout(text)
    except InputError:
        return
    assert len(short_summary(workout)) <= 100
    assert parse_workout(summarise(workout)).distances == workout.distances


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="0123456789 xX×*()[]@/:.'\"-+,;kmiles", max_size=40))
def test_workout_like_text_parses_or_raises_input_error(text: str) -> None:
    try:
        workout = parse_workout(text)
    except InputError:
        return
    assert len(workout.reps) <= MAX_REPS
    assert parse_workout(summarise(workout)).distances == workout.distances
