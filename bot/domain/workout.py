"""Reading a coach's free-text workout into the ordered reps athletes run.

Coaches type workouts the way they write them on a whiteboard
(``4 x 250m sprint + 1 x 300m``, ``10x400m @ 68``, ``3 x (4 x 300m)``,
``200-400-600-400-200``), and everything downstream (matching splits to reps,
targets, the submit form's placeholder) needs the ordered list of reps those
words stand for. The parser is deliberately forgiving: text it cannot turn into
reps (``45' easy + strides``, ``Rest day``, a "main set:" label, a cool-down) is
kept as text, never an error, because the bot always shows the coach what it
understood ("Parsed: 4 × 250 m, 1 × 300 m") and a misparse is caught there.
The only errors are the explicit limits: a count above 100 and more than 200
reps in all.

Grammar, in the order it is tried inside each part of the text (parts are
separated by ``+ , ; & | then and`` or new lines, outside brackets):

* ``N x REP`` (``x``, ``X``, ``×``, ``*``), where REP is a distance
  (``400``, ``400m``, ``1k``, ``1 mile``, ``5k``), a bracketed list
  ``(4 x 300m + 1 x 200)`` or another ``M x REP`` (``3 x 4 x 300`` is
  ``3 x (4 x 300)``); ``N sets of REP`` and ``N rounds of REP``; ``(LIST) x N``;
* an optional target after a rep: ``@ 68`` (time per rep), ``@ 68/lap``,
  ``@ 68 per 400``, ``@ 3:10/km`` (a pace, scaled to each rep's distance);
  ``at``/``in`` work like ``@`` when a time follows;
* recovery, kept as text and never as reps: ``(90s)``, ``w/ 2' rest``,
  ``with 400 jog``, a part such as ``90" jog`` or ``2' rest`` after the reps;
* where no ``x`` is used: a ladder ``200-400-600-400-200`` (a unit on the last
  step applies to bare numbers: ``1-2-3k``) or a single distance (``5k tempo``,
  ``300m``), unless it is marked as warm-up, cool-down, easy, jog, strides and
  the like. A single distance written as a bare number counts only from 50 m
  up, so ``2 sets`` or ``3 rounds`` on their own are not reps.

Words after a rep's distance (``sprint``, ``tempo``) are kept as its note.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from bot.domain.distance import METRES_PER_MILE, Distance, format_distance, parse_distance
from bot.domain.errors import InputError
from bot.domain.limits import MAX_REP_M, MIN_REP_M
from bot.domain.marks import DASHES, QUOTES
from bot.domain.times import format_time, parse_time, round_half_up

__all__ = [
    "MAX_COUNT",
    "MAX_REPS",
    "Rep",
    "RepGroup",
    "Workout",
    "parse_workout",
    "parsed_summary",
    "short_summary",
    "summarise",
    "summarise_distances",
]

MAX_COUNT = 100
"""The largest ``N`` in ``N x …`` (and in ``N sets of …``)."""
MAX_REPS = 200
"""The most reps one workout may expand to."""

NO_REPS = "no structured reps"
_EXAMPLE = "`10 x 400m @ 68`"
_MAX_DEPTH = 4
_LAP_M = Decimal(400)

_FLAGS = re.IGNORECASE | re.ASCII

# One-for-one replacements only: positions in the normalised text stay meaningful.
_NORMALISE = str.maketrans(
    {
        **QUOTES,
        **DASHES,
        "×": "x",
        "✕": "x",
        "✖": "x",
        "[": "(",
        "]": ")",
        "{": "(",
        "}": ")",
        "\u00a0": " ",
        "\t": " ",
        "\r": "\n",
    }
)
_THOUSANDS = re.compile(r"(?<![0-9.,])([0-9]{1,2}),([0-9]{3})(?![0-9,.])")
_DECIMAL_COMMA = re.compile(
    r"(?<![0-9.,])([0-9]+),([0-9]{1,2})(?=\s*(?:km|k|mi|miles?)(?![a-z]))", _FLAGS
)
_SEPARATOR = re.compile(r"[+;\n|&·•,]|\bthen\b|\band\b", _FLAGS)
_WITH = re.compile(r"(?<![a-z])w/(?![uo](?![a-z]))|\bwith\b", _FLAGS)

_SETS = r"(?<![0-9a-z.])(?P<sets>[0-9]+)\s*(?:sets?|rounds?)\b\s*(?:of\b|x(?![a-z])|:)?\s*"
_COUNT = r"(?<![0-9a-z.])(?P<count>[0-9]+)\s*[x*](?:(?![a-z])|(?=mile|half|marathon))\s*"
_START = re.compile(rf"{_SETS}|{_COUNT}|(?P<paren>\()", _FLAGS)
_COUNT_ONLY = re.compile(_COUNT, _FLAGS)
_TIMES_AFTER_PAREN = re.compile(r"\s*[x*]\s*(?P<count>[0-9]+)(?![0-9.])", _FLAGS)
_LABEL = re.compile(r"[^0-9()]{0,40}?:\s*", _FLAGS)

_NAMED_DISTANCE = re.compile(r"(?:half[\s-]*marathon|marathon|half|hm|mile)(?![a-z0-9])", _FLAGS)
_NUMBER_UNIT = re.compile(
    r"(?P<number>[0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?P<space>\s*)(?P<unit>[a-z]+)?", _FLAGS
)
_TIME_UNITS = frozenset(
    {"s", "sec", "secs", "second", "seconds", "min", "mins", "minute", "minutes"}
    | {"h", "hr", "hrs", "hour", "hours"}
)
_LADDER_STEP = re.compile(r"\s*-\s*", _FLAGS)
# What follows ``N x`` when it is no usable distance: a number, maybe signed,
# maybe with a distance unit (``0m``, ``-400m``, ``1000000000m``, ``0.5``).
_REP_NUMBER = re.compile(
    r"(?P<sign>-\s*)?(?P<number>[0-9]+(?:\.[0-9]+)?|\.[0-9]+)\s*(?P<unit>[a-z]+)?(?![0-9.:'\"])",
    _FLAGS,
)
_REP_UNITS = {
    "": Decimal(1), "m": Decimal(1), "meter": Decimal(1), "meters": Decimal(1),
    "metre": Decimal(1), "metres": Decimal(1), "k": Decimal(1000), "km": Decimal(1000),
    "kms": Decimal(1000), "mi": METRES_PER_MILE, "mile": METRES_PER_MILE,
    "miles": METRES_PER_MILE, "y": Decimal("0.9144"), "yd": Decimal("0.9144"),
    "yds": Decimal("0.9144"),
}  # fmt: skip
_REP_RANGE_HINT = "a rep is 1 m to 100 km"

_TARGET = re.compile(r"\s*(?:@|\bat\b|\bin\b)\s*(?P<time>[0-9][0-9:.'\"]*(?:s(?![a-z]))?)", _FLAGS)
_RANGE = re.compile(r"\s*-\s*[0-9]", _FLAGS)
_PER = re.compile(r"\s*(?:/|\bper\b|\ba\b)\s*", _FLAGS)
_PER_WORDS: dict[str, Decimal] = {
    "lap": _LAP_M,
    "k": Decimal(1000),
    "km": Decimal(1000),
    "kilometre": Decimal(1000),
    "kilometer": Decimal(1000),
    "mile": METRES_PER_MILE,
    "mi": METRES_PER_MILE,
}
_PER_WORD = re.compile(r"(?P<word>lap|km|k|kilometre|kilometer|mile|mi)(?![a-z0-9])", _FLAGS)

_RECOVERY_WORDS = re.compile(
    r"\b(?:rests?|resting|jog\w*|walk\w*|recover\w*|rec|floats?|floating|standing|between"
    r"|off|jr|wr)\b",
    _FLAGS,
)
_NOT_A_REP = re.compile(
    r"\b(?:warm\w*|wu|w/u|cool\w*|cd|c/d|easy|jog\w*|walk\w*|recover\w*|rests?|floats?"
    r"|shakeout|shake|strides?|drills?|long|off)\b",
    _FLAGS,
)
_NOT_A_DISTANCE_AFTER = re.compile(r"\s*[-/:.,][0-9]", _FLAGS)  # 2026-06-05, 4/6
_PURE_TIME = re.compile(r"[0-9][0-9:.'\"]*(?:s|sec|secs|min|mins)?", _FLAGS)


# --------------------------------------------------------------------------- public types


@dataclass(frozen=True)
class Rep:
    """One rep to run: its distance in exact metres and, when the coach set one, a target.

    ``set_index`` is the 1-based set within a repeated block (``3 x (4 x 300m)``
    gives sets 1, 2, 3), ``None`` outside one; ``group_index`` is the index in
    :attr:`Workout.groups` of the top-level group the rep belongs to.
    """

    distance_m: Decimal
    target_ms: int | None = None
    set_index: int | None = None
    group_index: int = 0


@dataclass(frozen=True)
class RepGroup:
    """A group as the coach typed it, for display.

    A plain group is ``count`` reps of ``distance_m`` (shown as ``label``),
    each with ``target_ms`` when set; ``note`` keeps words such as ``sprint``.
    A set block (``3 x (4 x 300m)``) has ``count`` sets of its ``groups`` and
    no distance of its own.
    """

    count: int
    distance_m: Decimal | None = None
    label: str | None = None
    target_ms: int | None = None
    note: str | None = None
    groups: tuple[RepGroup, ...] = ()

    @property
    def is_block(self) -> bool:
        return bool(self.groups)

    @property
    def rep_count(self) -> int:
        if self.groups:
            return self.count * sum(group.rep_count for group in self.groups)
        return self.count


@dataclass(frozen=True)
class Workout:
    """A workout: the coach's text, its reps in running order, its groups and recovery text."""

    text: str
    reps: tuple[Rep, ...] = ()
    groups: tuple[RepGroup, ...] = ()
    recovery: str | None = None

    @property
    def distances(self) -> tuple[Decimal, ...]:
        return tuple(rep.distance_m for rep in self.reps)

    @property
    def has_targets(self) -> bool:
        return any(rep.target_ms is not None for rep in self.reps)


