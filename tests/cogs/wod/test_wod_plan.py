"""Unit tests for cogs.wod.plan: prescribe (post now, schedule, keep a past
day, replace), show, coming and remove, with a real database (SQLite and
PostgreSQL) and a recording fake Poster in place of Discord."""

from __future__ import annotations

import inspect
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import pytest_asyncio

from bot.clock import epoch_ms
from bot.domain.errors import InputError
from bot.errors import NotAllowed
from bot.permissions import Actor
from bot.replies import Answer
from cogs.splits.submit import submit_splits
from cogs.wod import plan
from cogs.wod.plan import Prescription
from cogs.wod.posting import ALREADY_POSTING, Poster
from db import open_database
from db.guild_settings import GuildSettingsQueries
from db.submissions import SubmissionQueries
from db.workouts import StoredWorkout, WorkoutQueries

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)  # Saturday 28 November 2026
TODAY = NOW.date()
GUILD = 1001
ORIGIN = 500  # the channel where /wod post was used
CONFIGURED = 600  # the channel /config channel set
COACH_ROLE = 777
SEED = "4 x 250m sprint + 1 x 300m"
SEED_SPLITS = "29.78 / 29.98 31.31 / 31.20 37.47"

COACH = Actor(user_id=1, name="Coach", guild_id=GUILD, manage_guild=True)
ROLE_COACH = Actor(
    user_id=2, name="Assistant", guild_id=GUILD, manage_guild=False, role_ids=frozenset({777})
)
ANA = Actor(user_id=11, name="Ana", guild_id=GUILD, manage_guild=False)


class FakePoster:
    """Records every call. ``publish`` answers ``publish_result`` and, when that
    says posted, stores the message as the real poster would (so athletes can
    see the workout); ``refresh`` answers ``refresh_result``."""

    def __init__(
        self,
        db,
        *,
        publish_result: tuple[bool, str] | None = None,
        refresh_result: bool = True,
    ) -> None:
        self.db = db
        self.publish_result = publish_result
        self.refresh_result = refresh_result
        self.calls: list[tuple] = []
        self.pings: list[int | None] = []  # each publish's ping_role_id
        self._next_message = 9000

    async def publish(
        self, workout: StoredWorkout, channel_id: int, *, ping_role_id: int | None = None
    ) -> tuple[bool, str]:
        self.calls.append(("publish", workout.id, channel_id))
        self.pings.append(ping_role_id)
        result = self.publish_result or (True, f"posted in <#{channel_id}>")
        if result[0]:
            self._next_message += 1
            await WorkoutQueries(self.db).mark_posted(
                workout.id,
                channel_id=channel_id,
                message_id=self._next_message,
                revision=workout.revision,
                now=epoch_ms(NOW),
            )
        return result

    async def refresh(self, workout: StoredWorkout) -> bool:
        self.calls.append(("refresh", workout.id, workout.revision))
        return self.refresh_result

    async def remove(self, workout: StoredWorkout) -> None:
        self.calls.append(("remove", workout.id, workout.message_id))


@pytest_asyncio.fixture
async def db(new_database: Path | str) -> AsyncIterator:
    database = await open_database(new_database)
    await database.migrate()
    await GuildSettingsQueries(database).update(GUILD, now=epoch_ms(NOW), coach_role_id=COACH_ROLE)
    yield database
    await database.close()


class Acks:
    """An ``acknowledge`` that counts its awaits and what was stored by then."""

    def __init__(self, db) -> None:
        self.db = db
        self.count = 0
        self.stored_at_ack: list[StoredWorkout | None] = []

    async def __call__(self) -> None:
        self.count += 1
        self.stored_at_ack.append(await WorkoutQueries(self.db).get(GUILD, TODAY))


def _asked(workout: str = SEED, date_text: str | None = None, **more) -> Prescription:
    return Prescription(
        workout=workout,
        date_text=date_text,
        title=more.get("title", "Sprint session"),
        recovery=more.get("recovery"),
        notes=more.get("notes"),
        origin_channel_id=ORIGIN,
    )


