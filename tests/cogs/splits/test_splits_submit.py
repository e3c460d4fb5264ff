"""Unit tests for cogs.splits.submit: the one submission path, against a real
database (SQLite and PostgreSQL) with the seed workout; no Discord."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from discord import app_commands

from bot.clock import epoch_ms
from bot.domain.errors import InputError
from bot.domain.workout import parse_workout
from bot.permissions import Actor
from cogs.splits.rendering import submission_answer
from cogs.splits.submit import PersonalBest, submit_splits
from db.guild_settings import GuildSettingsQueries
from db.submissions import SubmissionQueries
from db.workouts import NewWorkout, WorkoutQueries

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)  # a Saturday
TODAY = NOW.date()
GUILD = 1001
SEED = "4 x 250m sprint + 1 x 300m"
SEED_SPLITS = "29.78 / 29.98 31.31 / 31.20 37.47"
ANA = Actor(user_id=11, name="Ana", guild_id=GUILD, manage_guild=False)


async def _seed(db, day: date = TODAY, text: str = SEED, guild_id: int = GUILD):
    workout, _ = await WorkoutQueries(db).save(
        NewWorkout(
            guild_id=guild_id,
            local_date=day,
            title="Sprint session",
            text=text,
            plan=parse_workout(text),
            recovery=None,
            notes=None,
            author_id=1,
            origin_channel_id=500,
        ),
        now=epoch_ms(NOW),
    )
    return workout


async def test_the_seed_submission(db) -> None:
    workout = await _seed(db)
    outcome = await submit_splits(db, ANA, text=SEED_SPLITS, note=None, now=NOW)

    assert outcome.day == TODAY
    assert outcome.workout is not None and outcome.workout.id == workout.id
    assert outcome.replaced is False
    reps = outcome.analysis.reps
    assert len(reps) == 5
    assert [rep.distance_text for rep in reps] == ["250 m"] * 4 + ["300 m"]
    assert [rep.time_text for rep in reps] == ["29.78", "29.98", "31.31", "31.20", "37.47"]
    assert [rep.per_400_text for rep in reps] == ["47.65", "47.97", "50.10", "49.92", "49.96"]
    assert outcome.analysis.total_text == "2:39.74"
    assert outcome.analysis.overall_per_400_text == "49.15"

    stored = await SubmissionQueries(db).get(GUILD, TODAY, ANA.user_id)
    assert stored is not None
    assert stored.workout_id == workout.id
    assert stored.athlete_name == "Ana"
    assert [s.time_ms for s in stored.splits] == [29780, 29980, 31310, 31200, 37470]
    assert stored.distances == (Decimal(250),) * 4 + (Decimal(300),)
    assert stored.total_ms == 159740
    assert stored.total_m == Decimal(1300)
    assert outcome.submission == stored


async def test_a_resubmission_replaces_the_day_and_says_so(db) -> None:
    await _seed(db)
    await submit_splits(db, ANA, text=SEED_SPLITS, note="first go", now=NOW)
    later = NOW + timedelta(minutes=5)
    outcome = await submit_splits(
        db, ANA, text="29.70 29.98 31.31 31.20 37.47", note=None, now=later
    )
    assert outcome.replaced is True
    assert await SubmissionQueries(db).count(GUILD) == 1
    stored = await SubmissionQueries(db).get(GUILD, TODAY, ANA.user_id)
    assert stored is not None
    assert stored.splits[0].time_ms == 29700
    assert stored.note is None
    assert stored.updated_at == epoch_ms(later)
    answer = submission_answer(outcome)
    assert answer.headline.startswith("Ana updated their splits for Sat 28 Nov: 29.70, 29.98")
    assert answer.footer == "Updated: this replaces the earlier splits for this day."


async def test_a_wrong_count_raises_and_stores_nothing(db) -> None:
    await _seed(db)
    with pytest.raises(InputError) as caught:
        await submit_splits(db, ANA, text="29.78 29.98", note=None, now=NOW)
    assert caught.value.message == (
        "Expected 4 × 250 m, 1 × 300 m — 5 reps; received 2 times: 29.78, 29.98."
    )
    assert await SubmissionQueries(db).count() == 0


async def test_a_wrong_count_on_resubmission_keeps_the_earlier_splits(db) -> None:
    await _seed(db)
    await submit_splits(db, ANA, text=SEED_SPLITS, note=None, now=NOW)
    with pytest.raises(InputError):
        await submit_splits(db, ANA, text="29.00 29.00 29.00", note=None, now=NOW)
    stored = await SubmissionQueries(db).get(GUILD, TODAY, ANA.user_id)
    assert stored is not None
    assert [s.time_ms for s in stored.splits] == [29780, 29980, 31310, 31200, 37470]


@pytest.mark.parametrize("date_text", ["tomorrow", "2026-12-25"])
async def test_a_future_date_raises_and_stores_nothing(db, date_text: str) -> None:
    await _seed(db)
    await _seed(db, TODAY + timedelta(days=1))
    with pytest.raises(InputError) as caught:
        await submit_splits(db, ANA, text=SEED_SPLITS, note=None, now=NOW, date_text=date_text)
    assert "Splits are logged after the workout" in caught.value.message
    assert "today is 2026-11-28" in caught.value.message
    assert await SubmissionQueries(db).count() == 0


async def test_the_forms_future_day_raises_too(db) -> None:
    with pytest.raises(InputError, match="not for tomorrow"):
        await submit_splits(
            db, ANA, text=SEED_SPLITS, note=None, now=NOW, day=TODAY + timedelta(days=1)
        )
    assert await SubmissionQueries(db).count() == 0


async def test_an_unreadable_date_raises(db) -> None:
    with pytest.raises(InputError, match="isn't a date I can read"):
        await submit_splits(db, ANA, text=SEED_SPLITS, note=None, now=NOW, date_text="someday")


async def test_a_past_day_is_matched_to_that_days_workout(db) -> None:
    yesterday = TODAY - timedelta(days=1)
    workout = await _seed(db, yesterday, "2 x 400m")
    outcome = await submit_splits(
        db, ANA, text="62.0 63.5", note=None, now=NOW, date_text="yesterday"
    )
    assert outcome.day == yesterday
    assert outcome.workout is not None and outcome.workout.id == workout.id
    assert [rep.per_400_text for rep in outcome.analysis.reps] == ["1:02.00", "1:03.50"]


async def test_personal_bests_are_announced_when_they_fall(db) -> None:
    yesterday = TODAY - timedelta(days=1)
    await _seed(db, yesterday)
    await _seed(db, TODAY)
    first = await submit_splits(
        db, ANA, text=SEED_SPLITS, note=None, now=NOW, date_text="yesterday"
    )
    assert first.personal_bests == (
        PersonalBest(Decimal(250), 29780, None),
        PersonalBest(Decimal(300), 37470, None),
    )
    # Faster 250 (29.50 < 29.78), slower 300 (38.00 > 37.47): only the 250 is a PB.
    second = await submit_splits(db, ANA, text="29.50 30.00 30.10 30.20 38.00", note=None, now=NOW)
    assert second.personal_bests == (PersonalBest(Decimal(250), 29500, 29780),)
    answer = submission_answer(second)
    assert "🏅 Personal best at 250 m: 29.50 (was 29.78)" in answer.body
    assert "300 m: 38.00 (was" not in answer.body


async def test_without_a_workout_each_time_needs_its_distance(db) -> None:
    outcome = await submit_splits(db, ANA, text="300m 37.47, 300m 38.10", note=None, now=NOW)
    assert outcome.workout is None
    assert [rep.per_400_text for rep in outcome.analysis.reps] == ["49.96", "50.80"]
    stored = await SubmissionQueries(db).get(GUILD, TODAY, ANA.user_id)
    assert stored is not None and stored.workout_id is None

    with pytest.raises(InputError):
        await submit_splits(db, ANA, text="37.47 38.10", note=None, now=NOW - timedelta(days=1))


async def test_the_note_is_trimmed_and_limited(db) -> None:
    await _seed(db)
    outcome = await submit_splits(db, ANA, text=SEED_SPLITS, note="  windy  ", now=NOW)
    assert outcome.submission.note == "windy"
    blank = await submit_splits(db, ANA, text=SEED_SPLITS, note="   ", now=NOW)
    assert blank.submission.note is None
    with pytest.raises(InputError, match="300"):
        await submit_splits(db, ANA, text=SEED_SPLITS, note="x" * 301, now=NOW)
    with pytest.raises(InputError, match="1,000"):
        await submit_splits(db, ANA, text="29.78 " * 200, note=None, now=NOW)


async def test_today_is_the_servers_today(db) -> None:
    # 12:00 UTC on the 28th is 01:00 on the 29th in Auckland.
    await GuildSettingsQueries(db).update(GUILD, now=epoch_ms(NOW), timezone="Pacific/Auckland")
    await _seed(db, date(2026, 11, 29))
    outcome = await submit_splits(db, ANA, text=SEED_SPLITS, note=None, now=NOW)
    assert outcome.day == date(2026, 11, 29)
    assert outcome.workout is not None


async def test_splits_belong_to_a_server(db) -> None:
    dm = Actor(user_id=11, name="Ana", guild_id=None, manage_guild=False)
    with pytest.raises(app_commands.NoPrivateMessage):
        await submit_splits(db, dm, text=SEED_SPLITS, note=None, now=NOW)
    # Another server's workout is not this server's.
    await _seed(db, guild_id=2002)
    with pytest.raises(InputError):
        await submit_splits(db, ANA, text=SEED_SPLITS, note=None, now=NOW)
