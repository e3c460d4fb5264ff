"""Reading the splits an athlete types after a workout, matching them to the reps, and
the numbers a coach reads from them.

Athletes type splits on a phone straight after the last rep, so the format is
whatever their thumbs produce: ``29.78 29.98 31.31 31.20 37.47``,
``29.78/29.98/31.31/31.20, 37.47``, the seed's ``29.78 / 29.98 31.31 / 31.20 37.47``,
or with distances, ``250m: 29.78 / 29.98 / 31.31 / 31.20; 300m: 37.47`` (a label
with a colon applies to the times after it, until the next label) and
``300m 37.47, 300m 38.10`` (a distance without a colon applies to the next time
only). Times use :func:`~bot.domain.times.parse_time`, so ``1:02.3`` works.

Matching is strict on purpose: a split stored against the wrong rep silently
corrupts an athlete's history, so when the count or a labelled distance does
not fit the day's reps the athlete is told what was expected and what was
received, and nothing is stored.

The analysis is exact: paces are :class:`fractions.Fraction` milliseconds from
:func:`~bot.domain.pace.pace_per`, rounded once, for display, by
:func:`~bot.domain.times.format_time`. The seed workout gives 47.65, 47.97,
50.10, 49.92 and 49.96 per 400 m, a 250 m average of 30.57 (48.91 per 400 m)
and a fade of +4.8 %.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from bot.domain.distance import format_distance, parse_distance
from bot.domain.errors import InputError
from bot.domain.limits import MAX_REP_M, MIN_REP_M
from bot.domain.marks import DASHES, QUOTES
from bot.domain.pace import pace_per
from bot.domain.times import format_delta, format_time, parse_time, round_half_up
from bot.domain.workout import Rep, summarise_distances

__all__ = [
    "MAX_SPLITS",
    "DistanceSummary",
    "MatchedSplit",
    "RepResult",
    "SplitAnalysis",
    "SplitEntry",
    "analyse",
    "format_fade",
    "match_splits",
    "parse_splits",
]

MAX_SPLITS = 200
"""The most splits one submission may carry (a workout has at most 200 reps)."""

ON_TARGET_PERCENT = 1
"""A rep within this many percent of its target counts as on target."""

_EXAMPLE = "`29.78 / 29.98 / 31.31 / 31.20 / 37.47`"
_LABELLED_EXAMPLE = "`250m: 29.78 / 29.98 / 31.31 / 31.20; 300m: 37.47`"
_HINT = "Type one time per rep, in order, like `29.78 / 29.98 / 31.31`."
_SUMMARY_LIMIT = 300
_EXAMPLE_PACE_MS = 60_000  # per 400 m, for examples built from the day's reps

_MARKS = str.maketrans({**QUOTES, **DASHES, "×": "x", "\u00a0": " "})
_DISTANCE_UNITS = r"(?:m|metres?|meters?|k|km|kms|mi|miles?|y|yd|yds)"
_COUNT_BEFORE_LABEL = re.compile(
    r"(?<![0-9.])[0-9]+\s*[x*]\s*(?=(?:[0-9]+(?:\.[0-9]+)?|mile)\s*[a-z]*\s*:(?![0-9]))",
    re.IGNORECASE | re.ASCII,
)
_JOIN_UNIT = re.compile(
    rf"([0-9.])\s+({_DISTANCE_UNITS}|s|sec|secs)(?![a-z0-9])", re.IGNORECASE | re.ASCII
)
_HALF_MARATHON = re.compile(r"half[\s-]+marathon", re.IGNORECASE | re.ASCII)
_SPACE_COLON = re.compile(r"\s+:(?![0-9])")
_SEPARATORS = re.compile(r"[\s/,;|+&]+")
_DISTANCE_TOKEN = re.compile(
    rf"(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+){_DISTANCE_UNITS}|mile|half|halfmarathon|hm|marathon",
    re.IGNORECASE | re.ASCII,
)
_GLUED_LABEL = re.compile(
    rf"((?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+){_DISTANCE_UNITS}|mile|half|hm|marathon):(.+)",
    re.IGNORECASE | re.ASCII,
)
_DECIMAL_COMMA = re.compile(r"[0-9],[0-9]{1,2}(?![0-9])", re.ASCII)
_PUNCTUATION = re.compile(r"[-.:=·•_~]+")


def _show(text: str, limit: int = 24) -> str:
    cleaned = " ".join(text.split()).replace("`", "'")
    if len(cleaned) > limit:
        cleaned = cleaned[: limit - 1] + "…"
    return f"`{cleaned}`"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


# --------------------------------------------------------------------------- parsing


@dataclass(frozen=True)
class SplitEntry:
    """One time the athlete typed, with the distance they gave it (``None`` when unlabelled)."""

    time_ms: int
    distance_m: Decimal | None = None


def _tokens(text: str) -> list[str]:
    text = _COUNT_BEFORE_LABEL.sub("", text)
    text = _HALF_MARATHON.sub("halfmarathon", text)
    text = _JOIN_UNIT.sub(r"\1\2", text)
    text = _SPACE_COLON.sub(":", text)
    tokens: list[str] = []
    for raw in _SEPARATORS.split(text):
        if not raw or _PUNCTUATION.fullmatch(raw):
            continue
        glued = _GLUED_LABEL.fullmatch(raw)
        if glued:
            tokens.extend([glued.group(1) + ":", glued.group(2)])
        else:
            tokens.append(raw)
    return tokens


def _label_distance(token: str, number: int) -> Decimal:
    try:
        return parse_distance(token).metres
    except InputError as error:
        raise InputError(
            f"Split {number}: {_show(token)} isn't a distance I can use as a label. "
            f"{error.message}",
            _LABELLED_EXAMPLE,
        ) from None


def _decimal_commas(text: str) -> bool:
    """``29,78 29,98``: commas used as decimal points (no dots anywhere, other separators)."""
    return (
        "." not in text
        and _DECIMAL_COMMA.search(text) is not None
        and re.search(r"[\s/;|]", text.strip()) is not None
    )


def parse_splits(text: str) -> list[SplitEntry]:
    """Read an athlete's splits, in order (see the module docstring for the forms).

    Raises :class:`~bot.domain.errors.InputError` naming the first token that
    is not a time or a distance, a distance with no time after it, an empty
    text, or more than :data:`MAX_SPLITS` times. Never raises anything else.
    """
    if not isinstance(text, str) or not text.strip():
        raise InputError("No splits given. " + _HINT, _EXAMPLE)
    normalised = text.translate(_MARKS)
    if _decimal_commas(normalised):
        raise InputError(
            "Use a dot for fractions of a second (`29.78`, not `29,78`), "
            "and spaces or slashes between times.",
            _EXAMPLE,
        )
    entries: list[SplitEntry] = []
    label: Decimal | None = None
    label_token: str | None = None
    label_used = True
    pending: Decimal | None = None
    pending_token: str | None = None
    for token in _tokens(normalised):
        number = len(entries) + 1
        lowered = token.lower()
        if lowered.endswith(":"):
            if pending_token is not None:
                raise InputError(f"{_show(pending_token)} has no time after it.", _EXAMPLE)
            if not label_used and label_token is not None:
                raise InputError(f"{_show(label_token)} has no times after it.", _LABELLED_EXAMPLE)
            label = _label_distance(lowered[:-1], number)
            label_token, label_used = token, False
            continue
        if _DISTANCE_TOKEN.fullmatch(lowered):
            if pending_token is not None:
                raise InputError(f"{_show(pending_token)} has no time after it.", _EXAMPLE)
            pending = _label_distance(lowered, number)
            pending_token = token
            continue
        try:
            time_ms = parse_time(token)
        except InputError as error:
            if not any(char.isdigit() for char in token):
                raise InputError(
                    f"Split {number}: {_show(token)} isn't a time. {_HINT}", _EXAMPLE
                ) from None
            raise InputError(f"Split {number}: {error.message}", error.example) from None
        distance = pending if pending is not None else label
        entries.append(SplitEntry(time_ms, distance))
        pending, pending_token, label_used = None, None, True
        if len(entries) > MAX_SPLITS:
            raise InputError(
                f"That is more than {MAX_SPLITS} times; a workout has at most {MAX_SPLITS} reps.",
                _EXAMPLE,
            )
    if pending_token is not None:
        raise InputError(f"{_show(pending_token)} has no time after it.", _EXAMPLE)
    if not label_used and label_token is not None:
        raise InputError(f"{_show(label_token)} has no times after it.", _LABELLED_EXAMPLE)
    if not entries:
        raise InputError("No times found. " + _HINT, _EXAMPLE)
    return entries


# --------------------------------------------------------------------------- matching


@dataclass(frozen=True)
class MatchedSplit:
    """A time matched to its rep: 1-based ``index``, the rep's distance and target."""

    index: int
    distance_m: Decimal
    time_ms: int
    target_ms: int | None = None


