"""Plain-chat questions: what people type at the bot, read into an intent and its slots."""

from __future__ import annotations

import time
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.dates import parse_date
from bot.domain.distance import parse_distance
from bot.domain.questions import INTENTS, MAX_QUESTION_CHARS, Question, parse_question
from bot.domain.times import parse_time

Q = Question

CASES: list[tuple[str, Question]] = [
    # ------------------------------------------------------------ convert (same pace)
    ("what's 37.47 for 300m per 400?", Q("convert", "37.47", "300m", per_text="400")),
    ("What's 37.47 for 300 m per 400?!", Q("convert", "37.47", "300 m", per_text="400")),
    ("WHAT'S 37.47 FOR 300M PER 400", Q("convert", "37.47", "300m", per_text="400")),
    ("What’s 37.47 for 300m per 400m.", Q("convert", "37.47", "300m", per_text="400m")),
    ("<@123456> what's 37.47 for 300m per 400?", Q("convert", "37.47", "300m", per_text="400")),
    (
        "<@!1234> 37.47 for 300 metres per 400 metres",
        Q("convert", "37.47", "300 metres", per_text="400 metres"),
    ),
    (
        "hey coach bot, what's 37.47 for 300m per 400?",
        Q("convert", "37.47", "300m", per_text="400"),
    ),
    ("37.47 300m", Q("convert", "37.47", "300m")),
    ("37.47 300m?", Q("convert", "37.47", "300m")),
    ("300 metres in 37.47, per 400?", Q("convert", "37.47", "300 metres", per_text="400")),
    ("3:56.13 mile per lap", Q("convert", "3:56.13", "mile", per_text="400m")),
    ("3:56.13 mile, what's that per lap?", Q("convert", "3:56.13", "mile", per_text="400m")),
    ("@Trackside 3:56.13 Mile per lap.", Q("convert", "3:56.13", "mile", per_text="400m")),
    ("5k in 17:30 what's that per mile", Q("convert", "17:30", "5k", per_text="mile")),
    ("5K in 17:30, what's that per mile?", Q("convert", "17:30", "5k", per_text="mile")),
    ("5 km in 17:30 per mi", Q("convert", "17:30", "5 km", per_text="mile")),
    ("convert 4:05/km to mile pace", Q("convert", "4:05", "1 km", per_text="mile")),
    ("convert 4:05 min/km to min/mi", Q("convert", "4:05", "1 km", per_text="mile")),
    ("4:05 min/km in miles?", Q("convert", "4:05", "1 km", per_text="mile")),
    ("6:30/mi to /km", Q("convert", "6:30", "mile", per_text="1 km")),
    ("6:30 per mile in minutes per km", Q("convert", "6:30", "mile", per_text="1 km")),
    ("6:30 a mile, what's that per kilometre?", Q("convert", "6:30", "mile", per_text="1 km")),
    ("what's 68s 400 pace per km", Q("convert", "68s", "400", per_text="1 km")),
    ("what's 68 sec 400m pace per k?", Q("convert", "68 sec", "400m", per_text="1 km")),
    ("what's 68 for 400 per km", Q("convert", "68", "400", per_text="1 km")),
    ("400 in 68 per mile", Q("convert", "68", "400", per_text="mile")),
    ("1,500 in 3:40 per lap", Q("convert", "3:40", "1500", per_text="400m")),
    ("what's the lap time for a 4:00 mile", Q("convert", "4:00", "mile", per_text="400m")),
    ("29.78 for 250", Q("convert", "29.78", "250")),
    ("what's `37.47` for `300m` per 400", Q("convert", "37.47", "300m", per_text="400")),
    ("how fast is 4:05/km in mph", Q("convert", "4:05", "1 km")),
    ("120s for 600 per lap", Q("convert", "120s", "600", per_text="400m")),
    ("what's 49.96 per 400 in km/h", Q("convert", "49.96", "400")),
    ("2h05m30s marathon per km", Q("convert", "2h05m30s", "marathon", per_text="1 km")),
    ("what's 45' for 10k per mile", Q("convert", "45'", "10k", per_text="mile")),
    ("what's a 20 minute 5k per mile", Q("convert", "20 minute", "5k", per_text="mile")),
    ("what's my mile pace for a 20:00 5k", Q("convert", "20:00", "5k", per_text="mile")),
    ("pace for 4:05/km", Q("convert", "4:05", "1 km")),
    ("3:56.13 mile", Q("convert", "3:56.13", "mile")),
    # an unreadable slot keeps the intent
    ("what's 37.47 for 2000km per 400", Q("convert", "37.47", None, per_text="400")),
    ("what's 1:75 for 400 per km", Q("convert", None, "400", per_text="1 km")),
    # ------------------------------------------------------------ predict (equivalent effort)
    ("3:56.13 mile, what 1500 is that?", Q("predict", "3:56.13", "mile", target_text="1500")),
    ("3:56.13 mile, what 1500 is that worth?", Q("predict", "3:56.13", "mile", target_text="1500")),
    (
        "3:56.13 mile, what's that worth over 1500?",
        Q("predict", "3:56.13", "mile", target_text="1500"),
    ),
    ("what 1500 is a 3:56.13 mile", Q("predict", "3:56.13", "mile", target_text="1500")),
    ("if I run 5k in 20:00 what marathon", Q("predict", "20:00", "5k", target_text="marathon")),
    ("If I run 5K in 20:00, what marathon??", Q("predict", "20:00", "5k", target_text="marathon")),
    (
        "marathon in 3:00:00, what 5k is that?",
        Q("predict", "3:00:00", "marathon", target_text="5k"),
    ),
    ("10K 40:00 equivalent half?", Q("predict", "40:00", "10k", target_text="half")),
    (
        "my 5k time was 20:00, what's that worth in a half marathon",
        Q("predict", "20:00", "5k", target_text="half marathon"),
    ),
    (
        "what would I run for a marathon off 5k 20:00",
        Q("predict", "20:00", "5k", target_text="marathon"),
    ),
    ("18:00 5k what would my 10k be", Q("predict", "18:00", "5k", target_text="10k")),
    ("predict 10 km 40:00", Q("predict", "40:00", "10 km")),
    ("what's a 3:56.13 mile worth?", Q("predict", "3:56.13", "mile")),
    (
        "hey trackside, 17:30 for a 5k, marathon?",
        Q("predict", "17:30", "5k", target_text="marathon"),
    ),
    ("predict my marathon", Q("predict", target_text="marathon")),
    # ------------------------------------------------------------ vdot / training paces
    ("vdot for 10k 40:00", Q("vdot", "40:00", "10k")),
    ("VDOT for 10 km in 40:00?", Q("vdot", "40:00", "10 km")),
    ("what's my vdot from a 20:00 5k", Q("vdot", "20:00", "5k")),
    ("training paces for 17:30 5k", Q("vdot", "17:30", "5k")),
    ("Training paces for a 17:30 5K please!", Q("vdot", "17:30", "5k")),
    ("paces for a 3:10 marathon", Q("vdot", "3:10", "marathon")),
    ("vdot for 10k 1:75", Q("vdot", None, "10k")),
    ("whats my vdot", Q("vdot")),
    # ------------------------------------------------------------ laps (even splits)
    ("splits for a 4:00 mile", Q("laps", "4:00", "mile")),
    ("Splits for a 4:00 mile?", Q("laps", "4:00", "mile")),
    ("what laps for 2:00 800", Q("laps", "2:00", "800")),
    ("what laps for 2:00 800m?", Q("laps", "2:00", "800m")),
    ("lap times for a 3:56.13 mile", Q("laps", "3:56.13", "mile")),
    ("splits for 2:00 800 in 200s", Q("laps", "2:00", "800", lap_text="200")),
    ("splits for a 4:00 mile every 200", Q("laps", "4:00", "mile", lap_text="200")),
    ("even splits 4:00 mile 200m laps", Q("laps", "4:00", "mile", lap_text="200m")),
    ("splits for 5k in 17:30 per 1k", Q("laps", "17:30", "5k", lap_text="1k")),
    ("4:00 mile splits in 200s", Q("laps", "4:00", "mile", lap_text="200")),
    ("splits for a mile", Q("laps", None, "mile")),
    # ------------------------------------------------------------ workout of the day
    ("what's today's workout?", Q("workout", date_text="today")),
    ("WHAT'S TODAY'S WORKOUT", Q("workout", date_text="today")),
    ("what's tomorrow's workout", Q("workout", date_text="tomorrow")),
    ("workout on friday", Q("workout", date_text="friday")),
    ("workout for next monday?", Q("workout", date_text="next monday")),
    ("what was the workout on 2026-11-27", Q("workout", date_text="2026-11-27")),
    ("what are we doing tomorrow", Q("workout", date_text="tomorrow")),
    ("what's on saturday?", Q("workout", date_text="saturday")),
    ("tomorrow?", Q("workout", date_text="tomorrow")),
    ("what's today?", Q("workout", date_text="today")),
    ("wod", Q("workout")),
    ("<@1234> workout?", Q("workout")),
    # ------------------------------------------------------------ my log and bests
    ("what did I run last Tuesday?", Q("log", date_text="last tuesday")),
    ("what did i run yesterday", Q("log", date_text="yesterday")),
    ("how did I do on tues", Q("log", date_text="tues")),
    ("my splits from monday", Q("log", date_text="monday")),
    ("what were my splits for the 800s yesterday", Q("log", date_text="yesterday")),
    ("show my times for 2026-06-05", Q("log", date_text="2026-06-05")),
    ("my best 300", Q("best", distance_text="300")),
    ("my best 300?", Q("best", distance_text="300")),
    ("my pb for the mile", Q("best", distance_text="mile")),
    ("My PB for the Mile!", Q("best", distance_text="mile")),
    ("what's my fastest 400m", Q("best", distance_text="400m")),
    ("my 5k pr", Q("best", distance_text="5k")),
    ("my best", Q("best")),
    # ------------------------------------------------------------ help and the rest
    ("help", Q("help")),
    ("Help!", Q("help")),
    ("@Trackside help", Q("help")),
    ("what can you do", Q("help")),
    ("<@!1234> what can you do?", Q("help")),
    ("hi", Q("help")),
    ("<@1234>", Q("help")),
    ("", Q("help")),
    ("what's the weather like", Q("unknown")),
    ("tell me a joke", Q("unknown")),
    ("what's the weather today", Q("unknown")),
    ("2+2", Q("unknown")),
    ("🏃‍♀️💨", Q("unknown")),
    # ------------------------------------------------------------ score / agegrade
    (
        "what is 37.47 for 300 worth over 400?",
        Q("predict", "37.47", "300", target_text="400"),
    ),
    (
        "what's a 37.47 300 worth over 400 for a woman",
        Q("predict", "37.47", "300", target_text="400", sex_text="female"),
    ),
    ("how many points is 49.96 for 400m?", Q("score", "49.96", "400m")),
    ("score 10.5 100", Q("score", "10.5", "100")),
    (
        "points for 7.2 60m indoor women",
        Q("score", "7.2", "60m", sex_text="female", indoor=True),
    ),
    ("iaaf points 3:56.13 mile men", Q("score", "3:56.13", "mile", sex_text="male")),
    (
        "age grade 5k 18:00 woman 50",
        Q("agegrade", "18:00", "5k", sex_text="female", age=50),
    ),
    ("age grade 16:23 5k M50", Q("agegrade", "16:23", "5k", sex_text="male", age=50)),
    (
        "agegrade 3:10:00 marathon aged 62 female",
        Q("agegrade", "3:10:00", "marathon", sex_text="female", age=62),
    ),
    (
        "wma 18:00 5000 track man 45",
        Q("agegrade", "18:00", "5000", sex_text="male", age=45, venue_text="track"),
    ),
    (
        "50 year old woman ran 5k in 20:00, age graded?",
        Q("agegrade", "20:00", "5k", sex_text="female", age=50),
    ),
    ("age grade 5k 18:00", Q("agegrade", "18:00", "5k")),
    # ------------------------------------------------- the asker's own paces and week
    ("what pace should my tempo runs be?", Q("paces", zone="T")),
    ("my training paces", Q("paces")),
    ("what are my paces?", Q("paces")),
    ("what should I run 400s at?", Q("paces", distance_text="400")),
    ("how fast should i run my 800s", Q("paces", distance_text="800")),
    ("what pace for my 1000m reps", Q("paces", distance_text="1000m")),
    ("what should my mile repeats be", Q("paces", distance_text="mile")),
    ("how fast are my easy runs?", Q("paces", zone="E")),
    ("what are my marathon paces", Q("paces", zone="M")),
    ("my interval pace", Q("paces", zone="I")),
    ("my threshold pace please", Q("paces", zone="T")),
    ("how was my week?", Q("week")),
    ("whats my week look like", Q("week")),
    ("<@123> how did my week go", Q("week")),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[text or "<empty>" for text, _ in CASES])
