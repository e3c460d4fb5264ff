"""Unit tests for training groups and sessions in /wod (cogs.wod.plan,
cogs.wod.posting.post_due, cogs.wod.rendering): one workout per date ×
group × session, the group's channel and ping, labels, the caller's groups
first, delete by group and session. A real database (SQLite and PostgreSQL)
and a recording fake Poster in place of Discord."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import pytest_asyncio

from bot.clock import epoch_ms
from bot.domain.errors import InputError
from bot.domain.workout import parse_workout
from bot.permissions import Actor
from bot.replies import Answer
from cogs.wod import plan
from cogs.wod.plan import Prescription
from cogs.wod.posting import post_due
from cogs.wod.rendering import workout_answer, workout_content
from db import open_database
from db.groups import GroupQueries, TrainingGroup
from db.guild_settings import GuildSettingsQueries
from db.workouts import NewWorkout, StoredWorkout, WorkoutQueries

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)  # Saturday 28 November 2026
TODAY = NOW.date()
TOMORROW = TODAY + timedelta(days=1)
GUILD = 1001
ORIGIN = 500  # where /wod post was used
CONFIGURED = 600  # /config channel
SPRINT_CHANNEL = 610
SPRINT_ROLE, DISTANCE_ROLE, THROWS_ROLE = 901, 902, 903
SERVER_ROLES = frozenset({SPRINT_ROLE, DISTANCE_ROLE, THROWS_ROLE})
SEED = "4 x 250m sprint + 1 x 300m"

COACH = Actor(user_id=1, name="Coach", guild_id=GUILD, manage_guild=True)
ANA = Actor(  # a distance runner
    user_id=11, name="Ana", guild_id=GUILD, manage_guild=False, role_ids=frozenset({DISTANCE_ROLE})
)
BEN = Actor(  # a sprinter
    user_id=12, name="Ben", guild_id=GUILD, manage_guild=False, role_ids=frozenset({SPRINT_ROLE})
)
CAL = Actor(user_id=13, name="Cal", guild_id=GUILD, manage_guild=False)  # in no group


class FakePoster:
    """Records publish (with its ping), refresh and remove; a publish posts
    as the real poster would, so athletes can see the workout."""

    def __init__(self, db) -> None:
        self.db = db
        self.calls: list[tuple] = []
        self._next_message = 9000

    async def publish(
        self, workout: StoredWorkout, channel_id: int, *, ping_role_id: int | None = None
    ) -> tuple[bool, str]:
        self.calls.append(("publish", workout.id, channel_id, ping_role_id))
        self._next_message += 1
        await WorkoutQueries(self.db).mark_posted(
            workout.id,
            channel_id=channel_id,
            message_id=self._next_message,
            revision=workout.revision,
            now=epoch_ms(NOW),
        )
        return True, f"posted in <#{channel_id}>"

    async def refresh(self, workout: StoredWorkout) -> bool:
        self.calls.append(("refresh", workout.id, workout.revision))
        return True

    async def remove(self, workout: StoredWorkout) -> None:
        self.calls.append(("remove", workout.id, workout.message_id))


class Groups:
    """The club's groups: Sprints (role, own channel, pings), Distance (role,
    no channel, no ping), Throws (role, no channel, pings)."""

    def __init__(self, sprints: TrainingGroup, distance: TrainingGroup, throws: TrainingGroup):
        self.sprints = sprints
        self.distance = distance
        self.throws = throws


@pytest_asyncio.fixture
async def db(new_database: Path | str) -> AsyncIterator:
    database = await open_database(new_database)
    await database.migrate()
    yield database
    await database.close()


@pytest_asyncio.fixture
async def groups(db) -> Groups:
    add = GroupQueries(db).add
    at = epoch_ms(NOW)
    return Groups(
        await add(
            GUILD, "Sprints", role_id=SPRINT_ROLE, channel_id=SPRINT_CHANNEL, ping=True, now=at
        ),
        await add(GUILD, "Distance", role_id=DISTANCE_ROLE, channel_id=None, ping=False, now=at),
        await add(GUILD, "Throws", role_id=THROWS_ROLE, channel_id=None, ping=True, now=at),
    )


async def _acknowledge() -> None:
    return None


def _asked(
    workout: str = SEED,
    date_text: str | None = None,
    *,
    group: str | None = None,
    session: str | None = None,
    roles: frozenset[int] | None = SERVER_ROLES,
    title: str | None = None,
) -> Prescription:
    return Prescription(
        workout=workout,
        date_text=date_text,
        title=title,
        recovery=None,
        notes=None,
        origin_channel_id=ORIGIN,
        group=group,
        session=session,
        server_role_ids=roles,
    )


async def _post(db, poster, asked: Prescription, coach: Actor = COACH, now=NOW) -> str:
    return await plan.prescribe(db, poster, coach, asked, now=now, acknowledge=_acknowledge)


async def _rows(db) -> list[tuple[str, int, str, str]]:
    rows = await db.fetch_all(
        "SELECT local_date, group_id, session, text FROM workouts ORDER BY id", {}
    )
    return [(str(r["local_date"]), int(r["group_id"]), str(r["session"]), r["text"]) for r in rows]


def _fields(answer: Answer) -> dict[str, str]:
    return {field.name: field.value for field in answer.fields}


# ------------------------------------------------------------------ prescribe
async def test_a_group_workout_posts_in_the_groups_channel_with_its_ping(db, groups) -> None:
    poster = FakePoster(db)
    text = await _post(db, poster, _asked(group="sprints", session=" PM "))
    stored = await WorkoutQueries(db).get(GUILD, TODAY, group_id=groups.sprints.id, session="pm")
    assert stored is not None  # the name matched case-insensitively; the session cleaned
    assert poster.calls == [("publish", stored.id, SPRINT_CHANNEL, SPRINT_ROLE)]
    assert text == (
        f"Saved and posted in <#{SPRINT_CHANNEL}>, mentioning <@&{SPRINT_ROLE}>: workout for "
        "Saturday 28 November 2026 (Sprints · pm).\nParsed: 4 × 250 m, 1 × 300 m — 5 reps"
    )


async def test_a_group_without_a_channel_posts_in_the_servers_channel(db, groups) -> None:
    poster = FakePoster(db)
    await _post(db, poster, _asked(group="Distance"))
    assert [call[2:] for call in poster.calls] == [(ORIGIN, None)]  # no channel set: origin
    await GuildSettingsQueries(db).update(GUILD, now=epoch_ms(NOW), channel_id=CONFIGURED)
    poster.calls.clear()
    await _post(db, poster, _asked(group="Distance", session="am"))
    assert [call[2:] for call in poster.calls] == [(CONFIGURED, None)]  # no ping: none


async def test_posting_again_for_the_same_slot_replaces_it_and_edits_its_post(db, groups) -> None:
    poster = FakePoster(db)
    await _post(db, poster, _asked(group="Sprints", session="pm"))
    await _post(db, poster, _asked("6 x 200m", group="Sprints", session="am"))
    await _post(db, poster, _asked("Rest day"))  # the team's main workout
    first = await WorkoutQueries(db).get(GUILD, TODAY, group_id=groups.sprints.id, session="pm")
    assert first is not None
    poster.calls.clear()

    text = await _post(db, poster, _asked("8 x 150m", group="SPRINTS", session="PM"))
    assert poster.calls == [("refresh", first.id, 2)]  # its post edited, never a new ping
    assert text.startswith(
        f"Replaced and edited the post in <#{SPRINT_CHANNEL}>: workout for "
        "Saturday 28 November 2026 (Sprints · pm)."
    )
    sprints = groups.sprints.id
    assert await _rows(db) == [
        (TODAY.isoformat(), sprints, "pm", "8 x 150m"),
        (TODAY.isoformat(), sprints, "am", "6 x 200m"),
        (TODAY.isoformat(), 0, "", "Rest day"),
    ]


async def test_a_team_session_is_labelled_team(db, groups) -> None:
    poster = FakePoster(db)
    text = await _post(db, poster, _asked(session="am"))
    assert text.startswith(
        f"Saved and posted in <#{ORIGIN}>: workout for Saturday 28 November 2026 (Team · am)."
    )
    assert poster.calls[0][3] is None


async def test_a_scheduled_group_workout_names_its_channel_and_ping(db, groups) -> None:
    poster = FakePoster(db)
    text = await _post(db, poster, _asked(date_text="tomorrow", group="Sprints"))
    assert poster.calls == []
    assert text.startswith(
        f"Saved; scheduled for 06:00 (UTC) that day in <#{SPRINT_CHANNEL}>, mentioning "
        f"<@&{SPRINT_ROLE}>: workout for Sunday 29 November 2026 (Sprints)."
    )


async def test_a_group_whose_role_was_deleted_still_posts_and_the_coach_is_told(db, groups) -> None:
    poster = FakePoster(db)
    gone = SERVER_ROLES - {THROWS_ROLE}
    text = await _post(db, poster, _asked(group="Throws", roles=gone))
    stored = await WorkoutQueries(db).get(GUILD, TODAY, group_id=groups.throws.id)
    assert stored is not None
    assert poster.calls == [("publish", stored.id, ORIGIN, None)]  # posted, mentioning no one
    assert text.split("\n")[0] == (
        f"Saved and posted in <#{ORIGIN}>: workout for Saturday 28 November 2026 (Throws)."
    )
    assert text.split("\n")[-1] == (
        "⚠️ The role of the Throws group no longer exists, so nobody is in that group and "
        "nobody is mentioned: remove the group and add it again with a role "
        "(`/config group remove`, `/config group add`)."
    )


async def test_unknown_roles_are_not_reported_as_deleted(db, groups) -> None:
    # The server was not in the cache: nothing is known, so nothing is said.
    text = await _post(db, FakePoster(db), _asked(group="Throws", roles=None))
    assert "no longer exists" not in text


@pytest.mark.parametrize(
    ("asked", "message", "example"),
    [
        (
            _asked(group="Hurdles"),
            "There is no group called “Hurdles” in this server "
            "(groups: Distance, Sprints, Throws).",
            "`/config group add name:Sprints role:@Sprinters` creates one",
        ),
        (
            _asked(group="Sprints", session="s" * 21),
            "The session is 21 characters long; the limit is 20.",
            "`session:pm`",
        ),
        (
            _asked(group="g" * 33),
            "The group name is 33 characters long; the limit is 32.",
            "`name:Sprints`",
        ),
    ],
    ids=["unknown-group", "long-session", "long-group"],
)
async def test_a_bad_group_or_session_stores_nothing(db, groups, asked, message, example) -> None:
    poster = FakePoster(db)
    acks: list[None] = []

    async def acknowledge() -> None:
        acks.append(None)

    with pytest.raises(InputError) as caught:
        await plan.prescribe(db, poster, COACH, asked, now=NOW, acknowledge=acknowledge)
    assert caught.value.message == message
    assert caught.value.example == example
    assert acks == [] and poster.calls == []
    assert await _rows(db) == []


# ------------------------------------------------------------------- showing
async def _day_of_groups(db, poster) -> dict[str, StoredWorkout]:
    """Today: the team's main workout, Sprints pm, Distance, Sprints am."""
    for asked in (
        _asked(SEED, title="Team warm-up"),
        _asked("8 x 150m", group="Sprints", session="pm"),
        _asked("6 x 1 mile", group="Distance"),
        _asked("6 x 200m", group="Sprints", session="am"),
    ):
        await _post(db, poster, asked)
    return {w.text: w for w in await WorkoutQueries(db).for_day(GUILD, TODAY)}


