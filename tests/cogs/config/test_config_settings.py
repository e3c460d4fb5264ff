"""Unit tests for cogs.config.settings: the /config use cases (Manage Server
only) and the overview, with a real database (SQLite and PostgreSQL); no Discord."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from discord import app_commands

from bot.clock import epoch_ms
from bot.domain.errors import InputError
from bot.domain.workout import parse_workout
from bot.errors import NotAllowed
from bot.permissions import Actor
from cogs.config import settings
from cogs.config.settings import ChannelSeen
from db.guild_settings import GuildSettings, GuildSettingsQueries
from db.workouts import NewWorkout, WorkoutQueries

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
GUILD = 1001
ADMIN = Actor(user_id=1, name="Admin", guild_id=GUILD, manage_guild=True)
# A coach by role is still not an admin: /config takes Manage Server.
ROLE_COACH = Actor(
    user_id=2, name="Coach", guild_id=GUILD, manage_guild=False, role_ids=frozenset({777})
)
ADMIN_IN_DM = Actor(user_id=1, name="Admin", guild_id=None, manage_guild=False)
REFUSAL = "Only members with Manage Server can change Trackside's settings."


async def _stored(db) -> GuildSettings:
    return await GuildSettingsQueries(db).get(GUILD)


async def _workout(db, day: date):
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
            origin_channel_id=500,
        ),
        now=epoch_ms(NOW),
    )
    return stored


# ---------------------------------------------------------------- timezone
async def test_set_timezone_canonicalises_the_name(db) -> None:
    text = await settings.set_timezone(db, ADMIN, "america/los_angeles", now=NOW)
    assert text == (
        "Timezone set to America/Los_Angeles (today there is Saturday 28 November 2026); "
        "workouts post at 06:00 local time."
    )
    assert (await _stored(db)).timezone == "America/Los_Angeles"


async def test_set_timezone_names_the_local_today(db) -> None:
    text = await settings.set_timezone(db, ADMIN, "Pacific/Auckland", now=NOW)
    assert "(today there is Sunday 29 November 2026)" in text


async def test_an_unknown_timezone_is_refused_and_nothing_changes(db) -> None:
    with pytest.raises(InputError) as caught:
        await settings.set_timezone(db, ADMIN, "Mars/**Olympus**", now=NOW)
    assert caught.value.message.startswith(
        "I don't know the timezone Mars/\\*\\*Olympus\\*\\*; pick one of the suggestions"
    )
    assert caught.value.example == "`/config timezone timezone:Europe/Berlin`"
    assert (await _stored(db)).timezone == "UTC"


def test_timezone_choices_start_with_what_was_typed() -> None:
    choices = settings.timezone_choices("america/los")
    assert choices[0] == "America/Los_Angeles"
    assert settings.timezone_choices("berlin") == ["Europe/Berlin"]
    assert len(settings.timezone_choices("")) == 25


# ---------------------------------------------------------------- channel
async def test_set_channel_stores_it(db) -> None:
    text = await settings.set_channel(db, ADMIN, ChannelSeen(600, in_this_server=True), now=NOW)
    assert text == "Workouts will be posted in <#600>."
    assert (await _stored(db)).channel_id == 600


async def test_a_channel_of_another_server_is_refused(db) -> None:
    with pytest.raises(InputError) as caught:
        await settings.set_channel(db, ADMIN, ChannelSeen(600, in_this_server=False), now=NOW)
    assert caught.value.message == (
        "That channel isn't in this server; pick one of this server's text channels."
    )
    assert (await _stored(db)).channel_id is None


async def test_a_channel_missing_permissions_is_refused_naming_them(db) -> None:
    seen = ChannelSeen(600, in_this_server=True, missing=("send_messages", "embed_links"))
    with pytest.raises(InputError) as caught:
        await settings.set_channel(db, ADMIN, seen, now=NOW)
    assert caught.value.message == (
        "I can't post in <#600>: I am missing Send Messages, Embed Links there. "
        "Grant them to my role in that channel, then try again."
    )
    assert caught.value.example == settings.CHANNEL_EXAMPLE
    assert (await _stored(db)).channel_id is None


async def test_setting_the_channel_gives_failed_posts_another_chance(db) -> None:
    failed = await _workout(db, NOW.date())
    await WorkoutQueries(db).mark_failed(failed.id, "the channel <#500> no longer exists")
    await settings.set_channel(db, ADMIN, ChannelSeen(600, in_this_server=True), now=NOW)
    again = await WorkoutQueries(db).get(GUILD, NOW.date())
    assert again is not None and again.post_error is None


# ---------------------------------------------------------------- post time, coach role
async def test_set_post_time(db) -> None:
    await settings.set_timezone(db, ADMIN, "Europe/Berlin", now=NOW)
    text = await settings.set_post_time(db, ADMIN, "5:30", now=NOW)
    assert text == "Scheduled workouts will be posted at 05:30 (Europe/Berlin)."
    assert (await _stored(db)).post_time == "05:30"
    with pytest.raises(InputError, match="hours go from 00 to 23"):
        await settings.set_post_time(db, ADMIN, "25:00", now=NOW)
    assert (await _stored(db)).post_time == "05:30"


async def test_set_coach_role(db) -> None:
    text = await settings.set_coach_role(db, ADMIN, 777, in_this_server=True, now=NOW)
    assert text == (
        "Members with <@&777> can now post and manage workouts (as can anyone with Manage Server)."
    )
    stored = await _stored(db)
    assert stored.coach_role_id == 777
    assert ROLE_COACH.is_coach(stored)
    with pytest.raises(InputError, match="That role isn't in this server"):
        await settings.set_coach_role(db, ADMIN, 888, in_this_server=False, now=NOW)
    assert (await _stored(db)).coach_role_id == 777


# ---------------------------------------------------------------- overview
async def test_overview_of_a_fresh_server(db) -> None:
    answer = await settings.overview(db, ADMIN, now=NOW)
    assert answer.kind == "Settings"
    assert answer.headline == "Trackside settings"
    assert [(f.name, f.value) for f in answer.fields] == [
        ("Workout channel", "not set: the channel where /wod post is used"),
        ("Post time", "06:00"),
        ("Timezone", "UTC"),
        ("Coach role", "not set: members with Manage Server"),
    ]


async def test_overview_lists_the_settings_and_failed_posts(db) -> None:
    await settings.set_channel(db, ADMIN, ChannelSeen(600, in_this_server=True), now=NOW)
    await settings.set_coach_role(db, ADMIN, 777, in_this_server=True, now=NOW)
    queries = WorkoutQueries(db)
    for day, reason in [
        (date(2026, 11, 27), "an old failure, its day is over"),
        (date(2026, 11, 28), "I am missing permission to post in <#600>"),
        (date(2026, 11, 30), "the channel <#600> no longer exists"),
    ]:
        workout = await _workout(db, day)
        await queries.mark_failed(workout.id, reason)

    answer = await settings.overview(db, ADMIN, now=NOW)
    fields = {f.name: f.value for f in answer.fields}
    assert fields["Workout channel"] == "<#600>"
    assert fields["Coach role"] == "<@&777>"
    assert fields["⚠️ Posts that failed"].split("\n") == [
        "Saturday 28 November 2026: I am missing permission to post in <#600>",
        "Monday 30 November 2026: the channel <#600> no longer exists",
    ]


async def test_overview_names_the_shard_and_process_that_served(db) -> None:
    served = "Shard 5 of 12, process 3fa9c2d1 on track-2"
    answer = await settings.overview(db, ADMIN, now=NOW, served_by=served)
    assert answer.fields[-1].name == "Served by"
    assert answer.fields[-1].value == "Shard 5 of 12, process 3fa9c2d1 on track-2"


# ---------------------------------------------------------------- who may
@pytest.mark.parametrize("who", [ROLE_COACH, ADMIN_IN_DM], ids=["coach-role", "dm"])
async def test_non_admins_change_nothing(db, who: Actor) -> None:
    calls = [
        settings.set_timezone(db, who, "Europe/Berlin", now=NOW),
        settings.set_channel(db, who, ChannelSeen(600, in_this_server=True), now=NOW),
        settings.set_post_time(db, who, "05:30", now=NOW),
        settings.set_coach_role(db, who, 777, in_this_server=True, now=NOW),
    ]
    for call in calls:
        with pytest.raises(NotAllowed) as caught:
            await call
        assert caught.value.message == REFUSAL
    assert await _stored(db) == GuildSettings(guild_id=GUILD)


async def test_the_overview_is_for_admins_in_a_server(db) -> None:
    with pytest.raises(NotAllowed, match=re.escape(REFUSAL)):
        await settings.overview(db, ROLE_COACH, now=NOW)
    with pytest.raises(app_commands.NoPrivateMessage):
        await settings.overview(db, ADMIN_IN_DM, now=NOW)
