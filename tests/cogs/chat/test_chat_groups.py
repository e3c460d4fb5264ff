"""Plain chat with training groups, without Discord: "what's today's
workout?" answers with the asker's groups' workouts and the team's (the
asker's roles come with the server), and "what did I run" with every
workout they logged that day. A real database (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.permissions import Actor
from cogs.chat.answers import Server, reply
from cogs.splits.submit import submit_splits
from tests.cogs.splits.groups_world import (
    DISTANCE_ROLE,
    GUILD,
    MILES,
    NOW,
    SAM,
    SEED,
    SEED_SPLITS,
    SPRINTS_ROLE,
    add_group,
    workout,
)

ASK = "what's today's workout?"
DAY = "Saturday 28 November 2026"


def _shared(*roles: int, name: str = "Club"):
    async def servers() -> Sequence[Server]:
        return [Server(GUILD, name, frozenset(roles))]

    return servers


def _asker() -> Actor:
    return Actor(user_id=31, name="Asker", guild_id=None, manage_guild=False)


async def _world(db):
    sprints = await add_group(db, "Sprints", SPRINTS_ROLE)
    distance = await add_group(db, "Distance", DISTANCE_ROLE)
    await workout(db, SEED, group=sprints, session="pm", title="Sprint session")
    await workout(db, SEED, group=sprints, title="Blocks")
    await workout(db, MILES, group=distance, title="Mile reps")
    await workout(db, "5k tempo", title="Team tempo")
    await workout(db, "10 x 100m", group=distance, session="am", posted=False, title="Secret")
    return sprints, distance


async def test_a_sprinter_gets_the_sprinters_workouts_and_the_teams(db) -> None:
    await _world(db)
    line, found = await reply(db, _asker(), ASK, _shared(SPRINTS_ROLE), now=NOW)
    assert line == f"Workouts for {DAY}: Sprints, Sprints · pm, Team"
    assert [answer.title for answer in found] == [
        "Sprints: Blocks",
        "Sprints · pm: Sprint session",
        "Team: Team tempo",
    ]


async def test_a_distance_runner_sees_no_unposted_session(db) -> None:
    await _world(db)
    line, found = await reply(db, _asker(), ASK, _shared(DISTANCE_ROLE), now=NOW)
    assert line == f"Workouts for {DAY}: Distance, Team"
    assert "Secret" not in line + "".join(a.title + a.body for a in found)


async def test_an_athlete_in_no_group_gets_the_teams_only(db) -> None:
    await _world(db)
    line, found = await reply(db, _asker(), ASK, _shared(), now=NOW)
    assert line == f"Workout for {DAY}: Team"
    assert [answer.title for answer in found] == ["Team: Team tempo"]


async def test_without_a_team_workout_the_others_are_named(db) -> None:
    sprints = await add_group(db, "Sprints", SPRINTS_ROLE)
    await workout(db, SEED, group=sprints)
    line, found = await reply(db, _asker(), ASK, _shared(DISTANCE_ROLE), now=NOW)
    assert line == (
        f"No workout posted for your groups or the team on {DAY} "
        "(other groups: Sprints; `/wod today` shows them)."
    )
    assert found == []


async def test_a_server_without_groups_answers_as_before(db) -> None:
    await workout(db, SEED, title="Sprint session")
    line, found = await reply(db, _asker(), ASK, _shared(), now=NOW)
    assert line == f"Workout for {DAY}"
    assert [answer.title for answer in found] == ["Sprint session"]


async def test_in_a_dm_each_server_is_labelled_too(db) -> None:
    await _world(db)
    line, found = await reply(db, _asker(), ASK, _two_servers(), now=NOW)
    assert line.split("\n") == [
        f"Club: Workouts for {DAY}: Sprints, Sprints · pm, Team",
        f"Other: No workout posted for {DAY}.",
    ]
    assert found[0].title == "Club: Sprints: Blocks"


def _two_servers():
    async def servers() -> Sequence[Server]:
        return [Server(GUILD, "Club", frozenset({SPRINTS_ROLE})), Server(9999, "Other")]

    return servers


async def test_what_did_i_run_lists_every_workout_logged(db) -> None:
    await _world(db)
    await submit_splits(db, SAM, text=SEED_SPLITS, note=None, now=NOW, workout_text="sprints")
    await submit_splits(db, SAM, text=SEED_SPLITS, note=None, now=NOW, workout_text="sprints pm")
    sam = Actor(user_id=SAM.user_id, name="Sam", guild_id=None, manage_guild=False)
    line, found = await reply(db, sam, "what did I run today?", _shared(SPRINTS_ROLE), now=NOW)
    assert line == "Your splits for Sat 28 Nov: 2 workouts"
    assert [answer.title for answer in found] == [
        "Your splits for Sat 28 Nov, Sprints, Blocks",
        "Your splits for Sat 28 Nov, Sprints · pm, Sprint session",
    ]
