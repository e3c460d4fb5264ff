"""/wod and /config end to end: the seed workout posted, refused, shown,
scheduled, edited, failed and deleted, as users and Discord see it.

The module shares one setting (posts go to #workouts); a test that needs
today's workout arranges it (``no_workout_today``, ``seed_post``), and every
other day belongs to one test, so none depends on what another wrote."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import pytest_asyncio

from loopback import SEND_MESSAGES, DriverError, Message
from tests.e2e.conftest import CLUB_START, Club

pytestmark = pytest.mark.asyncio(loop_scope="module")

SEED = "4 x 250m sprint + 1 x 300m"
SEED_RECOVERY = "Full, 5 - 6' recovery walk/jog as needed between reps"


def _bot_posts(club: Club, channel) -> list:
    return [m for m in club.fake.messages(channel) if m.author_id == club.bot.user.id]


async def _slash(club: Club, who, name: str, options: dict, channel=None):
    itx = await club.fake.slash(who, name, options, channel=channel or club.general)
    return await itx.wait_reply()


def _post_ids(club: Club) -> list[tuple[int, int]]:
    """(id, edit count) of the bot's posts in #workouts."""
    return [(m.id, m.edit_count) for m in _bot_posts(club, club.workouts)]


@pytest.fixture(autouse=True)
def reset_clock(club: Club):
    club.clock.set(CLUB_START)
    yield
    club.clock.set(CLUB_START)


@pytest_asyncio.fixture(loop_scope="module", scope="module", autouse=True)
async def workouts_channel(club: Club) -> None:
    """The club posts in #workouts; tests that choose a channel choose this one."""
    await _slash(club, club.coach, "config channel", {"channel": club.workouts})


@pytest_asyncio.fixture(loop_scope="module")
async def no_workout_today(club: Club) -> None:
    """Today starts without a workout (nor its post), whatever ran before."""
    club.clock.set(CLUB_START)
    reply = await _slash(club, club.coach, "wod delete", {"date": "today"})
    assert reply.content.startswith(("Deleted the workout", "No workout for")), reply.content


@pytest_asyncio.fixture(loop_scope="module")
async def seed_post(club: Club, no_workout_today: None) -> Message:
    """Today's seed workout, just posted in #workouts: its post."""
    before = {m.id for m in _bot_posts(club, club.workouts)}
    reply = await _slash(
        club,
        club.coach,
        "wod post",
        {"workout": SEED, "title": "Sprint session", "recovery": SEED_RECOVERY},
    )
    assert f"posted in <#{club.workouts.id}>" in reply.content, reply.content
    [post] = [m for m in _bot_posts(club, club.workouts) if m.id not in before]
    return post


async def test_config_channel_and_show(club: Club, clean_fake) -> None:
    # From another channel first, so the show below reads this test's choice.
    reply = await _slash(club, club.coach, "config channel", {"channel": club.general})
    assert f"<#{club.general.id}>" in reply.content
    reply = await _slash(club, club.coach, "config channel", {"channel": club.workouts})
    assert reply.ephemeral
    assert f"<#{club.workouts.id}>" in reply.content
    reply = await _slash(club, club.coach, "config show", {})
    fields = {f["name"]: f["value"] for f in reply.embeds[0]["fields"]}
    assert fields["Workout channel"] == f"<#{club.workouts.id}>"
    assert fields["Post time"] == "06:00" and fields["Timezone"] == "UTC"
    assert re.fullmatch(r"Shard 0 of 1, process [0-9a-f]{8} on \S+", fields["Served by"])


