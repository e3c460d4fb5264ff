"""Unit tests for cogs.splits.logbook: recent days, the board, deleting with a
confirm (re-checked at the click), the export rows and the charts' data.
A real database (SQLite and PostgreSQL); no Discord."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
import pytest_asyncio

from bot.clock import epoch_ms
from bot.components import ForgedId
from bot.domain.errors import InputError
from bot.domain.workout import parse_workout
from bot.errors import NotAllowed
from bot.permissions import Actor
from cogs.splits import logbook
from cogs.splits.charts import ProgressPoint, RepBar
from cogs.splits.logbook import DayChart, ProgressChart, Subject
from cogs.splits.submit import submit_splits
from db import open_database
from db.guild_settings import GuildSettingsQueries
from db.submissions import SubmissionQueries
from db.workouts import NewWorkout, WorkoutQueries

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
TODAY = NOW.date()
YESTERDAY = TODAY - timedelta(days=1)
GUILD = 1001
OTHER_GUILD = 2002
COACH_ROLE = 777
SEED = "4 x 250m sprint + 1 x 300m"
SEED_SPLITS = "29.78 / 29.98 31.31 / 31.20 37.47"
BEN_SPLITS = "30.00 30.00 30.00 30.00 36.00"

ANA = Actor(user_id=11, name="Ana", guild_id=GUILD, manage_guild=False)
BEN = Actor(user_id=12, name="Ben", guild_id=GUILD, manage_guild=False)
COACH = Actor(user_id=1, name="Coach", guild_id=GUILD, manage_guild=True)
ROLE_COACH = Actor(
    user_id=2, name="Assistant", guild_id=GUILD, manage_guild=False, role_ids=frozenset({777})
)
ANA_ELSEWHERE = Actor(user_id=11, name="Ana", guild_id=OTHER_GUILD, manage_guild=False)


@pytest_asyncio.fixture
async def db(new_database: Path | str) -> AsyncIterator:
    database = await open_database(new_database)
    await database.migrate()
    await GuildSettingsQueries(database).update(GUILD, now=epoch_ms(NOW), coach_role_id=COACH_ROLE)
    yield database
    await database.close()


async def _workout(db, day: date, text: str = SEED, title: str | None = "Sprint session") -> None:
    await WorkoutQueries(db).save(
        NewWorkout(
            guild_id=GUILD,
            local_date=day,
            title=title,
            text=text,
            plan=parse_workout(text),
            recovery=None,
            notes=None,
            author_id=1,
            origin_channel_id=500,
        ),
        now=epoch_ms(NOW),
    )


@pytest_asyncio.fixture
async def seeded(db):
    """Yesterday's and today's seed workout; Ana logged both days, Ben today."""
    await _workout(db, YESTERDAY)
    await _workout(db, TODAY)
    await submit_splits(
        db, ANA, text="30.50 30.60 31.00 31.40 38.20", note=None, now=NOW, date_text="yesterday"
    )
    await submit_splits(db, ANA, text=SEED_SPLITS, note="=cmd|' /C calc'!A0", now=NOW)
    await submit_splits(db, BEN, text=BEN_SPLITS, note=None, now=NOW)
    return db


# ---------------------------------------------------------------- recent
async def test_recent_lists_the_athletes_days_newest_first_with_bests(seeded) -> None:
    found, bests = await logbook.recent(seeded, ANA, 10)
    assert [s.local_date for s in found] == [TODAY, YESTERDAY]
    assert all(s.athlete_id == ANA.user_id for s in found)
    assert bests == {Decimal(250): 29780, Decimal(300): 37470}
    one, _ = await logbook.recent(seeded, ANA, 1)
    assert [s.local_date for s in one] == [TODAY]


async def test_recent_without_splits_and_out_of_range_limits(seeded) -> None:
    with pytest.raises(InputError, match=re.escape("You have no splits here yet.")):
        await logbook.recent(seeded, ANA_ELSEWHERE, 10)
    for limit in (0, 51):
        with pytest.raises(InputError) as caught:
            await logbook.recent(seeded, ANA, limit)
        assert caught.value.message == f"Limit must be from 1 to 50, not {limit}."


# ---------------------------------------------------------------- board
async def test_board_returns_the_day_its_title_and_every_submission(seeded) -> None:
    day, title, found = await logbook.board(seeded, BEN, None, now=NOW)
    assert day == TODAY
    assert title == "Sprint session"
    assert sorted(s.athlete_name for s in found) == ["Ana", "Ben"]
    day, _, found = await logbook.board(seeded, BEN, "yesterday", now=NOW)
    assert day == YESTERDAY
    assert [s.athlete_name for s in found] == ["Ana"]


async def test_board_of_an_empty_day_says_so(seeded) -> None:
    with pytest.raises(InputError) as caught:
        await logbook.board(seeded, BEN, "2026-11-20", now=NOW)
    assert caught.value.message == "No splits for Fri 20 Nov yet."


# ---------------------------------------------------------------- delete
async def test_to_delete_finds_ones_own(seeded) -> None:
    found = await logbook.to_delete(seeded, ANA, None, None, now=NOW)
    assert (found.athlete_id, found.local_date) == (ANA.user_id, TODAY)
    same = await logbook.to_delete(seeded, ANA, "today", Subject(ANA.user_id, "Ana"), now=NOW)
    assert same.id == found.id


async def test_an_athlete_cannot_name_someone_else(seeded) -> None:
    with pytest.raises(NotAllowed) as caught:
        await logbook.to_delete(seeded, ANA, None, Subject(BEN.user_id, "Ben"), now=NOW)
    assert caught.value.message == "Only coaches can delete splits for another athlete."


@pytest.mark.parametrize("coach", [COACH, ROLE_COACH], ids=["manage-server", "coach-role"])
async def test_a_coach_can_name_anyone(seeded, coach: Actor) -> None:
    found = await logbook.to_delete(seeded, coach, None, Subject(BEN.user_id, "Ben"), now=NOW)
    assert found.athlete_id == BEN.user_id


async def test_to_delete_without_splits_says_whose(seeded) -> None:
    with pytest.raises(InputError, match="^" + re.escape("You have no splits for Fri 27 Nov.")):
        await logbook.to_delete(seeded, BEN, "yesterday", None, now=NOW)
    with pytest.raises(InputError, match="^" + re.escape("They have no splits for Fri 27 Nov.")):
        await logbook.to_delete(seeded, COACH, "yesterday", Subject(BEN.user_id, None), now=NOW)


async def test_delete_confirmed_deletes_ones_own_once(seeded) -> None:
    found = await logbook.to_delete(seeded, ANA, None, None, now=NOW)
    deleted = await logbook.delete_confirmed(seeded, ANA, found.id)
    assert deleted is not None and deleted.id == found.id
    assert await SubmissionQueries(seeded).get(GUILD, TODAY, ANA.user_id) is None
    assert await SubmissionQueries(seeded).get(GUILD, YESTERDAY, ANA.user_id) is not None
    # A second click: already gone.
    assert await logbook.delete_confirmed(seeded, ANA, found.id) is None


async def test_delete_confirmed_rechecks_the_coach_at_the_click(seeded) -> None:
    bens = await logbook.to_delete(seeded, COACH, None, Subject(BEN.user_id, "Ben"), now=NOW)
    demoted = Actor(user_id=COACH.user_id, name="Coach", guild_id=GUILD, manage_guild=False)
    with pytest.raises(NotAllowed, match="nothing was deleted"):
        await logbook.delete_confirmed(seeded, demoted, bens.id)
    with pytest.raises(NotAllowed):
        await logbook.delete_confirmed(seeded, ANA, bens.id)
    assert await SubmissionQueries(seeded).by_id(bens.id) is not None

    deleted = await logbook.delete_confirmed(seeded, ROLE_COACH, bens.id)
    assert deleted is not None and deleted.athlete_id == BEN.user_id
    assert await SubmissionQueries(seeded).by_id(bens.id) is None


async def test_delete_confirmed_refuses_another_servers_splits(seeded) -> None:
    found = await logbook.to_delete(seeded, ANA, None, None, now=NOW)
    with pytest.raises(ForgedId, match="aren't in this server"):
        await logbook.delete_confirmed(seeded, ANA_ELSEWHERE, found.id)
    assert await SubmissionQueries(seeded).by_id(found.id) is not None


# ---------------------------------------------------------------- export
async def test_a_coach_exports_the_team(seeded) -> None:
    calls: list[str] = []

    async def acknowledge() -> None:
        calls.append("ack")

    result = await logbook.export(seeded, COACH, None, None, now=NOW, acknowledge=acknowledge)
    assert calls == ["ack"]
    assert result.team is True
    assert (result.first, result.last, result.since_given) == (logbook.BEGINNING, TODAY, False)
    assert len(result.rows) == 15  # Ana: 5 yesterday + 5 today, Ben: 5 today
    assert [(r.date, r.athlete) for r in result.rows[::5]] == [
        (YESTERDAY, "Ana"),
        (TODAY, "Ana"),
        (TODAY, "Ben"),
    ]
    first_today = result.rows[5]
    assert first_today.workout == "Sprint session"
    assert first_today.athlete_id == ANA.user_id
    assert (first_today.rep, first_today.distance_m, first_today.time_ms) == (
        1,
        Decimal(250),
        29780,
    )
    assert first_today.pace_per_400_ms == Fraction(29780 * 400, 250)
    assert first_today.note == "=cmd|' /C calc'!A0"  # raw here; export_csv guards it


async def test_an_athlete_exports_their_own_rows(seeded) -> None:
    calls: list[str] = []

    async def acknowledge() -> None:
        calls.append("ack")

    result = await logbook.export(
        seeded, BEN, "2026-11-01", "today", now=NOW, acknowledge=acknowledge
    )
    assert calls == ["ack"]
    assert result.team is False
    assert (result.first, result.last, result.since_given) == (date(2026, 11, 1), TODAY, True)
    assert {r.athlete_id for r in result.rows} == {BEN.user_id}
    assert [r.time_ms for r in result.rows] == [30000, 30000, 30000, 30000, 36000]
    only_yesterday = await logbook.export(
        seeded, ANA, "yesterday", "yesterday", now=NOW, acknowledge=acknowledge
    )
    assert {r.date for r in only_yesterday.rows} == {YESTERDAY}
    assert len(only_yesterday.rows) == 5


async def test_export_validates_before_acknowledging(seeded) -> None:
    calls: list[str] = []

    async def acknowledge() -> None:
        calls.append("ack")

    with pytest.raises(InputError, match="is after `until`"):
        await logbook.export(seeded, COACH, "today", "yesterday", now=NOW, acknowledge=acknowledge)
    with pytest.raises(InputError):
        await logbook.export(seeded, COACH, "whenever", None, now=NOW, acknowledge=acknowledge)
    assert calls == []


# ---------------------------------------------------------------- charts
async def test_a_days_chart_has_a_bar_per_rep(seeded) -> None:
    result = await logbook.chart(seeded, ANA, "today", None, now=NOW)
    assert isinstance(result, DayChart)
    assert result.day == TODAY
    assert result.title == "Ana: Sat 28 Nov, Sprint session"
    assert result.target_per_400_ms is None
    assert result.bars == [
        RepBar("1\n250 m", 47648.0, 29780),
        RepBar("2\n250 m", 47968.0, 29980),
        RepBar("3\n250 m", 50096.0, 31310),
        RepBar("4\n250 m", 49920.0, 31200),
        RepBar("5\n300 m", 49960.0, 37470),
    ]


async def test_a_days_chart_carries_one_common_target(db) -> None:
    await _workout(db, TODAY, "4 x 400m @ 68", title=None)
    await submit_splits(db, ANA, text="67.5 68.2 68.9 70.1", note=None, now=NOW)
    result = await logbook.chart(db, ANA, "today", None, now=NOW)
    assert isinstance(result, DayChart)
    assert result.title == "Ana: Sat 28 Nov"
    assert result.target_per_400_ms == 68000.0


async def test_progress_is_at_the_most_frequent_rep_distance(seeded) -> None:
    result = await logbook.chart(seeded, ANA, None, None, now=NOW)
    assert isinstance(result, ProgressChart)
    assert result.title == "Ana: 250 m reps over time"
    assert result.distance == "250 m"
    # Average 250 m pace each day: (30.50+30.60+31.00+31.40)/1000 m × 400, then the seed's.
    assert result.points == [
        ProgressPoint(YESTERDAY, 49400.0),
        ProgressPoint(TODAY, float(Fraction(122270 * 400, 1000))),
    ]


async def test_charts_of_someone_else_are_for_coaches(seeded) -> None:
    with pytest.raises(NotAllowed) as caught:
        await logbook.chart(seeded, ANA, None, Subject(BEN.user_id, "Ben"), now=NOW)
    assert caught.value.message == "Only coaches can chart splits for another athlete."
    result = await logbook.chart(seeded, COACH, "today", Subject(BEN.user_id, "Ben"), now=NOW)
    assert isinstance(result, DayChart)
    assert result.title.startswith("Ben: Sat 28 Nov")


async def test_charts_without_splits_say_so(seeded) -> None:
    with pytest.raises(InputError, match=re.escape("No splits for Thu 26 Nov.")):
        await logbook.chart(seeded, ANA, "2026-11-26", None, now=NOW)
    with pytest.raises(InputError, match=re.escape("No splits for Cleo\\_x yet.")):
        await logbook.chart(seeded, COACH, None, Subject(99, "Cleo_x"), now=NOW)
    with pytest.raises(InputError, match=re.escape("No splits for them yet.")):
        await logbook.chart(seeded, COACH, None, Subject(99, None), now=NOW)