def _rep_parts(reps: Sequence[Decimal | Rep]) -> list[tuple[Decimal, int | None]]:
    parts: list[tuple[Decimal, int | None]] = []
    for rep in reps:
        if isinstance(rep, Rep):
            parts.append((rep.distance_m, rep.target_ms))
        else:
            parts.append((Decimal(rep), None))
    return parts


def _capped(summary: str) -> str:
    if len(summary) <= _SUMMARY_LIMIT:
        return summary
    cut = summary.rfind(", ", 0, _SUMMARY_LIMIT - 3)
    return (summary[:cut] if cut > 0 else summary[: _SUMMARY_LIMIT - 3]) + ", …"


def _received(entries: Sequence[SplitEntry]) -> str:
    """The times as read, so the athlete sees which one is missing or extra."""
    times = [format_time(entry.time_ms) for entry in entries]
    shown = ", ".join(times)
    if len(shown) <= _SUMMARY_LIMIT:
        return shown
    cut = shown.rfind(", ", 0, _SUMMARY_LIMIT - 3)
    return shown[:cut] + ", …"


def _expected(distances: Sequence[Decimal]) -> str:
    return f"{_capped(summarise_distances(distances))} — {_plural(len(distances), 'rep')}"


def _label(metres: Decimal) -> str:
    """A distance as a split label: ``250m``, ``1 mile``, ``half marathon``."""
    text = format_distance(metres)
    return text[:-2] + "m" if text.endswith(" m") else text