async def _prescribe(db, poster, coach=COACH, asked=None, acks=None) -> str:
    return await plan.prescribe(
        db, poster, coach, asked or _asked(), now=NOW, acknowledge=acks or Acks(db)
    )


async def _workout_count(db) -> int:
    row = await db.fetch_one("SELECT COUNT(*) AS n FROM workouts")
    return int(row["n"])


# ---------------------------------------------------------------- prescribe
async def test_todays_workout_is_published_now(db) -> None:
    poster = FakePoster(db)
    acks = Acks(db)
    text = await _prescribe(db, poster, acks=acks)
    stored = await WorkoutQueries(db).get(GUILD, TODAY)
    assert stored is not None
    assert poster.calls == [("publish", stored.id, ORIGIN)]
    assert text == (
        f"Saved and posted in <#{ORIGIN}>: workout for Saturday 28 November 2026.\n"
        "Parsed: 4 × 250 m, 1 × 300 m — 5 reps"
    )
    assert stored.title == "Sprint session"
    assert stored.text == SEED
    assert stored.author_id == COACH.user_id
    assert acks.count == 1
    assert acks.stored_at_ack == [None]  # acknowledged before the slower work


async def test_todays_workout_goes_to_the_configured_channel(db) -> None:
    await GuildSettingsQueries(db).update(GUILD, now=epoch_ms(NOW), channel_id=CONFIGURED)
    poster = FakePoster(db)
    text = await _prescribe(db, poster, coach=ROLE_COACH)
    assert [call[2] for call in poster.calls] == [CONFIGURED]
    assert text.startswith(f"Saved and posted in <#{CONFIGURED}>")


async def test_tomorrows_workout_is_scheduled_not_published(db) -> None:
    poster = FakePoster(db)
    text = await _prescribe(db, poster, asked=_asked(date_text="tomorrow"))
    assert poster.calls == []
    assert text == (
        f"Saved; scheduled for 06:00 (UTC) that day in <#{ORIGIN}>: workout for "
        "Sunday 29 November 2026.\nParsed: 4 × 250 m, 1 × 300 m — 5 reps"
    )
    stored = await WorkoutQueries(db).get(GUILD, TODAY + timedelta(days=1))
    assert stored is not None and not stored.posted


async def test_a_weekday_plans_forward_in_the_servers_timezone(db) -> None:
    await GuildSettingsQueries(db).update(
        GUILD, now=epoch_ms(NOW), timezone="Europe/Berlin", post_time="05:30"
    )
    poster = FakePoster(db)
    text = await _prescribe(db, poster, asked=_asked(date_text="tuesday"))
    assert poster.calls == []
    assert text.startswith(
        f"Saved; scheduled for 05:30 (Europe/Berlin) that day in <#{ORIGIN}>: "
        "workout for Tuesday 1 December 2026."
    )


async def test_a_past_day_is_saved_but_not_posted(db) -> None:
    poster = FakePoster(db)
    text = await _prescribe(db, poster, asked=_asked(date_text="yesterday"))
    assert poster.calls == []
    assert text.startswith(
        "Saved; not posted, since that day has passed: workout for Friday 27 November 2026."
    )
    assert await WorkoutQueries(db).get(GUILD, TODAY - timedelta(days=1)) is not None


async def test_replacing_a_posted_workout_edits_its_post(db) -> None:
    poster = FakePoster(db)
    await _prescribe(db, poster)
    await submit_splits(db, ANA, text=SEED_SPLITS, note=None, now=NOW)
    poster.calls.clear()

    text = await _prescribe(db, poster, asked=_asked("6 x 400m"))
    stored = await WorkoutQueries(db).get(GUILD, TODAY)
    assert stored is not None
    assert stored.revision == 2
    assert poster.calls == [("refresh", stored.id, 2)]
    assert text == (
        f"Replaced and edited the post in <#{ORIGIN}>: workout for Saturday 28 November 2026.\n"
        "Parsed: 6 × 400 m — 6 reps\n"
        "1 of 1 submission(s) no longer match the new reps; they keep their own distances."
    )
    kept = await SubmissionQueries(db).get(GUILD, TODAY, ANA.user_id)
    assert kept is not None and len(kept.splits) == 5


