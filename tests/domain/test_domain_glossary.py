"""The training glossary: a reviewed data file of sourced answers, and the
tolerant matcher that finds the entry a knowledge question asks about."""

from __future__ import annotations

import re
import time
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.glossary import (
    DEFAULT_PATH,
    MAX_ANSWER_CHARS,
    Entry,
    Glossary,
    GlossaryError,
    load_glossary,
)

GLOSSARY = load_glossary()

# ------------------------------------------------------------------ the data file


def test_the_file_parses_and_has_at_least_40_entries() -> None:
    raw = tomllib.loads(DEFAULT_PATH.read_text("utf-8"))
    assert len(raw["entry"]) == len(GLOSSARY.entries) >= 40


def test_ids_are_unique_lower_case_and_found_by_get() -> None:
    ids = [entry.id for entry in GLOSSARY.entries]
    assert len(ids) == len(set(ids))
    for entry in GLOSSARY.entries:
        assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", entry.id), entry.id
        assert GLOSSARY.get(entry.id) is entry
    assert GLOSSARY.get("no-such-term") is None


@pytest.mark.parametrize("entry", GLOSSARY.entries, ids=lambda e: e.id)
def test_every_entry_has_a_short_plain_answer_and_a_dated_source(entry: Entry) -> None:
    assert entry.term.strip() and entry.ask
    assert entry.answer.strip() and len(entry.answer) < MAX_ANSWER_CHARS
    assert not re.search(r"\*\*|__|`|^#|\]\(", entry.answer, re.MULTILINE), "no markdown"
    assert entry.source.strip()
    assert re.search(r"\((?:[^()]*\D)?(19|20)\d\d\)|\b(19|20)\d\d\b", entry.source), entry.source


def test_the_required_topics_are_all_there() -> None:
    required = {
        "easy-pace", "marathon-pace", "tempo", "interval-pace", "repetition-pace", "t-vs-i",
        "vdot", "cruise-intervals", "fartlek", "strides", "progression-run", "cut-down",
        "ladder", "negative-split", "even-pacing", "taper", "long-run", "recovery-run",
        "hill-repeats", "warm-up", "cool-down", "intervals", "rest-vs-recovery",
        "rest-between-400s", "ten-percent-rule", "overtraining", "supercompensation",
        "lactate-threshold", "vo2max", "running-economy", "cadence", "aerobic-base",
        "periodization", "mesocycle", "doubles", "time-trial", "race-pace", "goal-pace",
        "split", "lap", "pacing", "kick", "aerobic-anaerobic", "heart-rate-zones",
        "altitude", "deload", "plyometrics", "drills", "sprint", "eighty-twenty",
    }  # fmt: skip
    assert required <= {entry.id for entry in GLOSSARY.entries}


def test_load_is_cached() -> None:
    assert load_glossary() is GLOSSARY


# ------------------------------------------------------------- validation at load

