"""PNG charts for ``/splits chart``: rep paces and progress over time, readable on a phone.

Why it looks like this:

* Athletes open these in the Discord mobile app, so the image is about
  1000×650 px with big type (title 20 pt, axis labels 16 pt, ticks 14 pt) and
  few, clearly labelled elements.
* Paces are compared as the 400 m-equivalent pace (the same number the text
  replies show), and the tick labels use :func:`bot.domain.times.format_time`
  so a chart never says ``62.0`` where a reply says ``1:02.00``.
* Bars start a little below the fastest rep rather than at zero: reps are
  usually within a few percent of each other, and from zero every bar would
  look the same. The exact time is written on every bar.

Why no :mod:`matplotlib.pyplot`: the bot renders charts off the event loop with
:func:`asyncio.to_thread`, possibly several at once. pyplot keeps a global
"current figure" and picks a GUI backend; a :class:`~matplotlib.figure.Figure`
with its own :class:`~matplotlib.backends.backend_agg.FigureCanvasAgg` has
neither, so each call owns everything it touches and nothing global is changed
(not even ``matplotlib.use``). Every size, colour and font is passed
explicitly instead of through ``rcParams`` for the same reason. Text that may
come from users (titles, labels) is drawn with mathtext off, so a ``$`` in a
name is just a dollar sign.

matplotlib is imported on first use, in the worker thread that draws the
chart: it is ~0.4 s and ~44 MiB of the bot's start-up, for a command few people
run.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from bot.domain.times import format_time

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["ProgressPoint", "RepBar", "progress_chart", "rep_chart"]

# 10 × 6.5 inches at 100 dpi: 1000 × 650 px, a comfortable landscape size on a phone.
_FIGSIZE = (10.0, 6.5)
_DPI = 100

_TITLE_PT = 20
_LABEL_PT = 16
_TICK_PT = 14
_ANNOTATION_PT = 14
_LEGEND_PT = 14

_BAR_COLOUR = "#2b6cb0"
_LINE_COLOUR = "#2b6cb0"
_TARGET_COLOUR = "#d9480f"
_TEXT_COLOUR = "#1a202c"
_GRID_COLOUR = "#cbd5e0"

_PACE_LABEL = "Pace per 400 m (lower is faster)"
# Beyond this many reps only every n-th x tick label is shown so they stay legible.
_MAX_X_LABELS = 12


@dataclass(frozen=True)
class RepBar:
    """One rep in :func:`rep_chart`.

    ``label`` is the x tick label (``"1\\n250 m"``), ``per_400_ms`` the rep's
    400 m-equivalent pace in milliseconds and ``time_ms`` the rep's own time,
    written on the bar.
    """

    label: str
    per_400_ms: float
    time_ms: int


@dataclass(frozen=True)
class ProgressPoint:
    """One day in :func:`progress_chart`: the average 400 m-equivalent pace that day."""

    day: date
    per_400_ms: float


def _check_pace(value: float, what: str) -> float:
    seconds = float(value) / 1000
    if not math.isfinite(seconds) or seconds <= 0:
        raise ValueError(f"{what} must be a positive, finite pace in ms, not {value!r}")
    return seconds


def _pace_tick(seconds: float, _position: float | None = None) -> str:
    """Tick label for a pace axis held in seconds: ``47.65``, ``1:02.00``."""
    if not math.isfinite(seconds) or seconds < 0:
        return ""
    return format_time(round(seconds * 1000, 3))


def _new_figure() -> tuple[Figure, Axes]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    figure = Figure(figsize=_FIGSIZE, dpi=_DPI, facecolor="white")
    FigureCanvasAgg(figure)  # attaches itself as figure.canvas
    axes = figure.add_subplot()
    axes.set_facecolor("white")
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.tick_params(axis="both", labelsize=_TICK_PT, colors=_TEXT_COLOUR)
    axes.grid(axis="y", color=_GRID_COLOUR, linewidth=1, zorder=0)
    axes.set_axisbelow(True)
    axes.yaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
    axes.yaxis.set_major_formatter(FuncFormatter(_pace_tick))
    return figure, axes


def _set_title(axes: Axes, title: str) -> None:
    axes.set_title(
        title, fontsize=_TITLE_PT, fontweight="bold", color=_TEXT_COLOUR, pad=14, parse_math=False
    )


def _render(figure: Figure) -> bytes:
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=_DPI, facecolor="white")
    return buffer.getvalue()


def _pace_limits(
    low: float, high: float, headroom: float, footroom: float = 0.25
) -> tuple[float, float]:
    """y limits (seconds) that start a little below the fastest pace.

    ``high`` ends up at ``1 - headroom`` of the axis height, leaving room above
    the slowest value for the time labels and the legend.
    """
    spread = high - low
    pad = max(spread * footroom, high * 0.01, 0.2)
    bottom = max(0.0, low - pad)
    top = bottom + (high - bottom) / (1 - headroom)
    return bottom, top


def rep_chart(title: str, bars: Sequence[RepBar], target_per_400_ms: float | None = None) -> bytes:
    """Bar chart of each rep's 400 m-equivalent pace; returns PNG bytes.

    Each bar is labelled with the rep's time. With ``target_per_400_ms`` a
    dashed target line is drawn and named in a legend. Raises
    :class:`ValueError` when ``bars`` is empty or a pace is not a positive
    number. Safe to call from several threads at once.
    """
    if not bars:
        raise ValueError("rep_chart needs at least one rep")
    paces = [_check_pace(bar.per_400_ms, "per_400_ms") for bar in bars]
    target = None if target_per_400_ms is None else _check_pace(target_per_400_ms, "target")

    count = len(bars)
    many = count > 12
    annotation_pt = _ANNOTATION_PT if count <= 12 else 12 if count <= 24 else 10
    tick_pt = _TICK_PT if count <= 12 else 12
    headroom = 0.28 if many else 0.14
    if target is not None:
        headroom += 0.1  # the legend sits in the top band

    figure, axes = _new_figure()
    positions = list(range(count))
    axes.bar(positions, paces, width=0.7, color=_BAR_COLOUR, zorder=2)

    for position, bar, pace in zip(positions, bars, paces, strict=True):
        axes.annotate(
            format_time(bar.time_ms),
            xy=(position, pace),
            xytext=(0, 4),
            textcoords="offset points",
            ha="center",
            va="bottom",
            rotation=90 if many else 0,
            fontsize=annotation_pt,
            color=_TEXT_COLOUR,
            annotation_clip=False,
            zorder=4,  # above the target line
        )

    low = min([*paces, target] if target is not None else paces)
    high = max([*paces, target] if target is not None else paces)
    axes.set_ylim(*_pace_limits(low, high, headroom))
    axes.set_xlim(-0.6, count - 0.4)

    step = math.ceil(count / _MAX_X_LABELS)
    labels = [bar.label if index % step == 0 else "" for index, bar in enumerate(bars)]
    axes.set_xticks(positions)
    axes.set_xticklabels(labels, fontsize=tick_pt)
    for tick_label in axes.get_xticklabels():
        tick_label.set_parse_math(False)
    axes.tick_params(axis="x", length=0)

    if target is not None:
        axes.axhline(
            target,
            color=_TARGET_COLOUR,
            linestyle="--",
            linewidth=2.5,
            zorder=3,
            label=f"Target {format_time(round(target * 1000, 3))} per 400 m",
        )
        axes.legend(loc="upper right", fontsize=_LEGEND_PT, framealpha=0.95)

    axes.set_xlabel("Rep", fontsize=_LABEL_PT, color=_TEXT_COLOUR)
    axes.set_ylabel(_PACE_LABEL, fontsize=_LABEL_PT, color=_TEXT_COLOUR)
    _set_title(axes, title)
    return _render(figure)


def progress_chart(title: str, distance_label: str, points: Sequence[ProgressPoint]) -> bytes:
    """Line chart of the average 400 m-equivalent pace for one rep distance over time.

    ``distance_label`` names the rep distance (``"300 m"``) and appears in the
    y label. Points are drawn in date order; with a dozen points or fewer each
    is labelled with its pace. Returns PNG bytes; raises :class:`ValueError`
    when ``points`` is empty or a pace is not a positive number. Safe to call
    from several threads at once.
    """
    if not points:
        raise ValueError("progress_chart needs at least one point")
    ordered = sorted(points, key=lambda point: point.day)
    days = [point.day for point in ordered]
    paces = [_check_pace(point.per_400_ms, "per_400_ms") for point in ordered]

    figure, axes = _new_figure()
    axes.grid(axis="x", color=_GRID_COLOUR, linewidth=1, zorder=0)
    axes.plot(
        days,
        paces,
        color=_LINE_COLOUR,
        linewidth=2.5,
        marker="o",
        markersize=9,
        zorder=3,
    )
    if len(ordered) <= 12:
        for day, pace in zip(days, paces, strict=True):
            axes.annotate(
                format_time(round(pace * 1000, 3)),
                xy=(day, pace),
                xytext=(0, 10),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=_ANNOTATION_PT - 2,
                color=_TEXT_COLOUR,
                annotation_clip=False,
            )

    bottom, top = _pace_limits(min(paces), max(paces), headroom=0.15, footroom=0.3)
    axes.set_ylim(bottom, top)

    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

    locator = AutoDateLocator(minticks=3, maxticks=7)
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    axes.tick_params(axis="x", labelsize=_TICK_PT)
    if len(set(days)) == 1:
        # A single day would give a zero-width axis; show the week around it.
        only = days[0].toordinal()
        axes.set_xlim(date.fromordinal(only - 3), date.fromordinal(only + 3))
    else:
        axes.margins(x=0.06)

    axes.set_xlabel("Date", fontsize=_LABEL_PT, color=_TEXT_COLOUR)
    ylabel = axes.set_ylabel(
        f"{distance_label} reps: average pace per 400 m\n(lower is faster)",
        fontsize=_LABEL_PT,
        color=_TEXT_COLOUR,
    )
    ylabel.set_parse_math(False)
    _set_title(axes, title)
    return _render(figure)
