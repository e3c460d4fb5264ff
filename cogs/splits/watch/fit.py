"""FIT activity files (Garmin, Coros, Polar, Suunto, Wahoo…), read with
``fitdecode``.

The file is streamed message by message: only ``file_id``, ``sport``,
``session`` and ``lap`` messages are looked at, and of those only the fields
below, taken as the raw integers the file holds (distance in centimetres,
timer time in milliseconds), so a distance stays exactly what the watch wrote
(``24321`` → ``243.21`` m). ``record`` messages, where positions and heart
rates live, go by unkept. The decoder checks the header and the file's CRC;
any error it raises on a damaged file is a refusal, never a crash.
"""

from __future__ import annotations

import io
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import fitdecode

from bot.domain.laps import Lap, lap_time_ms
from cogs.splits.watch.activity import (
    MAX_LAPS,
    RUNNING,
    UNSPECIFIED,
    Activity,
    ActivityRefused,
    finish,
)

__all__ = ["is_fit", "read_fit"]

# FIT profile: global message numbers and the field numbers read.
_FILE_ID, _SPORT, _SESSION, _LAP = 0, 12, 18, 19
_FILE_ID_TYPE = 0
_SPORT_SPORT, _SPORT_SUB_SPORT = 0, 1
_SESSION_START_TIME, _SESSION_SPORT, _SESSION_SUB_SPORT = 2, 5, 6
_LAP_START_TIME, _LAP_ELAPSED, _LAP_TIMER, _LAP_DISTANCE = 2, 7, 8, 9
_LAP_INTENSITY, _LAP_SPORT, _LAP_SUB_SPORT = 23, 25, 39

_ACTIVITY_FILE = 4  # file_id.type "activity"
# lap.intensity: active 0, rest 1, warmup 2, cooldown 3, recovery 4, interval 5, other 6.
_REST_INTENSITIES = frozenset({1, 4})
# sport: generic 0, running 1, fitness_equipment 4; sub_sport treadmill 1.
_GENERIC, _RUNNING, _FITNESS_EQUIPMENT, _TREADMILL = 0, 1, 4, 1

_FIT_EPOCH = datetime(1989, 12, 31, tzinfo=UTC)
_FIRST_ABSOLUTE = 0x10000000  # smaller date_time values are relative (device time)
_CHECK_EVERY = 2048  # frames between two looks at the deadline


def is_fit(data: bytes) -> bool:
    """Whether ``data`` starts with a FIT header (12 or 14 bytes, ``.FIT``)."""
    return len(data) >= 12 and data[0] in (12, 14) and data[8:12] == b".FIT"


def read_fit(data: bytes, deadline: float | None = None) -> Activity:
    """The activity of a FIT file, or :class:`ActivityRefused`."""
    reading = _Reading()
    try:
        with fitdecode.FitReader(
            io.BytesIO(data),
            processor=None,  # raw values: no unit conversion, nothing to keep
            check_crc=fitdecode.CrcCheck.RAISE,
            error_handling=fitdecode.ErrorHandling.RAISE,
            keep_raw_chunks=False,
        ) as reader:
            for count, frame in enumerate(reader):
                if deadline is not None and count % _CHECK_EVERY == 0:
                    _check(deadline)
                if frame.frame_type == fitdecode.FIT_FRAME_DATA:
                    reading.take(frame)
    except ActivityRefused:
        raise
    except fitdecode.FitEOFError:
        raise ActivityRefused.truncated("FIT") from None
    except fitdecode.FitCRCError:
        raise ActivityRefused.corrupt("FIT", "its checksum does not match") from None
    except fitdecode.FitHeaderError:
        raise ActivityRefused.corrupt("FIT", "a bad header") from None
    except Exception:
        # Whatever else the decoder trips on in a damaged file (its own
        # FitError, or a struct/index/key error deep in a malformed message)
        # is a damaged file, not a bug of ours: refused, nothing kept.
        raise ActivityRefused.corrupt("FIT", "it cannot be decoded") from None
    return reading.activity()


def _check(deadline: float) -> None:
    # The worker thread cannot be stopped from outside; it stops itself here.
    if time.monotonic() > deadline:
        raise ActivityRefused.too_slow()


