"""The training glossary: short, sourced answers to knowledge questions.

"What is a tempo run?", "how much rest between I reps?", "explain fartlek" are
answered from ``glossary.toml`` next to this module: a curated list of terms,
each with the phrasings people use, a short answer we wrote and the book or
paper it comes from. The answers are data reviewed like code, not sentences
scattered through the chat code, so a coach can check a fact against its
source and fix it in one place.

Why fuzzy matching (``rapidfuzz``) and not a keyword table: people type fast
in chat ("waht is tempo", "fartlik", "tempo run what is"), so the matcher
must tolerate typos and word order. Why it is still conservative: the
glossary is the last thing the chat layer tries, after conversions and the
asker's own data, and a wrong definition is worse than the short help reply.
So a question must be close to one of an entry's phrasings as a whole; a
message that merely contains a glossary word among others ("splits for a
4:00 mile") is not an answer's question.

How :meth:`Glossary.lookup` reads a message:

1. Clean up: mentions (``<@123>``) and a leading ``@Trackside`` go, the text
   is lower-cased, apostrophes inside words go (``what's`` -> ``whats``) and
   any other punctuation becomes a space.
2. Drop question filler ("what", "is", "explain", "define", "mean", "how",
   ...), including common typos of "what". A single letter that names one of
   Daniels' paces stays when a pace word follows it ("I reps", "T and I
   pace"), so "I" the pronoun goes but "I" the pace does not.
3. Refuse personal questions ("what pace should my tempo runs be?"): those
   are about the asker's own numbers and belong to another answer.
4. Score the rest against every phrasing, each normalised the same way once
   when the glossary loads: whole-text similarity with the words sorted
   (order does not matter) by two rapidfuzz measures, the Indel ratio and the
   OSA distance (a swapped pair of letters is one edit). A phrasing of two or
   more words found whole inside a slightly longer question also counts.
   The best score wins if it reaches :data:`SCORE_CUTOFF`; very short
   questions must match exactly.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.domain.marks import QUOTES

__all__ = [
    "DEFAULT_PATH",
    "MAX_ANSWER_CHARS",
    "SCORE_CUTOFF",
    "Entry",
    "Glossary",
    "GlossaryError",
    "load_glossary",
]

DEFAULT_PATH = Path(__file__).with_name("glossary.toml")
"""The glossary shipped with the bot."""

MAX_ANSWER_CHARS = 600
"""An answer is a short chat reply, not an article: longer ones are refused at load."""

SCORE_CUTOFF = 84.0
"""The lowest score (0-100) that still answers. Tuned on the tests' tables: it
lets one or two typos through in a word of six or more letters ("fartlik",
"temop run") while unrelated chat stays below it."""

_MAX_READ_CHARS = 300
"""Only this much of a message is read: a glossary question is short, and it caps the work."""

_SHORT_QUERY_CHARS = 3
"""A cleaned question this short ("lt", "mp") must equal a phrasing exactly: one
edit in two letters is a different word, not a typo."""

_MAX_EXTRA_WORDS = 2
"""How many words a question may add around a multi-word phrasing found whole
in it ("rest between 400s at mile pace")."""

_FILLER = frozenset(
    {
        # question words, and the usual typos of "what"
        "what", "whats", "wat", "wats", "waht", "wht", "whta", "wut", "whut",
        "is", "isnt", "are", "was", "a", "an", "the", "how", "does", "do", "did",
        "explain", "explaining", "define", "definition", "mean", "means", "meaning",
        "meant", "i", "me", "tell", "about", "of", "by", "to", "for", "much", "many",
        # politeness and chat noise
        "please", "pls", "plz", "can", "could", "would", "you", "u", "hey", "hi", "coach",
        "bot", "trackside", "exactly", "actually", "really", "thing", "term", "word",
        "called", "that", "thats", "this", "it", "its", "be", "again", "quick", "quickly",
        "why", "we", "us",
        # generic session words: "fartlek workout" asks what "fartlek" asks
        "workout", "workouts", "session", "sessions",
    }
)  # fmt: skip
"""Words dropped before matching, from questions and phrasings alike: they say
that something is asked, not what."""

_PACE_LETTERS = frozenset({"e", "m", "t", "i", "r", "h"})
"""Daniels' pace letters (E, M, T, I, R; H for hard, his alias for I)."""

