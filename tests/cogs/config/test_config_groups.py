"""Unit tests for cogs.config.groups: ``/config group add|remove`` and the
groups ``/config show`` lists, with a real database (SQLite and PostgreSQL);
no Discord (an ``Actor``, and the role and channel as the cog saw them)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from discord import app_commands

from bot.clock import epoch_ms
from bot.components import ForgedId
from bot.domain.errors import InputError
from bot.domain.workout import parse_workout
from bot.errors import NotAllowed
from bot.permissions import Actor
from cogs.config import groups, settings
from cogs.config.seen import ChannelSeen, RoleSeen
from db.groups import GroupQueries, TrainingGroup
from db.workouts import NewWorkout, WorkoutQueries

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)  # Saturday, noon UTC
GUILD = 1001
OTHER_GUILD = 2002
ADMIN = Actor(user_id=1, name="Admin", guild_id=GUILD, manage_guild=True)
ROLE_COACH = Actor(
    user_id=2, name="Coach", guild_id=GUILD, manage_guild=False, role_ids=frozenset({777})
)
ADMIN_IN_DM = Actor(user_id=1, name="Admin", guild_id=None, manage_guild=False)
OTHER_ADMIN = Actor(user_id=3, name="Rival", guild_id=OTHER_GUILD, manage_guild=True)
REFUSAL = "Only members with Manage Server can change Trackside's settings."

SPRINTERS = RoleSeen(501, in_this_server=True, pingable=True)
CHANNEL = ChannelSeen(601, in_this_server=True)


async def add(db, name: str = "Sprints", *, role=SPRINTERS, channel=None, ping=False, who=ADMIN):
    return await groups.add_group(db, who, name, role=role, channel=channel, ping=ping, now=NOW)


async def current(db, guild: int = GUILD) -> list[TrainingGroup]:
    return await GroupQueries(db).current(guild)


async def workout(db, day: date, group_id: int, *, session: str = "", posted: bool = False):
    stored, _ = await WorkoutQueries(db).save(
        NewWorkout(
            guild_id=GUILD,
            local_date=day,
            title=None,
            text="6 x 200m",
            plan=parse_workout("6 x 200m"),
            recovery=None,
            notes=None,
            author_id=1,
            origin_channel_id=600,
            group_id=group_id,
            session=session,
        ),
        now=epoch_ms(NOW),
    )
    if posted:
        await WorkoutQueries(db).mark_posted(
            stored.id, channel_id=600, message_id=9000 + stored.id, revision=1, now=epoch_ms(NOW)
        )
    return stored


async def workout_days(db, group_id: int) -> list[tuple[str, str]]:
    found = []
    for day in (date(2026, 11, d) for d in range(20, 31)):
        for session in ("", "pm"):
            stored = await WorkoutQueries(db).get(GUILD, day, group_id=group_id, session=session)
            if stored is not None:
                found.append((day.isoformat(), session))
    return found


# ---------------------------------------------------------------- add
async def test_add_with_role_channel_and_ping(db) -> None:
    text = await add(db, role=SPRINTERS, channel=CHANNEL, ping=True)
    assert text.split("\n") == [
        "Added the group “Sprints”.",
        "Members with <@&501> belong to it.",
        "Its workouts post in <#601>; choose it with `group` in `/wod post`.",
        "When one posts, I mention <@&501>. " + groups.PING_RULE,
    ]
    assert "mentionable" in groups.PING_RULE and "Mention Everyone" in groups.PING_RULE
    [group] = await current(db)
    assert (group.guild_id, group.name, group.role_id, group.channel_id, group.ping) == (
        GUILD,
        "Sprints",
        501,
        601,
        True,
    )


async def test_add_without_role_or_channel(db) -> None:
    text = await add(db, "  Middle   distance ", role=None)
    assert text.split("\n") == [
        "Added the group “Middle distance”.",
        "It has no role, so no members: to give it some, remove it and add it again with `role`.",
        "Its workouts post in the server's workout channel; choose it with `group` in `/wod post`.",
    ]
    [group] = await current(db)
    assert (group.name, group.role_id, group.channel_id, group.ping) == (
        "Middle distance",
        None,
        None,
        False,
    )


async def test_a_ping_nobody_would_get_is_warned_about(db) -> None:
    quiet = RoleSeen(502, in_this_server=True, pingable=False)
    text = await add(db, role=quiet, ping=True)
    assert text.split("\n")[-1] == "⚠️ Right now it is neither, so the ping would notify nobody."
    assert (await current(db))[0].ping is True


async def test_the_name_is_shown_as_typed_not_as_markup(db) -> None:
    text = await add(db, "**Sprints** _A_")
    assert text.startswith("Added the group “\\*\\*Sprints\\*\\* \\_A\\_”.")
    assert (await current(db))[0].name == "**Sprints** _A_"


@pytest.mark.parametrize(
    ("options", "message", "example"),
    [
        (
            {"role": None, "ping": True},
            "`ping` mentions the group's role, and this group has none: give it a `role` too.",
            groups.PING_EXAMPLE,
        ),
        (
            {"role": RoleSeen(GUILD, in_this_server=True, everyone=True, pingable=True)},
            "@everyone can't be a group's role: every member would be in the group, and its "
            "ping would ping the whole server. Pick a role only the group's athletes have.",
            groups.ADD_EXAMPLE,
        ),
        (
            {"role": RoleSeen(503, in_this_server=False)},
            "That role isn't in this server; pick one of this server's roles.",
            groups.ADD_EXAMPLE,
        ),
        (
            {"channel": ChannelSeen(602, in_this_server=False)},
            "That channel isn't in this server; pick one of this server's text channels.",
            groups.ADD_EXAMPLE,
        ),
        (
            {"channel": ChannelSeen(602, in_this_server=True, missing=("send_messages",))},
            "I can't post in <#602>: I am missing Send Messages there. "
            "Grant them to my role in that channel, then try again.",
            groups.ADD_EXAMPLE,
        ),
    ],
    ids=["ping-without-role", "everyone", "foreign-role", "foreign-channel", "channel-no-send"],
)
async def test_what_cannot_make_a_group_is_refused(db, options, message, example) -> None:
    with pytest.raises(InputError) as caught:
        await add(db, **options)
    assert (caught.value.message, caught.value.example) == (message, example)
    assert await current(db) == []


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("S" * 33, "The group name is 33 characters long; the limit is 32."),
        ("   ", "A group name needs 1 to 32 characters."),
        ("\u200b\u200f", "A group name needs a visible character (a letter or a digit)."),
        ("TEAM", "“Team” is what Trackside calls the whole team; pick another name."),
    ],
    ids=["33-characters", "blank", "invisible", "team"],
)
async def test_names_that_cannot_be_a_group(db, name: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        await add(db, name)
    assert caught.value.message == message
    assert await current(db) == []


async def test_thirty_two_characters_is_fine(db) -> None:
    await add(db, "S" * 32)
    assert [g.name for g in await current(db)] == ["S" * 32]


async def test_a_name_in_use_in_another_case_is_refused(db) -> None:
    await add(db, "Sprints")
    with pytest.raises(InputError) as caught:
        await add(db, "SPRINTS", role=None)
    assert caught.value.message == (
        "There is already a group called “Sprints” in this server (names ignore case): "
        "pick another name, or remove that group first."
    )
    assert caught.value.example == "`/config group add name:Hurdles role:@Hurdlers`"
    assert [(g.name, g.role_id) for g in await current(db)] == [("Sprints", 501)]


async def test_the_same_name_in_another_server_is_another_group(db) -> None:
    await add(db, "Sprints")
    await add(db, "Sprints", who=OTHER_ADMIN)
    assert [g.name for g in await current(db, OTHER_GUILD)] == ["Sprints"]
    assert [g.name for g in await current(db)] == ["Sprints"]


@pytest.mark.parametrize("who", [ROLE_COACH, ADMIN_IN_DM], ids=["coach-role", "dm"])
async def test_only_admins_in_a_server_add_or_remove(db, who: Actor) -> None:
    await add(db, "Distance")
    [group] = await current(db)
    expected = NotAllowed if who.guild_id else app_commands.NoPrivateMessage
    for call in (
        add(db, "Sprints", who=who),
        groups.to_remove(db, who, "Distance", now=NOW),
        groups.remove_confirmed(db, who, group.id, now=NOW),
    ):
        with pytest.raises(expected) as caught:
            await call
        if expected is NotAllowed:
            assert caught.value.message == REFUSAL
    assert await current(db) == [group]


# ---------------------------------------------------------------- remove
async def test_the_prompt_counts_the_workouts_it_would_cancel(db) -> None:
    await add(db, "Sprints")
    await add(db, "Distance", role=None)
    distance, sprints = await current(db)  # by name
    await workout(db, date(2026, 11, 27), sprints.id)  # yesterday, never posted: past
    await workout(db, date(2026, 11, 28), sprints.id, posted=True)  # today, posted
    await workout(db, date(2026, 11, 28), sprints.id, session="pm")  # today, not posted yet
    await workout(db, date(2026, 11, 30), sprints.id)  # Monday
    await workout(db, date(2026, 11, 30), distance.id)  # another group's
    await workout(db, date(2026, 11, 30), 0)  # the team's

    removal = await groups.to_remove(db, ADMIN, "sprints", now=NOW)
    assert (removal.group, removal.scheduled) == (sprints, 2)
    assert groups.removal_prompt(removal) == (
        "Remove the group “Sprints”? This cancels its 2 scheduled workouts (not posted yet, "
        "dated today or later). Past workouts and splits stay, and keep the group's name."
    )
    # Asking changes nothing.
    assert len(await workout_days(db, sprints.id)) == 4

    text = await groups.remove_confirmed(db, ADMIN, sprints.id, now=NOW)
    assert text == (
        "Removed the group “Sprints”. Cancelled its 2 scheduled workouts. "
        "Past workouts and splits keep its name."
    )
    assert await workout_days(db, sprints.id) == [("2026-11-27", ""), ("2026-11-28", "")]
    assert await workout_days(db, distance.id) == [("2026-11-30", "")]
    assert await workout_days(db, 0) == [("2026-11-30", "")]
    assert [g.name for g in await current(db)] == ["Distance"]
    # Kept for its name: labels of past workouts and splits still find it.
    kept = (await GroupQueries(db).by_ids(GUILD, [sprints.id]))[sprints.id]
    assert kept.name == "Sprints" and kept.removed_at == epoch_ms(NOW)


async def test_a_group_without_scheduled_workouts(db) -> None:
    await add(db, "Throws", role=None)
    removal = await groups.to_remove(db, ADMIN, "Throws", now=NOW)
    assert groups.removal_prompt(removal) == (
        "Remove the group “Throws”? It has no scheduled workouts to cancel. "
        "Past workouts and splits stay, and keep the group's name."
    )
    one = await workout(db, date(2026, 12, 1), removal.group.id)
    assert (await groups.to_remove(db, ADMIN, "Throws", now=NOW)).scheduled == 1
    text = await groups.remove_confirmed(db, ADMIN, removal.group.id, now=NOW)
    assert text == (
        "Removed the group “Throws”. Cancelled its 1 scheduled workout. "
        "Past workouts and splits keep its name."
    )
    assert await WorkoutQueries(db).by_id(one.id) is None


async def test_today_is_the_servers_today(db) -> None:
    """Noon UTC on the 28th is already the 29th in Auckland: the 28th's
    unposted workout is past there, and stays."""
    await settings.set_timezone(db, ADMIN, "Pacific/Auckland", now=NOW)
    await add(db, "Sprints")
    [group] = await current(db)
    await workout(db, date(2026, 11, 28), group.id)
    await workout(db, date(2026, 11, 29), group.id)
    assert (await groups.to_remove(db, ADMIN, "Sprints", now=NOW)).scheduled == 1
    text = await groups.remove_confirmed(db, ADMIN, group.id, now=NOW)
    assert "Cancelled its 1 scheduled workout." in text
    assert await workout_days(db, group.id) == [("2026-11-28", "")]


async def test_removing_an_unknown_group_names_the_groups(db) -> None:
    await add(db, "Sprints")
    await add(db, "Distance", role=None)
    with pytest.raises(InputError) as caught:
        await groups.to_remove(db, ADMIN, "Hurdles", now=NOW)
    assert caught.value.message == (
        "There is no group called “Hurdles” in this server (groups: Distance, Sprints)."
    )
    with pytest.raises(InputError, match="the limit is 32"):
        await groups.to_remove(db, ADMIN, "H" * 33, now=NOW)
    with pytest.raises(InputError, match="Name the group to remove"):
        await groups.to_remove(db, ADMIN, "  ", now=NOW)


async def test_a_click_after_the_group_is_gone_changes_nothing(db) -> None:
    await add(db, "Sprints")
    [group] = await current(db)
    await groups.remove_confirmed(db, ADMIN, group.id, now=NOW)
    again = await groups.remove_confirmed(db, ADMIN, group.id, now=NOW)
    assert again == "The group “Sprints” was already removed; nothing changed."
    # Its name is free again, and the new group is another one.
    await add(db, "sprints")
    [new] = await current(db)
    assert new.id != group.id
    assert "already removed" in await groups.remove_confirmed(db, ADMIN, group.id, now=NOW)
    assert await current(db) == [new]


@pytest.mark.parametrize("target", ["other-server", "nowhere"])
async def test_a_forged_group_id_is_refused(db, target: str) -> None:
    await add(db, "Sprints", who=OTHER_ADMIN)
    await add(db, "Sprints")
    [theirs] = await current(db, OTHER_GUILD)
    group_id = theirs.id if target == "other-server" else 10**12
    with pytest.raises(ForgedId) as caught:
        await groups.remove_confirmed(db, ADMIN, group_id, now=NOW)
    assert caught.value.message == "That group isn't one of this server's, so nothing changed."
    assert await current(db, OTHER_GUILD) == [theirs]
    assert len(await current(db)) == 1


async def test_autocomplete_lists_the_current_groups(db) -> None:
    for name in ("Sprints", "Distance", "Sprint hurdles", "Throws"):
        await add(db, name, role=None)
    [throws] = [g for g in await current(db) if g.name == "Throws"]
    await groups.remove_confirmed(db, ADMIN, throws.id, now=NOW)
    assert await groups.group_choices(db, GUILD, "") == ["Distance", "Sprint hurdles", "Sprints"]
    assert await groups.group_choices(db, GUILD, "spr") == ["Sprint hurdles", "Sprints"]
    assert await groups.group_choices(db, GUILD, "t") == ["Distance", "Sprint hurdles", "Sprints"]
    assert await groups.group_choices(db, GUILD, "thr") == []
    assert await groups.group_choices(db, OTHER_GUILD, "") == []


# ---------------------------------------------------------------- /config show
async def test_show_lists_the_groups(db) -> None:
    await add(db, "Sprints", role=SPRINTERS, channel=CHANNEL, ping=True)
    await add(db, "Distance", role=None)
    await add(db, "Throws", role=RoleSeen(504, in_this_server=True))
    await add(db, "Hurdles", role=None)
    [hurdles] = [g for g in await current(db) if g.name == "Hurdles"]
    await groups.remove_confirmed(db, ADMIN, hurdles.id, now=NOW)

    # Role 504 (Throws) was deleted in Discord since.
    answer = await settings.overview(db, ADMIN, now=NOW, existing_roles={GUILD, 501})
    fields = {f.name: f.value for f in answer.fields}
    assert fields["Training groups"].split("\n") == [
        "**Distance**: no role: no members · the workout channel · ping off",
        "**Sprints**: <@&501> · <#601> · ping on",
        "**Throws**: role deleted: no members — re-add the group with a role · "
        "the workout channel · ping off",
    ]
    assert [f.name for f in answer.fields] == [
        "Workout channel",
        "Post time",
        "Timezone",
        "Coach role",
        "Training groups",
    ]
    # Without the server's roles (not known), no role is called deleted.
    unknown = await settings.overview(db, ADMIN, now=NOW)
    assert "<@&504>" in {f.name: f.value for f in unknown.fields}["Training groups"]


async def test_show_escapes_group_names(db) -> None:
    await add(db, "`Sprints` <@&1> @everyone", role=None)
    answer = await settings.overview(db, ADMIN, now=NOW, existing_roles=set())
    value = {f.name: f.value for f in answer.fields}["Training groups"]
    assert value.startswith("**\\`Sprints\\` <@&1> @everyone**: no role")