# --------------------------------------------------------------------------- internal tree


@dataclass(frozen=True)
class _Target:
    ms: int
    per_m: Decimal | None  # None: a time for each rep; else a pace per this many metres

    def for_distance(self, metres: Decimal) -> int:
        if self.per_m is None:
            return self.ms
        return round_half_up(Fraction(self.ms) * Fraction(metres) / Fraction(self.per_m))


@dataclass
class _Simple:
    count: int
    distance: Distance
    target: _Target | None = None
    note: str | None = None


@dataclass
class _Block:
    count: int
    items: list[_Simple | _Block] = field(default_factory=list)
    wrapper: bool = False  # plain brackets around a list: "(4 x 300m)", not a set block


_Item = _Simple | _Block


@dataclass
class _Found:
    item: _Item
    start: int
    end: int
    recovery: list[str] = field(default_factory=list)  # found inside its brackets


@dataclass
class _State:
    recovery: list[str] = field(default_factory=list)

    def add_recovery(self, text: str) -> None:
        cleaned = _clean_words(text)
        if cleaned and cleaned not in self.recovery:
            self.recovery.append(cleaned)


# --------------------------------------------------------------------------- helpers


def _clean_words(text: str) -> str:
    return " ".join(text.split()).strip(" -:,.;/")


def _mask(text: str) -> str:
    """Hide everything inside brackets (keeping the outermost brackets) so searches see depth 0."""
    out: list[str] = []
    depth = 0
    for char in text:
        if char == "(":
            out.append("(" if depth == 0 else "\0")
            depth += 1
        elif char == ")" and depth > 0:
            depth -= 1
            out.append(")" if depth == 0 else "\0")
        else:
            out.append(char if depth == 0 else "\0")
    return "".join(out)