async def test_show_puts_the_callers_groups_first_each_labelled(db, groups) -> None:
    await _day_of_groups(db, FakePoster(db))

    def order(shown) -> list[str]:
        assert isinstance(shown, list)
        return [answer.title for answer in shown]

    # Ben sprints: his two sessions (main first, then by name), the team, the others.
    assert order(await plan.show(db, BEN, None, now=NOW)) == [
        "Sprints · am: Workout of the day",
        "Sprints · pm: Workout of the day",
        "Team: Team warm-up",
        "Distance: Workout of the day",
    ]
    assert order(await plan.show(db, ANA, "today", now=NOW)) == [
        "Distance: Workout of the day",
        "Team: Team warm-up",
        "Sprints · am: Workout of the day",
        "Sprints · pm: Workout of the day",
    ]
    shown = await plan.show(db, CAL, None, now=NOW)
    assert order(shown)[0] == "Team: Team warm-up"
    assert isinstance(shown, list)
    assert {answer.headline for answer in shown} == {"4 workouts for Saturday 28 November 2026"}
    assert _fields(shown[2])["Status"] == f"Posted in <#{SPRINT_CHANNEL}>"


async def test_athletes_see_posted_workouts_coaches_also_scheduled_ones(db, groups) -> None:
    poster = FakePoster(db)
    await _post(db, poster, _asked(date_text="tomorrow", group="Sprints"))
    await _post(db, poster, _asked("Rest day", date_text="tomorrow", group="Distance"))
    assert await plan.show(db, BEN, "2026-11-29", now=NOW) == (
        "The workouts for Sunday 29 November 2026 are not posted yet: they go out at 06:00 (UTC)."
    )
    shown = await plan.show(db, COACH, "2026-11-29", now=NOW)
    assert isinstance(shown, list)
    assert [(a.title, _fields(a)["Status"]) for a in shown] == [
        (
            "Sprints: Workout of the day",  # first saved, the coach being in neither
            f"Scheduled: Sunday 29 November 2026 at 06:00 (UTC) in <#{SPRINT_CHANNEL}>",
        ),
        (
            "Distance: Workout of the day",
            f"Scheduled: Sunday 29 November 2026 at 06:00 (UTC) in <#{ORIGIN}>",
        ),
    ]

    # Once one of them is posted, athletes see that one, alone and labelled.
    sprints = await WorkoutQueries(db).get(GUILD, TOMORROW, group_id=groups.sprints.id)
    assert sprints is not None
    await poster.publish(sprints, SPRINT_CHANNEL)
    shown = await plan.show(db, ANA, "2026-11-29", now=NOW)
    assert isinstance(shown, Answer)
    assert shown.headline == "Workout for Sunday 29 November 2026"
    assert shown.title == "Sprints: Workout of the day"