async def test_athletes_cannot_configure_or_post(club: Club, clean_fake) -> None:
    # Discord hides /config from members without Manage Server...
    with pytest.raises(DriverError, match="requires MANAGE_GUILD"):
        await club.fake.slash(club.ana, "config post-time", {"time": "07:00"}, channel=club.general)
    # ...but an admin can open it to everyone; the bot's own check still refuses.
    club.fake.allow_command_for_everyone(club.guild, "config")
    posts = _post_ids(club)
    reply = await _slash(club, club.ana, "config post-time", {"time": "07:00"})
    assert reply.ephemeral and "Manage Server" in reply.content
    reply = await _slash(club, club.ana, "wod post", {"workout": SEED})
    assert reply.ephemeral
    assert reply.content.startswith("Only coaches can post workouts")
    assert _post_ids(club) == posts  # nothing posted or edited


async def test_coach_posts_the_seed_workout_for_today(
    club: Club, clean_fake, no_workout_today: None
) -> None:
    before = {m.id for m in _bot_posts(club, club.workouts)}
    reply = await _slash(
        club,
        club.coach,
        "wod post",
        {"workout": SEED, "title": "Sprint session", "recovery": SEED_RECOVERY},
    )
    assert reply.ephemeral
    assert f"posted in <#{club.workouts.id}>" in reply.content
    assert reply.content.endswith("Parsed: 4 × 250 m, 1 × 300 m — 5 reps")
    [post] = [m for m in _bot_posts(club, club.workouts) if m.id not in before]
    assert post.content == "Workout of the day, Saturday 28 November 2026: Sprint session"
    fields = {f["name"]: f["value"] for f in post.embeds[0]["fields"]}
    assert fields["Parsed"] == "4 × 250 m, 1 × 300 m — 5 reps"
    assert fields["Recovery"] == SEED_RECOVERY
    assert [b["label"] for b in post.buttons()] == ["Submit splits"]
    assert post.allowed_mentions == {"parse": []}


async def test_athlete_sees_today_and_opens_the_form(
    club: Club, clean_fake, seed_post: Message
) -> None:
    reply = await _slash(club, club.ana, "wod today", {})
    assert reply.ephemeral
    assert reply.embeds[0]["description"] == SEED
    post = seed_post
    opened = await club.fake.click(club.ben, post, post.buttons()[0]["custom_id"])
    await opened.wait_response()
    inputs = [c for row in opened.modal["components"] for c in row["components"]]
    assert inputs[0]["placeholder"] == "4 × 250 m, 1 × 300 m"
    assert len(opened.modal["title"]) <= 45


async def test_posting_again_edits_the_same_message(
    club: Club, clean_fake, seed_post: Message
) -> None:
    posts = [m.id for m in _bot_posts(club, club.workouts)]
    reply = await _slash(
        club, club.coach, "wod post", {"workout": "4 x 250m + 2 x 300m", "title": "Sprints"}
    )
    assert "edited the post" in reply.content
    assert [m.id for m in _bot_posts(club, club.workouts)] == posts  # no new message
    post = seed_post
    assert post.edited
    assert post.embeds[0]["description"] == "4 x 250m + 2 x 300m"


async def test_wod_commands_say_they_need_a_server_in_a_dm(club: Club, clean_fake) -> None:
    itx = await club.fake.slash(club.ana, "wod today", {}, dm=True)
    reply = await itx.wait_reply()
    assert reply.ephemeral and "works in a server" in reply.content


async def test_scheduled_workout_is_posted_once_at_six_local(
    club: Club, clean_fake, seed_post: Message
) -> None:
    # Today's seed is posted (seed_post): the athletes' list has it, not tomorrow's.
    wod = club.bot.get_cog("Wod")
    reply = await _slash(
        club, club.coach, "wod post", {"workout": "10x400m @ 68", "date": "tomorrow"}
    )
    assert "scheduled for 06:00 (UTC)" in reply.content
    assert reply.content.endswith("Parsed: 10 × 400 m @ 1:08.00 — 10 reps")

    # Athletes don't see it in the list yet; coaches do.
    reply = await _slash(club, club.ana, "wod list", {"days": 2})
    assert "10 × 400 m" not in reply.embeds[0]["description"]
    reply = await _slash(club, club.coach, "wod list", {"days": 2})
    assert "Scheduled" in reply.embeds[0]["description"]

    before = len(_bot_posts(club, club.workouts))
    club.clock.set(datetime(2026, 11, 29, 5, 59, 59, tzinfo=UTC))
    assert await wod.tick() == []
    club.clock.set(datetime(2026, 11, 29, 6, 0, tzinfo=UTC))
    assert len(await wod.tick()) == 1
    assert await wod.tick() == []
    posts = _bot_posts(club, club.workouts)
    assert len(posts) == before + 1
    assert posts[-1].content == "Workout of the day, Sunday 29 November 2026"


