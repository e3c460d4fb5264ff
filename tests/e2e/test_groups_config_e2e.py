"""``/config group add|remove`` and the groups in ``/config show``, end to end:
the real bot on the loopback Discord, once on SQLite and once on PostgreSQL.

Each test names groups of its own (the club lives for the whole module), so
it passes alone and in any order; workouts of a group are stored directly
through ``WorkoutQueries.save`` (what ``/wod post … group:`` would store),
dated tomorrow or later so the scheduler never posts them meanwhile, or in
the past."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import pytest_asyncio

from bot.clock import epoch_ms
from bot.domain.workout import parse_workout
from db.groups import GroupQueries, TrainingGroup
from db.workouts import NewWorkout, WorkoutQueries
from loopback import MANAGE_GUILD, MENTION_EVERYONE, Member, Message
from tests.e2e.conftest import CLUB_START, Club

pytestmark = pytest.mark.asyncio(loop_scope="module")

TODAY = CLUB_START.date()
SETTINGS_ONLY = "Only members with Manage Server can change Trackside's settings."
PING_RULE = (
    "Discord delivers that ping only if the role is mentionable (Server Settings → Roles → "
    "“Allow anyone to @mention this role”) or I have the Mention Everyone permission."
)


@pytest_asyncio.fixture(loop_scope="module", scope="module", autouse=True)
async def team(club: Club) -> None:
    await reply_to(club, club.coach, "config channel", {"channel": club.workouts})


async def reply_to(club: Club, who: Member, command: str, options: dict) -> Message:
    itx = await club.fake.slash(who, command, options, channel=club.general)
    reply = await itx.wait_reply()
    assert reply.allowed_mentions == {"parse": []}, reply.allowed_mentions
    return reply


async def group_named(club: Club, name: str) -> TrainingGroup:
    group = await GroupQueries(club.bot.db).named(club.guild.id, name)
    assert group is not None, name
    return group


async def schedule(club: Club, day: date, group_id: int, *, session: str = "") -> int:
    stored, _ = await WorkoutQueries(club.bot.db).save(
        NewWorkout(
            guild_id=club.guild.id,
            local_date=day,
            title=None,
            text="6 x 200m",
            plan=parse_workout("6 x 200m"),
            recovery=None,
            notes=None,
            author_id=club.coach.user.id,
            origin_channel_id=club.general.id,
            group_id=group_id,
            session=session,
        ),
        now=epoch_ms(club.clock.now()),
    )
    return stored.id


async def workout_ids(club: Club, group_id: int) -> list[int]:
    rows = await club.rows(
        "SELECT id FROM workouts WHERE guild_id = :guild AND group_id = :group ORDER BY id",
        {"guild": club.guild.id, "group": group_id},
    )
    return [int(row["id"]) for row in rows]


def groups_field(reply: Message) -> dict[str, str]:
    """``/config show``'s groups, by name: the rest of each line."""
    [field] = [f for f in reply.embeds[0]["fields"] if f["name"] == "Training groups"]
    lines = field["value"].split("\n")
    return dict(line.removeprefix("**").split("**: ", 1) for line in lines)


# ---------------------------------------------------------------- add
async def test_add_with_role_channel_and_ping(club: Club, clean_fake) -> None:
    fake = club.fake
    sprinters = fake.create_role(club.guild, "Sprinters", mentionable=True)
    channel = fake.create_channel(club.guild, "sprints")
    await fake.sync_gateway()
    reply = await reply_to(
        club,
        club.coach,
        "config group add",
        {"name": "Sprints", "role": sprinters, "channel": channel, "ping": True},
    )
    assert reply.ephemeral
    assert reply.content.split("\n") == [
        "Added the group “Sprints”.",
        f"Members with <@&{sprinters.id}> belong to it.",
        f"Its workouts post in <#{channel.id}>; choose it with `group` in `/wod post`.",
        f"When one posts, I mention <@&{sprinters.id}>. {PING_RULE}",
    ]
    assert reply.mention_roles == []
    group = await group_named(club, "sprints")
    assert (group.name, group.role_id, group.channel_id, group.ping, group.removed_at) == (
        "Sprints",
        sprinters.id,
        channel.id,
        True,
        None,
    )


async def test_a_ping_nobody_would_get_is_warned_about(club: Club, clean_fake) -> None:
    """The role is not mentionable, and the bot may not Mention Everyone in
    the group's channel (@everyone may by default, as on Discord)."""
    fake = club.fake
    quiet = fake.create_role(club.guild, "Quiet milers", mentionable=False)
    milers = fake.create_channel(club.guild, "milers")
    fake.set_overwrite(milers, fake.bot_user, deny=MENTION_EVERYONE)
    await fake.sync_gateway()
    reply = await reply_to(
        club,
        club.coach,
        "config group add",
        {"name": "Milers", "role": quiet, "channel": milers, "ping": True},
    )
    assert reply.content.split("\n")[-2:] == [
        f"When one posts, I mention <@&{quiet.id}>. {PING_RULE}",
        "⚠️ Right now it is neither, so the ping would notify nobody.",
    ]
    assert (await group_named(club, "Milers")).ping is True


