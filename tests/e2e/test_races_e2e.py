"""Races between people (issue #13, class 6), with Discord made slow on
purpose (``fake.rest.delay``): whatever the interleaving, the post ends up
showing the stored workout, a workout is posted once, and a deleted workout
leaves no post behind. Each test uses its own day, so none reads what another
wrote."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from typing import Any

import pytest
import pytest_asyncio

from loopback import Member, Message
from tests.e2e.conftest import CLUB_START, Club

pytestmark = pytest.mark.asyncio(loop_scope="module")

SEND = "POST /channels/{channel_id}/messages"
EDIT = "PATCH /channels/{channel_id}/messages/{message_id}"
SLOW = 0.5  # seconds Discord takes to create (or edit) a message


async def post(club: Club, who: Member, options: dict[str, Any]) -> Message:
    itx = await club.fake.slash(who, "wod post", options, channel=club.general)
    return await itx.wait_reply(timeout=30)


def posts_for(club: Club, day: date) -> list[Message]:
    wanted = f"{day:%A} {day.day} {day:%B %Y}"
    return [
        m
        for m in club.fake.messages(club.general)
        if m.author_id == club.fake.bot_user.id
        and m.content.startswith("Workout of the day")
        and wanted in m.content
        and not m.deleted
    ]


async def stored_text(club: Club, day: date) -> str | None:
    rows = await club.rows(
        "SELECT text FROM workouts WHERE guild_id = :guild AND local_date = :day",
        {"guild": club.guild.id, "day": day.isoformat()},
    )
    return rows[0]["text"] if rows else None


def shown_text(message: Message) -> str:
    return message.embeds[0]["description"]


@pytest_asyncio.fixture(loop_scope="module", scope="module", autouse=True)
async def two_coaches(club: Club) -> None:
    """The coach (Manage Server) and the assistant (the coach role)."""
    itx = await club.fake.slash(
        club.coach, "config coach-role", {"role": club.coach_role}, channel=club.general
    )
    await itx.wait_reply()


async def test_two_coaches_posting_at_the_same_moment_leave_one_post_showing_the_stored_one(
    club: Club, clean_fake
) -> None:
    today = CLUB_START.date()
    with club.fake.rest.delay(SEND, SLOW, count=1):
        replies = await asyncio.gather(
            post(club, club.coach, {"workout": "4 x 250m sprint + 1 x 300m"}),
            post(club, club.assistant, {"workout": "6 x 1 mile"}),
        )
    assert {r.ephemeral for r in replies} == {True}
    [message] = posts_for(club, today)
    stored = await stored_text(club, today)
    assert stored in {"4 x 250m sprint + 1 x 300m", "6 x 1 mile"}
    assert shown_text(message) == stored  # the last write wins, and its message shows it
    # Whoever found the post on its way was told it will show their version.
    assert any("going out right now and will show this version" in r.content for r in replies)
    shown = await club.fake.slash(club.ana, "wod today", {}, channel=club.general)
    assert (await shown.wait_reply()).embeds[0]["description"] == stored


async def test_edits_racing_each_other_settle_on_the_stored_workout(club: Club, clean_fake) -> None:
    day = date(2026, 12, 2)  # its own day: nothing else posts or edits there
    club.clock.set(datetime(2026, 12, 2, 12, 0, tzinfo=UTC))
    try:
        first = await post(club, club.coach, {"workout": "4 x 250m sprint + 1 x 300m"})
        assert "posted in" in first.content, first.content
        [message] = posts_for(club, day)
        with club.fake.rest.delay(EDIT, SLOW, count=1):
            replies = await asyncio.gather(
                post(club, club.coach, {"workout": "10 x 400m @ 68"}),
                post(club, club.assistant, {"workout": "5 x 1k @ 3:00"}),
            )
        assert all(r.content.startswith("Replaced and edited the post") for r in replies)
        assert posts_for(club, day) == [message]
        assert shown_text(message) == await stored_text(club, day)
    finally:
        club.clock.set(CLUB_START)


async def test_a_workout_deleted_while_its_post_is_on_the_way_leaves_no_post(
    club: Club, clean_fake
) -> None:
    day = date(2026, 11, 29)
    club.clock.set(datetime(2026, 11, 29, 12, 0, tzinfo=UTC))
    try:
        with club.fake.rest.delay(SEND, SLOW, count=1) as slow:
            posting = asyncio.create_task(post(club, club.coach, {"workout": "8 x 200m"}))
            await slow.reached()  # the post is on its way
            deleted = await club.fake.slash(
                club.assistant, "wod delete", {"date": "today"}, channel=club.general
            )
            assert (await deleted.wait_reply()).content.startswith("Deleted the workout")
            reply = await posting
        assert "deleted meanwhile" in reply.content
        assert await stored_text(club, day) is None
        assert posts_for(club, day) == []  # the message that went out was taken down
    finally:
        club.clock.set(CLUB_START)


async def test_a_repost_while_the_scheduler_posts_goes_out_once_showing_the_repost(
    club: Club, clean_fake
) -> None:
    day = date(2026, 11, 30)
    await post(club, club.coach, {"workout": "3 x 2k", "date": "2026-11-30"})
    club.clock.set(datetime(2026, 11, 30, 6, 0, tzinfo=UTC))  # 06:00 UTC: due
    try:
        wod = club.bot.get_cog("Wod")
        with club.fake.rest.delay(SEND, SLOW, count=1) as slow:
            tick = asyncio.create_task(wod.tick())
            await slow.reached()  # the scheduler holds the claim, its send is slow
            reply = await post(club, club.coach, {"workout": "4 x 2k", "date": "today"})
            posted = await tick
        assert "going out right now and will show this version" in reply.content
        assert len(posted) == 1
        [message] = posts_for(club, day)
        assert shown_text(message) == await stored_text(club, day) == "4 x 2k"
        assert await wod.tick() == []  # and never again
        assert len(posts_for(club, day)) == 1
    finally:
        club.clock.set(CLUB_START)


async def test_changing_the_channel_while_a_post_is_on_its_way_does_not_post_twice(
    club: Club, clean_fake
) -> None:
    day = date(2026, 12, 1)
    await post(club, club.coach, {"workout": "5 x 1 mile", "date": "2026-12-01"})
    club.clock.set(datetime(2026, 12, 1, 6, 0, tzinfo=UTC))
    try:
        wod = club.bot.get_cog("Wod")
        with club.fake.rest.delay(SEND, SLOW, count=1) as slow:
            tick = asyncio.create_task(wod.tick())
            await slow.reached()
            changed = await club.fake.slash(
                club.coach, "config channel", {"channel": club.general}, channel=club.general
            )
            await changed.wait_reply()
            second = await wod.tick()  # the claim in flight is not cleared
            first = await tick
        assert len(first) == 1 and second == []
        assert len(posts_for(club, day)) == 1
    finally:
        club.clock.set(CLUB_START)
