"""The posting rule across timezones, restarts and DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.domain.dates import local_today
from bot.domain.schedule import candidate_window, is_due


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "due"),
    [
        (utc(2026, 11, 28, 5, 59, 59), False),  # a second early
        (utc(2026, 11, 28, 6, 0, 0), True),  # on time
        (utc(2026, 11, 28, 23, 59, 59), True),  # the bot was down all day
        (utc(2026, 11, 29, 0, 0, 0), False),  # the day is over: never post late
    ],
)
def test_utc_server_at_six(now: datetime, due: bool) -> None:
    assert is_due(date(2026, 11, 28), "06:00", "UTC", now) is due


def test_local_time_not_utc_decides() -> None:
    day = date(2026, 11, 28)
    # 06:00 in Los Angeles (UTC−8 in November) is 14:00 UTC.
    assert not is_due(day, "06:00", "America/Los_Angeles", utc(2026, 11, 28, 13, 59))
    assert is_due(day, "06:00", "America/Los_Angeles", utc(2026, 11, 28, 14, 0))
    # 06:00 in Auckland (UTC+13) on the 28th is 17:00 UTC on the 27th.
    assert is_due(day, "06:00", "Pacific/Auckland", utc(2026, 11, 27, 17, 0))


def test_dst_spring_forward_does_not_skip_the_day() -> None:
    # Berlin jumps from 02:00 to 03:00 on 2026-03-29; a 02:30 post time posts at 03:00.
    day = date(2026, 3, 29)
    assert not is_due(day, "02:30", "Europe/Berlin", utc(2026, 3, 29, 0, 59))
    assert is_due(day, "02:30", "Europe/Berlin", utc(2026, 3, 29, 1, 0))


def test_dst_fall_back_posts_once_at_the_first_occurrence() -> None:
    # Los Angeles repeats 01:00–02:00 on 2026-11-01; 01:30 PDT is 08:30 UTC.
    day = date(2026, 11, 1)
    assert not is_due(day, "01:30", "America/Los_Angeles", utc(2026, 11, 1, 8, 29))
    assert is_due(day, "01:30", "America/Los_Angeles", utc(2026, 11, 1, 8, 30))
    # Still the same local day an hour later (01:30 PST): due, but the stored
    # message id is what keeps it to one post; the rule itself stays true.
    assert is_due(day, "01:30", "America/Los_Angeles", utc(2026, 11, 1, 9, 30))


def test_a_timezone_change_moves_the_post_without_losing_the_day() -> None:
    day = date(2026, 11, 28)
    now = utc(2026, 11, 28, 10, 0)
    assert is_due(day, "06:00", "UTC", now)
    assert not is_due(day, "06:00", "America/New_York", now)  # 06:00 there is 11:00 UTC
    assert is_due(day, "06:00", "America/New_York", now + timedelta(hours=1))


def test_candidate_window_covers_every_timezone() -> None:
    now = utc(2026, 11, 28, 12, 0)
    first, last = candidate_window(now)
    assert first == date(2026, 11, 27) and last == date(2026, 11, 29)
    for zone in ("Pacific/Kiritimati", "Etc/GMT+12", "Pacific/Auckland", "UTC"):
        for hour in range(0, 24, 3):
            instant = utc(2026, 11, 28, hour)

            assert first <= local_today(instant, zone) <= last
