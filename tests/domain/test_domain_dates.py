"""Dates in the server's timezone: relative words, weekdays both ways, post times and DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.dates import (
    canonical_timezone,
    due_at,
    end_of_local_day,
    is_valid_timezone,
    local_datetime,
    local_today,
    parse_date,
    parse_post_time,
    timezone_names,
)
from bot.domain.errors import InputError

FRIDAY = date(2026, 6, 5)  # the seed workout's weekday, in 2026


def test_the_reference_day_is_a_friday() -> None:
    assert FRIDAY.strftime("%A") == "Friday"


@pytest.mark.parametrize(
    ("text", "forward", "back"),
    [
        ("2026-06-05", date(2026, 6, 5), date(2026, 6, 5)),
        ("2024-02-29", date(2024, 2, 29), date(2024, 2, 29)),
        ("2026-6-1", date(2026, 6, 1), date(2026, 6, 1)),
        ("today", FRIDAY, FRIDAY),
        ("Today", FRIDAY, FRIDAY),
        ("  TOMORROW ", date(2026, 6, 6), date(2026, 6, 6)),
        ("yesterday", date(2026, 6, 4), date(2026, 6, 4)),
        # today counts both ways
        ("friday", FRIDAY, FRIDAY),
        ("fri", FRIDAY, FRIDAY),
        ("Fri", FRIDAY, FRIDAY),
        # later in the week forward, earlier back
        ("saturday", date(2026, 6, 6), date(2026, 5, 30)),
        ("sat", date(2026, 6, 6), date(2026, 5, 30)),
        ("sunday", date(2026, 6, 7), date(2026, 5, 31)),
        ("monday", date(2026, 6, 8), date(2026, 6, 1)),
        ("mon", date(2026, 6, 8), date(2026, 6, 1)),
        ("Tue", date(2026, 6, 9), date(2026, 6, 2)),
        ("tues", date(2026, 6, 9), date(2026, 6, 2)),
        ("wednesday", date(2026, 6, 10), date(2026, 6, 3)),
        ("weds", date(2026, 6, 10), date(2026, 6, 3)),
        ("thursday", date(2026, 6, 11), date(2026, 6, 4)),
        ("thurs", date(2026, 6, 11), date(2026, 6, 4)),
        ("thu", date(2026, 6, 11), date(2026, 6, 4)),
        ("this monday", date(2026, 6, 8), date(2026, 6, 1)),
        # next / last skip today whatever the direction
        ("next monday", date(2026, 6, 8), date(2026, 6, 8)),
        ("next friday", date(2026, 6, 12), date(2026, 6, 12)),
        ("last tuesday", date(2026, 6, 2), date(2026, 6, 2)),
        ("last friday", date(2026, 5, 29), date(2026, 5, 29)),
        ("Next   Sat", date(2026, 6, 6), date(2026, 6, 6)),
    ],
)
def test_parse_date(text: str, forward: date, back: date) -> None:
    assert parse_date(text, FRIDAY, direction="forward") == forward
    assert parse_date(text, FRIDAY, direction="back") == back


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-02-30", "`2026-02-30` isn't a real date: February 2026 has 28 days."),
        ("2026-02-29", "`2026-02-29` isn't a real date: February 2026 has 28 days."),
        ("2026-13-01", "`2026-13-01` isn't a real date: there is no month 13."),
        ("2026-00-10", "`2026-00-10` isn't a real date: there is no month 0."),
        ("2026-04-31", "`2026-04-31` isn't a real date: April 2026 has 30 days."),
        ("0000-01-01", "`0000-01-01` isn't a real date: there is no year 0."),
        (
            "someday",
            "`someday` isn't a date I can read. Use YYYY-MM-DD, `today`, `tomorrow`, "
            "`yesterday` or a weekday such as `monday`.",
        ),
        (
            "05/06/2026",
            "`05/06/2026` isn't a date I can read. Use YYYY-MM-DD, `today`, `tomorrow`, "
            "`yesterday` or a weekday such as `monday`.",
        ),
        (
            "next week",
            "`next week` isn't a date I can read. Use YYYY-MM-DD, `today`, `tomorrow`, "
            "`yesterday` or a weekday such as `monday`.",
        ),
        (
            "",
            "No date given. Use YYYY-MM-DD, `today`, `tomorrow`, `yesterday` or a weekday "
            "such as `monday`.",
        ),
    ],
)
def test_parse_date_rejects(text: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_date(text, FRIDAY, direction="forward")
    assert caught.value.message == message
    assert caught.value.example == "`2026-06-05`"


def test_dates_off_the_calendar_are_input_errors() -> None:
    with pytest.raises(InputError, match="outside the calendar"):
        parse_date("tomorrow", date.max, direction="forward")
    with pytest.raises(InputError, match="outside the calendar"):
        parse_date("last monday", date.min, direction="back")


def test_direction_is_checked() -> None:
    with pytest.raises(ValueError, match="direction"):
        parse_date("today", FRIDAY, direction="sideways")  # type: ignore[arg-type]


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=30), st.sampled_from(["forward", "back"]), st.dates())
def test_any_text_parses_or_raises_input_error(text: str, direction: str, today: date) -> None:
    try:
        result = parse_date(text, today, direction=direction)  # type: ignore[arg-type]
    except InputError:
        return
    assert isinstance(result, date)


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)), st.integers(0, 6))
def test_weekdays_land_within_a_week_on_the_right_day(today: date, weekday: int) -> None:
    name = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"][weekday]
    forward = parse_date(name, today, direction="forward")
    back = parse_date(name[:3], today, direction="back")
    assert forward.weekday() == back.weekday() == weekday
    assert timedelta(0) <= forward - today < timedelta(days=7)
    assert timedelta(0) <= today - back < timedelta(days=7)


# --------------------------------------------------------------------------- timezones


def test_local_today_follows_the_server_clock() -> None:
    # 03:00 UTC on 6 June is still the evening of 5 June in Los Angeles.
    now = datetime(2026, 6, 6, 3, 0, tzinfo=UTC)
    assert local_today(now, "America/Los_Angeles") == date(2026, 6, 5)
    assert local_today(now, "Europe/Berlin") == date(2026, 6, 6)
    assert local_today(now, "UTC") == date(2026, 6, 6)
    assert local_today(datetime(2026, 6, 6, 3, 0), "UTC") == date(2026, 6, 6)  # naive = UTC
    local = local_datetime(now, "America/Los_Angeles")
    assert (local.hour, local.utcoffset()) == (20, timedelta(hours=-7))


@pytest.mark.parametrize(
    ("name", "valid"),
    [
        ("UTC", True),
        ("America/Los_Angeles", True),
        ("Europe/Berlin", True),
        ("Australia/Lord_Howe", True),
        ("utc", False),
        ("america/los_angeles", False),
        ("Mars/Olympus_Mons", False),
        ("", False),
        ("../../etc/passwd", False),
        ("localtime", False),
        ("Europe/Berlin\0", False),
    ],
)
def test_is_valid_timezone(name: str, valid: bool) -> None:
    assert is_valid_timezone(name) is valid


def test_canonical_timezone_and_names() -> None:
    assert canonical_timezone(" america/los_angeles ") == "America/Los_Angeles"
    assert canonical_timezone("utc") == "UTC"
    assert canonical_timezone("Nowhere/Special") is None
    names = timezone_names()
    assert "Europe/Berlin" in names
    assert list(names) == sorted(names)


def test_an_unknown_timezone_is_an_input_error() -> None:
    with pytest.raises(InputError) as caught:
        local_today(datetime(2026, 6, 5, tzinfo=UTC), "Mars/Olympus_Mons")
    assert caught.value.message == "`Mars/Olympus_Mons` isn't a timezone I know. Use an IANA name."
    assert caught.value.example == "`America/Los_Angeles`"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("06:00", time(6, 0)), ("6:00", time(6, 0)), ("18:30", time(18, 30)), ("00:00", time(0))],
)
def test_parse_post_time(text: str, expected: time) -> None:
    assert parse_post_time(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "24:00",
            "`24:00` isn't a time of day: hours go from 00 to 23 and minutes from 00 to 59.",
        ),
        (
            "06:60",
            "`06:60` isn't a time of day: hours go from 00 to 23 and minutes from 00 to 59.",
        ),
        ("6am", "`6am` isn't a time of day I can read. Write it as HH:MM on a 24-hour clock."),
        ("6", "`6` isn't a time of day I can read. Write it as HH:MM on a 24-hour clock."),
        (
            "06:00:00",
            "`06:00:00` isn't a time of day I can read. Write it as HH:MM on a 24-hour clock.",
        ),
        ("", "No time given. Write the time as HH:MM on a 24-hour clock."),
    ],
)
def test_parse_post_time_rejects(text: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_post_time(text)
    assert caught.value.message == message
    assert caught.value.example == "`06:00`"


# --------------------------------------------------------------------------- due_at and DST


def _utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(
    ("tz", "day", "wall", "expected"),
    [
        # ordinary days
        ("UTC", date(2026, 6, 5), time(6, 0), _utc(2026, 6, 5, 6, 0)),
        ("America/Los_Angeles", date(2026, 6, 5), time(6, 0), _utc(2026, 6, 5, 13, 0)),
        ("America/Los_Angeles", date(2026, 1, 15), time(6, 0), _utc(2026, 1, 15, 14, 0)),
        ("Europe/Berlin", date(2026, 6, 5), time(6, 0), _utc(2026, 6, 5, 4, 0)),
        ("Europe/Berlin", date(2026, 1, 15), time(6, 0), _utc(2026, 1, 15, 5, 0)),
        # Los Angeles springs forward 2026-03-08 02:00 PST -> 03:00 PDT
        ("America/Los_Angeles", date(2026, 3, 8), time(1, 59), _utc(2026, 3, 8, 9, 59)),
        ("America/Los_Angeles", date(2026, 3, 8), time(2, 0), _utc(2026, 3, 8, 10, 0)),
        ("America/Los_Angeles", date(2026, 3, 8), time(2, 30), _utc(2026, 3, 8, 10, 0)),
        ("America/Los_Angeles", date(2026, 3, 8), time(3, 0), _utc(2026, 3, 8, 10, 0)),
        ("America/Los_Angeles", date(2026, 3, 8), time(6, 0), _utc(2026, 3, 8, 13, 0)),
        # ... and falls back 2026-11-01 02:00 PDT -> 01:00 PST: 01:30 happens twice
        ("America/Los_Angeles", date(2026, 11, 1), time(1, 30), _utc(2026, 11, 1, 8, 30)),
        ("America/Los_Angeles", date(2026, 11, 1), time(6, 0), _utc(2026, 11, 1, 14, 0)),
        # Berlin springs forward 2026-03-29 02:00 CET -> 03:00 CEST
        ("Europe/Berlin", date(2026, 3, 29), time(2, 30), _utc(2026, 3, 29, 1, 0)),
        ("Europe/Berlin", date(2026, 3, 29), time(6, 0), _utc(2026, 3, 29, 4, 0)),
        # ... and falls back 2026-10-25 03:00 CEST -> 02:00 CET: 02:30 happens twice
        ("Europe/Berlin", date(2026, 10, 25), time(2, 30), _utc(2026, 10, 25, 0, 30)),
        ("Europe/Berlin", date(2026, 10, 25), time(6, 0), _utc(2026, 10, 25, 5, 0)),
        # a half-hour jump: Lord Howe goes 02:00 -> 02:30
        ("Australia/Lord_Howe", date(2026, 10, 4), time(2, 15), _utc(2026, 10, 3, 15, 30)),
    ],
)
def test_due_at(tz: str, day: date, wall: time, expected: datetime) -> None:
    result = due_at(day, wall, tz)
    assert result == expected
    assert result.tzinfo is UTC


def test_end_of_local_day() -> None:
    assert end_of_local_day(date(2026, 6, 5), "America/Los_Angeles") == _utc(2026, 6, 6, 7, 0)
    # the spring-forward day is 23 hours long
    start = due_at(date(2026, 3, 8), time(0, 0), "America/Los_Angeles")
    assert end_of_local_day(date(2026, 3, 8), "America/Los_Angeles") - start == timedelta(hours=23)


@settings(max_examples=150, deadline=None)
@given(
    st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)),
    st.times(),
    st.sampled_from(["America/Los_Angeles", "Europe/Berlin", "Australia/Lord_Howe", "UTC"]),
)
def test_due_at_shows_the_wall_time_or_the_first_instant_after_a_gap(
    day: date, wall: time, tz: str
) -> None:
    result = due_at(day, wall, tz)
    local = local_datetime(result, tz).replace(tzinfo=None)
    requested = datetime.combine(day, wall)
    assert local >= requested
    if local != requested:  # only in a gap, and then the jump is the next instant
        assert local - requested <= timedelta(hours=1)
        before = local_datetime(result - timedelta(seconds=1), tz).replace(tzinfo=None)
        assert before < requested