def test_phrasings(text: str, expected: Question) -> None:
    assert parse_question(text) == expected


def test_the_table_is_big_enough_and_covers_every_intent() -> None:
    assert len(CASES) >= 60
    assert len({text for text, _ in CASES}) == len(CASES)
    assert {question.intent for _, question in CASES} == INTENTS


# --------------------------------------------------------------------------- slots parse

_SOME_DAY = date(2026, 6, 5)


def _assert_slots_parse(question: Question) -> None:
    assert question.intent in INTENTS
    if question.time_text is not None:
        parse_time(question.time_text)
    for distance in (
        question.distance_text,
        question.per_text,
        question.target_text,
        question.lap_text,
    ):
        if distance is not None:
            parse_distance(distance)
    if question.date_text is not None:
        parse_date(question.date_text, _SOME_DAY, direction="back")


@pytest.mark.parametrize("text", [text for text, _ in CASES])
def test_every_slot_in_the_table_parses(text: str) -> None:
    _assert_slots_parse(parse_question(text))


_VOCABULARY = [
    "what's", "37.47", "for", "300m", "per", "400", "lap", "/km", "/mi", "min/km", "3:56.13",
    "mile", "1500", "5k", "in", "17:30", "1:75", "4:5", "99:99:99", "2000km", "0m", "to",
    "pace", "worth", "over", "vdot", "training", "paces", "splits", "laps", "every", "200",
    "200s", "a", "the", "that", "my", "best", "pb", "workout", "today's", "last", "tuesday",
    "next", "2026-02-30", "2026-11-27", "help", "did", "i", "run", "half", "marathon", "km/h",
    "68", "68s", "45'", "90\"", "2h05m30s", "1,500", "?", ",", "<@1234>", "@Trackside", "é",
    "0", "00:00", "1e9", "999999999999", ".", "-", "—",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_VOCABULARY), max_size=12))
