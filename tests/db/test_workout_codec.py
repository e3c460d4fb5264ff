"""How a parsed workout is stored (db/workout_codec.py): the round trip is
exact, and anything else is refused. The codec itself needs no database; the
last test stores workouts through the query class on both back ends."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.errors import InputError
from bot.domain.workout import parse_workout
from db import Database
from db.workout_codec import workout_from_json, workout_to_json
from db.workouts import NewWorkout, WorkoutQueries

MILE = "1609.344"
TEXTS = [
    "4 x 250m sprint + 1 x 300m",
    "2 x 1 mile @ 68/lap (90s)",
    "2 x (3 x 200 + 1 x 400) w/ 5' between sets",
    "Rest day",
    "naïve ünïcode 🏃 4 x 400",
]


@pytest.mark.parametrize("text", TEXTS)
def test_json_round_trip(text: str) -> None:
    workout = parse_workout(text)
    stored = workout_to_json(workout)
    assert workout_from_json(stored) == workout
    assert all(isinstance(rep["distance_m"], str) for rep in json.loads(stored)["reps"])


def test_json_keeps_metres_exact() -> None:
    stored = json.loads(workout_to_json(parse_workout("6 x 1 mile")))
    assert stored["reps"][0]["distance_m"] == MILE
    assert stored["groups"][0]["distance_m"] == MILE


@pytest.mark.parametrize(
    "stored",
    [
        "[]",
        '{"version": 2, "text": ""}',
        '{"version": 1}',
        '{"version": 1, "text": "", "reps": [{"distance_m": 400}]}',
        '{"version": 1, "text": "", "reps": [{"distance_m": "NaN"}]}',
        '{"version": 1, "text": "", "reps": [{"distance_m": "abc"}]}',
        '{"version": 1, "text": "", "groups": [{"count": true}]}',
        "not json",
    ],
)
def test_json_rejects_anything_else(stored: str) -> None:
    with pytest.raises(ValueError):
        workout_from_json(stored)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789 xX×*()[]@/:.'\"-+,;kmiles", max_size=40))
def test_every_parsed_workout_comes_back_as_it_was_stored(text: str) -> None:
    try:
        workout = parse_workout(text)
    except InputError:
        return
    assert workout_from_json(workout_to_json(workout)) == workout


async def test_a_stored_workout_reads_back_as_it_was_parsed(database: Database) -> None:
    # The JSON goes through a TEXT column of either back end (unicode, exact
    # metres as text) and comes back byte for byte.
    queries = WorkoutQueries(database)
    for day, text in enumerate(TEXTS, start=1):
        workout = parse_workout(text)
        saved, _ = await queries.save(
            NewWorkout(7, date(2026, 11, day), None, text, workout, None, None, 1, 1), now=1
        )
        read = await queries.by_id(saved.id)
        assert read is not None
        assert read.text == text
        assert read.parsed == workout_to_json(workout)
        assert read.plan == workout
