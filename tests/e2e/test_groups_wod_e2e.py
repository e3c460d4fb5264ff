"""Training groups and sessions in /wod, end to end: each group's workout
posted in its own channel with its own **Submit splits** button, am and pm
sessions, a replacement edited in place, the role ping only where the coach
configured it, the scheduler posting group workouts into their channels at
post time, delete by group and session, show and list with the caller's own
groups first, and bad group or session names refused with nothing stored.

The module shares one team that tests only read: #workouts is the server's
workout channel; **Sprints** (role Sprinters, channel #sprints, ping on),
**Distance** (role Distance runners, channel #distance, ping off) and
**Throws** (ping on, but its role was deleted: an id the server no longer
has; no channel). Sam sprints, Dana runs distance. Groups are created through
storage (``GroupQueries``), as ``/config group add`` would. Every test works
on a day of its own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
import pytest_asyncio

from bot.clock import epoch_ms
from db.groups import GroupQueries, TrainingGroup
from loopback import Channel, Member, Message, Role
from tests.e2e.conftest import CLUB_START, Club

pytestmark = pytest.mark.asyncio(loop_scope="module")

SEED = "4 x 250m sprint + 1 x 300m"
DELETED_ROLE_ID = 999_999_999_999_999_990  # a role the server no longer has
NOTHING = {"parse": []}  # allowed mentions: none


@dataclass
class Team:
    sprints_channel: Channel
    distance_channel: Channel
    sprinters: Role
    distance_runners: Role
    sprints: TrainingGroup
    distance: TrainingGroup
    throws: TrainingGroup
    sam: Member  # a sprinter
    dana: Member  # a distance runner


def _bot_posts(club: Club, channel: Channel) -> list[Message]:
    return [m for m in club.fake.messages(channel) if m.author_id == club.bot.user.id]


async def _slash(club: Club, who, name: str, options: dict, channel=None) -> Message:
    itx = await club.fake.slash(who, name, options, channel=channel or club.general)
    return await itx.wait_reply()


async def _post(club: Club, options: dict) -> str:
    reply = await _slash(club, club.coach, "wod post", options)
    assert reply.ephemeral
    return reply.content


def _new_posts(club: Club, channel: Channel, before: set[int]) -> list[Message]:
    return [m for m in _bot_posts(club, channel) if m.id not in before]


def _ids(club: Club, *channels: Channel) -> set[int]:
    return {m.id for channel in channels for m in _bot_posts(club, channel)}


async def _workout_id(club: Club, day: str, group_id: int, session: str = "") -> int:
    return int(
        await club.value(
            "SELECT id FROM workouts WHERE guild_id = :guild AND local_date = :day"
            " AND group_id = :group AND session = :session",
            {"guild": club.guild.id, "day": day, "group": group_id, "session": session},
        )
    )


def _at(day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=UTC)


@pytest.fixture(autouse=True)
def reset_clock(club: Club):
    club.clock.set(CLUB_START)
    yield
    club.clock.set(CLUB_START)


@pytest_asyncio.fixture(loop_scope="module", scope="module", autouse=True)
async def team(club: Club) -> Team:
    fake = club.fake
    await _slash(club, club.coach, "config channel", {"channel": club.workouts})
    sprints_channel = fake.create_channel(club.guild, "sprints")
    distance_channel = fake.create_channel(club.guild, "distance")
    sprinters = fake.create_role(club.guild, "Sprinters")
    distance_runners = fake.create_role(club.guild, "Distance runners")
    sam = fake.create_member(club.guild, "Sam", roles=[sprinters])
    dana = fake.create_member(club.guild, "Dana", roles=[distance_runners])
    await fake.sync_gateway()  # the bot knows the new channels and roles
    groups = GroupQueries(club.bot.db)
    at = epoch_ms(CLUB_START)
    return Team(
        sprints_channel=sprints_channel,
        distance_channel=distance_channel,
        sprinters=sprinters,
        distance_runners=distance_runners,
        sprints=await groups.add(
            club.guild.id,
            "Sprints",
            role_id=sprinters.id,
            channel_id=sprints_channel.id,
            ping=True,
            now=at,
        ),
        distance=await groups.add(
            club.guild.id,
            "Distance",
            role_id=distance_runners.id,
            channel_id=distance_channel.id,
            ping=False,
            now=at,
        ),
        throws=await groups.add(
            club.guild.id, "Throws", role_id=DELETED_ROLE_ID, channel_id=None, ping=True, now=at
        ),
        sam=sam,
        dana=dana,
    )


async def test_two_groups_and_the_team_each_post_in_their_channel(
    club: Club, team: Team, clean_fake
) -> None:
    club.clock.set(_at(1))
    before = _ids(club, team.sprints_channel, team.distance_channel, club.workouts)

    reply = await _post(club, {"workout": SEED, "title": "Sprint session", "group": "Sprints"})
    assert reply.startswith(
        f"Saved and posted in <#{team.sprints_channel.id}>, mentioning <@&{team.sprinters.id}>:"
        " workout for Tuesday 1 December 2026 (Sprints)."
    )
    reply = await _post(club, {"workout": "6 x 1 mile", "group": "distance"})
    assert reply.startswith(f"Saved and posted in <#{team.distance_channel.id}>: workout for")
    reply = await _post(club, {"workout": "Rest day"})
    assert reply.startswith(f"Saved and posted in <#{club.workouts.id}>: workout for")

    [sprints] = _new_posts(club, team.sprints_channel, before)
    [distance] = _new_posts(club, team.distance_channel, before)
    [everyone] = _new_posts(club, club.workouts, before)

    # The ping only where the coach configured it: Sprints mentions its role, and
    # allows exactly that role; Distance (ping off) and the team mention nothing.
    assert sprints.content == (
        f"<@&{team.sprinters.id}> Workout of the day for Sprints, "
        "Tuesday 1 December 2026: Sprint session"
    )
    assert sprints.allowed_mentions == {"parse": [], "roles": [team.sprinters.id]}
    assert sprints.mention_roles == [team.sprinters.id]
    assert sprints.mentions == []
    assert distance.content == "Workout of the day for Distance, Tuesday 1 December 2026"
    assert everyone.content == "Workout of the day, Tuesday 1 December 2026"
    for quiet in (distance, everyone):
        assert quiet.allowed_mentions == NOTHING
        assert quiet.mention_roles == [] and "<@" not in quiet.content
    assert sprints.embeds[0]["title"] == "Sprints: Sprint session"
    assert distance.embeds[0]["title"] == "Distance: Workout of the day"
    assert everyone.embeds[0]["title"] == "Workout of the day"

    # Each post's own Submit splits button, naming its own workout.
    sprints_id = await _workout_id(club, "2026-12-01", team.sprints.id)
    distance_id = await _workout_id(club, "2026-12-01", team.distance.id)
    assert [b["custom_id"] for b in sprints.buttons()] == [f"trackside:splits:{sprints_id}"]
    assert [b["custom_id"] for b in distance.buttons()] == [f"trackside:splits:{distance_id}"]
    assert everyone.buttons() == []  # a rest day has nothing to submit
    opened = await club.fake.click(team.sam, sprints, f"trackside:splits:{sprints_id}")
    await opened.wait_response()
    assert opened.modal is not None
    assert opened.modal["custom_id"] == f"trackside:splitsform:{sprints_id}"


async def test_am_and_pm_sessions_of_one_group(club: Club, team: Team, clean_fake) -> None:
    club.clock.set(_at(2))
    before = _ids(club, team.sprints_channel)
    await _post(club, {"workout": "6 x 200m", "group": "Sprints", "session": "am"})
    reply = await _post(club, {"workout": "8 x 150m", "group": "Sprints", "session": "PM"})
    assert "(Sprints · pm)" in reply
    am, pm = _new_posts(club, team.sprints_channel, before)
    assert am.content.startswith(f"<@&{team.sprinters.id}> Workout of the day for Sprints · am,")
    assert pm.content.startswith(f"<@&{team.sprinters.id}> Workout of the day for Sprints · pm,")
    assert am.embeds[0]["description"] == "6 x 200m"
    assert pm.embeds[0]["description"] == "8 x 150m"
    rows = await club.rows(
        "SELECT session, text FROM workouts WHERE guild_id = :guild AND local_date = :day"
        " ORDER BY id",
        {"guild": club.guild.id, "day": "2026-12-02"},
    )
    assert [(r["session"], r["text"]) for r in rows] == [("am", "6 x 200m"), ("pm", "8 x 150m")]


async def test_posting_the_same_slot_again_edits_its_post(
    club: Club, team: Team, clean_fake
) -> None:
    club.clock.set(_at(3))
    before = _ids(club, team.sprints_channel)
    await _post(club, {"workout": "6 x 200m", "group": "Sprints", "session": "pm"})
    await _post(club, {"workout": "5k tempo", "group": "Distance", "session": "pm"})
    [post] = _new_posts(club, team.sprints_channel, before)
    posts = _ids(club, team.sprints_channel, team.distance_channel)

    reply = await _post(club, {"workout": "10 x 100m", "group": "sprints", "session": "pm"})
    assert reply.startswith(
        f"Replaced and edited the post in <#{team.sprints_channel.id}>: workout for "
        "Thursday 3 December 2026 (Sprints · pm)."
    )
    assert _ids(club, team.sprints_channel, team.distance_channel) == posts  # no new message
    assert post.edited and post.embeds[0]["description"] == "10 x 100m"
    # Still showing whose it is and its role, but an edit never pings.
    assert post.content.startswith(f"<@&{team.sprinters.id}> Workout of the day for Sprints · pm")
    assert post.allowed_mentions == NOTHING
    assert post.mention_roles == []
    assert (
        await club.value(
            "SELECT COUNT(*) FROM workouts WHERE guild_id = :guild AND local_date = :day",
            {"guild": club.guild.id, "day": "2026-12-03"},
        )
        == 2
    )


async def test_the_scheduler_posts_group_workouts_in_their_channels_once(
    club: Club, team: Team, clean_fake
) -> None:
    wod = club.bot.get_cog("Wod")
    club.clock.set(_at(5))
    for options in (
        {"workout": SEED, "group": "Sprints"},
        {"workout": "6 x 1 mile", "group": "Distance", "session": "am"},
        {"workout": "Shot put 6 throws", "group": "Throws"},
        {"workout": "10 x 400m @ 68"},
    ):
        reply = await _post(club, {**options, "date": "tomorrow"})
        assert "scheduled for 06:00 (UTC)" in reply, reply
    channels = (team.sprints_channel, team.distance_channel, club.workouts)
    before = _ids(club, *channels)

    club.clock.set(_at(6, 5, 59))
    assert await wod.tick() == []
    club.clock.set(_at(6, 6, 0))
    assert len(await wod.tick()) == 4
    assert await wod.tick() == []  # exactly once

    [sprints] = _new_posts(club, team.sprints_channel, before)
    [distance] = _new_posts(club, team.distance_channel, before)
    throws, everyone = _new_posts(club, club.workouts, before)  # no channel of its own
    assert sprints.content.startswith(f"<@&{team.sprinters.id}> Workout of the day for Sprints,")
    assert sprints.allowed_mentions == {"parse": [], "roles": [team.sprinters.id]}
    assert sprints.mention_roles == [team.sprinters.id]
    assert distance.content == "Workout of the day for Distance · am, Sunday 6 December 2026"
    # Throws pings, but its role is gone: posted, mentioning nobody.
    assert throws.content == "Workout of the day for Throws, Sunday 6 December 2026"
    assert everyone.content == "Workout of the day, Sunday 6 December 2026"
    for quiet in (distance, throws, everyone):
        assert quiet.allowed_mentions == NOTHING and quiet.mention_roles == []
    sprints_id = await _workout_id(club, "2026-12-06", team.sprints.id)
    assert sprints.buttons()[0]["custom_id"] == f"trackside:splits:{sprints_id}"


async def test_a_group_whose_role_was_deleted(club: Club, team: Team, clean_fake) -> None:
    club.clock.set(_at(4))
    before = _ids(club, club.workouts)
    reply = await _post(club, {"workout": "Shot put 6 throws", "group": "Throws"})
    assert reply.startswith(f"Saved and posted in <#{club.workouts.id}>: workout for")
    assert "The role of the Throws group no longer exists, so nobody is in that group" in reply
    [post] = _new_posts(club, club.workouts, before)
    assert post.content == "Workout of the day for Throws, Friday 4 December 2026"
    assert post.allowed_mentions == NOTHING


async def test_delete_by_group_and_session(club: Club, team: Team, clean_fake) -> None:
    club.clock.set(_at(7))
    before = _ids(club, team.sprints_channel)
    await _post(club, {"workout": "6 x 200m", "group": "Sprints", "session": "am"})
    await _post(club, {"workout": "8 x 150m", "group": "Sprints", "session": "pm"})
    am, pm = _new_posts(club, team.sprints_channel, before)

    reply = await _slash(
        club, club.coach, "wod delete", {"date": "today", "group": "Sprints", "session": "pm"}
    )
    assert reply.ephemeral
    assert reply.content == "Deleted the workout for Monday 7 December 2026 (Sprints · pm)."
    assert pm.deleted and not am.deleted
    # The team has none that day: the refusal lists what there is.
    digest = await club.digest()
    reply = await _slash(club, club.coach, "wod delete", {"date": "today"})
    assert reply.ephemeral
    assert reply.content == (
        "No workout for Monday 7 December 2026 (Team); that day has: Sprints · am.\n"
        "Example: `/wod delete date:2026-12-07 group:Sprints session:am` · "
        "full command: `/wod delete date:tomorrow`"
    )
    assert await club.digest() == digest and not am.deleted
    rows = await club.rows(
        "SELECT session FROM workouts WHERE guild_id = :guild AND local_date = :day",
        {"guild": club.guild.id, "day": "2026-12-07"},
    )
    assert [r["session"] for r in rows] == ["am"]


async def test_show_and_list_put_the_callers_group_first(
    club: Club, team: Team, clean_fake
) -> None:
    club.clock.set(_at(9))
    await _post(club, {"workout": SEED, "title": "Team strides"})
    await _post(club, {"workout": "6 x 200m", "group": "Sprints"})
    await _post(club, {"workout": "6 x 1 mile", "group": "Distance"})
    # Scheduled for later that day's list: athletes don't see it, coaches do.
    await _post(club, {"workout": "5k tempo", "group": "Distance", "date": "2026-12-10"})

    async def titles(who) -> list[str]:
        reply = await _slash(club, who, "wod today", {})
        assert reply.ephemeral
        assert reply.content == "3 workouts for Wednesday 9 December 2026"
        return [embed["title"] for embed in reply.embeds]

    assert await titles(team.sam) == [
        "Sprints: Workout of the day",
        "Team: Team strides",
        "Distance: Workout of the day",
    ]
    assert await titles(team.dana) == [
        "Distance: Workout of the day",
        "Team: Team strides",
        "Sprints: Workout of the day",
    ]
    assert await titles(club.ben) == [  # in no group: the team's first
        "Team: Team strides",
        "Sprints: Workout of the day",
        "Distance: Workout of the day",
    ]
    reply = await _slash(club, team.dana, "wod show", {"date": "2026-12-09"})
    fields = {f["name"]: f["value"] for f in reply.embeds[0]["fields"]}
    assert fields["Status"] == f"Posted in <#{team.distance_channel.id}>"

    reply = await _slash(club, team.dana, "wod list", {"days": 2})
    assert reply.embeds[0]["description"].split("\n") == [
        "`Wed 09 Dec` Distance — 6 × 1 mile",
        "`Wed 09 Dec` Team — **Team strides**: 4 × 250 m, 1 × 300 m",
        "`Wed 09 Dec` Sprints — 6 × 200 m",
    ]
    reply = await _slash(club, club.coach, "wod list", {"days": 2})
    lines = reply.embeds[0]["description"].split("\n")
    assert lines[-2:] == [
        "`Thu 10 Dec` Distance — 1 × 5 km",
        f"  Scheduled: Thursday 10 December 2026 at 06:00 (UTC) in <#{team.distance_channel.id}>",
    ]


async def test_group_autocomplete(club: Club, team: Team, clean_fake) -> None:
    for command in ("wod post", "wod delete"):
        options = {"workout": SEED} if command == "wod post" else {"date": "today"}
        choices = await club.fake.autocomplete(
            club.coach,
            command,
            {**options, "group": "s"},
            focused="group",
            channel=club.general,
        )
        assert choices == [
            {"name": "Sprints", "value": "Sprints"},
            {"name": "Distance", "value": "Distance"},
            {"name": "Throws", "value": "Throws"},
        ]


@pytest.mark.parametrize(
    ("command", "options", "message"),
    [
        (
            "wod post",
            {"workout": SEED, "date": "2026-12-11", "group": "Hurdles"},
            "There is no group called “Hurdles” in this server "
            "(groups: Distance, Sprints, Throws).\n"
            "Example: `/config group add name:Sprints role:@Sprinters` creates one",
        ),
        (
            "wod post",
            {"workout": SEED, "date": "2026-12-11", "group": "Sprints", "session": "s" * 21},
            "`session` is 21 characters long; the limit is 20.\n"
            "Example: `/wod post workout:4 x 250m sprint + 1 x 300m date:today`",
        ),
        (
            "wod delete",
            {"date": "2026-12-11", "group": "Hurdles"},
            "There is no group called “Hurdles” in this server",
        ),
        (
            "wod delete",
            {"date": "2026-12-11", "session": "s" * 21},
            "`session` is 21 characters long; the limit is 20.",
        ),
    ],
    ids=["post-unknown-group", "post-long-session", "delete-unknown-group", "delete-long-session"],
)
async def test_an_unknown_group_or_a_long_session_is_refused(
    club: Club, team: Team, clean_fake, command: str, options: dict, message: str
) -> None:
    digest = await club.digest()
    channels = (team.sprints_channel, team.distance_channel, club.workouts)
    posts = {(m.id, m.edit_count) for c in channels for m in _bot_posts(club, c)}
    # A long session only comes from a client that ignores the registration.
    itx = await club.fake.slash(club.coach, command, options, channel=club.general, unchecked=True)
    reply = await itx.wait_reply()
    assert reply.ephemeral
    assert reply.content.startswith(message), reply.content
    assert "Example:" in reply.content
    assert await club.digest() == digest  # nothing stored
    assert {(m.id, m.edit_count) for c in channels for m in _bot_posts(club, c)} == posts
