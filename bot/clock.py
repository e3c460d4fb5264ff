"""Time as a dependency, so tests (and the scheduler) can control it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware (UTC)."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


def epoch_ms(instant: datetime) -> int:
    """Unix epoch milliseconds, the storage format for instants."""
    return int(instant.timestamp() * 1000)


class ManualClock:
    """A clock that only moves when told to: the scheduler's tests and the
    demo use it to reach 06:00 without waiting for it."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs a timezone-aware start")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def set(self, instant: datetime) -> None:
        self._now = instant.astimezone(UTC)
