"""Watch files for the tests: track interval sessions as a watch writes them.

None of the real device files in ``tests/data/watch/`` is a track session
with rest laps, so the tests build those: a TCX as plain XML (the schema's
elements, trackpoints with positions and heart rates included, which the
reader must ignore) and a FIT with the ``fit-tool`` encoder (file id,
session, laps with intensity, records with positions and heart rates).

:data:`SEED_SESSION` is the canonical story's session
(``../shared/examples/seed-workout.md``): a warm-up, 4 × 250 m recorded as
243–258 m with rest laps between, the 300 m, a cool-down; its rep times are
exactly ``29.78 29.98 31.31 31.20 37.47``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

DATA = Path(__file__).resolve().parents[3] / "data" / "watch"


def real_file(name: str) -> bytes:
    """One of the real device files (``tests/data/watch/README.md``)."""
    return (DATA / name).read_bytes()


@dataclass(frozen=True)
class BuiltLap:
    distance_m: float | None  # None: the lap has no distance (indoors, no foot pod)
    seconds: float  # timer time
    rest: bool = False


#: The seed session as the watch recorded it: lap 1 warm-up, laps 2/4/6/8 the
#: 250s (with rest laps 3/5/7/9 between), lap 10 the 300 m, lap 11 cool-down.
SEED_SESSION: tuple[BuiltLap, ...] = (
    BuiltLap(1609.3, 540.0),
    BuiltLap(243.4, 29.78),
    BuiltLap(41.2, 90.0, rest=True),
    BuiltLap(251.9, 29.98),
    BuiltLap(38.7, 90.0, rest=True),
    BuiltLap(258.0, 31.31),
    BuiltLap(40.1, 90.0, rest=True),
    BuiltLap(246.7, 31.20),
    BuiltLap(55.0, 180.0, rest=True),
    BuiltLap(301.2, 37.47),
    BuiltLap(1450.0, 600.0),
)
SEED_STARTED = datetime(2026, 6, 5, 16, 30, tzinfo=UTC)
SEED_SPLITS = "29.78 29.98 31.31 31.20 37.47"


# ------------------------------------------------------------------------ TCX

_TCX_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <Activities>
    <Activity Sport="{sport}">
      <Id>{start}</Id>
"""
_TCX_TAIL = """    </Activity>
  </Activities>
</TrainingCenterDatabase>
"""


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def interval_tcx(
    laps: Sequence[BuiltLap] = SEED_SESSION,
    *,
    sport: str = "Running",
    started: datetime = SEED_STARTED,
    trackpoints: int = 2,
) -> bytes:
    """A TCX activity with ``laps`` (``Intensity`` ``Resting`` for rest laps),
    each with ``trackpoints`` points carrying a position and a heart rate."""
    parts = [_TCX_HEAD.format(sport=sport, start=_iso(started))]
    moment = started
    travelled = 0.0
    for lap in laps:
        parts.append(f'      <Lap StartTime="{_iso(moment)}">\n')
        parts.append(f"        <TotalTimeSeconds>{lap.seconds}</TotalTimeSeconds>\n")
        if lap.distance_m is not None:
            parts.append(f"        <DistanceMeters>{lap.distance_m}</DistanceMeters>\n")
        parts.append("        <Calories>20</Calories>\n")
        parts.append("        <AverageHeartRateBpm><Value>151</Value></AverageHeartRateBpm>\n")
        parts.append(f"        <Intensity>{'Resting' if lap.rest else 'Active'}</Intensity>\n")
        parts.append("        <TriggerMethod>Manual</TriggerMethod>\n        <Track>\n")
        for point in range(trackpoints):
            travelled += (lap.distance_m or 0.0) / max(trackpoints, 1)
            at = moment + timedelta(seconds=lap.seconds * (point + 1) / max(trackpoints, 1))
            parts.append(
                "          <Trackpoint>"
                f"<Time>{_iso(at)}</Time>"
                "<Position><LatitudeDegrees>51.5007</LatitudeDegrees>"
                "<LongitudeDegrees>-0.1246</LongitudeDegrees></Position>"
                f"<DistanceMeters>{travelled:.1f}</DistanceMeters>"
                "<HeartRateBpm><Value>163</Value></HeartRateBpm>"
                "</Trackpoint>\n"
            )
        parts.append("        </Track>\n      </Lap>\n")
        moment += timedelta(seconds=lap.seconds)
    parts.append(_TCX_TAIL)
    return "".join(parts).encode()


def billion_laughs_tcx(levels: int = 10) -> bytes:
    """A TCX whose lap distance is an entity that would expand to 10**levels
    "lol"s (the "billion laughs"): a parser that expands entities drowns."""
    entities = ['<!ENTITY lol0 "lol">']
    for level in range(1, levels):
        entities.append(f'<!ENTITY lol{level} "{f"&lol{level - 1};" * 10}">')
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE TrainingCenterDatabase [\n  '
        + "\n  ".join(entities)
        + "\n]>\n"
        + interval_tcx(SEED_SESSION[:2])
        .decode()
        .split("?>", 1)[1]
        .replace("<Calories>20</Calories>", f"<Notes>&lol{levels - 1};</Notes>", 1)
    ).encode()