async def test_list_orders_each_day_for_the_caller_with_labels(db, groups) -> None:
    poster = FakePoster(db)
    await _day_of_groups(db, poster)
    await _post(db, poster, _asked("5k tempo", date_text="tomorrow", group="Distance"))
    await _post(db, poster, _asked("Rest day", date_text="2026-11-30"))
    listed = await plan.coming(db, ANA, 7, now=NOW)  # athletes: posted ones only
    assert isinstance(listed, Answer)
    assert listed.headline == "4 workout(s) in the next 7 days"
    assert listed.body.split("\n") == [
        "`Sat 28 Nov` Distance — 6 × 1 mile",
        "`Sat 28 Nov` Team — **Team warm-up**: 4 × 250 m, 1 × 300 m",
        "`Sat 28 Nov` Sprints · am — 6 × 200 m",
        "`Sat 28 Nov` Sprints · pm — 8 × 150 m",
    ]
    listed = await plan.coming(db, COACH, 3, now=NOW)
    assert isinstance(listed, Answer)
    lines = listed.body.split("\n")
    assert lines[0] == "`Sat 28 Nov` Team — **Team warm-up**: 4 × 250 m, 1 × 300 m"
    # A day with only one workout, a group's: labelled; the team's alone: not.
    assert lines[-4:] == [
        "`Sun 29 Nov` Distance — 1 × 5 km",
        f"  Scheduled: Sunday 29 November 2026 at 06:00 (UTC) in <#{ORIGIN}>",
        "`Mon 30 Nov` Rest day",
        f"  Scheduled: Monday 30 November 2026 at 06:00 (UTC) in <#{ORIGIN}>",
    ]


