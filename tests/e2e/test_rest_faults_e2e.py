"""Discord misbehaving: 429 rate limits and 5xx server errors on the bot's
replies and posts (``fake.rest.inject_faults``).

discord.py retries a 429 after ``retry_after`` and a 500/502/504 after 1 s
(interaction callbacks and followups: any 5xx), so the user still gets the
answer; where Discord's error outlasts that, the user is told (or, for an
interaction, sees it unanswered and submits again). Either way nothing is
stored or posted twice: retries repeat the HTTP request, never the command.
"""

from __future__ import annotations

import pytest
import pytest_asyncio

from loopback import MANAGE_GUILD, Channel, FakeDiscord, Fault, Member, Message
from loopback.sandbox import INVITE_PERMISSIONS
from tests.e2e.conftest import Club

pytestmark = pytest.mark.asyncio(loop_scope="module")

SPLITS = "29.78 29.98 31.31 31.20 37.47"
CALLBACK = "POST /interactions/{interaction_id}/{token}/callback"
FOLLOWUP = "POST /webhooks/{app_id}/{token}"
CHANNEL_POST = "POST /channels/{channel_id}/messages"


async def _submissions(club: Club, athlete: Member) -> list[int]:
    """Split rows of each stored submission of ``athlete``."""
    return await club.split_counts(athlete.id)


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def workout_posted(club: Club) -> None:
    itx = await club.fake.slash(
        club.coach, "wod post", {"workout": "4 x 250m sprint + 1 x 300m"}, channel=club.general
    )
    await itx.wait_reply()


@pytest.mark.parametrize(
    "faults",
    [
        pytest.param([Fault(429, retry_after=0.1)], id="429"),
        pytest.param([Fault(429, retry_after=0.05, scope="global")], id="global-429"),
        pytest.param([500], id="500"),  # discord.py waits 1 s: still inside the 3 s
    ],
)
async def test_a_reply_that_meets_a_fault_still_arrives_and_is_stored_once(
    club: Club, clean_fake: FakeDiscord, workout_posted: None, faults: list
) -> None:
    athlete = club.fake.create_member(club.guild, f"Athlete {len(club.fake.interactions)}")
    plan = club.fake.rest.inject_faults(CALLBACK, faults)
    itx = await club.fake.slash(athlete, "splits submit", {"splits": SPLITS}, channel=club.general)
    reply = await itx.wait_reply(timeout=5)
    assert plan.used
    assert reply.content.startswith(f"{athlete.name} logged splits") and not reply.ephemeral
    assert len(itx.callbacks) == 1  # one accepted answer, no double acknowledgement
    assert await _submissions(club, athlete) == [5]


async def test_a_reply_lost_to_a_server_error_leaves_one_submission_and_a_retry_replaces_it(
    club: Club, workout_posted: None
) -> None:
    fake = club.fake
    fake.take_violations()
    athlete = fake.create_member(club.guild, "Unlucky Athlete")
    plan = fake.rest.inject_faults(CALLBACK, [502])
    # Discord's 502 and discord.py's 1 s wait outlast this interaction's
    # deadline: its retry is refused as expired, and the user sees no answer.
    deadline, fake.ack_deadline = fake.ack_deadline, 0.5
    try:
        lost = await fake.slash(athlete, "splits submit", {"splits": SPLITS}, channel=club.general)
    finally:
        fake.ack_deadline = deadline
    with pytest.raises(AssertionError, match="did not respond"):
        await lost.wait_response(timeout=5)
    await plan.wait_used()
    assert await _submissions(club, athlete) == [5]  # committed before the reply was attempted

    again = await fake.slash(athlete, "splits submit", {"splits": SPLITS}, channel=club.general)
    reply = await again.wait_reply(timeout=5)
    assert "updated" in reply.content.lower()
    assert await _submissions(club, athlete) == [5]  # replaced, not a second submission
    assert {v.kind for v in fake.take_violations()} == {"ack_deadline"}


async def _new_server(club: Club, name: str) -> tuple[Member, Channel]:
    """Another server with the bot invited and no workout yet: its coach and
    the channel where /wod post is used."""
    fake = club.fake
    guild = fake.create_guild(name, bot_permissions=INVITE_PERMISSIONS)
    channel = fake.create_channel(guild, "workouts")
    coach = fake.create_member(guild, f"{name} Coach", permissions=MANAGE_GUILD)
    await fake.sync_gateway()
    return coach, channel


def _posts_in(club: Club, channel: Channel) -> list[Message]:
    bot_id = club.fake.bot_user.id
    return [m for m in club.fake.messages(channel) if m.author_id == bot_id and m.embeds]


async def test_a_rate_limited_workout_post_and_reply_are_posted_exactly_once(
    club: Club, clean_fake: FakeDiscord
) -> None:
    coach, channel = await _new_server(club, "Relay Club")
    post = club.fake.rest.inject_faults(
        CHANNEL_POST, [Fault(429, retry_after=0.05), Fault(429, retry_after=0.05, scope="global")]
    )
    reply = club.fake.rest.inject_faults(FOLLOWUP, [Fault(429, retry_after=0.05)])
    itx = await club.fake.slash(coach, "wod post", {"workout": "6 x 200m"}, channel=channel)
    told = await itx.wait_reply(timeout=5)
    assert post.used and reply.used
    assert "posted in" in told.content
    assert len(_posts_in(club, channel)) == 1


async def test_a_workout_post_hit_by_a_503_is_retried_once_not_failed(
    club: Club, clean_fake: FakeDiscord
) -> None:
    # A 5xx is Discord's trouble, not the coach's: the workout is not marked
    # failed; the next attempt first looks for the message, then posts once.
    coach, channel = await _new_server(club, "Hurdles Club")
    plan = club.fake.rest.inject_faults(CHANNEL_POST, [503])  # discord.py does not retry a 503
    itx = await club.fake.slash(coach, "wod post", {"workout": "3 x 1 mile"}, channel=channel)
    told = await itx.wait_reply(timeout=5)
    assert plan.used
    assert "not posted" in told.content and "temporary error (503)" in told.content
    assert "post it again within a minute" in told.content
    assert _posts_in(club, channel) == []
    [row] = await club.rows(
        "SELECT post_error, post_claimed_at FROM workouts WHERE guild_id = :guild",
        {"guild": channel.guild_id},
    )
    assert (row["post_error"], row["post_claimed_at"]) == (None, 0)  # not failed; claim expired

    await club.bot.get_cog("Wod").tick()  # (or the loop's own tick, whichever is first)
    assert len(_posts_in(club, channel)) == 1
    assert await club.bot.get_cog("Wod").tick() == []  # and never again
    assert len(_posts_in(club, channel)) == 1


async def test_a_coach_repost_after_a_503_posts_once(club: Club, clean_fake: FakeDiscord) -> None:
    coach, channel = await _new_server(club, "Steeple Club")
    club.fake.rest.inject_faults(CHANNEL_POST, [503])
    itx = await club.fake.slash(coach, "wod post", {"workout": "3 x 1 mile"}, channel=channel)
    assert "temporary error (503)" in (await itx.wait_reply(timeout=5)).content
    again = await club.fake.slash(coach, "wod post", {"workout": "3 x 1 mile"}, channel=channel)
    assert "posted in" in (await again.wait_reply(timeout=5)).content
    assert len(_posts_in(club, channel)) == 1
