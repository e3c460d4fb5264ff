"""Tests for cogs.splits.charts: valid PNGs of a phone-friendly size, thread-safe rendering."""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
from matplotlib.image import imread

from cogs.splits.charts import ProgressPoint, RepBar, progress_chart, rep_chart

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# The seed workout: 4 × 250 m + 1 × 300 m.
SEED = [(250, 29780), (250, 29980), (250, 31310), (250, 31200), (300, 37470)]
SEED_BARS = [
    RepBar(f"{index}\n{metres} m", time_ms * 400 / metres, time_ms)
    for index, (metres, time_ms) in enumerate(SEED, start=1)
]


def _decode(png: bytes):
    assert png.startswith(PNG_SIGNATURE)
    return imread(io.BytesIO(png))


def test_rep_chart_is_a_decodable_png_of_phone_size() -> None:
    image = _decode(rep_chart("Ana — Sprint session, 2017-06-05", SEED_BARS))
    height, width = image.shape[:2]
    assert width >= 600
    assert 900 <= width <= 1600
    assert 500 <= height <= 1100
    assert width > height


def test_target_line_changes_the_image() -> None:
    without = rep_chart("10 × 400 m", SEED_BARS)
    with_target = rep_chart("10 × 400 m", SEED_BARS, target_per_400_ms=49_000)
    assert with_target.startswith(PNG_SIGNATURE)
    assert with_target != without
    assert _decode(with_target).shape == _decode(without).shape


def test_target_outside_the_bars_still_renders() -> None:
    assert rep_chart("Slow target", SEED_BARS, target_per_400_ms=75_000).startswith(PNG_SIGNATURE)
    assert rep_chart("Fast target", SEED_BARS, target_per_400_ms=30_000).startswith(PNG_SIGNATURE)


def test_many_bars_still_render() -> None:
    bars = [RepBar(f"{i}\n200 m", 60_000 + i * 137.5, 30_000 + i * 69) for i in range(1, 41)]
    image = _decode(rep_chart("40 × 200 m", bars, target_per_400_ms=62_000))
    assert image.shape[1] >= 600


def test_single_bar_and_equal_bars_render() -> None:
    one = [RepBar("1\n1 mile", 58_690, 236_130)]
    assert rep_chart("Mile", one).startswith(PNG_SIGNATURE)
    same = [RepBar(f"{i}\n400 m", 68_000, 68_000) for i in range(1, 6)]
    assert rep_chart("Even", same, target_per_400_ms=68_000).startswith(PNG_SIGNATURE)


def test_user_text_is_not_mathtext() -> None:
    # "$\\nope$" would make mathtext raise; titles and labels come from users.
    bad = "Ana $\\nope$ 5"
    bars = [RepBar(f"{i}\n{bad}", 49_960, 37_470) for i in range(1, 15)]
    assert rep_chart(bad, bars).startswith(PNG_SIGNATURE)
    assert rep_chart(bad, bars[:3], target_per_400_ms=50_000).startswith(PNG_SIGNATURE)
    points = [ProgressPoint(date(2026, 11, 1), 49_960)]
    assert progress_chart(bad, bad, points).startswith(PNG_SIGNATURE)


def test_empty_input_raises() -> None:
    with pytest.raises(ValueError):
        rep_chart("Nothing", [])
    with pytest.raises(ValueError):
        progress_chart("Nothing", "300 m", [])


@pytest.mark.parametrize("bad", [0, -1.0, float("nan"), float("inf")])
def test_bad_pace_raises(bad: float) -> None:
    with pytest.raises(ValueError):
        rep_chart("Bad", [RepBar("1", bad, 30_000)])
    with pytest.raises(ValueError):
        rep_chart("Bad target", SEED_BARS, target_per_400_ms=bad)
    with pytest.raises(ValueError):
        progress_chart("Bad", "300 m", [ProgressPoint(date(2026, 1, 1), bad)])


def test_progress_chart_renders() -> None:
    start = date(2026, 9, 1)
    points = [
        ProgressPoint(start + timedelta(days=7 * i), 50_000 - 200 * i + 150 * (i % 3))
        for i in range(9)
    ]
    image = _decode(progress_chart("Ana — 300 m reps", "300 m", points))
    assert image.shape[1] >= 600


def test_progress_chart_single_day_and_unsorted_input() -> None:
    one = [ProgressPoint(date(2026, 11, 28), 49_960)]
    assert _decode(progress_chart("One day", "300 m", one)).shape[1] >= 600
    shuffled = [
        ProgressPoint(date(2026, 11, 3), 50_100),
        ProgressPoint(date(2025, 1, 3), 52_000),
        ProgressPoint(date(2026, 2, 3), 51_000),
        ProgressPoint(date(2026, 2, 3), 50_900),
    ]
    assert _decode(progress_chart("Long span", "250 m", shuffled)).shape[1] >= 600


def test_rep_chart_from_four_threads_at_once() -> None:
    def render(index: int) -> bytes:
        bars = [RepBar(f"{i}\n250 m", 47_000 + index * 100 + i * 50, 29_000 + i) for i in range(8)]
        return rep_chart(f"Thread {index}", bars, target_per_400_ms=48_000)

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(render, range(4)))
    assert len(results) == 4
    for png in results:
        assert _decode(png).shape[1] >= 600
    # Each call drew its own figure: different data, different images.
    assert len(set(results)) == 4