async def test_a_removed_groups_workouts_keep_its_name(db, groups) -> None:
    poster = FakePoster(db)
    await _post(db, poster, _asked(group="Throws"))
    await _post(db, poster, _asked(SEED))
    removed = await GroupQueries(db).remove(
        GUILD, groups.throws.id, now=epoch_ms(NOW), cancel_from=TOMORROW.isoformat()
    )
    assert removed is not None
    shown = await plan.show(db, COACH, None, now=NOW)
    assert isinstance(shown, list)
    assert [a.title for a in shown] == ["Team: Workout of the day", "Throws: Workout of the day"]


# ------------------------------------------------------------------ deleting
async def test_delete_by_group_and_session(db, groups) -> None:
    poster = FakePoster(db)
    day = await _day_of_groups(db, poster)
    poster.calls.clear()
    pm = day["8 x 150m"]
    text = await plan.remove(db, poster, COACH, "today", now=NOW, group="sprints", session="PM")
    assert text == "Deleted the workout for Saturday 28 November 2026 (Sprints · pm)."
    assert poster.calls == [("remove", pm.id, pm.message_id)]
    assert [row[3] for row in await _rows(db)] == [SEED, "6 x 1 mile", "6 x 200m"]

    text = await plan.remove(db, poster, COACH, "today", now=NOW)  # the team's main one
    assert text == "Deleted the workout for Saturday 28 November 2026."
    assert [row[3] for row in await _rows(db)] == ["6 x 1 mile", "6 x 200m"]