def _close_of(masked: str, open_at: int) -> int:
    """Index of the bracket closing the one at ``open_at``, or ``len`` when unclosed."""
    close = masked.find(")", open_at + 1)
    return len(masked) if close < 0 else close


def _split_top(text: str) -> list[str]:
    masked = _mask(text)
    parts: list[str] = []
    start = 0
    for match in _SEPARATOR.finditer(masked):
        parts.append(text[start : match.start()])
        start = match.end()
    parts.append(text[start:])
    return [part for part in parts if part.strip()]


def _check_count(number_text: str, what: str) -> int:
    digits = number_text.lstrip("0") or "0"
    if len(digits) > 6 or int(digits) > MAX_COUNT:
        shown = digits if len(digits) <= 12 else digits[:11] + "…"
        raise InputError(
            f"{shown} is too many {what} for one group; a count goes up to {MAX_COUNT}.",
            _EXAMPLE,
        )
    if int(digits) == 0:
        raise InputError(f"A count of 0 makes no {what}; counts start at 1.", _EXAMPLE)
    return int(digits)


def _take_distance(text: str, pos: int) -> tuple[Distance, int, str, str] | None:
    """A distance starting at ``pos``: (distance, end, number, unit) or None.

    ``unit`` is empty for a bare number (metres). Numbers followed by a time
    mark or unit (``90s``, ``1:00``, ``45'``, ``20 min``) are times, not distances.
    """
    named = _NAMED_DISTANCE.match(text, pos)
    if named:
        try:
            return parse_distance(named.group(0)), named.end(), "", named.group(0)
        except InputError:  # pragma: no cover - the named words always parse
            return None
    match = _NUMBER_UNIT.match(text, pos)
    if match is None:
        return None
    number = match.group("number")
    if len(number) > 1 and number[0] == "0" and number[1].isdigit():
        return None  # 02, 007: part of a date or a code, not a distance
    number_end = match.start() + len(number)
    if number_end < len(text) and text[number_end] in ":'\"":
        return None
    unit = match.group("unit") or ""
    if unit:
        if unit.lower() in _TIME_UNITS:
            return None
        try:
            return parse_distance(number + unit), match.end(), number, unit
        except InputError:
            if not match.group("space"):
                return None
    try:
        return parse_distance(number), number_end, number, ""
    except InputError:
        return None


