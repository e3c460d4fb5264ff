"""Reading the questions people ask the bot in plain chat: text -> intent + slots.

When the bot is mentioned in a channel or written to in a DM it answers the
common training questions ("what's 37.47 for 300m per 400?", "splits for a
4:00 mile", "what's today's workout?"). This module only *understands* the
question; the answer builders and the Discord wiring live elsewhere.

Why it is deterministic (hand-written rules, no language model or other
external service): the answers are numbers a coach checks against the slash
commands, so the same text must always mean the same thing, offline, in well
under a millisecond, with no per-message cost, no network failure mode and
nothing of a team's chat sent to a third party. Every rule here can be read,
tested and fixed.

How it works:

1. Clean up: only the first :data:`MAX_QUESTION_CHARS` characters are read;
   user, role and channel mentions (``<@123>``, ``<@!123>``, ``<@&123>``) and
   a leading ``@Trackside`` are dropped; curly quotes and primes become ASCII;
   the text is lower-cased and apostrophes inside words go (``what's`` ->
   ``whats``, ``today's`` -> ``todays``).
2. Split into tokens: dates, times (``37.47``, ``3:56.13``, ``68s``, ``45'``,
   ``2h05m30s``, ``20 min``), distances with a unit or a name (``300m``,
   ``5 k``, ``mile``, ``half marathon``; a bare ``km``/``mi`` is one of them),
   bare whole numbers (``1500``: a distance, or a time in seconds when nothing
   else is a time), words and slashes.
3. Fold pace units: ``/km``, ``per lap``, ``a mile`` (after a time), ``each
   200``, ``to mile pace``, ``in miles``, ``lap time`` become one *per* token.
4. Pick the intent from keywords, in a fixed order (see :func:`parse_question`),
   then fill its slots: the effort (a time and the distance it was run over),
   and the pace unit, prediction target, lap length or date.

Slots are returned as text (lower-cased, spaces collapsed) that the existing
parsers read: times with :func:`~bot.domain.times.parse_time`, distances with
:func:`~bot.domain.distance.parse_distance`, dates with
:func:`~bot.domain.dates.parse_date`. A slot that does not parse (``1:75``) is
``None`` while the intent stays, so the caller can say what is missing.
:func:`parse_question` never raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from typing import Literal, get_args

from bot.domain.dates import parse_date
from bot.domain.distance import parse_distance
from bot.domain.errors import InputError
from bot.domain.marks import QUOTES
from bot.domain.times import parse_time

__all__ = ["INTENTS", "MAX_QUESTION_CHARS", "Intent", "Question", "parse_question"]

Intent = Literal[
    "convert",
    "predict",
    "vdot",
    "laps",
    "score",
    "agegrade",
    "workout",
    "log",
    "best",
    "paces",
    "week",
    "help",
    "unknown",
]
INTENTS: frozenset[str] = frozenset(get_args(Intent))

MAX_QUESTION_CHARS = 500
"""Only this much of a message is read: questions are short, and it caps the work."""


@dataclass(frozen=True)
class Question:
    """What a plain-chat question asks for.

    ``intent`` says which answer to build; the slots are the pieces of text it
    needs, each ``None`` when not given (or given but unreadable):

    * ``time_text``: the effort's time (``"37.47"``, ``"4:05"``), for
      convert / predict / vdot / laps;
    * ``distance_text``: the distance that time was run over (``"300m"``,
      ``"mile"``, ``"5k"``; ``"1 km"`` for a pace written ``/km``);
    * ``per_text``: convert only, the pace unit asked for (``"400"``,
      ``"400m"`` for a lap, ``"1 km"``, ``"mile"``); ``None`` means the full table;
    * ``target_text``: predict only, the distance to predict (``"1500"``,
      ``"marathon"``); ``None`` means all the standard distances;
    * ``lap_text``: laps only, the lap length when given (``None``: 400 m);
    * ``date_text``: workout / log, the day asked about (``"today"``,
      ``"last tuesday"``, ``"2026-11-27"``); ``None``: not said (today).
      Read it looking back (``direction="back"``), as the product contract says for questions;
    * ``sex_text``: score / agegrade / predict, ``"male"`` or ``"female"`` when
      the question says (``woman``, ``men's``, ``W50``); ``None``: not said;
    * ``age``: agegrade only, the runner's age (``50``, ``aged 50``, ``M55``,
      ``50 year old``), 5 to 110;
    * ``venue_text``: agegrade only, ``"road"`` or ``"track"`` when said;
    * ``indoor``: score only, True when the question says indoor.
    * ``zone``: paces only, the Daniels pace asked about (``"E"``, ``"M"``,
      ``"T"``, ``"I"``, ``"R"``); ``None``: all of them. For paces,
      ``distance_text`` is the rep distance asked about (``"400"`` for
      "what should I run 400s at?"), whose zone it implies when none is named.
    """

    intent: Intent
    time_text: str | None = None
    distance_text: str | None = None
    per_text: str | None = None
    target_text: str | None = None
    lap_text: str | None = None
    date_text: str | None = None
    sex_text: str | None = None
    age: int | None = None
    venue_text: str | None = None
    indoor: bool = False
    zone: str | None = None


# --------------------------------------------------------------------------- tokens


@dataclass
class _Token:
    kind: str  # "time", "dist", "num", "per", "date", "word", "slash"
    text: str
    unit: bool = False  # a distance written as a bare unit or name ("km", "mile")
    used: bool = False

    def is_word(self, *words: str) -> bool:
        return self.kind == "word" and self.text in words


_MENTION = re.compile(r"<(?:@[!&]?|#)[0-9]+>", re.ASCII)
_LEADING_AT = re.compile(r"^(?:\s*@[a-z0-9_.-]+[,:]?)+", re.ASCII)
_INNER_APOSTROPHE = re.compile(r"(?<=[a-z])'(?=[a-z])", re.ASCII)
_SPEED_UNIT = re.compile(r"\b(km|k|mi|m)\s?/\s?(?:hours|hour|hrs|hr|h)\b", re.ASCII)
# Backticks are Discord code formatting: `37.47` is 37.47, not a minutes mark.
_MARKS = str.maketrans({**QUOTES, "`": " "})
# "80/20" is the 80/20 rule of training intensity (a glossary term), not 80 s per 20 m.
_EIGHTY_TWENTY = re.compile(r"(?<![\w.:/])80 ?/ ?20(?![\w.:/])", re.ASCII)

_NUMBER = r"(?:[0-9]{1,3}(?:,[0-9]{3})+(?![0-9])|[0-9]+)(?:\.[0-9]+)?"
_END = r"(?![a-z0-9])"
_HOURS = r"(?:hours|hour|hrs|hr|h)"
_MINUTES = r"(?:minutes|minute|mins|min)"
_SECONDS = r"(?:seconds|second|secs|sec|s)"
_DIST_UNIT = (
    r"(?:kilometres|kilometers|kilometre|kilometer|kms|km|k"
    r"|metres|meters|metre|meter|mtrs|mtr|m|miles|mile|mi|yards|yard|yds|yd|y)"
)
_N = r"[0-9]+(?:\.[0-9]+)?"
_TOKEN = re.compile(
    "|".join(
        [
            rf"(?P<date>[0-9]{{4}}-[0-9]{{1,2}}-[0-9]{{1,2}}){_END}",
            r"(?P<clock>[0-9]+(?::[0-9]+){1,2}(?:\.[0-9]+)?)",
            rf"(?P<hms>{_N} ?{_HOURS}(?: ?{_N} ?(?:{_MINUTES}|m|'))?"
            rf"(?: ?{_N} ?(?:{_SECONDS}|\"))?(?: ?[0-9]{{2}})?){_END}",
            rf"(?P<mins>{_N} ?{_MINUTES}(?: ?{_N} ?{_SECONDS})?){_END}",
            rf"(?P<secmark>{_N}(?:\"|''))",
            rf"(?P<minmark>{_N}'(?:[0-9]{{1,2}}(?:\.[0-9]+)?(?:\"|'')?)?)",
            rf"(?P<secs>{_N} ?{_SECONDS}){_END}",
            rf"(?P<dist>{_NUMBER} ?{_DIST_UNIT}){_END}",
            rf"(?P<num>{_NUMBER})",
            r"(?P<word>[a-z]+)",
            r"(?P<slash>/)",
        ]
    ),
    re.ASCII,
)
_PLURAL_DISTANCE = re.compile(r"([0-9]{3,5})s", re.ASCII)
_TIME_GROUPS = frozenset({"clock", "hms", "mins", "secmark", "minmark", "secs"})

# Words that stand for a distance on their own: pace units and race names.
_UNIT_WORDS = {
    "k": "1 km",
    "km": "1 km",
    "kms": "1 km",
    "kilo": "1 km",
    "kilometre": "1 km",
    "kilometres": "1 km",
    "kilometer": "1 km",
    "kilometers": "1 km",
    "mi": "mile",
    "mile": "mile",
    "miles": "mile",
}
_RACE_WORDS = {"marathon": "marathon", "halfmarathon": "halfmarathon", "hm": "hm", "half": "half"}
_LAP = "400m"

# Words after a time that only repeat its unit ("4:05 min/km").
_TIME_NOISE = frozenset(
    {"min", "mins", "minute", "minutes", "sec", "secs", "second", "seconds", "s"}
)
_PER_WORDS = frozenset({"per", "each", "every"})
_INTO_WORDS = frozenset({"to", "into", "in"})
_INTO_SKIP = frozenset({"min", "mins", "minute", "minutes", "sec", "secs", "per"})

# Between a time and the distance it was run over.
_NEXT_SKIP = frozenset(
    {
        "for", "over", "at", "of", "in", "on", "a", "an", "the", "my", "your", "flat",
        "full", "about", "around", "roughly", "approx", "approximately", "is", "was",
        "as", "run", "ran", "race", "effort", "rep", "pace",
    }
)  # fmt: skip
_PREV_NEAR_SKIP = frozenset({"in", "at", "of", "a", "an", "the"})
_PREV_FAR_SKIP = _PREV_NEAR_SKIP | frozenset(
    {"race", "run", "ran", "time", "was", "is", "my", "pb", "pr", "best", "effort", "flat"}
)

# Intent keywords.
_PREDICT_WORDS = frozenset(
    {
        "worth", "equivalent", "equivalents", "equiv", "equal", "equals", "predict",
        "prediction", "predictions", "predicted", "predictor", "riegel", "cameron",
    }
)  # fmt: skip
_WHAT_WORDS = frozenset({"what", "whats", "which"})
_CONVERT_WORDS = frozenset({"convert", "conversion", "translate"})
_LAPS_WORDS = frozenset({"splits", "split", "laps", "lap"})
_LOG_NOUNS = frozenset(
    {"splits", "times", "results", "result", "log", "history", "reps", "submission"}
)
_BEST_WORDS = frozenset({"best", "pb", "pbs", "pr", "prs", "fastest", "record"})
_WORKOUT_WORDS = frozenset({"workout", "workouts", "wod", "session", "practice"})
_WORKOUT_DATE_HINTS = frozenset({"on", "doing", "plan", "planned", "scheduled", "we", "anything"})
_WORKOUT_FILLER = frozenset({"whats", "for", "the", "and", "so", "then", "ok", "okay", "coach"})
_HELP_WORDS = frozenset({"help", "commands", "command", "usage", "examples"})
_HELP_PHRASES = (
    " what can you ",
    " what do you do ",
    " what do you know ",
    " what can i ask ",
    " how do i use ",
    " how does this work ",
    " how do you work ",
    " who are you ",
    " what are you ",
)
_GREETINGS = frozenset({"hi", "hello", "hey", "yo", "hiya", "howdy", "sup"})
# Personal questions: the asker's own paces (from their profile) and week.
_ME_WORDS = frozenset({"my", "me", "mine"})
_I_ASKING = frozenset({"should", "do", "can", "run", "go", "aim", "target"})
_PACE_ASKING = frozenset(
    {"pace", "paces", "fast", "speed", "zones", "zone", "quick", "hard", "slow"}
)
_ZONE_WORDS = {
    "easy": "E", "recovery": "E", "jog": "E", "jogs": "E",
    "marathon": "M",
    "tempo": "T", "tempos": "T", "threshold": "T", "cruise": "T",
    "interval": "I", "intervals": "I", "vo2": "I", "vo2max": "I",
    "repetition": "R", "repetitions": "R", "strides": "R",
}  # fmt: skip
_WEEK_WORDS = frozenset({"week", "weeks", "weekly"})
_SCORE_WORDS = frozenset({"points", "point", "pts", "score", "scoring", "iaaf"})
_AGEGRADE_WORDS = frozenset({"agegrade", "agegraded", "agegrading", "wma"})
_GRADE_WORDS = frozenset({"grade", "graded", "grading", "grades"})
_FEMALE_WORDS = frozenset(
    {"woman", "women", "womens", "female", "females", "f", "w", "lady", "ladies", "girl",
     "girls", "she", "her"}
)  # fmt: skip
_MALE_WORDS = frozenset(
    {"man", "men", "mens", "male", "males", "m", "guy", "boy", "boys", "he", "him", "his"}
)  # fmt: skip
_AGE_BEFORE = frozenset({"age", "aged", "ages"}) | _FEMALE_WORDS | _MALE_WORDS
_AGE_AFTER = frozenset({"yo", "year", "years", "yr", "yrs", "yearold"})
MIN_AGE, MAX_AGE = 5, 110

_RELATIVE_DAYS = {
    "today": "today",
    "tonight": "today",
    "tomorrow": "tomorrow",
    "yesterday": "yesterday",
}
_WEEKDAYS = frozenset(
    {
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
        "mon", "tue", "wed", "thu", "fri", "sat", "sun", "tues", "weds", "thur", "thurs",
    }
)  # fmt: skip
_DAY_QUALIFIERS = frozenset({"last", "next", "this"})
_CHECK_DAY = date(2026, 6, 5)  # any day: date slots are only checked for form


def _normalise(text: str) -> str:
    text = text[:MAX_QUESTION_CHARS]
    text = _MENTION.sub(" ", text)
    text = text.translate(_MARKS).lower()
    text = _LEADING_AT.sub(" ", text)
    text = _INNER_APOSTROPHE.sub("", text)
    # km/h and mi/h are speeds, not a pace "per hour": keep them out of the pace units.
    text = _SPEED_UNIT.sub(lambda m: " mph " if m.group(1).startswith("m") else " kmh ", text)
    text = _EIGHTY_TWENTY.sub(" eightytwenty ", text)
    return " ".join(text.split())


def _tokenise(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    for match in _TOKEN.finditer(text):
        group = match.lastgroup or "word"
        value = match.group()
        plural = _PLURAL_DISTANCE.fullmatch(value)
        if plural and int(plural.group(1)) >= 100 and int(plural.group(1)) % 50 == 0:
            tokens.append(_Token("num", plural.group(1)))  # "the 400s", "in 200s": reps, laps
        elif group in _TIME_GROUPS:
            tokens.append(_Token("time", value))
        elif group == "dist":
            tokens.append(_Token("dist", value.replace(",", "")))
        elif group == "num":
            number = value.replace(",", "")
            tokens.append(_Token("time" if "." in number else "num", number))
        elif group == "date":
            tokens.append(_Token("date", value))
        elif group == "slash":
            tokens.append(_Token("slash", value))
        elif value == "marathon" and tokens and tokens[-1].text == "half":
            tokens[-1] = _Token("dist", "half marathon")
        elif value in _UNIT_WORDS:
            tokens.append(_Token("dist", _UNIT_WORDS[value], unit=True))
        elif value in _RACE_WORDS:
            tokens.append(_Token("dist", _RACE_WORDS[value]))
        else:
            tokens.append(_Token("word", value))
    return tokens


def _per_unit(token: _Token, *, numbers: bool) -> str | None:
    """The pace unit a token names after ``per`` / ``/`` / ``a``, if any."""
    if token.is_word("lap"):
        return _LAP
    if token.kind == "dist" and (numbers or token.unit):
        return token.text
    if numbers and token.kind == "num":
        return token.text
    return None


def _pace_phrase(tokens: list[_Token], i: int, before: list[_Token]) -> tuple[str, int] | None:
    """A pace unit phrase starting at ``tokens[i]``: (unit text, index after it)."""
    token = tokens[i]
    n = len(tokens)
    after_time = bool(before) and (
        before[-1].kind == "time" or before[-1].is_word("that", "it", "pace")
    )
    if token.kind == "slash" or token.is_word(*_PER_WORDS):
        j = i + 1
        if j < n and tokens[j].is_word("the"):
            j += 1
        unit = _per_unit(tokens[j], numbers=True) if j < n else None
        return (unit, j + 1) if unit else None
    if token.is_word("a", "an") and after_time and i + 1 < n:
        unit = _per_unit(tokens[i + 1], numbers=False)
        return (unit, i + 2) if unit else None
    if token.is_word(*_INTO_WORDS):
        j = i + 1
        while j < n and (tokens[j].is_word(*_INTO_SKIP) or tokens[j].kind == "slash"):
            j += 1
        if j >= n:
            return None
        target = tokens[j]
        unit = _per_unit(target, numbers=False)
        if unit:
            end = j + 1
            if end < n and tokens[end].is_word("pace"):
                end += 1
            return unit, end
        if target.kind in ("dist", "num") and j + 1 < n and tokens[j + 1].is_word("pace"):
            return target.text, j + 2
        return None
    if token.is_word("lap") and i + 1 < n and tokens[i + 1].is_word("pace", "time", "speed"):
        return _LAP, i + 2
    return None


def _fold(tokens: list[_Token]) -> list[_Token]:
    """Drop unit words repeated after a time and fold pace-unit phrases into ``per`` tokens."""
    out: list[_Token] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.is_word(*_TIME_NOISE) and out and out[-1].kind == "time":
            i += 1
            continue
        phrase = _pace_phrase(tokens, i, out)
        if phrase is not None:
            unit, i = phrase
            out.append(_Token("per", unit))
            continue
        out.append(token)
        i += 1
    return out


# --------------------------------------------------------------------------- slots


def _checked_time(text: str | None) -> str | None:
    if text is None:
        return None
    try:
        parse_time(text)
    except (InputError, ValueError, ArithmeticError):
        return None
    return text


def _checked_distance(text: str | None) -> str | None:
    if text is None:
        return None
    try:
        parse_distance(text)
    except (InputError, ValueError, ArithmeticError):
        return None
    return text


def _checked_date(text: str | None) -> str | None:
    if text is None:
        return None
    try:
        parse_date(text, _CHECK_DAY, direction="back")
    except (InputError, ValueError, ArithmeticError):
        return None
    return text


def _is_distance(token: _Token) -> bool:
    return token.kind in ("dist", "num") and not token.used


def _take(token: _Token) -> str:
    token.used = True
    return token.text


def _promote_number(tokens: list[_Token]) -> int | None:
    """With no time written as one, the bare number that must be a time in seconds.

    ``400 in 68`` and ``68 for 400`` / ``68 per lap``; a distance to go with it
    is required (a number of at least 100 counts), so ``2 + 2`` stays no question.
    """
    for i, token in enumerate(tokens):
        if (
            token.kind == "num"
            and i >= 2
            and tokens[i - 1].is_word("in", "at")
            and tokens[i - 2].kind in ("dist", "num")
        ):
            return i
    for i, token in enumerate(tokens):
        if token.kind != "num":
            continue
        j = i + 1
        while j < len(tokens) and tokens[j].is_word("for", "over", "a", "an", "the"):
            j += 1
        if j >= len(tokens):
            continue
        follower = tokens[j]
        if follower.kind in ("dist", "per"):
            return i
        if follower.kind == "num" and len(follower.text) >= 3:
            return i
    return None


def _effort_distance(tokens: list[_Token], ti: int) -> _Token | None:
    """The token naming the distance the time at ``tokens[ti]`` was run over."""
    n = len(tokens)
    k = ti - 1
    if k >= 0 and tokens[k].is_word("in"):
        k -= 1
    if k >= 0 and _is_distance(tokens[k]):
        return tokens[k]  # 10k 40:00, 5k in 17:30
    if ti + 1 < n:
        nxt = tokens[ti + 1]
        if (nxt.kind == "per" and not nxt.used) or _is_distance(nxt):
            return nxt  # 4:05/km (the time over a kilometre), 3:56.13 mile, 2:00 800
    before = _prev_word(tokens, ti, _PREV_NEAR_SKIP)
    if before is not None and _is_distance(before):
        return before  # a mile at 4:00
    j = ti + 1
    while j < n and tokens[j].is_word(*_NEXT_SKIP):
        j += 1
    if j < n and _is_distance(tokens[j]):
        return tokens[j]  # 17:30 for a 5k
    before = _prev_word(tokens, ti, _PREV_FAR_SKIP)
    if before is not None and _is_distance(before):
        return before  # my 5k time was 20:00
    return None


def _effort(tokens: list[_Token], ti: int) -> tuple[str | None, str | None]:
    """The time at ``tokens[ti]`` and the distance it was run over (both checked)."""
    time_text = _checked_time(_take(tokens[ti]))
    found = _effort_distance(tokens, ti)
    return time_text, _checked_distance(_take(found) if found is not None else None)


def _prev_word(tokens: list[_Token], i: int, skip: frozenset[str]) -> _Token | None:
    k = i - 1
    while k >= 0 and tokens[k].is_word(*skip):
        k -= 1
    return tokens[k] if k >= 0 else None


def _pace_question(tokens: list[_Token], ti: int, words: set[str]) -> Question:
    """Convert or predict, once a time is known to be at ``tokens[ti]``."""
    time_text, distance_text = _effort(tokens, ti)
    leftovers = [i for i, t in enumerate(tokens) if _is_distance(t)]
    pers = [t for t in tokens if t.kind == "per" and not t.used]

    def predict(index: int | None) -> Question:
        target = _checked_distance(tokens[index].text) if index is not None else None
        return Question(
            "predict", time_text, distance_text, target_text=target, sex_text=_sex_text(words)
        )

    def convert(per: str | None) -> Question:
        return Question("convert", time_text, distance_text, per_text=_checked_distance(per))

    if words & _PREDICT_WORDS:
        return predict(leftovers[0] if leftovers else None)
    if pers:
        return convert(pers[0].text)
    for i in leftovers:
        previous = _prev_word(tokens, i, frozenset({"a", "an", "the"}))
        if previous is not None and previous.is_word(*_WHAT_WORDS):
            return predict(i)  # what 1500 is that?
    for i in leftovers:
        if i + 1 < len(tokens) and tokens[i + 1].is_word("pace"):
            return convert(tokens[i].text)  # 400 pace
        if i > 0 and tokens[i - 1].is_word(*_INTO_WORDS):
            return convert(tokens[i].text)  # to 400
    if leftovers:
        if words & _CONVERT_WORDS:
            return convert(tokens[leftovers[0]].text)
        return predict(leftovers[0])
    return convert(None)


def _laps_question(tokens: list[_Token], ti: int | None) -> Question:
    if ti is not None:
        time_text, distance_text = _effort(tokens, ti)
    else:  # "splits for a mile": the lead asks for the time
        first = next((t for t in tokens if _is_distance(t)), None)
        time_text, distance_text = None, _checked_distance(_take(first) if first else None)
    lap: str | None = None
    for token in tokens:
        if token.kind == "per" and not token.used:
            lap = token.text
            break
    if lap is None:
        for token in tokens:
            if _is_distance(token):
                lap = token.text
                break
    return Question("laps", time_text, distance_text, lap_text=_checked_distance(lap))


def _personal_question(tokens: list[_Token], words: set[str]) -> Question | None:
    """The asker's own paces or week, asked without a time: "what pace should
    my tempo runs be?", "what should I run 400s at?", "my training paces",
    "how was my week?". ``None`` when the question is not one of those."""
    mine = bool(words & _ME_WORDS) or ("i" in words and bool(words & _I_ASKING))
    if not mine:
        return None
    if words & _WEEK_WORDS and not words & {"workout", "workouts", "wod", "today", "tomorrow"}:
        return Question("week")
    texts = [t.text for t in tokens]
    zone = next((_ZONE_WORDS[w] for w in texts if w in _ZONE_WORDS), None)
    long_run = any(a == "long" and b in {"run", "runs"} for a, b in pairwise(texts))
    if zone is None and long_run:
        zone = "E"  # "my long run pace"; "how long should…" is not a zone
    if zone is None and any(t.kind == "dist" and t.text == "marathon" for t in tokens):
        zone = "M"
    reps = _rep_distance(tokens)
    training = bool(words & {"paces", "zones"}) or (
        "training" in words and bool(words & {"pace", "paces", "zones"})
    )
    asked = bool(words & _PACE_ASKING) or ("should" in words and bool(words & {"run", "be"}))
    if zone is None and reps is None and not training:
        return None
    if not (asked or training):
        return None
    if words & _LOG_NOUNS - {"reps"} or words & _BEST_WORDS:
        return None  # "my splits", "my best 400": the log and bests answer those
    return Question("paces", distance_text=reps, zone=zone)


def _rep_distance(tokens: list[_Token]) -> str | None:
    """A rep distance named as reps: ``400s``, ``1000m reps``, ``mile repeats``."""
    for i, token in enumerate(tokens):
        if token.kind not in ("dist", "num") or token.text in ("marathon", "halfmarathon"):
            continue
        after = tokens[i + 1].text if i + 1 < len(tokens) else ""
        plural = token.kind == "num"  # "400s" reads as the number 400
        if plural or after in {"reps", "rep", "repeats", "repeat", "intervals", "s"}:
            return _checked_distance(token.text)
    return None


def _first_distance(tokens: list[_Token]) -> str | None:
    for token in tokens:
        if token.kind in ("dist", "num"):
            return _checked_distance(token.text)
    return None


def _date_text(tokens: list[_Token]) -> str | None:
    for i, token in enumerate(tokens):
        if token.kind == "date":
            return _checked_date(token.text)
        if token.kind != "word":
            continue
        word = token.text
        if word not in _RELATIVE_DAYS and word not in _WEEKDAYS and word.endswith("s"):
            word = word[:-1]  # today's -> todays -> today
        if word in _RELATIVE_DAYS:
            return _RELATIVE_DAYS[word]
        if word in _WEEKDAYS:
            if i > 0 and tokens[i - 1].is_word(*_DAY_QUALIFIERS):
                return _checked_date(f"{tokens[i - 1].text} {word}")
            return _checked_date(word)
    return None


_KIND_ASKING = frozenset({"what", "whats", "define", "explain"})


def _kind_of_workout(tokens: list[_Token], words: set[str]) -> bool:
    """``what's a ladder workout?``, ``what is an interval session?``: a kind
    of workout asked about (a knowledge question), not a day's workout."""
    if not words & _KIND_ASKING:
        return False
    for i, token in enumerate(tokens):
        if not token.is_word("a", "an"):
            continue
        j = i + 1
        while j < len(tokens) and tokens[j].kind == "word" and tokens[j].text not in _WORKOUT_WORDS:
            j += 1
        if i + 1 < j < len(tokens) and tokens[j].is_word(*_WORKOUT_WORDS):
            return True
    return False