def _example_for(distances: Sequence[Decimal]) -> str:
    """A valid labelled example for these reps (even 60 s per 400 m), or the generic one."""
    if not distances or len(distances) > 12:
        return _LABELLED_EXAMPLE
    groups: list[tuple[Decimal, list[str]]] = []
    for metres in distances:
        time_text = format_time(pace_per(_EXAMPLE_PACE_MS, 400, metres))
        if groups and groups[-1][0] == metres:
            groups[-1][1].append(time_text)
        else:
            groups.append((metres, [time_text]))
    text = "; ".join(f"{_label(metres)}: {' / '.join(times)}" for metres, times in groups)
    return f"`{text}`"


def match_splits(
    entries: Sequence[SplitEntry], reps: Sequence[Decimal] | Sequence[Rep]
) -> list[MatchedSplit]:
    """Match times to reps in order.

    ``reps`` are the day's reps (:class:`~bot.domain.workout.Rep`, which bring
    their targets, or plain metres). Raises
    :class:`~bot.domain.errors.InputError` when the number of times differs
    from the number of reps or a labelled time's distance differs from its
    rep's; the message shows what was expected ("4 × 250 m, 1 × 300 m — 5
    reps") and what was received ("4 times"). With no reps, every time must
    carry its own distance, which is then used.
    """
    if not entries:
        raise InputError("No splits given. " + _HINT, _EXAMPLE)
    parts = _rep_parts(reps)
    if not parts:
        for number, entry in enumerate(entries, start=1):
            if entry.distance_m is None:
                raise InputError(
                    "This day's workout has no structured reps, so give each time its "
                    f"distance (time {number}, {format_time(entry.time_ms)}, has none): "
                    "`300m 37.47, 300m 38.10` or `250m: 29.78 / 29.98; 300m: 37.47`.",
                    "`300m: 37.47 / 38.10`",
                )
            if not MIN_REP_M <= entry.distance_m <= MAX_REP_M:
                raise InputError(
                    f"Time {number} ({format_time(entry.time_ms)}) is marked "
                    f"{format_distance(entry.distance_m)}; a rep is 1 m to 100 km.",
                    "`300m 37.47, 300m 38.10`",
                )
        return [
            MatchedSplit(number, entry.distance_m, entry.time_ms)
            for number, entry in enumerate(entries, start=1)
            if entry.distance_m is not None
        ]
    distances = [metres for metres, _ in parts]
    if len(entries) != len(parts):
        raise InputError(
            f"Expected {_expected(distances)}; received {_plural(len(entries), 'time')}: "
            f"{_received(entries)}.",
            _example_for(distances),
        )
    matched: list[MatchedSplit] = []
    for number, (entry, (metres, target)) in enumerate(zip(entries, parts, strict=True), start=1):
        if entry.distance_m is not None and entry.distance_m != metres:
            raise InputError(
                f"Time {number} ({format_time(entry.time_ms)}) is marked "
                f"{format_distance(entry.distance_m)}, but rep {number} is "
                f"{format_distance(metres)}. Expected {_expected(distances)}.",
                _example_for(distances),
            )
        matched.append(MatchedSplit(number, metres, entry.time_ms, target))
    return matched


# --------------------------------------------------------------------------- analysis


def format_fade(percent: Fraction) -> str:
    """A fade as a signed percentage with one decimal, half up: ``+4.8 %``, ``-1.2 %``."""
    tenths = round_half_up(abs(percent), Fraction(1, 10))
    sign = "-" if percent < 0 and tenths else "+"
    return f"{sign}{tenths // 10}.{tenths % 10} %"