def _parse_target(text: str, pos: int) -> tuple[_Target, int] | None:
    match = _TARGET.match(text, pos)
    if match is None:
        return None
    token = match.group("time").rstrip(".")
    end = match.start("time") + len(token)
    if end < len(text) and (text[end].isalnum() or text[end] in "'\""):
        return None  # "@ 5k pace": not a time
    if _RANGE.match(text, end):
        return None  # "@ 68-70": a range, kept as text
    try:
        ms = parse_time(token)
    except InputError:
        return None
    per = _PER.match(text, end)
    if per:
        word = _PER_WORD.match(text, per.end())
        if word:
            return _Target(ms, _PER_WORDS[word.group("word").lower()]), word.end()
        distance = _take_distance(text, per.end())
        if distance:
            return _Target(ms, distance[0].metres), distance[1]
    return _Target(ms, None), end


def _apply_target(item: _Item, target: _Target) -> None:
    if isinstance(item, _Simple):
        if item.target is None:
            item.target = target
        return
    for child in item.items:
        _apply_target(child, target)


def _looks_like_recovery(text: str, *, bracketed: bool) -> bool:
    words = _clean_words(text)
    if not words:
        return False
    if _RECOVERY_WORDS.search(words):
        return True
    if bracketed:
        first = words.split()[0]
        try:
            parse_time(first)
        except InputError:
            return False
        return True
    return False


# --------------------------------------------------------------------------- the parser


