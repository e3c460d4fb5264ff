"""Questions in plain chat end to end: mentions in a channel and DMs, with
the message-content rules Discord applies to a bot without privileged intents."""

from __future__ import annotations

import pytest
import pytest_asyncio

from db import PaceHistory
from loopback import MANAGE_GUILD
from tests.e2e.conftest import INVITE_PERMISSIONS, Club

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
    reply = await _ask(club, club.ben, "what's today's workout?")
    assert reply.content == "Workout for Saturday 28 November 2026"