class _Reading:
    """What the messages read so far said; laps are made as they come."""

    def __init__(self) -> None:
        self.file_types: list[int | str] = []
        self.session_sports: list[str] = []
        self.sport_sports: list[str] = []
        self.lap_sports: list[str] = []
        self.session_start: datetime | None = None
        self.first_lap_start: datetime | None = None
        self.laps: list[Lap] = []

    def take(self, frame: fitdecode.FitDataMessage) -> None:
        number = frame.global_mesg_num
        if number == _LAP:
            self._lap(frame)
        elif number == _SESSION:
            self.session_sports.append(_sport(frame, _SESSION_SPORT, _SESSION_SUB_SPORT))
            if self.session_start is None:
                self.session_start = _instant(_raw(frame, _SESSION_START_TIME))
        elif number == _SPORT:
            self.sport_sports.append(_sport(frame, _SPORT_SPORT, _SPORT_SUB_SPORT))
        elif number == _FILE_ID:
            kind = _field(frame, _FILE_ID_TYPE)
            if kind is not None:
                self.file_types.append(kind.raw_value if kind.raw_value is not None else "")

    def _lap(self, frame: fitdecode.FitDataMessage) -> None:
        if len(self.laps) == MAX_LAPS:
            raise ActivityRefused.too_many_laps()
        number = len(self.laps) + 1
        timer = _raw(frame, _LAP_TIMER)
        if timer is None:
            timer = _raw(frame, _LAP_ELAPSED)  # a lap without timer time: its elapsed time
        if timer is None:
            raise ActivityRefused.lap_without_time(number)
        distance = _raw(frame, _LAP_DISTANCE)
        self.laps.append(
            Lap(
                number=number,
                distance_m=None if distance is None else Decimal(distance).scaleb(-2),
                time_ms=lap_time_ms(Decimal(timer).scaleb(-3)),
                rest=_raw(frame, _LAP_INTENSITY) in _REST_INTENSITIES,
            )
        )
        self.lap_sports.append(_sport(frame, _LAP_SPORT, _LAP_SUB_SPORT))
        if self.first_lap_start is None:
            self.first_lap_start = _instant(_raw(frame, _LAP_START_TIME))

    def activity(self) -> Activity:
        activity_file = _ACTIVITY_FILE in self.file_types
        if not activity_file and (self.file_types or not (self.laps or self.session_sports)):
            raise ActivityRefused.not_an_activity(_file_kind(self.file_types))
        # The sport: the sessions', else the sport message's, else the laps'.
        sports = self.session_sports or self.sport_sports or self.lap_sports
        return finish(sports, self.session_start or self.first_lap_start, self.laps)


def _field(frame: fitdecode.FitDataMessage, number: int) -> fitdecode.types.FieldData | None:
    """The message's own field ``number`` (not a developer field, nor one
    expanded from another field's components)."""
    for field in frame.fields:
        definition = field.field_def
        if definition is not None and not definition.is_dev and definition.def_num == number:
            return field
    return None


def _raw(frame: fitdecode.FitDataMessage, number: int) -> int | None:
    """The field's raw integer; ``None`` when absent, invalid or not an integer."""
    field = _field(frame, number)
    value = None if field is None else field.raw_value
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _sport(frame: fitdecode.FitDataMessage, sport_num: int, sub_sport_num: int) -> str:
    """The normalised sport a message names (:data:`UNSPECIFIED` for generic)."""
    sport = _raw(frame, sport_num)
    if sport is None or sport == _GENERIC:
        return UNSPECIFIED
    if sport == _RUNNING:
        return RUNNING
    if sport == _FITNESS_EQUIPMENT and _raw(frame, sub_sport_num) == _TREADMILL:
        return RUNNING  # a treadmill run recorded as fitness equipment
    field = _field(frame, sport_num)
    name = field.value if field is not None else None
    return name.lower() if isinstance(name, str) else f"sport {sport}"


def _instant(raw: int | None) -> datetime | None:
    """A FIT date_time (seconds since 1989-12-31 UTC), or ``None`` when relative."""
    if raw is None or raw < _FIRST_ABSOLUTE:
        return None
    return _FIT_EPOCH + timedelta(seconds=raw)


_FILE_KINDS = {
    1: "device",
    2: "settings",
    3: "sport settings",
    5: "workout",
    6: "course",
    7: "schedules",
    9: "weight",
    10: "totals",
    11: "goals",
    14: "blood pressure",
    15: "monitoring",
    20: "activity summary",
    28: "daily monitoring",
    32: "monitoring",
    34: "segment",
    35: "segment list",
    40: "exercise",
}


def _file_kind(types: list[int | str]) -> str:
    for kind in types:
        if isinstance(kind, int) and kind in _FILE_KINDS:
            return _FILE_KINDS[kind]
    return "non-activity"