def _rep_expr(text: str, masked: str, pos: int, count_text: str, depth: int) -> _Found | None:
    """What follows ``N x``: a bracketed list, another ``M x …`` or a distance."""
    start = pos
    while pos < len(text) and text[pos] == " ":
        pos += 1
    if pos < len(text) and masked[pos] == "(":
        close = _close_of(masked, pos)
        inner_state = _State()
        inner = _body(text[pos + 1 : close], depth + 1, inner_state)
        if not inner:
            return None
        count = _check_count(count_text, "sets")
        end = min(close + 1, len(text))
        return _Found(_Block(count, inner), start, end, inner_state.recovery)
    nested = _COUNT_ONLY.match(masked, pos)
    if nested:
        if depth >= _MAX_DEPTH:
            return None
        sub = _rep_expr(text, masked, nested.end(), nested.group("count"), depth + 1)
        if sub is None:
            return None
        count = _check_count(count_text, "sets")
        return _Found(_Block(count, [sub.item]), start, sub.end, sub.recovery)
    distance = _take_distance(text, pos)
    if distance is None:
        _refuse_impossible_rep(text, pos, count_text)
        return None
    count = _check_count(count_text, "reps")
    _check_rep(distance[0].metres, f"{count_text} x {text[pos : distance[1]].strip()}")
    return _Found(_Simple(count, distance[0]), start, distance[1])


def _check_rep(metres: Decimal, written: str) -> None:
    """A counted rep must be one a runner can run: 1 m to 100 km."""
    if not MIN_REP_M <= metres <= MAX_REP_M:
        shown = " ".join(written.split())
        shown = shown if len(shown) <= 30 else shown[:29] + "…"
        raise InputError(
            f"`{shown}` has a rep of {format_distance(metres)}; {_REP_RANGE_HINT}.",
            _EXAMPLE,
        )


def _refuse_impossible_rep(text: str, pos: int, count_text: str) -> None:
    """``N x`` followed by a number that is no distance a rep can have
    (``4 x 0m``, ``4 x -400m``, ``4 x 1000000000m``): an error, not free text,
    so a typo never becomes a workout without its reps."""
    match = _REP_NUMBER.match(text, pos)
    if match is None:
        return
    unit = (match.group("unit") or "").lower()
    factor = _REP_UNITS.get(unit)
    if factor is None:
        return  # "4 x 30s", "3 x 10 strides": not a distance
    written = f"{count_text} x {match.group(0).strip()}"
    shown = written if len(written) <= 30 else written[:29] + "…"
    if match.group("sign"):
        raise InputError(f"`{shown}` has a negative rep; {_REP_RANGE_HINT}.", _EXAMPLE)
    number = match.group("number")
    if len(number.split(".")[0]) > 12:
        raise InputError(f"`{shown}` is far too long for a rep; {_REP_RANGE_HINT}.", _EXAMPLE)
    _check_rep(Decimal(number) * factor, written)


def _item_at(text: str, masked: str, match: re.Match[str], depth: int) -> _Found | None:
    if match.group("sets") is not None:
        after = match.end()
        if after < len(masked) and masked[after] == "(":
            found = _rep_expr(text, masked, after, match.group("sets"), depth)
        else:
            nested = _COUNT_ONLY.match(masked, after)
            if nested and depth < _MAX_DEPTH:
                sub = _rep_expr(text, masked, nested.end(), nested.group("count"), depth + 1)
                if sub is None:
                    return None
                count = _check_count(match.group("sets"), "sets")
                found = _Found(_Block(count, [sub.item]), after, sub.end, sub.recovery)
            else:
                found = _rep_expr(text, masked, after, match.group("sets"), depth)
    elif match.group("count") is not None:
        found = _rep_expr(text, masked, match.end(), match.group("count"), depth)
    else:
        open_at = match.start()
        close = _close_of(masked, open_at)
        times = _TIMES_AFTER_PAREN.match(masked, close + 1) if close < len(masked) else None
        before = text[:open_at]
        at_start = not _clean_words(before) or _LABEL.fullmatch(before) is not None
        if times is None and not at_start:
            return None
        if depth >= _MAX_DEPTH:
            return None
        inner_state = _State()
        inner = _body(text[open_at + 1 : close], depth + 1, inner_state)
        if not inner:
            return None
        if times is None:
            block = _Block(1, inner, wrapper=True)
            return _Found(block, open_at, min(close + 1, len(text)), inner_state.recovery)
        count = _check_count(times.group("count"), "sets")
        return _Found(_Block(count, inner), open_at, times.end(), inner_state.recovery)
    if found is None:
        return None
    return _Found(found.item, match.start(), found.end, found.recovery)