def _date_words(words: set[str]) -> set[str]:
    """The words that only name a day (or fill around one): ``tomorrow?``, ``for friday``."""
    days = {
        word
        for word in words
        if word in _RELATIVE_DAYS
        or word in _WEEKDAYS
        or word[:-1] in _RELATIVE_DAYS
        or word[:-1] in _WEEKDAYS
    }
    return days | (words & (_DAY_QUALIFIERS | _WORKOUT_FILLER))


def _sex_text(words: set[str]) -> str | None:
    female, male = bool(words & _FEMALE_WORDS), bool(words & _MALE_WORDS)
    if female == male:  # neither said, or both: don't guess
        return None
    return "female" if female else "male"


def _take_age(tokens: list[_Token]) -> int | None:
    """The runner's age (``aged 50``, ``W50``, ``50 year old``), marked used so it
    is read as neither a time nor a distance."""
    for i, token in enumerate(tokens):
        if token.kind != "num" or not token.text.isdigit():
            continue
        value = int(token.text)
        if not MIN_AGE <= value <= MAX_AGE:
            continue
        before = tokens[i - 1] if i > 0 else None
        after = tokens[i + 1] if i + 1 < len(tokens) else None
        if (before is not None and before.is_word(*_AGE_BEFORE)) or (
            after is not None and after.is_word(*_AGE_AFTER)
        ):
            token.kind, token.used = "age", True
            return value
    return None