_GOOD = """
[[entry]]
id = "tempo"
term = "Tempo"
ask = ["tempo"]
answer = "Comfortably hard."
source = "Jack Daniels, Daniels' Running Formula, 3rd edition (Human Kinetics, 2014)"
"""


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (_GOOD + _GOOD, "duplicate id"),
        (_GOOD.replace('"Comfortably hard."', '""'), "answer"),
        (_GOOD.replace('"Comfortably hard."', '"' + "x" * MAX_ANSWER_CHARS + '"'), "characters"),
        (_GOOD.replace('source = "Jack', 'source = "" # "Jack'), "source"),
        (_GOOD.replace('ask = ["tempo"]', "ask = []"), "ask"),
        (_GOOD.replace('ask = ["tempo"]', 'ask = ["what is"]'), "only filler"),
        (_GOOD.replace('id = "tempo"', 'id = "Tempo Run"'), "lower-case"),
        (_GOOD + _GOOD.replace('id = "tempo"', 'id = "t"'), "both ask"),
        ("entry = 3", "no [[entry]]"),
        ("[[entry]\n", "TOML"),
    ],
)
def test_a_malformed_file_fails_loudly(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "glossary.toml"
    path.write_text(text, "utf-8")
    with pytest.raises(GlossaryError) as caught:
        load_glossary(path)
    if problem != "TOML":
        assert problem in str(caught.value)


def test_a_good_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "glossary.toml"
    path.write_text(_GOOD, "utf-8")
    glossary = load_glossary(path)
    assert isinstance(glossary, Glossary)
    assert [entry.id for entry in glossary.entries] == ["tempo"]
    assert glossary.lookup("what is tempo?") == glossary.get("tempo")


# ---------------------------------------------------------------------- lookup

QUESTIONS: list[tuple[str, str]] = [
    # the product spec's examples
    ("what is a tempo run?", "tempo"),
    ("what are strides?", "strides"),
    ("how much rest between I reps?", "interval-pace"),
    ("difference between T and I pace?", "t-vs-i"),
    ("what is VDOT?", "vdot"),
    ("waht is tempo", "tempo"),
    # "should I" without a pace word is still a question about training, not
    # about the asker's own numbers.
    ("how long should I reps be", "interval-pace"),
    ("what should I do for a warm up", "warm-up"),
    ("tempo run what is", "tempo"),
    # typos
    ("temop run", "tempo"),
    ("fartlik", "fartlek"),
    ("wat is fartlek", "fartlek"),
    ("what is a progresion run", "progression-run"),
    ("explain periodisation", "periodization"),
    ("what is supercompensaton", "supercompensation"),
    ("what is a negativ split", "negative-split"),
    ("whta are cruise intervals", "cruise-intervals"),
    ("what does tapering mean", "taper"),
    ("what is plyometrcs", "plyometrics"),
    # word order
    ("strides what are", "strides"),
    ("run tempo", "tempo"),
    ("split negative", "negative-split"),
    ("pace threshold", "tempo"),
    # mentions and punctuation
    ("<@123> what is a tempo run?", "tempo"),
    ("<@!123> explain fartlek!!", "fartlek"),
    ("@Trackside what's VO2max?", "vo2max"),
    ("What’s a cut-down run?", "cut-down"),
    # rest between reps
    ("how much rest between 400s?", "rest-between-400s"),
    ("rest between 400s", "rest-between-400s"),
    ("what is the rest between 400s at mile pace?", "rest-between-400s"),
    ("how much rest between R reps?", "repetition-pace"),
    ("how much rest between T reps?", "cruise-intervals"),
    ("do you rest or jog between reps?", "rest-vs-recovery"),
    ("rest vs recovery", "rest-vs-recovery"),
    # one question per topic
    ("what is easy pace", "easy-pace"),
    ("what is M pace", "marathon-pace"),
    ("what's I pace?", "interval-pace"),
    ("what is R pace", "repetition-pace"),
    ("T vs I", "t-vs-i"),
    ("explain fartlek", "fartlek"),
    ("define negative split", "negative-split"),
    ("whats a cutdown run", "cut-down"),
    ("what is a ladder workout", "ladder"),
    ("what's a pyramid", "ladder"),
    ("what does even pacing mean", "even-pacing"),
    ("what does taper mean", "taper"),
    ("explain negative splits", "negative-split"),
    ("what is a long run", "long-run"),
    ("how long should a long run be?", "long-run"),
    ("what is a recovery run", "recovery-run"),
    ("what are hill repeats", "hill-repeats"),
    ("how do I warm up", "warm-up"),
    ("is a cool down necessary", "cool-down"),
    ("what are intervals", "intervals"),
    ("what is the 10% rule?", "ten-percent-rule"),
    ("what is overtraining", "overtraining"),
    ("what is lactate threshold", "lactate-threshold"),
    ("what is running economy", "running-economy"),
    ("what is cadence", "cadence"),
    ("tell me about base building", "aerobic-base"),
    ("what is a mesocycle", "mesocycle"),
    ("what's a microcycle?", "mesocycle"),
    ("what are doubles", "doubles"),
    ("what is a time trial", "time-trial"),
    ("what is race pace", "race-pace"),
    ("what is goal pace", "goal-pace"),
    ("what is a split", "split"),
    ("how long is a lap", "lap"),
    ("what is pacing", "pacing"),
    ("what is a kick", "kick"),
    ("aerobic vs anaerobic", "aerobic-anaerobic"),
    ("what are heart rate zones", "heart-rate-zones"),
    ("what is zone 2", "heart-rate-zones"),
    ("is 220 minus age right?", "max-heart-rate"),
    ("what is altitude training", "altitude"),
    ("what's a deload week", "deload"),
    ("what are A-skips", "drills"),
    ("what are plyos", "plyometrics"),
    ("what is acceleration", "sprint"),
    ("what is 80/20 training", "eighty-twenty"),
    ("what is polarized training", "eighty-twenty"),
    ("why do we do strides?", "strides"),
]


def test_the_table_is_big_enough() -> None:
    assert len(QUESTIONS) >= 60


@pytest.mark.parametrize(("text", "entry_id"), QUESTIONS)
def test_lookup_finds_the_entry(text: str, entry_id: str) -> None:
    found = GLOSSARY.lookup(text)
    assert found is not None, text
    assert found.id == entry_id


NOT_GLOSSARY: list[str] = [
    # conversions and other intents the chat layer answers first
    "what's 37.47 for 300m per 400?",
    "37.47 300m",
    "splits for a 4:00 mile",
    "5k in 17:30 what's that per mile",
    "what's today's workout?",
    "log 4x400 in 68 69 70 71",
    "my best 300",
    # personal questions: the asker's own numbers
    "how was my week?",
    "what pace should my tempo runs be?",
    "my training paces",
    "what should I run 400s at?",
    "how fast are my easy runs?",
    "what's my vdot?",
    "what should my I pace be",
    # chat and gibberish
    "hello",
    "thanks coach",
    "asdfgh",
    "qwertyuiop asdf",
    "lol",
    "?",
    "",
    "   ",
    "what",
    "what is",
    "who won the 1500?",
    "what time is practice tomorrow",
    "is it raining at the track",
]


def test_the_negative_table_is_big_enough() -> None:
    assert len(NOT_GLOSSARY) >= 15


@pytest.mark.parametrize("text", NOT_GLOSSARY)
def test_lookup_returns_none_for_other_messages(text: str) -> None:
    assert GLOSSARY.lookup(text) is None


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_lookup_never_raises_on_any_text(text: str) -> None:
    found = GLOSSARY.lookup(text)
    assert found is None or isinstance(found, Entry)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(QUESTIONS), st.sampled_from(["", "?", "!", " please", "?? "]))
def test_trailing_punctuation_and_politeness_do_not_change_the_answer(
    case: tuple[str, str], tail: str
) -> None:
    text, entry_id = case
    found = GLOSSARY.lookup(text + tail)
    assert found is not None and found.id == entry_id


def test_lookup_is_fast() -> None:
    texts = [text for text, _ in QUESTIONS] + NOT_GLOSSARY + ["what is tempo " * 40]
    start = time.perf_counter()
    rounds = 5
    for _ in range(rounds):
        for text in texts:
            GLOSSARY.lookup(text)
    per_lookup = (time.perf_counter() - start) / (rounds * len(texts))
    assert per_lookup < 0.005, f"{per_lookup * 1000:.2f} ms per lookup"