_PACE_LETTER_NEXT = frozenset(
    {
        "pace", "paces", "reps", "rep", "repeats", "intervals", "interval", "workout",
        "workouts", "session", "sessions", "training", "zone", "and", "vs", "or",
        "runs", "run", "running",
    }
)  # fmt: skip
"""A pace letter followed by one of these words names a pace ("I reps",
"T and I pace"); otherwise a lone "i" is the pronoun and goes as filler."""

_PRONOUN_I_NEXT_NOT_PACE = frozenset({"run", "runs", "running"})
"""After "i" these words are a verb ("should I run 400s at ..."), not I pace."""

_PERSONAL_CUES = frozenset(
    {
        "pace", "paces", "fast", "faster", "speed", "week", "best", "pb",
        "pr", "vdot", "times", "splits",
    }
)  # fmt: skip
"""With "my" or the pronoun "I", these make a question about the asker's own
numbers ("what pace should my tempo runs be?", "how fast should I run 400s?"),
which the chat layer answers from their profile, never from the glossary."""

_MARKS = str.maketrans(QUOTES)
_MENTION = re.compile(r"<(?:@[!&]?|#)\d+>")
_LEADING_NAME = re.compile(r"^\s*@?trackside\b", re.IGNORECASE)
_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
_NOT_WORD = re.compile(r"[^a-z0-9]+")


class GlossaryError(ValueError):
    """The glossary file is malformed: a reviewed data file must fail loudly at start-up."""


@dataclass(frozen=True)
class Entry:
    """One glossary term: what people call it, our short answer and its source."""

    id: str
    term: str
    ask: tuple[str, ...]
    answer: str
    source: str


@dataclass(frozen=True)
class _Cleaned:
    """A question after clean-up: its words, and whether "my"/pronoun "I" was in it."""

    words: tuple[str, ...]
    personal_subject: bool


def _clean(text: str) -> _Cleaned:
    """Mentions, punctuation and filler out; pace letters kept (see the module doc)."""
    text = _MENTION.sub(" ", text[:_MAX_READ_CHARS])
    text = _LEADING_NAME.sub(" ", text)
    text = text.translate(_MARKS).lower().replace("%", " percent ")
    text = _APOSTROPHE.sub("", text)
    raw = _NOT_WORD.sub(" ", text).split()
    words: list[str] = []
    personal = False
    for index, word in enumerate(raw):
        following = raw[index + 1] if index + 1 < len(raw) else ""
        is_pronoun = word == "i" and following in _PRONOUN_I_NEXT_NOT_PACE
        if word in _PACE_LETTERS and following in _PACE_LETTER_NEXT and not is_pronoun:
            words.append(word)
            continue
        if word in ("my", "i", "im", "ive", "mine"):
            personal = True
            if word != "my":
                continue
        if word in _FILLER:
            continue
        if word not in words:  # "how long is a long run": one "long" is enough
            words.append(word)
    return _Cleaned(tuple(words), personal)


def _is_personal(cleaned: _Cleaned) -> bool:
    """The asker's own numbers ("my", "I") with a pace or result word: not ours."""
    return cleaned.personal_subject and not _PERSONAL_CUES.isdisjoint(cleaned.words)


def _sorted_text(words: Iterable[str]) -> str:
    return " ".join(sorted(words))


