"""Questions in plain chat end to end: mentions in a channel and DMs, with
the message-content rules Discord applies to a bot without privileged intents;
the cooldown kept in the database (it holds across a restart), and DM
questions that look up only the servers where the asker used Trackside."""

from __future__ import annotations

import asyncio
import contextlib

import discord
import pytest
import pytest_asyncio

from bot.app import Trackside
from bot.clock import ManualClock
from db import PaceHistory
from loopback import MANAGE_GUILD, FakeDiscord
from loopback.sandbox import LOOPBACK_TOKEN, Database, running_bot
from tests.e2e.conftest import CLUB_START, INVITE_PERMISSIONS, Club, build_world

pytestmark = pytest.mark.asyncio(loop_scope="module")

SEED = "4 x 250m sprint + 1 x 300m"


async def _ask(club: Club, who, text: str, channel=None):
    """Send ``text`` (mentioning the bot in a channel) and return the bot's reply."""
    if channel is None:
        channel = club.fake.dm_channel(who)
        sent = await club.fake.send_message(who, channel, text)
    else:
        sent = await club.fake.send_message(who, channel, text, mentions=[club.fake.bot_user])
    return await club.fake.wait_for_message(
        channel,
        lambda m: (
            m.author_id == club.bot.user.id
            and (m.message_reference or {}).get("message_id") == str(sent.id)
        ),
    )


async def _someone(club: Club, name: str):
    """A fresh member, so the per-user cooldown never mixes tests."""
    member = club.fake.create_member(club.guild, name)
    await club.fake.sync_gateway()
    return member


async def _recorded(club: Club, who) -> list[int]:
    """The servers where ``who`` is recorded as having used Trackside."""
    rows = await club.rows(
        "SELECT guild_id FROM server_members WHERE user_id = :user_id ORDER BY guild_id",
        {"user_id": who.user.id},
    )
    return [int(row["guild_id"]) for row in rows]


async def _uses_trackside(club: Club, who, channel) -> None:
    """``who`` runs a command in ``channel``'s server; returns once that use
    is recorded (the bot records it beside answering, not before)."""
    itx = await club.fake.slash(who, "help", {}, channel=channel)
    await itx.wait_reply()
    # Nothing signals the write (a listener's task, beside the command's), so
    # the database is read until it shows, for at most 5 s.
    for _ in range(500):
        if channel.guild_id in await _recorded(club, who):
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"no use of server {channel.guild_id} recorded for {who.user.id}")


def _member_lookups(club: Club):
    """Counts the bot's REST member lookups (``slow.hits``), delaying none."""
    return club.fake.rest.delay("GET /guilds/{guild_id}/members/{user_id}", 0)


def _looked_up(slow, who) -> list[int]:
    """Servers whose membership of ``who`` the bot looked up, in order."""
    paths = [hit.split()[1].rstrip("/").split("/") for hit in slow.hits]
    return [int(path[-3]) for path in paths if path[-1] == str(who.user.id)]


@pytest_asyncio.fixture(loop_scope="module", scope="module", autouse=True)
async def posted_workout(club: Club):
    itx = await club.fake.slash(
        club.coach, "wod post", {"workout": SEED, "title": "Sprint session"}, channel=club.workouts
    )
    await itx.wait_reply()
    itx = await club.fake.slash(
        club.ana,
        "splits submit",
        {"splits": "29.78 / 29.98 31.31 / 31.20 37.47"},
        channel=club.workouts,
    )
    await itx.wait_reply()


async def test_the_seed_question_in_a_channel(club: Club, clean_fake) -> None:
    reply = await _ask(club, club.ben, "what's 37.47 for 300m per 400?", club.general)
    assert reply.content.startswith("37.47 for 300 m = 49.96 per 400 m")
    assert reply.allowed_mentions["parse"] == []
    [entry] = await PaceHistory(club.bot.db).recent(club.ben.user.id, 1)
    assert entry.command == "chat" and "49.96" in entry.summary


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("3:56.13 mile, what's that per lap?", "58.69 per 400 m"),
        ("3:56.13 mile, what 1500 is that?", "3:39.16 Riegel"),
        ("splits for a 4:00 mile", "splits 1:01.05, 2:00.70, 3:00.35, 4:00.00"),
        ("vdot for 10k 40:00", "VDOT 51.9"),
        ("5k in 17:30 what's that per mile", "5:37.96 per mile"),
        # Equal points, not same pace: the 400 m worth that 300 m is slower than 49.96.
        (
            "what is 37.47 for 300 worth over 400?",
            "52.59 for 400 m by equal World Athletics points (712 points",
        ),
        ("age grade 5k 18:00 woman 50", "91.59 % age grade (world class)"),
        ("how many points is 49.96 for 400m?", "861 World Athletics points (men's outdoor)"),
        ("age grade 5k 18:00", "I need a time, a distance, an age and man or woman"),
    ],
)
async def test_pace_questions_match_the_slash_commands(
    club: Club, clean_fake, question: str, expected: str
) -> None:
    asker = await _someone(club, f"Asker {abs(hash(question)) % 10_000}")
    reply = await _ask(club, asker, question, club.general)
    assert expected in reply.content