def _next_item(text: str, masked: str, pos: int, depth: int) -> _Found | None:
    while True:
        match = _START.search(masked, pos)
        if match is None:
            return None
        found = _item_at(text, masked, match, depth)
        if found is not None:
            return found
        pos = match.start() + 1


def _trailing(text: str, item: _Item, state: _State) -> None:
    """Brackets and words after a rep: a target in brackets, recovery, or the rep's note."""
    masked = _mask(text)
    words: list[str] = []
    pos = 0
    while pos < len(text):
        open_at = masked.find("(", pos)
        if open_at < 0:
            words.append(text[pos:])
            break
        words.append(text[pos:open_at])
        close = _close_of(masked, open_at)
        content = text[open_at + 1 : close]
        target = _parse_target(content, 0) if content.lstrip().startswith("@") else None
        if target is not None:
            _apply_target(item, target[0])
        elif _looks_like_recovery(content, bracketed=True):
            state.add_recovery(content)
        elif isinstance(item, _Simple) and _clean_words(content):
            item.note = _join_note(item.note, _clean_words(content))
        pos = close + 1
    rest = _clean_words(" ".join(words))
    if not rest:
        return
    with_at = _WITH.search(rest)
    if _RECOVERY_WORDS.search(rest) or with_at:
        state.add_recovery(rest)
    elif isinstance(item, _Simple):
        item.note = _join_note(item.note, rest)


def _join_note(note: str | None, more: str) -> str:
    return more if not note else f"{note} {more}"


def _segment(text: str, depth: int, state: _State, have_reps: bool) -> list[_Item]:
    masked = _mask(text)
    with_match = _WITH.search(masked)
    if with_match:
        state.add_recovery(text[with_match.end() :])
        text = text[: with_match.start()]
        masked = masked[: with_match.start()]
    items: list[_Item] = []
    found = _next_item(text, masked, 0, depth)
    while found is not None:
        for recovery in found.recovery:
            state.add_recovery(recovery)
        if isinstance(found.item, _Block) and found.item.wrapper:
            items.extend(found.item.items)
        else:
            items.append(found.item)
        end = found.end
        target = _parse_target(text, end)
        if target is not None:
            _apply_target(found.item, target[0])
            end = target[1]
        following = _next_item(text, masked, end, depth)
        stop = following.start if following else len(text)
        _trailing(text[end:stop], found.item, state)
        found = following
    if items:
        return items
    return _no_count_segment(text, state, have_reps)


def _no_count_segment(text: str, state: _State, have_reps: bool) -> list[_Item]:
    """A part with no ``x``: a ladder, a single distance, recovery, or plain words."""
    label = _LABEL.match(text)
    start = label.end() if label else 0
    while start < len(text) and text[start] == " ":
        start += 1
    ladder = _ladder(text, start)
    if ladder is not None:
        items, end = ladder
        target = _parse_target(text, end)
        if target is not None:
            for item in items:
                _apply_target(item, target[0])
        return items
    distance = _take_distance(text, start)
    if (
        distance is not None
        and not _NOT_A_REP.search(text)
        and not _NOT_A_DISTANCE_AFTER.match(text, distance[1])
    ):
        single, end, number, unit = distance
        # Over 100 km ("200 km ride") is words, not a rep.
        runnable = single.metres <= MAX_REP_M
        if runnable and (unit or number in ("mile", "half", "marathon") or single.metres >= 50):
            item = _Simple(1, single)
            target = _parse_target(text, end)
            if target is not None:
                item.target = target[0]
                end = target[1]
            _trailing(text[end:], item, state)
            return [item]
    words = _clean_words(text)
    if have_reps and words and _is_recovery_part(words):
        state.add_recovery(words)
    return []