async def test_a_failed_post_is_reported_to_author_and_in_show(club: Club, clean_fake) -> None:
    wod = club.bot.get_cog("Wod")
    await _slash(club, club.coach, "wod post", {"workout": "6 x 1 mile", "date": "monday"})
    club.fake.set_overwrite(club.workouts, club.fake.bot_user, deny=SEND_MESSAGES)
    try:
        club.clock.set(datetime(2026, 11, 30, 7, 0, tzinfo=UTC))
        assert await wod.tick() == []
        dm = club.fake.dm_channel(club.coach)
        note = await club.fake.wait_for_message(dm, lambda m: "couldn't post" in m.content)
        assert "Monday 30 November 2026" in note.content
        reply = await _slash(club, club.ana, "wod today", {})
        fields = {f["name"]: f["value"] for f in reply.embeds[0]["fields"]}
        assert fields["Status"].startswith("⚠️ Not posted: I am missing permission")
        reply = await _slash(club, club.coach, "config show", {})
        fields = {f["name"]: f["value"] for f in reply.embeds[0]["fields"]}
        assert "Monday 30 November 2026" in fields["⚠️ Posts that failed"]
        assert await wod.tick() == []  # no retry loop until someone fixes it
    finally:
        club.fake.set_overwrite(club.workouts, club.fake.bot_user)
    # Choosing the channel again is the fix; the next tick posts it.
    await _slash(club, club.coach, "config channel", {"channel": club.workouts})
    assert len(await wod.tick()) == 1
    club.fake.take_violations()  # the 403 above was provoked on purpose


async def test_assistant_with_the_coach_role_can_post_after_config(club: Club, clean_fake) -> None:
    reply = await _slash(
        club, club.assistant, "wod post", {"workout": "5k tempo", "date": "friday"}
    )
    assert reply.content.startswith("Only coaches")
    await _slash(club, club.coach, "config coach-role", {"role": club.coach_role})
    reply = await _slash(
        club, club.assistant, "wod post", {"workout": "5k tempo", "date": "friday"}
    )
    assert "Friday 4 December 2026" in reply.content
    assert "Parsed: 1 × 5 km" in reply.content


async def test_timezone_autocomplete_and_validation(club: Club, clean_fake) -> None:
    choices = await club.fake.autocomplete(
        club.coach,
        "config timezone",
        {"timezone": "america/los"},
        focused="timezone",
        channel=club.general,
    )
    assert "America/Los_Angeles" in [c["value"] for c in choices]
    reply = await _slash(club, club.coach, "config timezone", {"timezone": "Mars/Olympus"})
    assert reply.ephemeral and "Example: `/config timezone" in reply.content


async def test_delete_removes_the_workout_and_its_post(
    club: Club, clean_fake, seed_post: Message
) -> None:
    reply = await _slash(club, club.ana, "wod delete", {"date": "today"})
    assert reply.content.startswith("Only coaches can delete workouts")
    posts = len(_bot_posts(club, club.workouts))
    reply = await _slash(club, club.coach, "wod delete", {"date": "today"})
    assert "Deleted the workout for Saturday 28 November 2026" in reply.content
    assert len(_bot_posts(club, club.workouts)) == posts - 1
    assert seed_post.deleted
    reply = await _slash(club, club.ana, "wod today", {})
    assert reply.ephemeral and "No workout for Saturday 28 November 2026" in reply.content