async def test_todays_workout_by_dm(club: Club, clean_fake) -> None:
    await _uses_trackside(club, club.ben, club.general)
    reply = await _ask(club, club.ben, "what's today's workout?")
    assert reply.content == "Workout for Saturday 28 November 2026"
    assert reply.embeds[0]["description"] == SEED


async def test_logs_and_bests(club: Club, clean_fake) -> None:
    reply = await _ask(club, club.ana, "my best 300")
    assert reply.content == "Your best 300 m rep: 37.47"
    reply = await _ask(club, club.ana, "what did I run today?", club.general)
    assert reply.content == "Your splits for Sat 28 Nov"
    assert "  5  300 m    37.47    49.96" in reply.embeds[0]["description"]


async def test_unknown_question_gets_help_with_examples(club: Club, clean_fake) -> None:
    reply = await _ask(club, await _someone(club, "Curious"), "what's the weather?", club.general)
    assert reply.content.startswith("I didn't catch that. Try “what's 37.47 for 300m per 400?”")


async def test_messages_not_for_the_bot_are_ignored(club: Club, clean_fake) -> None:
    other_bot = club.fake.create_member(club.guild, club.fake.create_user("StatsBot", bot=True))
    await club.fake.sync_gateway()
    await club.fake.send_message(
        other_bot, club.general, "37.47 for 300m per 400?", mentions=[club.fake.bot_user]
    )
    await club.fake.send_message(club.ben, club.general, "37.47 for 300m, no mention")
    # A question after those two is answered, and it is the only answer.
    reply = await _ask(club, club.assistant, "vdot for 5k 20:00", club.general)
    assert reply.content.startswith("VDOT 49.8")
    answers_since = [
        m
        for m in club.fake.messages(club.general)
        if m.author_id == club.bot.user.id and m.id > other_bot.user.id
    ]
    assert [m.id for m in answers_since] == [reply.id]


async def test_a_flood_is_cooled_down(club: Club, clean_fake) -> None:
    flooder = await _someone(club, "Flooder")
    for _ in range(5):
        reply = await _ask(club, flooder, "37.47 300m", club.general)
        assert "49.96" in reply.content
    reply = await _ask(club, flooder, "37.47 300m", club.general)
    assert reply.content.startswith("Slow down a little: 5 questions a minute.")


async def test_sneaky_pings_are_inert(club: Club, clean_fake) -> None:
    sneaky = await _someone(club, "Sneaky")
    reply = await _ask(club, sneaky, "@everyone <@&123> what's 37.47 for 300m?", club.general)
    assert reply.allowed_mentions["parse"] == []
    assert reply.mention_roles == [] and reply.mentions == []


async def test_a_dm_covers_every_shared_server_labelled(club: Club, clean_fake) -> None:
    fake = club.fake
    other = fake.create_guild("Road Runners", bot_permissions=INVITE_PERMISSIONS)
    channel = fake.create_channel(other, "sessions")
    coach = fake.create_member(other, "Coach Lee", permissions=MANAGE_GUILD)
    # A member of both servers of its own: Ana stays in Track Club only, so
    # what other tests ask her by DM covers one server whatever ran before.
    both = fake.create_member(club.guild, "Dana")
    fake.create_member(other, both.user)
    await fake.sync_gateway()
    itx = await fake.slash(coach, "wod post", {"workout": "1 x 5k tempo"}, channel=channel)
    await itx.wait_reply()
    await _uses_trackside(club, both, club.general)
    await _uses_trackside(club, both, channel)

    reply = await _ask(club, both, "what's today's workout?")
    assert reply.content.splitlines() == [
        "Road Runners: Workout for Saturday 28 November 2026",
        "Track Club: Workout for Saturday 28 November 2026",
    ]
    assert [e["title"] for e in reply.embeds] == [
        "Road Runners: Workout of the day",
        "Track Club: Sprint session",
    ]
    # Ben is not in Road Runners: only his own server answers.
    await _uses_trackside(club, club.ben, club.general)
    reply = await _ask(club, club.ben, "what's today's workout?")
    assert reply.content == "Workout for Saturday 28 November 2026"