async def test_replacing_with_the_same_reps_reports_no_mismatch(db) -> None:
    poster = FakePoster(db)
    await _prescribe(db, poster)
    await submit_splits(db, ANA, text=SEED_SPLITS, note=None, now=NOW)
    text = await _prescribe(db, poster, asked=_asked(title="Sprints, renamed"))
    assert text.startswith("Replaced and edited the post")
    assert "no longer match" not in text


async def test_a_post_whose_message_is_gone_is_published_again(db) -> None:
    poster = FakePoster(db)
    await _prescribe(db, poster)
    poster.refresh_result = False  # someone deleted the message
    poster.calls.clear()
    text = await _prescribe(db, poster, asked=_asked("6 x 400m"))
    stored = await WorkoutQueries(db).get(GUILD, TODAY)
    assert stored is not None
    assert poster.calls == [("refresh", stored.id, 2), ("publish", stored.id, ORIGIN)]
    assert text.startswith(f"Replaced and posted in <#{ORIGIN}>")


async def test_a_post_already_on_its_way(db) -> None:
    poster = FakePoster(db, publish_result=(False, ALREADY_POSTING))
    text = await _prescribe(db, poster)
    assert text.startswith(
        "Saved; its post is going out right now and will show this version: workout for"
    )


async def test_a_failed_post_says_why(db) -> None:
    reason = f"I am missing permission to post in <#{ORIGIN}> (View Channel, Send Messages)"
    poster = FakePoster(db, publish_result=(False, reason))
    text = await _prescribe(db, poster)
    assert text.startswith(f"Saved, but not posted: {reason}: workout for Saturday")


async def test_an_athlete_cannot_prescribe(db) -> None:
    poster = FakePoster(db)
    acks = Acks(db)
    with pytest.raises(NotAllowed) as caught:
        await _prescribe(db, poster, coach=ANA, acks=acks)
    assert caught.value.message == (
        "Only coaches can post workouts: that takes Manage Server or the <@&777> role."
    )
    assert acks.count == 0
    assert poster.calls == []
    assert await WorkoutQueries(db).get(GUILD, TODAY) is None


@pytest.mark.parametrize(
    ("asked", "message"),
    [
        (_asked("4 x 0m"), "`4 x 0m` has a rep of 0 m; a rep is 1 m to 100 km."),
        (_asked("x" * 1001), "The workout is 1,001 characters long; the limit is 1,000."),
        (_asked(title="t" * 101), "The title is 101 characters long; the limit is 100."),
        (_asked(notes="n" * 1001), "The notes are 1,001 characters long; the limit is 1,000."),
        (
            _asked(recovery="r" * 1001),
            "The recovery is 1,001 characters long; the limit is 1,000.",
        ),
        (_asked(date_text="someday"), "`someday` isn't a date I can read."),
        (
            _asked(date_text="2028-01-01"),
            "2028-01-01 is too far ahead: workouts can be planned up to a year ahead (2027-11-28).",
        ),
        (
            _asked(date_text="1999-12-31"),
            "1999-12-31 is too long ago: workouts go back to 2000-01-01.",
        ),
    ],
    ids=[
        "zero-metre-rep",
        "long-text",
        "long-title",
        "long-notes",
        "long-recovery",
        "bad-date",
        "far",
        "old",
    ],
)
async def test_invalid_input_raises_before_acknowledging(db, asked, message) -> None:
    poster = FakePoster(db)
    acks = Acks(db)
    with pytest.raises(InputError) as caught:
        await _prescribe(db, poster, asked=asked, acks=acks)
    assert caught.value.message.startswith(message)
    assert acks.count == 0
    assert poster.calls == []
    assert await _workout_count(db) == 0


async def test_a_rest_day_is_a_valid_workout(db) -> None:
    poster = FakePoster(db)
    text = await _prescribe(db, poster, asked=_asked("Rest day", title=None))
    assert text.startswith(f"Saved and posted in <#{ORIGIN}>")
    stored = await WorkoutQueries(db).get(GUILD, TODAY)
    assert stored is not None and stored.plan.reps == ()


