"""The contract's limits (bot/domain/limits.py) and the rep range of the
workout and split parsers: refused with a named problem, never stored."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain import limits
from bot.domain.errors import InputError
from bot.domain.splits import match_splits, parse_splits
from bot.domain.workout import parse_workout, parsed_summary

TODAY = date(2026, 11, 28)


@pytest.mark.parametrize(
    ("limit", "size"),
    [
        (limits.WORKOUT_TEXT, 1000),
        (limits.TITLE, 100),
        (limits.RECOVERY, 1000),
        (limits.WORKOUT_NOTES, 1000),
        (limits.SPLITS_TEXT, 1000),
        (limits.ATHLETE_NOTE, 300),
        (limits.QUESTION, 500),
        (limits.GROUP_NAME, 32),
        (limits.SESSION, 20),
    ],
)
def test_each_text_limit_is_the_contracts(limit: limits.TextLimit, size: int) -> None:
    assert limit.max_length == size
    assert limit.check("x" * size) == "x" * size
    with pytest.raises(InputError) as caught:
        limit.check("x" * (size + 1))
    verb = "are" if limit.what in ("the notes", "the splits") else "is"
    assert caught.value.message == (
        f"{limit.what.capitalize()} {verb} {size + 1:,} characters long; the limit is {size:,}."
    )
    assert limit.check(None) is None


@given(st.integers())
def test_an_integer_range_refuses_everything_outside_it(value: int) -> None:
    days = limits.IntRange("days", 1, 60, "`/wod list days:7`")
    if 1 <= value <= 60:
        assert days.check(value) == value
    else:
        with pytest.raises(InputError, match="Days must be from 1 to 60"):
            days.check(value)


def test_a_huge_integer_is_shown_shortened() -> None:
    with pytest.raises(InputError) as caught:
        limits.IntRange("limit", 1, 50, "`10`").check(10**80)
    assert caught.value.message == "Limit must be from 1 to 50, not 10000000000…."


def test_a_boolean_is_not_a_number() -> None:
    with pytest.raises(InputError, match="whole number"):
        limits.IntRange("limit", 0, 50, "`10`").check(True)


@pytest.mark.parametrize(
    ("day", "ok"),
    [
        (date(1999, 12, 31), False),
        (date(2000, 1, 1), True),
        (TODAY, True),
        (date(2027, 11, 28), True),
        (date(2027, 11, 29), False),
        (date(9999, 12, 31), False),
    ],
)
def test_workout_dates_run_from_2000_to_a_year_ahead(day: date, ok: bool) -> None:
    if ok:
        assert limits.check_workout_date(day, TODAY) == day
    else:
        with pytest.raises(InputError):
            limits.check_workout_date(day, TODAY)


def test_a_year_after_29_february_is_28_february() -> None:
    assert limits.latest_workout_date(date(2028, 2, 29)) == date(2029, 2, 28)


@pytest.mark.parametrize(
    ("day", "ok"),
    [(TODAY, True), (date(2026, 11, 27), True), (date(2026, 11, 29), False)],
)
def test_splits_are_never_for_the_future(day: date, ok: bool) -> None:
    if ok:
        assert limits.check_split_date(day, TODAY) == day
    else:
        with pytest.raises(InputError, match="not for tomorrow"):
            limits.check_split_date(day, TODAY)


@pytest.mark.parametrize(
    "text",
    ["4 x 0m", "4 x -400m", "4 x −400m", "4 x 1000000000m", "2 x 150k", "4 x 0.5m", "4 x 0"],
)
def test_a_counted_rep_outside_1_m_to_100_km_is_an_error_not_free_text(text: str) -> None:
    with pytest.raises(InputError, match="a rep is 1 m to 100 km"):
        parse_workout(text)


@pytest.mark.parametrize(
    "text", ["4 x 100km", "1 x 1m", "4 x 30s", "3 x 10' @ T", "Rest day, 200 km ride"]
)
def test_runnable_reps_and_words_still_parse(text: str) -> None:
    parse_workout(text)  # no error


def test_a_split_labelled_beyond_100_km_is_refused() -> None:
    with pytest.raises(InputError, match="a rep is 1 m to 100 km"):
        match_splits(parse_splits("200km 9:00:00"), ())


def test_the_parsed_summary_carries_the_total() -> None:
    assert parsed_summary(parse_workout("3 x (4 x 300m)")) == "3 × (4 × 300 m) — 12 reps"
    assert parsed_summary(parse_workout("1 x 5k tempo")) == "1 × 5 km — 1 rep"
    assert parsed_summary(parse_workout("45' easy + strides")) == "no structured reps"
    assert Decimal(1) == limits.MIN_REP_M and Decimal(100_000) == limits.MAX_REP_M