async def test_add_with_the_name_only(club: Club, clean_fake) -> None:
    reply = await reply_to(club, club.coach, "config group add", {"name": "Walkers"})
    assert reply.content.split("\n") == [
        "Added the group “Walkers”.",
        "It has no role, so no members: to give it some, remove it and add it again with `role`.",
        "Its workouts post in the server's workout channel; choose it with `group` in `/wod post`.",
    ]
    group = await group_named(club, "Walkers")
    assert (group.role_id, group.channel_id, group.ping) == (None, None, False)


async def test_a_name_in_use_in_another_case_is_refused(club: Club, clean_fake) -> None:
    await reply_to(club, club.coach, "config group add", {"name": "Distance"})
    before = await club.digest()
    reply = await reply_to(club, club.coach, "config group add", {"name": "DISTANCE"})
    assert reply.ephemeral
    assert reply.content == (
        "There is already a group called “Distance” in this server (names ignore case): "
        "pick another name, or remove that group first.\n"
        "Example: `/config group add name:Hurdles role:@Hurdlers` · "
        "full command: `/config group add name:Sprints role:@Sprinters ping:True`"
    )
    assert await club.digest() == before


@pytest.mark.parametrize(
    ("options", "refusal"),
    [
        (
            lambda c: {"name": "L" * 33},
            "`name` is 33 characters long; the limit is 32.",
        ),
        (
            lambda c: {"name": "Everyone", "role": c.guild.everyone},
            "@everyone can't be a group's role: every member would be in the group, and its "
            "ping would ping the whole server. Pick a role only the group's athletes have.",
        ),
        (
            lambda c: {"name": "Shouters", "ping": True},
            "`ping` mentions the group's role, and this group has none: give it a `role` too.",
        ),
        (
            lambda c: {"name": "Team"},
            "“Team” is what Trackside calls the whole team; pick another name.",
        ),
    ],
    ids=["33-characters", "everyone", "ping-without-role", "team"],
)
async def test_what_cannot_make_a_group_is_refused(
    club: Club, clean_fake, options, refusal: str
) -> None:
    before = await club.digest()
    # A modified client: the official one keeps the name within 32 characters.
    itx = await club.fake.slash(
        club.coach, "config group add", options(club), channel=club.general, unchecked=True
    )
    reply = await itx.wait_reply()
    assert reply.ephemeral and reply.content.startswith(refusal + "\nExample: "), reply.content
    assert await club.digest() == before


# ---------------------------------------------------------------- remove
async def test_removing_an_unknown_group_is_refused(club: Club, clean_fake) -> None:
    before = await club.digest()
    reply = await reply_to(club, club.coach, "config group remove", {"name": "Nobody Here"})
    assert reply.ephemeral
    assert reply.content.startswith(
        "There is no group called “Nobody Here” in this server (groups: "
    )
    assert reply.content.endswith(
        ").\nExample: `/config group add name:Sprints role:@Sprinters` creates one"
        " · full command: `/config group remove name:Sprints`"
    )
    assert reply.buttons() == []
    assert await club.digest() == before