# ---------------------------------------------------------------- show
async def test_an_athlete_does_not_see_a_scheduled_workout(db) -> None:
    await _prescribe(db, FakePoster(db), asked=_asked(date_text="tomorrow"))
    shown = await plan.show(db, ANA, "tomorrow", now=NOW)
    assert shown == (
        "The workout for Sunday 29 November 2026 is not posted yet: it goes out at 06:00 (UTC)."
    )


async def test_a_coach_sees_a_scheduled_workout_with_its_status(db) -> None:
    await _prescribe(db, FakePoster(db), asked=_asked(date_text="tomorrow", recovery="walk *back*"))
    shown = await plan.show(db, COACH, "tomorrow", now=NOW)
    assert isinstance(shown, Answer)
    assert shown.headline == "Workout for Sunday 29 November 2026"
    assert shown.title == "Sprint session"
    assert shown.body == SEED
    fields = {field.name: field.value for field in shown.fields}
    assert fields == {
        "Date": "Sunday 29 November 2026",
        "Parsed": "4 × 250 m, 1 × 300 m — 5 reps",
        "Recovery": "walk \\*back\\*",
        "Status": f"Scheduled: Sunday 29 November 2026 at 06:00 (UTC) in <#{ORIGIN}>",
    }


async def test_a_posted_workout_is_shown_to_athletes(db) -> None:
    await _prescribe(db, FakePoster(db))
    shown = await plan.show(db, ANA, None, now=NOW)
    assert isinstance(shown, Answer)
    assert shown.headline == "Workout for Saturday 28 November 2026"
    assert dict((f.name, f.value) for f in shown.fields)["Status"] == f"Posted in <#{ORIGIN}>"
    assert shown.footer == "Press Submit splits, or use /splits submit, after the workout."


async def test_a_failed_post_is_shown_to_athletes_with_the_reason(db) -> None:
    reason = f"the channel <#{ORIGIN}> no longer exists (or I can't see it)"
    poster = FakePoster(db, publish_result=(False, reason))
    await _prescribe(db, poster)
    stored = await WorkoutQueries(db).get(GUILD, TODAY)
    assert stored is not None
    await WorkoutQueries(db).mark_failed(stored.id, reason)
    shown = await plan.show(db, ANA, "today", now=NOW)
    assert isinstance(shown, Answer)
    assert dict((f.name, f.value) for f in shown.fields)["Status"] == f"⚠️ Not posted: {reason}"


async def test_show_without_a_workout_says_so(db) -> None:
    with pytest.raises(InputError) as caught:
        await plan.show(db, ANA, "yesterday", now=NOW)
    assert caught.value.message == "No workout for Friday 27 November 2026."


async def test_an_athlete_is_not_promised_a_post_for_a_past_day(db) -> None:
    await _prescribe(db, FakePoster(db), asked=_asked(date_text="yesterday"))
    shown = await plan.show(db, ANA, "yesterday", now=NOW)
    assert shown == "The workout for Friday 27 November 2026 was not posted."


# ---------------------------------------------------------------- coming
async def test_coming_for_a_coach_lists_every_workout_with_its_status(db) -> None:
    poster = FakePoster(db)
    await _prescribe(db, poster)
    await _prescribe(db, poster, asked=_asked("6 x 400m", "tomorrow", title="*Tempo*"))
    await _prescribe(db, poster, asked=_asked("Rest day", "2026-12-10", title=None))
    listed = await plan.coming(db, COACH, 7, now=NOW)
    assert isinstance(listed, Answer)
    assert listed.headline == "2 workout(s) in the next 7 days"
    assert listed.title == "Workouts, next 7 days"
    assert listed.body.split("\n") == [
        "`Sat 28 Nov` **Sprint session**: 4 × 250 m, 1 × 300 m",
        f"  Posted in <#{ORIGIN}>",
        "`Sun 29 Nov` **\\*Tempo\\***: 6 × 400 m",
        f"  Scheduled: Sunday 29 November 2026 at 06:00 (UTC) in <#{ORIGIN}>",
    ]
    wider = await plan.coming(db, COACH, 14, now=NOW)
    assert isinstance(wider, Answer)
    assert wider.body.split("\n")[-2] == "`Thu 10 Dec` Rest day"