async def test_a_mention_in_a_server_records_a_use_and_a_dm_does_not(
    club: Club, clean_fake
) -> None:
    someone = await _someone(club, "Mentioner")
    await _ask(club, someone, "vdot for 5k 20:00")  # a DM: no server used
    assert await _recorded(club, someone) == []
    await _ask(club, someone, "vdot for 5k 20:00", club.general)
    assert await _recorded(club, someone) == [club.guild.id]


async def test_someone_who_never_used_trackside_is_looked_up_nowhere(
    club: Club, clean_fake
) -> None:
    newcomer = await _someone(club, "Newcomer")
    with _member_lookups(club) as slow:
        reply = await _ask(club, newcomer, "what's today's workout?")
    assert reply.content == (
        "We don't share a server that uses Trackside, so I have no workouts or logs for you."
    )
    assert _looked_up(slow, newcomer) == []


async def test_a_dm_looks_up_only_the_servers_where_the_asker_used_trackside(
    club: Club, clean_fake
) -> None:
    fake = club.fake
    eve = await _someone(club, "Eve")
    # Eve is in four servers with the bot, and used Trackside in two of them.
    servers = {}
    for name in ("Velodrome", "Park Joggers", "Hill Harriers"):
        guild = fake.create_guild(name, bot_permissions=INVITE_PERMISSIONS)
        servers[name] = fake.create_channel(guild, "general")
        fake.create_member(guild, eve.user)
    await fake.sync_gateway()
    park = servers["Park Joggers"]
    await _uses_trackside(club, eve, club.general)
    await _uses_trackside(club, eve, park)

    with _member_lookups(club) as slow:
        reply = await _ask(club, eve, "my best 300")
    assert sorted(_looked_up(slow, eve)) == sorted([club.guild.id, park.guild_id])
    assert reply.content.splitlines() == [  # by name, as before
        "Park Joggers: No 300 m reps logged yet.",
        "Track Club: No 300 m reps logged yet.",
    ]


async def test_a_server_left_is_looked_up_once_then_forgotten(club: Club, clean_fake) -> None:
    fake = club.fake
    finn = await _someone(club, "Finn")
    guild = fake.create_guild("Cross Country", bot_permissions=INVITE_PERMISSIONS)
    channel = fake.create_channel(guild, "general")
    membership = fake.create_member(guild, finn.user)
    await fake.sync_gateway()
    await _uses_trackside(club, finn, club.general)
    await _uses_trackside(club, finn, channel)
    fake.remove_member(membership)
    await fake.sync_gateway()

    with _member_lookups(club) as slow:
        reply = await _ask(club, finn, "what's today's workout?")
        assert reply.content == "Workout for Saturday 28 November 2026"  # Track Club alone
        assert sorted(_looked_up(slow, finn)) == sorted([club.guild.id, guild.id])
        assert await _recorded(club, finn) == [club.guild.id]
        reply = await _ask(club, finn, "what's today's workout?")
        assert reply.content == "Workout for Saturday 28 November 2026"
    assert _looked_up(slow, finn)[2:] == [club.guild.id]  # Cross Country not asked again


@contextlib.contextmanager
def _discord_urls_restored():
    """A bot of this test's own fake points discord.py's REST and gateway URLs
    (process-wide) at it: point them back at the club's afterwards."""
    saved = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    try:
        yield
    finally:
        discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = saved