async def test_remove_cancels_scheduled_workouts_after_the_confirm(club: Club, clean_fake) -> None:
    fake = club.fake
    jumpers = fake.create_role(club.guild, "Jumpers")
    await fake.sync_gateway()
    await reply_to(club, club.coach, "config group add", {"name": "Jumps", "role": jumpers})
    await reply_to(club, club.coach, "config group add", {"name": "Vaults"})
    jumps, vaults = await group_named(club, "Jumps"), await group_named(club, "Vaults")
    past = await schedule(club, TODAY - timedelta(days=3), jumps.id)
    await schedule(club, TODAY + timedelta(days=1), jumps.id)
    await schedule(club, TODAY + timedelta(days=8), jumps.id, session="pm")
    others = await schedule(club, TODAY + timedelta(days=1), vaults.id)

    choices = await fake.autocomplete(
        club.coach, "config group remove", {"name": "jum"}, focused="name", channel=club.general
    )
    assert [c["value"] for c in choices] == ["Jumps"]

    before = await club.digest()
    prompt = await reply_to(club, club.coach, "config group remove", {"name": "jumps"})
    assert prompt.ephemeral
    assert prompt.content == (
        "Remove the group “Jumps”? This cancels its 2 scheduled workouts (not posted yet, "
        "dated today or later). Past workouts and splits stay, and keep the group's name."
    )
    assert [b["label"] for b in prompt.buttons()] == ["Remove", "Cancel"]
    assert await club.digest() == before  # asking changes nothing

    [remove, _cancel] = prompt.buttons()
    clicked = await fake.click(club.coach, prompt, remove["custom_id"])
    done = await clicked.wait_reply()
    assert done.id == prompt.id and done.ephemeral and done.buttons() == []
    assert done.content == (
        "Removed the group “Jumps”. Cancelled its 2 scheduled workouts. "
        "Past workouts and splits keep its name."
    )
    assert await workout_ids(club, jumps.id) == [past]
    assert await workout_ids(club, vaults.id) == [others]
    assert await GroupQueries(club.bot.db).named(club.guild.id, "Jumps") is None
    kept = (await GroupQueries(club.bot.db).by_ids(club.guild.id, [jumps.id]))[jumps.id]
    assert kept.name == "Jumps" and kept.removed_at is not None

    choices = await fake.autocomplete(
        club.coach, "config group remove", {"name": "jum"}, focused="name", channel=club.general
    )
    assert choices == []
    # The same button again (a modified client: the prompt has none left):
    # the group is gone, nothing changes.
    after = await club.digest()
    again = await fake.forge_component(club.coach, club.general, remove["custom_id"], message=done)
    assert (await again.wait_reply()).content == (
        "The group “Jumps” was already removed; nothing changed."
    )
    assert await club.digest() == after


async def test_cancel_changes_nothing(club: Club, clean_fake) -> None:
    await reply_to(club, club.coach, "config group add", {"name": "Hurdles"})
    hurdles = await group_named(club, "Hurdles")
    scheduled = await schedule(club, TODAY + timedelta(days=2), hurdles.id)
    before = await club.digest()
    prompt = await reply_to(club, club.coach, "config group remove", {"name": "Hurdles"})
    assert "This cancels its 1 scheduled workout " in prompt.content
    [_remove, cancel] = prompt.buttons()
    clicked = await club.fake.click(club.coach, prompt, cancel["custom_id"])
    done = await clicked.wait_reply()
    assert done.content == "Cancelled; nothing changed." and done.buttons() == []
    assert await club.digest() == before
    assert await workout_ids(club, hurdles.id) == [scheduled]


async def test_a_click_after_losing_manage_server_is_refused(club: Club, clean_fake) -> None:
    fake = club.fake
    admins = fake.create_role(club.guild, "Admins", permissions=MANAGE_GUILD)
    admin = fake.create_member(club.guild, "Admin Bo", roles=[admins])
    await reply_to(club, club.coach, "config group add", {"name": "Throws B"})
    prompt = await reply_to(club, admin, "config group remove", {"name": "Throws B"})
    [remove, _cancel] = prompt.buttons()
    fake.remove_role(admin, admins)  # no longer Manage Server when clicking
    before = await club.digest()
    clicked = await fake.click(admin, prompt, remove["custom_id"])
    refusal = await clicked.wait_reply()
    assert refusal.ephemeral and refusal.content == SETTINGS_ONLY
    assert await club.digest() == before
    assert (await group_named(club, "Throws B")).removed_at is None


# ---------------------------------------------------------------- /config show
async def test_show_lists_the_groups_and_a_deleted_role(club: Club, clean_fake) -> None:
    fake = club.fake
    throwers = fake.create_role(club.guild, "Throwers", mentionable=True)
    pole = fake.create_role(club.guild, "Pole vaulters")
    field_channel = fake.create_channel(club.guild, "field")
    await fake.sync_gateway()
    await reply_to(
        club,
        club.coach,
        "config group add",
        {"name": "Throws", "role": throwers, "channel": field_channel, "ping": True},
    )
    await reply_to(club, club.coach, "config group add", {"name": "Pole", "role": pole})
    await reply_to(club, club.coach, "config group add", {"name": "Open"})

    shown = groups_field(await reply_to(club, club.coach, "config show", {}))
    assert shown["Throws"] == f"<@&{throwers.id}> · <#{field_channel.id}> · ping on"
    assert shown["Pole"] == f"<@&{pole.id}> · the workout channel · ping off"
    assert shown["Open"] == "no role: no members · the workout channel · ping off"

    fake.delete_role(pole)
    await fake.sync_gateway()
    reply = await reply_to(club, club.coach, "config show", {})
    assert reply.ephemeral and reply.mention_roles == []
    shown = groups_field(reply)
    assert shown["Pole"] == (
        "role deleted: no members — re-add the group with a role · the workout channel · ping off"
    )
    assert shown["Throws"] == f"<@&{throwers.id}> · <#{field_channel.id}> · ping on"
    names = list(shown)
    assert names == sorted(names, key=str.casefold)  # by name