async def test_delete_of_a_slot_without_a_workout_lists_the_days_workouts(db, groups) -> None:
    poster = FakePoster(db)
    await _post(db, poster, _asked("6 x 200m", group="Sprints", session="am"))
    await _post(db, poster, _asked("6 x 1 mile", group="Distance"))
    poster.calls.clear()
    with pytest.raises(InputError) as caught:
        await plan.remove(db, poster, COACH, "today", now=NOW, group="Sprints")
    assert caught.value.message == (
        "No workout for Saturday 28 November 2026 (Sprints); that day has: Sprints · am, Distance."
    )
    assert caught.value.example == "`/wod delete date:2026-11-28 group:Sprints session:am`"
    with pytest.raises(InputError, match=r"^There is no group called “Hurdles”"):
        await plan.remove(db, poster, COACH, "today", now=NOW, group="Hurdles")
    with pytest.raises(InputError, match=r"^The session is 21 characters long"):
        await plan.remove(db, poster, COACH, "today", now=NOW, session="x" * 21)
    assert poster.calls == []
    assert len(await _rows(db)) == 2


# ----------------------------------------------------------------- scheduler
async def _saved(db, group_id: int = 0, session: str = "", day: date = TODAY) -> StoredWorkout:
    stored, _ = await WorkoutQueries(db).save(
        NewWorkout(
            guild_id=GUILD,
            local_date=day,
            title=None,
            text="6 x 400m",
            plan=parse_workout("6 x 400m"),
            recovery=None,
            notes=None,
            author_id=1,
            origin_channel_id=ORIGIN,
            group_id=group_id,
            session=session,
        ),
        now=epoch_ms(NOW),
    )
    return stored


async def test_the_scheduler_posts_each_group_in_its_channel_with_its_ping(db, groups) -> None:
    await GuildSettingsQueries(db).update(GUILD, now=epoch_ms(NOW), channel_id=CONFIGURED)
    team = await _saved(db)
    sprints_am = await _saved(db, groups.sprints.id, "am")
    distance = await _saved(db, groups.distance.id)
    throws = await _saved(db, groups.throws.id)
    poster = FakePoster(db)
    posted = await post_due(db, poster, NOW, claimer="proc0001")
    assert sorted(posted) == sorted([team.id, sprints_am.id, distance.id, throws.id])
    assert sorted(call[1:] for call in poster.calls) == sorted(
        [
            (team.id, CONFIGURED, None),
            (sprints_am.id, SPRINT_CHANNEL, SPRINT_ROLE),
            (distance.id, CONFIGURED, None),  # no channel of its own, no ping
            (throws.id, CONFIGURED, THROWS_ROLE),
        ]
    )
    assert await post_due(db, poster, NOW, claimer="proc0001") == []  # exactly once


# ----------------------------------------------------------------- rendering
async def test_the_post_shows_its_label_and_its_ping(db, groups) -> None:
    stored = await _saved(db, groups.sprints.id, "pm")
    assert workout_content(stored) == "Workout of the day, Saturday 28 November 2026"
    assert workout_content(stored, "Sprints · pm", mention=SPRINT_ROLE) == (
        f"<@&{SPRINT_ROLE}> Workout of the day for Sprints · pm, Saturday 28 November 2026"
    )
    answer = workout_answer(stored, label="Sprints · pm", mention=SPRINT_ROLE)
    assert answer.headline == workout_content(stored, "Sprints · pm", mention=SPRINT_ROLE)
    assert answer.title == "Sprints · pm: Workout of the day"
    # Group names are typed by people: shown as typed, never as markup.
    assert workout_answer(stored, label="*Sprints* · pm").title == (
        "\\*Sprints\\* · pm: Workout of the day"
    )
