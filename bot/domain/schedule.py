"""When a workout of the day is due to be posted.

The rule is a condition, not an alarm: a workout is due when its local date is
today in its server's timezone and the server's post time has passed. Checked
on every tick, downtime, restarts, a changed post time or timezone and DST all
converge to exactly one post, made as soon as the condition holds, and never
once the local day is over.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.domain.dates import due_at, local_today, parse_post_time


def candidate_window(now_utc: datetime) -> tuple[date, date]:
    """Local dates that can be "today" somewhere: UTC today ± 1 day covers
    every timezone (UTC−12 to UTC+14)."""
    today = now_utc.date()
    return today - timedelta(days=1), today + timedelta(days=1)


def is_due(local_date: date, post_time: str, timezone: str, now_utc: datetime) -> bool:
    """True while ``local_date`` is today in ``timezone`` and its post time
    has passed (so a bot that was down posts on start-up, that day only)."""
    if local_today(now_utc, timezone) != local_date:
        return False
    return now_utc >= due_at(local_date, parse_post_time(post_time), timezone)
