"""Reading watch files for ``/splits import``: time and memory of the largest
files accepted (10 MB) and of a hostile one. Prints figures, asserts nothing.

Three files, made here (no file of a real device is that large):

* a FIT activity just under 10 MB (``MAX_FILE_BYTES``): the seed session's 11
  laps (warm-up, 4 × 250 m with rest laps, the 300, cool-down) and about
  580,000 ``record`` messages (timestamp, position, distance, heart rate),
  written with ``struct`` the way ``fit-tool`` writes them (``fit-tool`` itself
  takes about 6 s per 200 KB, so about 5 minutes for 10 MB; the smoke test
  checks both encoders give the same laps);
* a TCX activity just under 10 MB: the same laps, and trackpoints with a
  position, a distance and a heart rate;
* the "billion laughs" TCX (entities nested 10 deep, which would expand to
  10**10 "lol"s): refused at its DOCTYPE, unexpanded.

For each: the time of ``read_activity_bytes`` (the whole read: format sniffing,
decoding, the file's checks) plus ``propose`` (matching the laps to the seed
workout's reps), best and median of a few runs; then, in a second run with
``tracemalloc`` on (it slows Python, so that run is not timed), the peak of
memory Python allocated while reading beyond the file's own bytes; and the
growth of the process's peak RSS (``VmHWM``, reset before the reads) over the
reads, each file read in a fresh process (the default; ``--in-process`` reads
them all here).

Then the bot's own path, :func:`read_activity` (a worker thread, at most
``DEFAULT_TIMEOUT`` seconds), once per file, with a coroutine ticking every
millisecond beside it: what the athlete gets, how long it took, and how late
the event loop's ticks ran meanwhile (the read holds the GIL in turns with the
loop, so every other interaction waits that long).

Run: ``.venv/bin/python bench/watch_bench.py [--megabytes 9.9] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import resource
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import _harness  # noqa: F401  (puts the repository on sys.path, for tests' builders)
from fitdecode.utils import compute_crc

from bot.domain.laps import propose
from cogs.splits.watch import (
    DEFAULT_TIMEOUT,
    MAX_FILE_BYTES,
    ActivityRefused,
    read_activity,
    read_activity_bytes,
)
from tests.cogs.splits.watch.builders import SEED_SESSION, BuiltLap

#: The seed workout's reps ("4 x 250m sprint + 1 x 300m").
SEED_REPS = (Decimal(250),) * 4 + (Decimal(300),)
STARTED = datetime(2026, 6, 5, 16, 30, tzinfo=UTC)


#: The seed session as a watch records it: the tests' own (warm-up, 4 × 250 m
#: with rest laps, 300 m, cool-down).
SESSION: tuple[BuiltLap, ...] = SEED_SESSION

# ------------------------------------------------------------------------ FIT

_FIT_EPOCH = datetime(1989, 12, 31, tzinfo=UTC)
_SEMICIRCLES = 2**31 / 180
# (global message, [(field number, size, base type)]); base types: enum 0x00,
# uint8 0x02, sint32 0x85, uint32 0x86, uint16 0x84, uint32z 0x8C.
_FILE_ID = (0, [(0, 1, 0x00), (1, 2, 0x84), (2, 2, 0x84), (3, 4, 0x8C), (4, 4, 0x86)])
_RECORD = (20, [(253, 4, 0x86), (0, 4, 0x85), (1, 4, 0x85), (5, 4, 0x86), (3, 1, 0x02)])
_LAP = (
    19,
    [
        (253, 4, 0x86),  # timestamp
        (2, 4, 0x86),  # start_time
        (7, 4, 0x86),  # total_elapsed_time, ms
        (8, 4, 0x86),  # total_timer_time, ms
        (9, 4, 0x86),  # total_distance, cm
        (23, 1, 0x00),  # intensity: active 0, rest 1
        (25, 1, 0x00),  # sport: running 1
    ],
)
_SESSION = (
    18,
    [(253, 4, 0x86), (2, 4, 0x86), (7, 4, 0x86), (8, 4, 0x86), (5, 1, 0x00), (26, 2, 0x84)],
)
_RECORD_DATA = struct.Struct("<BIiiIB")
_RECORD_BYTES = _RECORD_DATA.size  # 18


def _definition(local: int, message: tuple[int, list[tuple[int, int, int]]]) -> bytes:
    number, fields = message
    head = struct.pack("<BBBHB", 0x40 | local, 0, 0, number, len(fields))
    return head + b"".join(struct.pack("<BBB", *field) for field in fields)


def _fit_time(moment_s: float) -> int:
    return int(moment_s - _FIT_EPOCH.timestamp())


def fit_file(laps: Sequence[BuiltLap] = SESSION, *, records_per_lap: int = 2) -> bytes:
    """A FIT activity: file id, ``records_per_lap`` records per lap, the laps
    (intensity rest for rest laps), one running session; both CRCs right."""
    start = STARTED.timestamp()
    body = [
        _definition(0, _FILE_ID),
        struct.pack("<BBHHII", 0, 4, 1, 0, 0x12345678, _fit_time(start)),  # type activity
        _definition(1, _RECORD),
    ]
    lap_rows = []
    moment = start
    travelled = 0.0
    lat, lon = round(51.5007 * _SEMICIRCLES), round(-0.1246 * _SEMICIRCLES)
    for lap in laps:
        step = lap.distance_m / max(records_per_lap, 1)
        for point in range(records_per_lap):
            travelled += step
            at = _fit_time(moment + lap.seconds * (point + 1) / records_per_lap)
            body.append(_RECORD_DATA.pack(1, at, lat, lon, round(travelled * 100), 163))
        lap_rows.append(
            struct.pack(
                "<BIIIIIBB",
                2,
                _fit_time(moment + lap.seconds),
                _fit_time(moment),
                round(lap.seconds * 1000),
                round(lap.seconds * 1000),
                round(lap.distance_m * 100),
                1 if lap.rest else 0,
                1,
            )
        )
        moment += lap.seconds
    body.append(_definition(2, _LAP))
    body.extend(lap_rows)
    total_ms = round((moment - start) * 1000)
    body.append(_definition(3, _SESSION))
    body.append(
        struct.pack(
            "<BIIIIBH", 3, _fit_time(moment), _fit_time(start), total_ms, total_ms, 1, len(laps)
        )
    )
    data = b"".join(body)
    header = bytearray(struct.pack("<BBHI4sH", 14, 0x20, 2132, len(data), b".FIT", 0))
    header[12:14] = compute_crc(header, end=12).to_bytes(2, "little")
    whole = bytes(header) + data
    return whole + compute_crc(whole).to_bytes(2, "little")


def fit_records_for(megabytes: float, laps: int = len(SESSION)) -> int:
    """Records per lap for a FIT file of about ``megabytes`` (under the cap)."""
    target = min(int(megabytes * 1024 * 1024), MAX_FILE_BYTES) - 1024
    return max(1, target // (_RECORD_BYTES * laps))


# ------------------------------------------------------------------------ TCX

_TCX_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">\n'
    '  <Activities>\n    <Activity Sport="Running">\n      <Id>{start}</Id>\n'
)
_TCX_TAIL = "    </Activity>\n  </Activities>\n</TrainingCenterDatabase>\n"
_TRACKPOINT = (
    "          <Trackpoint><Time>{time}</Time><Position><LatitudeDegrees>51.5007"
    "</LatitudeDegrees><LongitudeDegrees>-0.1246</LongitudeDegrees></Position>"
    "<DistanceMeters>{distance:.1f}</DistanceMeters><HeartRateBpm><Value>163</Value>"
    "</HeartRateBpm></Trackpoint>\n"
)


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def tcx_file(laps: Sequence[BuiltLap] = SESSION, *, trackpoints_per_lap: int = 2) -> bytes:
    """A TCX activity with the laps and their trackpoints."""
    start = STARTED.timestamp()
    parts = [_TCX_HEAD.format(start=_iso(start))]
    moment = start
    travelled = 0.0
    for lap in laps:
        parts.append(
            f'      <Lap StartTime="{_iso(moment)}">\n'
            f"        <TotalTimeSeconds>{lap.seconds}</TotalTimeSeconds>\n"
            f"        <DistanceMeters>{lap.distance_m}</DistanceMeters>\n"
            f"        <Intensity>{'Resting' if lap.rest else 'Active'}</Intensity>\n"
            "        <TriggerMethod>Manual</TriggerMethod>\n        <Track>\n"
        )
        step = lap.distance_m / max(trackpoints_per_lap, 1)
        for point in range(trackpoints_per_lap):
            travelled += step
            at = moment + lap.seconds * (point + 1) / trackpoints_per_lap
            parts.append(_TRACKPOINT.format(time=_iso(at), distance=travelled))
        parts.append("        </Track>\n      </Lap>\n")
        moment += lap.seconds
    parts.append(_TCX_TAIL)
    return "".join(parts).encode()


def tcx_points_for(megabytes: float, laps: int = len(SESSION)) -> int:
    """Trackpoints per lap for a TCX file of about ``megabytes`` (under the cap)."""
    point = len(_TRACKPOINT.format(time=_iso(STARTED.timestamp()), distance=1234.5))
    target = min(int(megabytes * 1024 * 1024), MAX_FILE_BYTES) - 4096
    return max(1, target // (point * laps))


def billion_laughs(levels: int = 10) -> bytes:
    """A TCX whose lap holds an entity that would expand to 10**levels "lol"s."""
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, levels)
    ]
    body = tcx_file(SESSION[:2]).decode().split("?>", 1)[1]
    body = body.replace("<TriggerMethod>", f"<Notes>&lol{levels - 1};</Notes><TriggerMethod>", 1)
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE TrainingCenterDatabase [\n  '
        + "\n  ".join(entities)
        + "\n]>"
        + body
    ).encode()


# -------------------------------------------------------------------- measuring


def _status_mib(key: str) -> float | None:
    """A size from /proc/self/status (Linux), MiB; ``None`` elsewhere."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _reset_peak_rss() -> float:
    """Reset this process's peak RSS to its current RSS (Linux: ``clear_refs``
    5; ``ru_maxrss`` would carry the parent's peak across fork and exec);
    returns the RSS then, MiB."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as clear:
            clear.write("5")
    except OSError:
        pass
    return _peak_rss_mib()


def _peak_rss_mib() -> float:
    peak = _status_mib("VmHWM")
    if peak is None:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
    return peak


def _read_and_match(data: bytes, filename: str) -> str:
    """What the import does with the bytes; returns what came of it."""
    try:
        activity = read_activity_bytes(data, filename)
    except ActivityRefused as refusal:
        return "refused: " + refusal.message.split(":")[0]
    proposal = propose(activity.laps, SEED_REPS)
    return f"{len(activity.laps)} laps, proposed {','.join(map(str, proposal.chosen))}"


def measure(path: Path, repeat: int) -> dict[str, float | str]:
    """Time, tracemalloc peak and peak RSS growth of reading ``path``."""
    data = path.read_bytes()
    gc.collect()
    rss_before = _reset_peak_rss()
    times = []
    outcome = ""
    for _ in range(repeat):
        started = time.perf_counter()
        outcome = _read_and_match(data, path.name)
        times.append(time.perf_counter() - started)
    rss_growth = _peak_rss_mib() - rss_before
    gc.collect()
    tracemalloc.start()
    _read_and_match(data, path.name)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "file": path.name,
        "bytes": len(data),
        "outcome": outcome,
        "best_s": min(times),
        "median_s": statistics.median(times),
        "tracemalloc_peak_mib": peak / (1024 * 1024),
        "rss_growth_mib": rss_growth,
        "rss_mib": _peak_rss_mib(),
    }


async def bot_path(name: str, data: bytes) -> dict[str, float | str]:
    """:func:`read_activity` on a file (the bot's time limit) with a 1 ms
    ticker beside it: the outcome, the time, and the ticks' lateness."""
    late: list[float] = []
    reading = True

    async def tick() -> None:
        while reading:
            due = time.perf_counter() + 0.001
            await asyncio.sleep(0.001)
            late.append(max(0.0, time.perf_counter() - due))

    ticker = asyncio.create_task(tick())
    started = time.perf_counter()
    try:
        activity = await read_activity(data, name)
        outcome = f"{len(activity.laps)} laps"
    except ActivityRefused as refusal:
        outcome = "refused: " + refusal.message.split(":")[0]
    elapsed = time.perf_counter() - started
    reading = False
    await ticker
    late.sort()
    return {
        "file": name,
        "outcome": outcome,
        "elapsed_s": elapsed,
        "lag_p50_ms": late[len(late) // 2] * 1000 if late else 0.0,
        "lag_p99_ms": late[int(len(late) * 0.99)] * 1000 if late else 0.0,
        "lag_max_ms": late[-1] * 1000 if late else 0.0,
    }


def _measure_in_child(path: Path, repeat: int) -> dict[str, float | str]:
    command = [sys.executable, __file__, "--child", str(path), "--repeat", str(repeat)]
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"reading {path.name} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(
    megabytes: float = 9.9, repeat: int = 3, in_process: bool = False
) -> list[dict[str, float | str]]:
    """Make the three files, read each, print two tables; returns the rows
    of both (the reads, then the bot's path)."""
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        made = time.perf_counter()
        fit_records = fit_records_for(megabytes)
        tcx_points = tcx_points_for(megabytes)
        files = {
            "session.fit": fit_file(records_per_lap=fit_records),
            "session.tcx": tcx_file(trackpoints_per_lap=tcx_points),
            "laughs.tcx": billion_laughs(),
        }
        made = time.perf_counter() - made
        paths = []
        for name, data in files.items():
            path = Path(folder) / name
            path.write_bytes(data)
            paths.append(path)
        print(
            f"Watch files for /splits import: {fit_records * len(SESSION):,} FIT records, "
            f"{tcx_points * len(SESSION):,} TCX trackpoints, 11 laps each "
            f"(made in {made:.1f} s); read + matched to the seed workout's reps"
        )
        where = "this process" if in_process else "a fresh process per file"
        print(f"best / median of {repeat} reads; memory in a separate traced read ({where})")
        head = (
            f"{'file':<12} {'size':>10} {'best':>9} {'median':>9} {'MB/s':>6}"
            f" {'tracemalloc':>11} {'RSS +':>6} {'RSS':>7}  outcome"
        )
        print(head)
        print("-" * (len(head) + 30))
        for path in paths:
            row = measure(path, repeat) if in_process else _measure_in_child(path, repeat)
            rows.append(row)
            megabytes_read = float(row["bytes"]) / 1024 / 1024
            best = float(row["best_s"])
            rate = f"{megabytes_read / best:>6.1f}" if megabytes_read >= 0.01 else f"{'-':>6}"
            print(
                f"{row['file']:<12} {megabytes_read:>7.2f} MB {_ms(best):>9}"
                f" {_ms(float(row['median_s'])):>9} {rate}"
                f" {float(row['tracemalloc_peak_mib']):>7.2f} MiB"
                f" {float(row['rss_growth_mib']):>2.0f} MiB {float(row['rss_mib']):>3.0f} MiB"
                f"  {row['outcome']}"
            )
        print()
        print(
            f"The bot's path: read_activity (worker thread, {DEFAULT_TIMEOUT:g} s limit) beside"
            " a coroutine ticking every 1 ms; how late the ticks ran"
        )
        head = f"{'file':<12} {'time':>9} {'tick p50':>9} {'p99':>9} {'max':>9}  outcome"
        print(head)
        print("-" * (len(head) + 30))
        for name, data in files.items():
            row = asyncio.run(bot_path(name, data))
            rows.append(row)
            print(
                f"{row['file']:<12} {_ms(float(row['elapsed_s'])):>9}"
                f" {float(row['lag_p50_ms']):>6.2f} ms {float(row['lag_p99_ms']):>6.2f} ms"
                f" {float(row['lag_max_ms']):>6.2f} ms  {row['outcome']}"
            )
    print(
        f"(limits: {MAX_FILE_BYTES // (1024 * 1024)} MB a file, {DEFAULT_TIMEOUT:g} s a read;"
        " tracemalloc: the peak of Python's allocations during the read, beyond the file's"
        " bytes; RSS +: growth of the process's peak resident memory over the timed reads;"
        " RSS: that peak, the file's bytes included)"
    )
    return rows


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms" if seconds < 10 else f"{seconds:,.1f} s"


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--megabytes", type=float, default=9.9, help="FIT and TCX size")
    parser.add_argument("--repeat", type=int, default=3, help="timed reads per file")
    parser.add_argument("--in-process", action="store_true", help="no child processes")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.repeat)))
    else:
        main(args.megabytes, args.repeat, args.in_process)