def test_slots_from_runner_vocabulary_always_parse(words: list[str]) -> None:
    _assert_slots_parse(parse_question(" ".join(words)))


# --------------------------------------------------------------------------- never raises


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=700))
def test_never_raises_on_any_text(text: str) -> None:
    question = parse_question(text)
    assert isinstance(question, Question)
    _assert_slots_parse(question)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="0123456789:.,/'\" kmsilepr", max_size=600))
def test_never_raises_on_number_soup(text: str) -> None:
    _assert_slots_parse(parse_question(text))


@pytest.mark.parametrize(
    "text",
    [
        "1" * 100_000,
        "1:" * 50_000,
        "what's " * 20_000,
        "a" * 200_000 + " 37.47 300m",
        "\x00\ud800\U0010ffff" * 1000,
        "İ" * 10_000,
    ],
    ids=["digits", "colons", "words", "letters", "odd-code-points", "expanding-lowercase"],
)
def test_long_text_is_cut_and_fast(text: str) -> None:
    started = time.perf_counter()
    question = parse_question(text)
    assert time.perf_counter() - started < 0.5
    _assert_slots_parse(question)


def test_text_beyond_the_cap_is_ignored() -> None:
    padding = "x" * MAX_QUESTION_CHARS
    assert parse_question(padding + " vdot for 10k 40:00") == Question("unknown")
    assert parse_question("vdot for 10k 40:00 " + padding).intent == "vdot"