def _is_recovery_part(words: str) -> bool:
    """A part after the reps such as ``90" jog``, ``2' rest``, ``full recovery`` or ``90s``."""
    if re.search(r"warm|cool|\bwu\b|\bcd\b", words, _FLAGS):
        return False
    if _RECOVERY_WORDS.search(words) and re.search(r"[0-9]|\bfull\b", words, _FLAGS):
        return True
    return bool(_PURE_TIME.fullmatch(words)) and not re.fullmatch(r"[0-9.]+", words)


def _ladder(text: str, pos: int) -> tuple[list[_Item], int] | None:
    steps: list[tuple[Distance, str, str]] = []
    end = pos
    while True:
        taken = _take_distance(text, end)
        if taken is None or taken[3] in ("mile", "half", "marathon", "hm"):
            break
        if taken[0].metres > MAX_REP_M:
            return None  # not a ladder a runner can run
        steps.append((taken[0], taken[2], taken[3]))
        end = taken[1]
        dash = _LADDER_STEP.match(text, end)
        if dash is None or dash.end() >= len(text) or not text[dash.end()].isdigit():
            break
        end = dash.end()
    if len(steps) < 2:
        return None
    last_unit = steps[-1][2]
    distances: list[Distance] = []
    for distance, number, unit in steps:
        if not unit and last_unit:
            try:
                distance = parse_distance(number + last_unit)
            except InputError:
                return None
        distances.append(distance)
    if len(distances) > MAX_REPS:
        raise InputError(
            f"That ladder has {len(distances)} steps; a workout has at most {MAX_REPS} reps.",
            "`200-400-600-400-200`",
        )
    return [_Simple(1, distance) for distance in distances], end


def _body(text: str, depth: int, state: _State) -> list[_Item]:
    if depth > _MAX_DEPTH:
        return []
    items: list[_Item] = []
    for part in _split_top(text):
        items.extend(_segment(part, depth, state, bool(items)))
    return items


def _total(items: Sequence[_Item]) -> int:
    total = 0
    for item in items:
        if isinstance(item, _Simple):
            total += item.count
        else:
            total += item.count * _total(item.items)
    return total


def _to_group(item: _Item) -> RepGroup:
    if isinstance(item, _Simple):
        metres = item.distance.metres
        return RepGroup(
            count=item.count,
            distance_m=metres,
            label=item.distance.label,
            target_ms=item.target.for_distance(metres) if item.target else None,
            note=item.note or None,
        )
    return RepGroup(count=item.count, groups=tuple(_to_group(child) for child in item.items))


def _expand(group: RepGroup) -> Iterator[tuple[Decimal, int | None, int | None]]:
    """(distance, target, set index within this group) for each rep of a group."""
    if not group.groups:
        for _ in range(group.count):
            assert group.distance_m is not None
            yield group.distance_m, group.target_ms, None
        return
    for set_number in range(1, group.count + 1):
        for child in group.groups:
            for distance, target, _ in _expand(child):
                yield distance, target, set_number


def parse_workout(text: str) -> Workout:
    """Parse a coach's workout text into its reps (see the module docstring).

    Text without recognisable reps is a valid workout with ``reps == ()``.
    Raises :class:`~bot.domain.errors.InputError` only when a count is above
    :data:`MAX_COUNT` (or zero) or the workout would have more than
    :data:`MAX_REPS` reps.
    """
    if not isinstance(text, str):
        raise InputError("No workout given.", _EXAMPLE)
    normalised = _THOUSANDS.sub(r"\1\2", text.translate(_NORMALISE))
    normalised = _DECIMAL_COMMA.sub(r"\1.\2", normalised)
    state = _State()
    items = _body(normalised, 0, state)
    total = _total(items)
    if total > MAX_REPS:
        raise InputError(f"That is {total} reps; a workout can have at most {MAX_REPS}.", _EXAMPLE)
    groups = tuple(_to_group(item) for item in items)
    reps: list[Rep] = []
    for index, group in enumerate(groups):
        for distance, target, set_number in _expand(group):
            reps.append(Rep(distance, target, set_number, index))
    recovery = "; ".join(state.recovery) or None
    return Workout(text=text, reps=tuple(reps), groups=groups, recovery=recovery)


