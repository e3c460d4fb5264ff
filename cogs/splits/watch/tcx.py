"""TCX activity files (Garmin's Training Center Database, v2).

What is read, by local name whatever the namespace prefix::

    TrainingCenterDatabase/Activities/Activity[@Sport]
        Lap[@StartTime]/TotalTimeSeconds   the lap's timer time
        Lap/DistanceMeters                 the lap's recorded distance
        Lap/Intensity                      Active or Resting

(also inside a ``MultiSportSession``'s ``FirstSport``/``NextSport``). Only a
``Lap``'s own children count: a ``Trackpoint``'s ``DistanceMeters``, its
position and heart rate are never looked at. The activity starts at its
first lap's ``StartTime`` (else at its ``Id``, which Garmin writes as the
start time).
"""

from __future__ import annotations

from datetime import datetime

from bot.domain.laps import Lap, lap_time_ms
from cogs.splits.watch.activity import (
    MAX_LAPS,
    RUNNING,
    UNSPECIFIED,
    Activity,
    ActivityRefused,
    finish,
)
from cogs.splits.watch.xmlfiles import Collector, instant, parse, to_decimal

__all__ = ["NAMESPACE", "read_tcx"]

NAMESPACE = "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"

# The TCX schema's Sport values: Running, Biking, Other.
_SPORTS = {"running": RUNNING, "biking": "cycling", "other": UNSPECIFIED}
_LAP_VALUES = frozenset({"TotalTimeSeconds", "DistanceMeters", "Intensity"})


def read_tcx(data: bytes, deadline: float | None = None) -> Activity:
    """The activity of a TCX file, or :class:`ActivityRefused`."""
    reader = _Tcx(deadline)
    parse(data, reader, "TCX")
    return finish(reader.sports, reader.started_at, reader.laps)


class _Tcx(Collector):
    def __init__(self, deadline: float | None) -> None:
        super().__init__(deadline)
        self.sports: list[str] = []
        self.laps: list[Lap] = []
        self.started_at: datetime | None = None
        self._activity_id: datetime | None = None
        self._lap: dict[str, str] | None = None

    def opened(self, name: str, tag: str, attrib: dict[str, str]) -> None:
        if len(self.path) == 1 and name != "TrainingCenterDatabase":
            raise ActivityRefused.invalid_xml("TCX", "it is not a Training Center Database")
        if name == "Activity":
            sport = attrib.get("Sport", "").strip().lower()
            self.sports.append(_SPORTS.get(sport, sport or UNSPECIFIED))
        elif name == "Lap" and self._parent() == "Activity":
            if len(self.laps) == MAX_LAPS:
                raise ActivityRefused.too_many_laps()
            self._lap = {}
            if self.started_at is None:
                self.started_at = instant(attrib.get("StartTime"))

    def wanted(self, name: str, tag: str) -> bool:
        parent = self._parent()
        return (parent == "Lap" and self._lap is not None and name in _LAP_VALUES) or (
            parent == "Activity" and name == "Id"
        )

    def value(self, name: str, tag: str, text: str) -> None:
        if name == "Id":
            if self._activity_id is None:
                self._activity_id = instant(text)
        elif self._lap is not None:
            self._lap.setdefault(name, text)

    def closed(self, name: str, tag: str) -> None:
        if name == "Lap" and self._lap is not None and self._parent() == "Activity":
            self.laps.append(_make_lap(len(self.laps) + 1, self._lap))
            self._lap = None
        elif name == "TrainingCenterDatabase" and self.started_at is None:
            self.started_at = self._activity_id

    def _parent(self) -> str | None:
        return self.path[-2] if len(self.path) >= 2 else None


def _make_lap(number: int, values: dict[str, str]) -> Lap:
    seconds = to_decimal(values.get("TotalTimeSeconds"))
    if seconds is None:
        raise ActivityRefused.lap_without_time(number)
    return Lap(
        number=number,
        distance_m=to_decimal(values.get("DistanceMeters")),
        time_ms=lap_time_ms(seconds),
        rest=values.get("Intensity", "").strip().lower() == "resting",
    )