def external_entity_tcx() -> bytes:
    """A TCX that asks the parser to read a local file into a lap."""
    return (
        '<?xml version="1.0"?>\n'
        '<!DOCTYPE TrainingCenterDatabase [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'
        + interval_tcx(SEED_SESSION[:2])
        .decode()
        .split("?>", 1)[1]
        .replace("<Calories>20</Calories>", "<Notes>&secret;</Notes>", 1)
    ).encode()


def gpx_track(*, laps: Sequence[BuiltLap] = (), kind: str = "running") -> bytes:
    """A GPX 1.1 track (two points); with ``laps``, GPXDATA laps in its extensions."""
    lap_xml = "".join(
        "<gpxdata:lap>"
        f"<gpxdata:startTime>{_iso(SEED_STARTED)}</gpxdata:startTime>"
        f"<gpxdata:elapsedTime>{lap.seconds}</gpxdata:elapsedTime>"
        + (
            f"<gpxdata:distance>{lap.distance_m}</gpxdata:distance>"
            if lap.distance_m is not None
            else ""
        )
        + f"<gpxdata:intensity>{'resting' if lap.rest else 'active'}</gpxdata:intensity>"
        "</gpxdata:lap>"
        for lap in laps
    )
    extensions = f"<extensions>{lap_xml}</extensions>" if laps else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1" '
        'xmlns:gpxdata="http://www.cluetrust.com/XML/GPXDATA/1/0">'
        f"<trk><name>Track</name><type>{kind}</type><trkseg>"
        '<trkpt lat="51.5007" lon="-0.1246"><time>2026-06-05T16:30:00Z</time></trkpt>'
        '<trkpt lat="51.5008" lon="-0.1247"><time>2026-06-05T16:31:00Z</time></trkpt>'
        f"</trkseg></trk>{extensions}</gpx>"
    ).encode()


# ------------------------------------------------------------------------ FIT


def interval_fit(
    laps: Sequence[BuiltLap] = SEED_SESSION,
    *,
    sport: str = "RUNNING",
    started: datetime = SEED_STARTED,
    records_per_lap: int = 2,
    file_type: str = "ACTIVITY",
) -> bytes:
    """A FIT activity written with ``fit-tool``: file id, a record stream
    (positions, heart rates), ``laps`` (intensity REST for rest laps), one
    session naming ``sport`` (a ``fit_tool`` ``Sport`` name)."""
    from fit_tool.fit_file_builder import FitFileBuilder
    from fit_tool.profile.messages.file_id_message import FileIdMessage
    from fit_tool.profile.messages.lap_message import LapMessage
    from fit_tool.profile.messages.record_message import RecordMessage
    from fit_tool.profile.messages.session_message import SessionMessage
    from fit_tool.profile.profile_type import FileType, Intensity, Manufacturer, Sport

    start_ms = int(started.timestamp() * 1000)
    builder = FitFileBuilder(auto_define=True, min_string_size=50)
    file_id = FileIdMessage()
    file_id.type = FileType[file_type]
    file_id.manufacturer = Manufacturer.GARMIN.value
    file_id.product = 0
    file_id.time_created = start_ms
    file_id.serial_number = 0x12345678
    builder.add(file_id)

    moment = start_ms
    travelled = 0.0
    lap_messages = []
    for lap in laps:
        for point in range(records_per_lap):
            record = RecordMessage()
            record.timestamp = moment + int(lap.seconds * 1000 * (point + 1) / records_per_lap)
            record.position_lat = 51.5007
            record.position_long = -0.1246
            travelled += (lap.distance_m or 0.0) / records_per_lap
            record.distance = travelled
            record.heart_rate = 163
            builder.add(record)
        message = LapMessage()
        message.timestamp = moment + int(lap.seconds * 1000)
        message.start_time = moment
        message.total_elapsed_time = lap.seconds
        message.total_timer_time = lap.seconds
        if lap.distance_m is not None:
            message.total_distance = lap.distance_m
        message.intensity = Intensity.REST if lap.rest else Intensity.ACTIVE
        message.sport = Sport[sport]
        lap_messages.append(message)
        moment += int(lap.seconds * 1000)
    builder.add_all(lap_messages)

    session = SessionMessage()
    session.timestamp = moment
    session.start_time = start_ms
    session.total_elapsed_time = (moment - start_ms) / 1000
    session.total_timer_time = (moment - start_ms) / 1000
    session.sport = Sport[sport]
    session.num_laps = len(lap_messages)
    builder.add(session)
    return builder.build().to_bytes()