def _score_question(tokens: list[_Token], ti: int | None, words: set[str]) -> Question:
    time_text, distance_text = _effort(tokens, ti) if ti is not None else (None, None)
    if distance_text is None:
        distance_text = _first_distance(tokens)
    return Question(
        "score",
        time_text,
        distance_text,
        sex_text=_sex_text(words),
        indoor=bool(words & {"indoor", "indoors"}),
    )


def _agegrade_question(
    tokens: list[_Token], ti: int | None, words: set[str], age: int | None
) -> Question:
    time_text, distance_text = _effort(tokens, ti) if ti is not None else (None, None)
    if distance_text is None:
        distance_text = _first_distance(tokens)
    venue = "road" if "road" in words else "track" if "track" in words else None
    return Question(
        "agegrade", time_text, distance_text, sex_text=_sex_text(words), age=age, venue_text=venue
    )


# --------------------------------------------------------------------------- intent


def parse_question(text: str) -> Question:
    """Read a plain-chat question into an intent and its slots. Never raises.

    Intents are tried in this order, the first that fits wins:

    1. nothing but a mention (or empty text) -> ``help``;
    2. ``age grade`` / ``agegrade`` / ``wma`` -> ``agegrade`` (the age is read
       first: ``woman 50``, ``aged 50``, ``M55``); ``points`` / ``score`` /
       ``iaaf`` -> ``score``; ``vdot`` / ``training paces`` -> ``vdot``;
    3. a time is given: ``splits`` / ``laps`` -> ``laps``; otherwise ``predict``
       (``worth``, ``equivalent``, ``predict``, ``what 1500 is that``, or a
       second distance with no pace unit) or ``convert`` (the default);
    4. ``what did I run``, ``my splits`` -> ``log``;
    5. ``my best``, ``pb``, ``pr``, ``fastest`` -> ``best``;
    6. ``workout``, ``wod``, or a day asked about on its own (``tomorrow?``,
       ``what's on friday``) -> ``workout``;
    7. ``splits`` / ``laps`` with no time -> ``laps``; ``predict`` /
       ``convert`` keywords with no time -> those intents with empty slots;
    8. ``help``, ``what can you do``, a bare greeting -> ``help``;
    9. anything else -> ``unknown``.

    A bare whole number is read as a time in seconds only when no other time
    is given and a distance goes with it (``68 for 400``, ``400 in 68``).
    """
    if not isinstance(text, str):
        return Question("unknown")
    cleaned = _normalise(text)
    tokens = _fold(_tokenise(cleaned))
    if not tokens:
        return Question("help" if not cleaned.strip(" ,.:;!?") else "unknown")
    words = {t.text for t in tokens if t.kind == "word"}
    phrase = " " + " ".join(t.text for t in tokens) + " "

    log = bool(
        ("did" in words and "i" in words)
        or ("i" in words and "ran" in words and "if" not in words)
        or ("my" in words and words & _LOG_NOUNS)
    )
    best = bool(words & _BEST_WORDS)
    has_date = _date_text(tokens) is not None
    workout = bool(words & _WORKOUT_WORDS) or (
        has_date and bool(words & _WORKOUT_DATE_HINTS or words <= _date_words(words))
    )
    if workout and not has_date and _kind_of_workout(tokens, words):
        workout = False  # "what's a ladder workout?": the glossary's, not today's

    agegrade = bool(words & _AGEGRADE_WORDS) or ("age" in words and bool(words & _GRADE_WORDS))
    # Read the age first, so "woman 50" is an age, never a 50 m or a 50 s effort.
    age = _take_age(tokens) if agegrade else None
    score = not agegrade and bool(words & _SCORE_WORDS)

    time_index = next((i for i, t in enumerate(tokens) if t.kind == "time"), None)
    if time_index is None and not (log or best or workout):
        time_index = _promote_number(tokens)
        if time_index is not None:
            tokens[time_index].kind = "time"

    if time_index is None and not agegrade and not score:
        personal = _personal_question(tokens, words)
        if personal is not None:
            return personal
    vdot = bool(words & {"vdot", "vo2", "vo2max", "daniels"}) or (
        bool(words & {"training", "train"}) and bool(words & {"pace", "paces", "zones"})
    )
    if not vdot and time_index is not None and "paces" in words:
        vdot = True  # "paces for 17:30 5k": the training paces
    laps = bool(words & _LAPS_WORDS)

    if agegrade:
        return _agegrade_question(tokens, time_index, words, age)
    if score:
        return _score_question(tokens, time_index, words)
    if vdot:
        if time_index is None:
            return Question("vdot")
        time_text, distance_text = _effort(tokens, time_index)
        return Question("vdot", time_text, distance_text)
    if time_index is not None:
        if laps:
            return _laps_question(tokens, time_index)
        return _pace_question(tokens, time_index, words)
    if log:
        return Question("log", date_text=_date_text(tokens))
    if best:
        return Question("best", distance_text=_first_distance(tokens))
    if workout:
        return Question("workout", date_text=_date_text(tokens))
    if laps:
        return _laps_question(tokens, None)
    if words & _PREDICT_WORDS:
        return Question("predict", target_text=_first_distance(tokens))
    if words & _CONVERT_WORDS:
        return Question("convert")
    if words & _HELP_WORDS or any(help_phrase in phrase for help_phrase in _HELP_PHRASES):
        return Question("help")
    if words and words <= _GREETINGS | {"there", "coach", "bot", "trackside"}:
        return Question("help")
    return Question("unknown")
