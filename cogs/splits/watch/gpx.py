"""GPX files: read only where they carry laps.

GPX 1.0 and 1.1 have no laps: a track is points (and segments, which mark
where recording paused, not laps). The one documented way to write laps into
a GPX is Cluetrust's GPXDATA 1.0 extension (namespace
``http://www.cluetrust.com/XML/GPXDATA/1/0``, written by pytrainer and a few
watch exporters): ``gpxdata:lap`` elements with ``distance`` (metres),
``elapsedTime`` (seconds), ``startTime`` and ``intensity`` (``active`` or
``resting``). Those are read; GPXDATA has no timer time, so a lap's
``elapsedTime`` stands for it. Laps are never invented from track segments.
A GPX without GPXDATA laps is refused with a hint to export FIT or TCX.

The sport is the first track's ``type`` (free text: ``running``,
``trail_running``, ``cycling``…); none says nothing. Track points, their
positions and heart rates are never looked at.
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
from cogs.splits.watch.xmlfiles import Collector, instant, namespace, parse, to_decimal

__all__ = ["GPXDATA", "read_gpx", "sport_of_type"]

GPXDATA = "http://www.cluetrust.com/XML/GPXDATA/1/0"
_LAP_VALUES = frozenset({"distance", "elapsedTime", "startTime", "intensity"})

# Words a track's free-text type uses, to the normalised sport.
_TYPE_WORDS = (
    ("run", RUNNING),
    ("jog", RUNNING),
    ("walk", "walking"),
    ("hik", "hiking"),
    ("bik", "cycling"),
    ("cycl", "cycling"),
    ("ride", "cycling"),
    ("swim", "swimming"),
    ("row", "rowing"),
    ("ski", "skiing"),
)


def sport_of_type(text: str) -> str:
    """A GPX track type (free text) as a normalised sport."""
    words = text.strip().lower().replace("_", " ").replace("-", " ")
    if not words or words in {"other", "generic", "unknown", "activity"}:
        return UNSPECIFIED
    for word, sport in _TYPE_WORDS:
        if word in words:
            return sport
    return words


def read_gpx(data: bytes, deadline: float | None = None) -> Activity:
    """The activity of a GPX file with GPXDATA laps, or :class:`ActivityRefused`."""
    reader = _Gpx(deadline)
    parse(data, reader, "GPX")
    return finish(
        [reader.sport], reader.started_at, reader.laps, no_laps=ActivityRefused.gpx_without_laps()
    )


class _Gpx(Collector):
    def __init__(self, deadline: float | None) -> None:
        super().__init__(deadline)
        self.sport: str | None = None
        self.laps: list[Lap] = []
        self.started_at: datetime | None = None
        self._lap: dict[str, str] | None = None

    def opened(self, name: str, tag: str, attrib: dict[str, str]) -> None:
        if len(self.path) == 1 and name != "gpx":
            raise ActivityRefused.invalid_xml("GPX", "it has no gpx element")
        if name == "lap" and namespace(tag) == GPXDATA:
            if len(self.laps) == MAX_LAPS:
                raise ActivityRefused.too_many_laps()
            self._lap = {}

    def wanted(self, name: str, tag: str) -> bool:
        parent = self.path[-2] if len(self.path) >= 2 else None
        if parent == "lap" and self._lap is not None:
            return name in _LAP_VALUES
        return name == "type" and parent == "trk" and self.sport is None

    def value(self, name: str, tag: str, text: str) -> None:
        if self._lap is not None and self.path[-2:-1] == ["lap"]:
            self._lap.setdefault(name, text)
        elif name == "type":
            self.sport = sport_of_type(text[:40])

    def closed(self, name: str, tag: str) -> None:
        if name == "lap" and self._lap is not None and namespace(tag) == GPXDATA:
            number = len(self.laps) + 1
            seconds = to_decimal(self._lap.get("elapsedTime"))
            if seconds is None:
                raise ActivityRefused.lap_without_time(number)
            if self.started_at is None:
                self.started_at = instant(self._lap.get("startTime"))
            self.laps.append(
                Lap(
                    number=number,
                    distance_m=to_decimal(self._lap.get("distance")),
                    time_ms=lap_time_ms(seconds),
                    rest=self._lap.get("intensity", "").strip().lower() == "resting",
                )
            )
            self._lap = None