@dataclass(frozen=True)
class RepResult:
    """One rep as run: time, 400 m-equivalent pace and, with a target, the difference."""

    index: int
    distance_m: Decimal
    time_ms: int
    per_400_ms: Fraction
    target_ms: int | None = None

    @property
    def delta_ms(self) -> int | None:
        """Time minus target (positive: slower than target)."""
        return None if self.target_ms is None else self.time_ms - self.target_ms

    @property
    def on_target(self) -> bool | None:
        """Within :data:`ON_TARGET_PERCENT` of the target (None without a target)."""
        if self.target_ms is None:
            return None
        return abs(self.time_ms - self.target_ms) * 100 <= self.target_ms * ON_TARGET_PERCENT

    @property
    def distance_text(self) -> str:
        return format_distance(self.distance_m)

    @property
    def time_text(self) -> str:
        return format_time(self.time_ms)

    @property
    def per_400_text(self) -> str:
        return format_time(self.per_400_ms)

    @property
    def delta_text(self) -> str | None:
        """``+0.4`` / ``-1.1`` (tenths), or None without a target."""
        delta = self.delta_ms
        return None if delta is None else format_delta(delta, digits=1)


@dataclass(frozen=True)
class DistanceSummary:
    """All reps of one distance: average, fastest, slowest and fade (last vs first)."""

    distance_m: Decimal
    count: int
    total_ms: int
    fastest_ms: int
    slowest_ms: int
    first_ms: int
    last_ms: int

    @property
    def average_ms(self) -> Fraction:
        return Fraction(self.total_ms, self.count)

    @property
    def average_per_400_ms(self) -> Fraction:
        return pace_per(self.average_ms, self.distance_m, 400)

    @property
    def fade_percent(self) -> Fraction | None:
        """(last − first) / first × 100; None with a single rep."""
        if self.count < 2:
            return None
        return Fraction(self.last_ms - self.first_ms, self.first_ms) * 100

    @property
    def distance_text(self) -> str:
        return format_distance(self.distance_m)

    @property
    def average_text(self) -> str:
        return format_time(self.average_ms)

    @property
    def average_per_400_text(self) -> str:
        return format_time(self.average_per_400_ms)

    @property
    def fastest_text(self) -> str:
        return format_time(self.fastest_ms)

    @property
    def slowest_text(self) -> str:
        return format_time(self.slowest_ms)

    @property
    def fade_text(self) -> str | None:
        fade = self.fade_percent
        return None if fade is None else format_fade(fade)


@dataclass(frozen=True)
class SplitAnalysis:
    """Everything the submit reply shows, exact until formatted."""

    reps: tuple[RepResult, ...]
    distances: tuple[DistanceSummary, ...]
    total_ms: int
    total_m: Decimal

    @property
    def overall_per_400_ms(self) -> Fraction:
        """Total time ÷ total distance, per 400 m (what the team board ranks by)."""
        return pace_per(self.total_ms, self.total_m, 400)

    @property
    def overall_per_400_text(self) -> str:
        return format_time(self.overall_per_400_ms)

    @property
    def total_text(self) -> str:
        return format_time(self.total_ms)

    @property
    def reps_with_target(self) -> int:
        return sum(1 for rep in self.reps if rep.target_ms is not None)

    @property
    def reps_on_target(self) -> int:
        return sum(1 for rep in self.reps if rep.on_target)

    @property
    def target_text(self) -> str | None:
        """``7 of 10 reps on target (within 1 %)``, or None when no rep has a target."""
        if not self.reps_with_target:
            return None
        return (
            f"{self.reps_on_target} of {_plural(self.reps_with_target, 'rep')} on target "
            f"(within {ON_TARGET_PERCENT} %)"
        )

    @property
    def fastest_by_distance(self) -> dict[Decimal, int]:
        """The fastest time at each distance, for personal bests."""
        return {summary.distance_m: summary.fastest_ms for summary in self.distances}


def analyse(matched: Sequence[MatchedSplit]) -> SplitAnalysis:
    """Per rep, per distance (in order of first appearance) and overall numbers.

    Raises ``ValueError`` for an empty list (:func:`match_splits` never returns one).
    """
    if not matched:
        raise ValueError("analyse() needs at least one matched split")
    results = tuple(
        RepResult(
            index=split.index,
            distance_m=split.distance_m,
            time_ms=split.time_ms,
            per_400_ms=pace_per(split.time_ms, split.distance_m, 400),
            target_ms=split.target_ms,
        )
        for split in matched
    )
    by_distance: dict[Decimal, list[int]] = {}
    for split in matched:
        by_distance.setdefault(split.distance_m, []).append(split.time_ms)
    summaries = tuple(
        DistanceSummary(
            distance_m=metres,
            count=len(times),
            total_ms=sum(times),
            fastest_ms=min(times),
            slowest_ms=max(times),
            first_ms=times[0],
            last_ms=times[-1],
        )
        for metres, times in by_distance.items()
    )
    total_m = sum((split.distance_m for split in matched), Decimal(0))
    return SplitAnalysis(
        reps=results,
        distances=summaries,
        total_ms=sum(split.time_ms for split in matched),
        total_m=total_m,
    )