def _contains(words: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    """``phrase`` appears as consecutive whole words in ``words``."""
    size = len(phrase)
    return any(words[start : start + size] == phrase for start in range(len(words) - size + 1))


class Glossary:
    """The loaded glossary, with its phrasings normalised once for fast lookups.

    Two entries may not share a phrasing (after clean-up, in any word order):
    the answer to a question must not depend on the order of the file.
    """

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.entries: tuple[Entry, ...] = tuple(entries)
        self._by_id = {entry.id: entry for entry in self.entries}
        self._phrases: list[tuple[str, ...]] = []
        self._owner: list[Entry] = []
        seen: dict[str, Entry] = {}
        for entry in self.entries:
            for ask in entry.ask:
                words = _clean(ask).words
                key = _sorted_text(words)
                if key in seen and seen[key] is not entry:
                    raise GlossaryError(f"{entry.id!r} and {seen[key].id!r} both ask {ask!r}")
                if words and key not in seen:
                    seen[key] = entry
                    self._phrases.append(words)
                    self._owner.append(entry)
        self._plain = [" ".join(words) for words in self._phrases]
        self._sorted = [_sorted_text(words) for words in self._phrases]
        self._exact = {text: self._owner[i] for i, text in enumerate(self._sorted)}

    def get(self, entry_id: str) -> Entry | None:
        """The entry with this id, or None."""
        return self._by_id.get(entry_id)

    def lookup(self, text: str) -> Entry | None:
        """The entry a knowledge question asks about, or None.

        The caller must try the personal intents (the asker's paces, week,
        bests) and the conversions first, and the glossary only after them:
        this matcher answers what a term *means*. As a second guard it
        returns None itself for a personal question ("what pace should my
        tempo runs be?"). Never raises; typically well under a millisecond.
        """
        cleaned = _clean(text)
        words = cleaned.words
        if not words or _is_personal(cleaned):
            return None
        query_sorted = _sorted_text(words)
        exact = self._exact.get(query_sorted)
        if exact is not None:
            return exact
        if len(query_sorted) <= _SHORT_QUERY_CHARS:
            return None
        best_score = 0.0
        best: Entry | None = None
        for scorer, query, choices in (
            (fuzz.ratio, query_sorted, self._sorted),
            (OSA.normalized_similarity, query_sorted, self._sorted),
            (OSA.normalized_similarity, " ".join(words), self._plain),
        ):
            scale = 100.0 if scorer is OSA.normalized_similarity else 1.0
            found = process.extractOne(
                query, choices, scorer=scorer, score_cutoff=SCORE_CUTOFF / scale
            )
            if found is not None and found[1] * scale > best_score:
                best_score, best = found[1] * scale, self._owner[found[2]]
        if best is not None:
            return best
        return self._contained(words)

    def _contained(self, words: tuple[str, ...]) -> Entry | None:
        """The longest multi-word phrasing found whole in a slightly longer question."""
        best: tuple[str, ...] = ()
        owner: Entry | None = None
        for phrase, entry in zip(self._phrases, self._owner, strict=True):
            if (
                len(phrase) >= 2
                and len(phrase) > len(best)
                and len(words) - len(phrase) <= _MAX_EXTRA_WORDS
                and _contains(words, phrase)
            ):
                best, owner = phrase, entry
        return owner


def _entry(raw: object, index: int) -> Entry:
    """One validated entry; a GlossaryError names the entry and the problem."""
    if not isinstance(raw, dict):
        raise GlossaryError(f"entry {index}: not a table")
    where = f"entry {index} ({raw.get('id', '?')!r})"
    for key in ("id", "term", "answer", "source"):
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip():
            raise GlossaryError(f"{where}: {key} must be non-empty text")
    asks = raw.get("ask")
    if not isinstance(asks, list) or not asks or not all(isinstance(a, str) for a in asks):
        raise GlossaryError(f"{where}: ask must be a non-empty list of text")
    if any(not _clean(ask).words for ask in asks):
        raise GlossaryError(f"{where}: an ask is only filler words: {asks}")
    entry_id, answer = raw["id"], raw["answer"].strip()
    if entry_id != entry_id.strip().lower() or " " in entry_id:
        raise GlossaryError(f"{where}: id must be lower-case without spaces")
    if len(answer) >= MAX_ANSWER_CHARS:
        raise GlossaryError(
            f"{where}: answer is {len(answer)} characters (max {MAX_ANSWER_CHARS - 1})"
        )
    unknown = set(raw) - {"id", "term", "ask", "answer", "source"}
    if unknown:
        raise GlossaryError(f"{where}: unknown fields {sorted(unknown)}")
    return Entry(
        id=entry_id,
        term=raw["term"].strip(),
        ask=tuple(a.strip() for a in asks),
        answer=answer,
        source=raw["source"].strip(),
    )


@lru_cache(maxsize=4)
def load_glossary(path: Path = DEFAULT_PATH) -> Glossary:
    """The glossary at ``path``, validated; cached, so every caller shares one copy.

    Raises GlossaryError (a ValueError) on a malformed file, so a bad edit
    fails at start-up and in the tests rather than in a user's chat.
    """
    try:
        data = tomllib.loads(Path(path).read_text("utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise GlossaryError(f"{path}: {error}") from error
    raws = data.get("entry")
    if not isinstance(raws, list) or not raws:
        raise GlossaryError(f"{path}: no [[entry]] tables")
    entries = [_entry(raw, index) for index, raw in enumerate(raws, start=1)]
    seen: set[str] = set()
    for entry in entries:
        if entry.id in seen:
            raise GlossaryError(f"{path}: duplicate id {entry.id!r}")
        seen.add(entry.id)
    return Glossary(entries)
