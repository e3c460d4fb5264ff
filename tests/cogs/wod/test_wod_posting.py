"""Unit tests for cogs.wod.posting.post_due, the scheduler's tick: which
workouts are due in their server's timezone, which channel they go to, and
what is never posted again. A real database (SQLite and PostgreSQL) and a
recording fake Poster in place of Discord."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import pytest_asyncio

from bot.clock import epoch_ms
from bot.domain.workout import parse_workout
from cogs.wod.posting import post_due
from db import open_database
from db.guild_settings import GuildSettingsQueries
from db.workouts import NewWorkout, Shards, StoredWorkout, WorkoutQueries

UTC_SERVER, LA_SERVER, AUCKLAND_SERVER = 1001, 1002, 1003
ORIGIN = 500
ME = "proc0001"  # this process's boot id
NOV_28 = date(2026, 11, 28)
NOV_29 = date(2026, 11, 29)


class FakePoster:
    """Records publish calls and answers ``result`` (posted or not)."""

    def __init__(self, result: tuple[bool, str] = (True, "posted")) -> None:
        self.result = result
        self.published: list[tuple[int, int]] = []
        self.pings: list[int | None] = []  # each publish's ping_role_id

    async def publish(
        self, workout: StoredWorkout, channel_id: int, *, ping_role_id: int | None = None
    ) -> tuple[bool, str]:
        self.published.append((workout.id, channel_id))
        self.pings.append(ping_role_id)
        return self.result

    async def refresh(self, workout: StoredWorkout) -> bool:
        raise AssertionError("the scheduler never edits a post")

    async def remove(self, workout: StoredWorkout) -> None:
        raise AssertionError("the scheduler never deletes a post")


@pytest_asyncio.fixture
async def db(new_database: Path | str) -> AsyncIterator:
    database = await open_database(new_database)
    await database.migrate()
    settings = GuildSettingsQueries(database)
    at = epoch_ms(datetime(2026, 11, 1, tzinfo=UTC))
    await settings.update(LA_SERVER, now=at, timezone="America/Los_Angeles")
    await settings.update(AUCKLAND_SERVER, now=at, timezone="Pacific/Auckland")
    yield database
    await database.close()


async def _workout(db, guild_id: int, day: date, origin: int = ORIGIN) -> StoredWorkout:
    stored, _ = await WorkoutQueries(db).save(
        NewWorkout(
            guild_id=guild_id,
            local_date=day,
            title=None,
            text="6 x 400m",
            plan=parse_workout("6 x 400m"),
            recovery=None,
            notes=None,
            author_id=1,
            origin_channel_id=origin,
        ),
        now=epoch_ms(datetime(2026, 11, 1, tzinfo=UTC)),
    )
    return stored


def _utc(hour: int, minute: int = 0, day: int = 28) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


async def test_due_in_utc_after_the_post_time(db) -> None:
    workout = await _workout(db, UTC_SERVER, NOV_28)
    poster = FakePoster()
    assert await post_due(db, poster, _utc(5, 59), claimer=ME) == []
    assert poster.published == []
    assert await post_due(db, poster, _utc(6, 0), claimer=ME) == [workout.id]
    assert poster.published == [(workout.id, ORIGIN)]


async def test_the_configured_channel_wins_over_the_origin(db) -> None:
    await GuildSettingsQueries(db).update(UTC_SERVER, now=0, channel_id=600)
    workout = await _workout(db, UTC_SERVER, NOV_28)
    poster = FakePoster()
    await post_due(db, poster, _utc(12), claimer=ME)
    assert poster.published == [(workout.id, 600)]


async def test_due_by_each_servers_own_clock(db) -> None:
    utc = await _workout(db, UTC_SERVER, NOV_28)
    la = await _workout(db, LA_SERVER, NOV_28)
    auckland_28 = await _workout(db, AUCKLAND_SERVER, NOV_28)
    auckland_29 = await _workout(db, AUCKLAND_SERVER, NOV_29)

    # 12:00 UTC: 04:00 on the 28th in Los Angeles (not yet 06:00), 01:00 on the
    # 29th in Auckland (the 28th is over there, the 29th's 06:00 not reached).
    poster = FakePoster()
    assert await post_due(db, poster, _utc(12), claimer=ME) == [utc.id]
    assert auckland_28.id not in [wid for wid, _ in poster.published]

    # 14:00 UTC is 06:00 in Los Angeles (PST, UTC-8).
    poster = FakePoster()
    posted = await post_due(db, poster, _utc(14), claimer=ME)
    assert la.id in posted
    assert auckland_29.id not in posted

    # 17:00 UTC is 06:00 on the 29th in Auckland (NZDT, UTC+13); the 28th's
    # Auckland workout is never posted once its day is over.
    poster = FakePoster()
    posted = await post_due(db, poster, _utc(17), claimer=ME)
    assert auckland_29.id in posted
    assert auckland_28.id not in posted


async def test_a_later_post_time_is_respected(db) -> None:
    await GuildSettingsQueries(db).update(LA_SERVER, now=0, post_time="17:30")
    workout = await _workout(db, LA_SERVER, NOV_28)
    poster = FakePoster()
    # 17:29 in Los Angeles is 01:29 UTC on the 29th.
    assert await post_due(db, poster, _utc(1, 29, day=29), claimer=ME) == []
    assert await post_due(db, poster, _utc(1, 30, day=29), claimer=ME) == [workout.id]


async def test_posted_failed_and_freshly_claimed_workouts_are_left_alone(db) -> None:
    queries = WorkoutQueries(db)
    # 20:00 on the 28th in UTC, 12:00 in Los Angeles, 09:00 on the 29th in Auckland.
    now = _utc(20)
    posted = await _workout(db, UTC_SERVER, NOV_28)
    await queries.mark_posted(posted.id, channel_id=ORIGIN, message_id=1, revision=1, now=0)
    failed = await _workout(db, LA_SERVER, NOV_28)
    await queries.mark_failed(failed.id, "the channel is gone")
    claimed = await _workout(db, AUCKLAND_SERVER, NOV_29)
    in_flight = now - timedelta(seconds=30)
    assert await queries.claim(claimed, now=epoch_ms(in_flight), claimer=ME, stale_claim_before=0)

    poster = FakePoster()
    assert await post_due(db, poster, now, claimer=ME) == []  # all three would be due by the clock
    assert poster.published == []
    # Once the claim is older than the 2-minute timeout it is a crash: retried.
    assert await post_due(db, poster, now + timedelta(minutes=3), claimer=ME) == [claimed.id]
    assert poster.published == [(claimed.id, ORIGIN)]


async def test_an_old_claim_of_this_process_is_taken_over(db) -> None:
    queries = WorkoutQueries(db)
    workout = await _workout(db, UTC_SERVER, NOV_28)
    # Claimed at 11:00 by this process, which lost track of it (an exception).
    assert await queries.claim(workout, now=epoch_ms(_utc(11)), claimer=ME, stale_claim_before=0)
    poster = FakePoster()
    assert await post_due(db, poster, _utc(11, 1), claimer=ME) == []  # still in flight
    assert await post_due(db, poster, _utc(11, 3), claimer=ME) == [workout.id]  # 2 min on


async def test_a_dead_predecessors_claim_is_taken_over_at_once(db) -> None:
    queries = WorkoutQueries(db)
    workout = await _workout(db, UTC_SERVER, NOV_28)
    # Claimed a second ago by the process that ran this shard before and was
    # killed: its successor (another boot id) owns the shard now, so the claim
    # is dead whatever the clocks say.
    assert await queries.claim(
        workout, now=epoch_ms(_utc(11)), claimer="dead0001", stale_claim_before=0
    )
    poster = FakePoster()
    assert await post_due(db, poster, _utc(11, 0), claimer=ME) == [workout.id]


async def test_a_process_posts_only_its_shards_servers(db) -> None:
    # Guild ids whose shard, (id >> 22) % 4, is 0, 1, 2 and 3.
    workouts = [await _workout(db, (shard + 4 * 1000) << 22, NOV_28) for shard in range(4)]
    poster = FakePoster()
    mine = await post_due(db, poster, _utc(12), claimer=ME, shards=Shards(4, (1, 3)))
    assert mine == [workouts[1].id, workouts[3].id]
    rest = await post_due(db, poster, _utc(12), claimer="other001", shards=Shards(4, (0, 2)))
    assert rest == [workouts[0].id, workouts[2].id]


@pytest.mark.parametrize("result", [(False, "it is already being posted"), (False, "forbidden")])
async def test_a_publish_that_did_not_post_is_not_reported(db, result) -> None:
    workout = await _workout(db, UTC_SERVER, NOV_28)
    poster = FakePoster(result)
    assert await post_due(db, poster, _utc(12), claimer=ME) == []
    assert poster.published == [(workout.id, ORIGIN)]


async def test_several_servers_in_one_tick(db) -> None:
    first = await _workout(db, UTC_SERVER, NOV_28, origin=501)
    other = await _workout(db, 1004, NOV_28, origin=502)  # never configured: UTC, 06:00
    later = await _workout(db, UTC_SERVER, NOV_29)
    poster = FakePoster()
    posted = await post_due(db, poster, _utc(6) + timedelta(seconds=30), claimer=ME)
    assert sorted(posted) == sorted([first.id, other.id])
    assert sorted(poster.published) == sorted([(first.id, 501), (other.id, 502)])
    assert later.id not in [wid for wid, _ in poster.published]
