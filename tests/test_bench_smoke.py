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
import post_scale_bench


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