async def test_coming_for_an_athlete_lists_only_posted_workouts(db) -> None:
    poster = FakePoster(db)
    await _prescribe(db, poster, asked=_asked("6 x 400m", "tomorrow"))
    assert await plan.coming(db, ANA, 7, now=NOW) == "No workouts for the next 7 days."
    await _prescribe(db, poster)
    listed = await plan.coming(db, ANA, 7, now=NOW)
    assert isinstance(listed, Answer)
    assert listed.body == "`Sat 28 Nov` **Sprint session**: 4 × 250 m, 1 × 300 m"


@pytest.mark.parametrize("days", [0, 61])
async def test_coming_checks_its_range(db, days: int) -> None:
    with pytest.raises(InputError) as caught:
        await plan.coming(db, COACH, days, now=NOW)
    assert caught.value.message == f"Days must be from 1 to 60, not {days}."


# ---------------------------------------------------------------- remove
async def test_remove_deletes_the_workout_and_its_post_and_keeps_the_splits(db) -> None:
    poster = FakePoster(db)
    await _prescribe(db, poster)
    await submit_splits(db, ANA, text=SEED_SPLITS, note=None, now=NOW)
    stored = await WorkoutQueries(db).get(GUILD, TODAY)
    assert stored is not None
    poster.calls.clear()

    text = await plan.remove(db, poster, ROLE_COACH, "today", now=NOW)
    assert text == (
        "Deleted the workout for Saturday 28 November 2026. "
        "Its 1 submission(s) stay in the athletes' logs."
    )
    assert poster.calls == [("remove", stored.id, stored.message_id)]
    assert await WorkoutQueries(db).get(GUILD, TODAY) is None
    kept = await SubmissionQueries(db).get(GUILD, TODAY, ANA.user_id)
    assert kept is not None and kept.workout_id is None and len(kept.splits) == 5


async def test_remove_without_submissions(db) -> None:
    poster = FakePoster(db)
    await _prescribe(db, poster, asked=_asked(date_text="yesterday"))
    text = await plan.remove(db, poster, COACH, "yesterday", now=NOW)
    assert text == "Deleted the workout for Friday 27 November 2026."


async def test_remove_is_for_coaches_and_needs_a_workout(db) -> None:
    poster = FakePoster(db)
    await _prescribe(db, poster)
    poster.calls.clear()
    with pytest.raises(NotAllowed, match="^" + re.escape("Only coaches can delete workouts:")):
        await plan.remove(db, poster, ANA, "today", now=NOW)
    assert await WorkoutQueries(db).get(GUILD, TODAY) is not None
    with pytest.raises(InputError, match=re.escape("No workout for Thursday 26 November 2026.")):
        await plan.remove(db, poster, COACH, "2026-11-26", now=NOW)
    assert poster.calls == []


def test_the_fake_poster_has_the_poster_protocols_shape() -> None:
    # A fake that drifted from the protocol would let these tests pass against
    # calls the real poster cannot take.
    for name in ("publish", "refresh", "remove"):
        real = inspect.signature(getattr(Poster, name))
        fake = inspect.signature(getattr(FakePoster, name))
        assert list(fake.parameters) == list(real.parameters)


async def test_a_missed_scheduled_workout_is_not_said_to_be_saved_late(db) -> None:
    await _prescribe(db, FakePoster(db), asked=_asked(date_text="tomorrow"))
    two_days_later = NOW + timedelta(days=2)
    shown = await plan.show(db, COACH, "2026-11-29", now=two_days_later)
    assert isinstance(shown, Answer)
    status = dict((f.name, f.value) for f in shown.fields)["Status"]
    assert status == "Not posted: its post time went by while I was not running"