# --------------------------------------------------------------------------- display


def _same_reps(a: RepGroup, b: RepGroup) -> bool:
    return (
        not a.groups
        and not b.groups
        and a.distance_m == b.distance_m
        and a.target_ms == b.target_ms
    )


def _merge(groups: Sequence[RepGroup]) -> list[RepGroup]:
    merged: list[RepGroup] = []
    for group in groups:
        if merged and _same_reps(merged[-1], group):
            last = merged[-1]
            merged[-1] = RepGroup(
                last.count + group.count, last.distance_m, last.label, last.target_ms, last.note
            )
        else:
            merged.append(group)
    return merged


def _describe(group: RepGroup) -> str:
    if group.groups:
        inner = ", ".join(_describe(child) for child in _merge(group.groups))
        return f"{group.count} × ({inner})"
    assert group.distance_m is not None
    label = group.label or format_distance(group.distance_m)
    text = f"{group.count} × {label}"
    if group.target_ms is not None:
        text += f" @ {format_time(group.target_ms)}"
    return text


def _parts(workout: Workout) -> list[str]:
    return [_describe(group) for group in _merge(workout.groups)]


def summarise(workout: Workout) -> str:
    """What was understood, for the coach to check: ``4 × 250 m, 1 × 300 m``.

    Consecutive groups of the same distance and target are merged
    (``4 x 250 + 2 x 250`` reads ``6 × 250 m``); set blocks keep their
    structure (``3 × (4 × 300 m)``); a target is the time for each rep
    (``10 × 400 m @ 68.00``; ``5 x 1k @ 68/lap`` reads ``5 × 1 km @ 2:50.00``).
    The summary parses back to the same reps. Without reps: ``no structured reps``.
    """
    parts = _parts(workout)
    return ", ".join(parts) if parts else NO_REPS


def parsed_summary(workout: Workout, limit: int | None = None) -> str:
    """:func:`summarise` with the total a coach checks: ``3 × (4 × 300 m) — 12 reps``;
    within ``limit`` characters (cut at a group boundary) when given."""
    if not workout.reps:
        return NO_REPS
    count = len(workout.reps)
    total = f" — {count} rep{'' if count == 1 else 's'}"
    if limit is None:
        return summarise(workout) + total
    return short_summary(workout, limit=limit - len(total)) + total


def short_summary(workout: Workout, limit: int = 100) -> str:
    """:func:`summarise` cut to ``limit`` characters at a group boundary, ending in ``…``.

    Fits Discord's 100-character placeholder; a single group too long to fit
    is cut mid-text.
    """
    full = summarise(workout)
    if len(full) <= limit:
        return full
    kept: list[str] = []
    for part in _parts(workout):
        if len(", ".join([*kept, part]) + ", …") > limit:
            break
        kept.append(part)
    if not kept:
        return full[: max(limit - 1, 0)] + "…"
    return ", ".join(kept) + ", …"


def summarise_distances(distances: Sequence[Decimal]) -> str:
    """A list of rep distances as ``4 × 250 m, 1 × 300 m`` (consecutive equal ones grouped)."""
    parts: list[tuple[Decimal, int]] = []
    for metres in distances:
        if parts and parts[-1][0] == metres:
            parts[-1] = (metres, parts[-1][1] + 1)
        else:
            parts.append((metres, 1))
    if not parts:
        return NO_REPS
    return ", ".join(f"{count} × {format_distance(metres)}" for metres, count in parts)
