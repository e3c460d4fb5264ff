"""Reading watch files (FIT, TCX, GPX with laps) into laps: no Discord, no SQL.

``read_activity(data, filename)`` (off the event loop, with a time limit) or
``read_activity_bytes`` (synchronous) return an :class:`Activity` (sport,
start, laps) or raise :class:`ActivityRefused`, an ``InputError`` whose
message names the problem. Only the laps' numbers, recorded distances, timer
times and rest marks are kept: never the file, a position or a heart rate.
"""

from cogs.splits.watch.activity import MAX_FILE_BYTES, MAX_LAPS, Activity, ActivityRefused
from cogs.splits.watch.reading import DEFAULT_TIMEOUT, read_activity, read_activity_bytes

__all__ = [
    "DEFAULT_TIMEOUT",
    "MAX_FILE_BYTES",
    "MAX_LAPS",
    "Activity",
    "ActivityRefused",
    "read_activity",
    "read_activity_bytes",
]
