"""Reading a watch file: which format it is, the caps, and the time limit.

:func:`read_activity_bytes` is the whole reading, synchronous and pure;
:func:`read_activity` runs it on a worker thread so the event loop keeps
answering everyone else, under a time limit.

The format is told by the content, not trusted from the name: a FIT header
(``.FIT`` at byte 8), or an XML document whose root is
``TrainingCenterDatabase`` (TCX) or ``gpx``. The extension only words the
refusal of a file that is neither (a ``.fit`` of garbage is a corrupt FIT
file; a ``.pdf`` is not an activity file).
"""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import PurePath

from cogs.splits.watch.activity import MAX_FILE_BYTES, Activity, ActivityRefused
from cogs.splits.watch.fit import is_fit, read_fit
from cogs.splits.watch.gpx import read_gpx
from cogs.splits.watch.tcx import read_tcx
from cogs.splits.watch.xmlfiles import looks_like_xml, root_name

__all__ = ["DEFAULT_TIMEOUT", "MAX_PARALLEL", "read_activity", "read_activity_bytes"]

#: Seconds a file may take to read before it is refused. fitdecode reads
#: about 1 MB of FIT a second on a slow 2-core machine (bench/README.md), so
#: a 10 MB file, the product's limit, takes about 11 s: 30 s leaves room for
#: two at once and a slower machine. The command is deferred, so the athlete
#: sees "thinking" meanwhile; the event loop keeps answering everyone else.
DEFAULT_TIMEOUT = 30.0
#: Files read at the same time; more wait their turn (within their time limit).
MAX_PARALLEL = 2

_KINDS = {".fit": "FIT", ".tcx": "TCX", ".gpx": "GPX"}
_COMPRESSED = (b"PK\x03\x04", b"\x1f\x8b")  # zip, gzip
_turns = threading.BoundedSemaphore(MAX_PARALLEL)


def read_activity_bytes(data: bytes, filename: str, *, deadline: float | None = None) -> Activity:
    """The activity in a watch file's bytes, or :class:`ActivityRefused`
    naming why not. ``deadline`` (a :func:`time.monotonic` instant) makes a
    read still going then stop with "took too long"."""
    if not data:
        raise ActivityRefused.empty()
    if len(data) > MAX_FILE_BYTES:
        raise ActivityRefused.too_large(len(data))
    if is_fit(data):
        return read_fit(data, deadline)
    claimed = _KINDS.get(PurePath(filename.lower()).suffix)
    if looks_like_xml(data):
        root = root_name(data, claimed or "activity")
        if root == "TrainingCenterDatabase":
            return read_tcx(data, deadline)
        if root == "gpx":
            return read_gpx(data, deadline)
    if data.startswith(_COMPRESSED):
        raise ActivityRefused.unknown_type(filename, compressed=True)
    if claimed == "FIT":
        raise ActivityRefused.corrupt("FIT", "a bad header")
    if claimed is not None:
        raise ActivityRefused.invalid_xml(claimed, f"it is not a {claimed} document")
    raise ActivityRefused.unknown_type(filename)


async def read_activity(
    data: bytes, filename: str, *, time_limit: float = DEFAULT_TIMEOUT
) -> Activity:
    """:func:`read_activity_bytes` off the event loop, within ``time_limit`` seconds.

    A thread cannot be stopped from outside: when the time limit gives up, the
    worker carries on. So the work is bounded by the caps (10 MB, 200 laps,
    :data:`MAX_PARALLEL` reads at a time) and by the deadline the readers
    check as they go (every few thousand messages or elements), which stops
    the worker itself within milliseconds of the refusal.
    """
    deadline = time.monotonic() + time_limit
    try:
        async with asyncio.timeout(time_limit):
            return await asyncio.to_thread(_read_in_turn, data, filename, deadline)
    except TimeoutError:
        raise ActivityRefused.too_slow() from None


def _read_in_turn(data: bytes, filename: str, deadline: float) -> Activity:
    if not _turns.acquire(timeout=max(0.0, deadline - time.monotonic())):
        raise ActivityRefused.too_slow()
    try:
        return read_activity_bytes(data, filename, deadline=deadline)
    finally:
        _turns.release()
