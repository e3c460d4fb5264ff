"""The benchmark scripts still run (tiny sizes; figures not checked): a
refactor that breaks ``make bench`` should fail ``make test`` instead."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# The scripts import their shared ``_harness`` as a sibling module.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import burst_bench
import latency_bench
import paced_posting_bench
import post_scale_bench
import watch_bench

from cogs.splits.watch import read_activity_bytes
from tests.cogs.splits.watch.builders import SEED_SESSION, interval_fit


async def test_latency_bench_runs(capsys: pytest.CaptureFixture[str]) -> None:
    await latency_bench.main(count=3, profile=False)
    out = capsys.readouterr().out
    assert "/splits submit (new)" in out
    assert "baseline (same reply)" in out


async def test_burst_bench_counts_rows(capsys: pytest.CaptureFixture[str]) -> None:
    [burst] = await burst_bench.main([5])
    # Every athlete answered and stored exactly once, with all five reps.
    assert burst.ok == burst.stored == 5
    assert burst.duplicates == burst.missed_deadline == burst.error_replies == 0
    assert burst.split_rows == 5 * burst_bench.REPS
    [row] = [
        line for line in capsys.readouterr().out.splitlines() if line.lstrip().startswith("5 ")
    ]
    assert row.endswith("  yes")  # the table's "stored exactly once" column


async def test_post_scale_child_posts_every_server() -> None:
    figures = await post_scale_bench.child(5, trace=False)
    assert figures["posted"] == figures["messages_in_channels"] == 5
    assert figures["tick_selects"] == 1


async def test_paced_posting_bench_posts_every_server_without_a_429() -> None:
    [figures] = await paced_posting_bench.main(5, rate=None, unpaced=0)
    assert figures["posted"] == figures["messages"] == 5
    assert figures["post_rate"] == 45 and figures["rate_limited_total"] == 0


def test_watch_bench_reads_its_files(capsys: pytest.CaptureFixture[str]) -> None:
    # The bench's struct-written FIT reads to the same laps as fit-tool's.
    fast = read_activity_bytes(watch_bench.fit_file(records_per_lap=3), "a.fit")
    assert fast == read_activity_bytes(interval_fit(SEED_SESSION, records_per_lap=3), "a.fit")
    rows = watch_bench.main(megabytes=0.02, repeat=1, in_process=True)
    assert [row["outcome"] for row in rows[:2]] == ["11 laps, proposed 2,4,6,8,10"] * 2
    assert str(rows[2]["outcome"]).startswith("refused: This is not a valid TCX file")
    assert [row["outcome"] for row in rows[3:5]] == ["11 laps"] * 2
    assert "session.fit" in capsys.readouterr().out