async def test_a_restart_keeps_the_cooldown(new_database: Database) -> None:
    clock = ManualClock(CLUB_START)
    with _discord_urls_restored():
        async with FakeDiscord(token=LOOPBACK_TOKEN) as fake:
            world = build_world(fake)
            ana, general = world["ana"], world["general"]

            async def ask(bot, text: str = "37.47 300m"):
                sent = await fake.send_message(ana, general, text, mentions=[fake.bot_user])
                replied = await fake.wait_for_message(
                    general,
                    lambda m: (
                        m.author_id == bot.user.id
                        and (m.message_reference or {}).get("message_id") == str(sent.id)
                    ),
                )
                return sent, replied

            async with running_bot(fake, new_database, clock=clock) as first:
                for _ in range(3):
                    _, reply = await ask(first)
                    assert "49.96" in reply.content
            async with running_bot(fake, new_database, clock=clock) as second:
                for _ in range(2):
                    _, reply = await ask(second)
                    assert "49.96" in reply.content
                _, reply = await ask(second)  # the sixth of the minute, across the restart
                assert reply.content.startswith("Slow down a little: 5 questions a minute.")
                ignored = await fake.send_message(
                    ana, general, "37.47 300m", mentions=[fake.bot_user]
                )
                await fake.sync_gateway()  # the bot has taken it in (and said nothing)
                clock.set(CLUB_START.replace(minute=1))  # the window has passed
                _, reply = await ask(second)
                assert "49.96" in reply.content
                answered_ignored = [
                    m
                    for m in fake.messages(general)
                    if (m.message_reference or {}).get("message_id") == str(ignored.id)
                ]
                assert answered_ignored == []
            fake.assert_clean()


@pytest.mark.postgresql  # several processes share PostgreSQL only
async def test_one_person_flooding_two_servers_on_two_processes_is_held_to_one_count(
    new_database: Database,
) -> None:
    clock = ManualClock(CLUB_START)
    with _discord_urls_restored():
        async with FakeDiscord(token=LOOPBACK_TOKEN, shard_count=2, max_concurrency=2) as fake:
            track = fake.create_guild("Track Club", shard=0, bot_permissions=INVITE_PERMISSIONS)
            road = fake.create_guild("Road Runners", shard=1, bot_permissions=INVITE_PERMISSIONS)
            channels = {g.id: fake.create_channel(g, "general") for g in (track, road)}
            ana = fake.create_member(track, "Ana")
            fake.create_member(road, ana.user)
            dm = fake.dm_channel(ana.user)

            async def send(where, text: str = "37.47 300m"):
                if where is dm:
                    return await fake.send_message(ana.user, dm, text)
                return await fake.send_message(
                    ana.user, channels[where.id], text, mentions=[fake.bot_user]
                )

            async def ask(bot: Trackside, where, text: str = "37.47 300m"):
                sent = await send(where, text)
                return await fake.wait_for_message(
                    dm if where is dm else channels[where.id],
                    lambda m: (
                        m.author_id == bot.user.id
                        and (m.message_reference or {}).get("message_id") == str(sent.id)
                    ),
                )

            async with (
                running_bot(fake, new_database, clock=clock, shard_count=2, shard_ids=[0]) as first,
                running_bot(
                    fake, new_database, clock=clock, shard_count=2, shard_ids=[1]
                ) as second,
            ):
                assert first.get_guild(road.id) is None  # each holds its own shard's server
                assert second.get_guild(track.id) is None
                # Alternately in the two servers, each served by its own process.
                for where, bot in [(track, first), (road, second)] * 2 + [(track, first)]:
                    reply = await ask(bot, where)
                    assert "49.96" in reply.content
                reply = await ask(second, road)
                assert reply.content.startswith("Slow down a little: 5 questions a minute.")
                # The first process never said it, and still ignores her (here and by DM).
                ignored = [await send(track), await send(dm)]
                await fake.sync_gateway()

                # A minute later, her DM (shard 0: the first process) covers both
                # servers she used Trackside in, the other shard's through REST.
                clock.set(CLUB_START.replace(minute=1))
                with (
                    fake.rest.delay("GET /guilds/{guild_id}/members/{user_id}", 0) as lookups,
                    fake.rest.delay("GET /guilds/{guild_id}", 0) as servers,
                ):
                    reply = await ask(first, dm, "what's today's workout?")
                assert reply.content.splitlines() == [
                    "Road Runners: No workout posted for Saturday 28 November 2026.",
                    "Track Club: No workout posted for Saturday 28 November 2026.",
                ]
                assert sorted(_looked_up(lookups, ana)) == sorted([track.id, road.id])
                assert [hit.split("/")[-1] for hit in servers.hits] == [str(road.id)]
                answered = {
                    (m.message_reference or {}).get("message_id")
                    for channel in (*channels.values(), dm)
                    for m in fake.messages(channel)
                }
                assert not answered & {str(message.id) for message in ignored}
            fake.assert_clean()
