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
