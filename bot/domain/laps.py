"""A watch's laps and the workout's reps: which laps were the reps.

Athletes press the lap button at each rep; the watch also records the
warm-up, the recoveries between reps (often marked "rest") and the cool-down.
:func:`propose` picks, in order, the laps that are the reps: laps marked rest
or recovery are skipped, and a lap matches a rep when its recorded distance
is within 10 % of the rep's. Pure: no file format, Discord or storage here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

#: A lap matches a rep when its recorded distance is within this share of the rep's.
TOLERANCE = Decimal("0.10")
#: Discord's select menus hold at most 25 options.
MAX_OFFERED = 25


@dataclass(frozen=True)
class Lap:
    number: int  # 1-based, in the file's order
    distance_m: Decimal | None  # as recorded; None when the watch recorded none
    time_ms: int  # timer time, rounded half up to hundredths (a multiple of 10)
    rest: bool  # the watch marked it rest or recovery


def lap_time_ms(seconds: Decimal | float | int | str) -> int:
    """A timer time in seconds, rounded half up to hundredths, in ms
    (578.725 s → 578_730). Floats go through ``str`` first, so 37.465 read
    from a file as a binary float still rounds as written."""
    value = seconds if isinstance(seconds, Decimal) else Decimal(str(seconds))
    return int(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) * 1000)


def matches(lap: Lap, rep_m: Decimal) -> bool:
    """Whether ``lap`` can be a rep of ``rep_m`` metres."""
    if lap.rest or lap.distance_m is None or rep_m <= 0:
        return False
    return abs(lap.distance_m - rep_m) <= rep_m * TOLERANCE


@dataclass(frozen=True)
class Proposal:
    """What the preview shows: every lap, the ones proposed as the reps (lap
    numbers, in order) and the ones the select menu offers."""

    laps: tuple[Lap, ...]
    chosen: tuple[int, ...]
    # In lap order: every chosen lap among them, unless more than 25 laps are
    # chosen (no workout, a long session): then the first 25 chosen.
    offered: tuple[int, ...]
    reps: tuple[Decimal, ...] | None  # the workout's rep distances; None: no workout

    @property
    def complete(self) -> bool:
        """Every rep found (always, without a workout)."""
        return self.reps is None or len(self.chosen) == len(self.reps)


def _match(laps: Sequence[Lap], reps: Sequence[Decimal]) -> tuple[int, ...]:
    """The longest run of the reps, from the first, found in order among the
    laps: each rep takes the first matching lap after the previous rep's
    (earliest-first is optimal for matching a sequence in order)."""
    chosen: list[int] = []
    position = 0
    for rep in reps:
        while position < len(laps) and not matches(laps[position], rep):
            position += 1
        if position == len(laps):
            break
        chosen.append(laps[position].number)
        position += 1
    return tuple(chosen)


def _closeness(lap: Lap, reps: Sequence[Decimal]) -> Decimal:
    """How far a lap is from being a rep (0: a perfect one); large for rest
    laps and laps without distance, so they are offered last."""
    if lap.distance_m is None:
        return Decimal(1_000_000)
    if not reps:
        return Decimal(1000) if lap.rest else Decimal(0)
    nearest = min(abs(lap.distance_m - rep) / rep for rep in reps if rep > 0)
    return nearest + (Decimal(1000) if lap.rest else Decimal(0))


def offered_laps(
    laps: Sequence[Lap], chosen: Sequence[int], reps: Sequence[Decimal], limit: int = MAX_OFFERED
) -> tuple[int, ...]:
    """The laps a select menu of ``limit`` options offers: the chosen ones
    (the first ``limit`` of them, if more are chosen), then the likeliest
    others (closest to a rep's distance, not rest), in lap order."""
    if len(laps) <= limit:
        return tuple(lap.number for lap in laps)
    keep = list(chosen[:limit])
    others = sorted(
        (lap for lap in laps if lap.number not in set(keep)),
        key=lambda lap: (_closeness(lap, reps), lap.number),
    )
    keep += [lap.number for lap in others[: limit - len(keep)]]
    return tuple(sorted(keep))


def propose(laps: Sequence[Lap], reps: Sequence[Decimal] | None) -> Proposal:
    """The laps that are the workout's reps (``reps``: its rep distances in
    order), or, without a workout (``None``), every lap not marked rest."""
    ordered = tuple(sorted(laps, key=lambda lap: lap.number))
    if reps is None:
        chosen = tuple(lap.number for lap in ordered if not lap.rest)
        wanted: tuple[Decimal, ...] = ()
    else:
        wanted = tuple(reps)
        chosen = _match(ordered, wanted)
    return Proposal(
        laps=ordered,
        chosen=chosen,
        offered=offered_laps(ordered, chosen, wanted),
        reps=None if reps is None else wanted,
    )
