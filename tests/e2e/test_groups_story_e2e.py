"""The groups-and-sessions story, through the commands only, on each back end.

A coach sets up Sprints (role Sprinters, #sprints, ping on) and Distance (role
Distance runners, #distance, no ping) with ``/config group add``, posts the
day's sprint session, a pm session for the sprinters and the distance
group's miles. A sprinter logs the am by command and the pm by its post's
button; a distance runner logs by button; an athlete in both groups logs by
command and the rep count picks the distance workout; one board per workout;
the export's new columns; the ping only on the sprinters' post.
"""

from __future__ import annotations

import csv
import io

from bot.clock import ManualClock
from db.base import Database
from loopback import Channel, FakeDiscord, Member, Message
from loopback.sandbox import LOOPBACK_TOKEN, running_bot
from tests.e2e.conftest import CLUB_START, build_world, read_rows

SEED = "4 x 250m sprint + 1 x 300m"
SEED_SPLITS = "29.78 / 29.98 31.31 / 31.20 37.47"
FLYS = "6 x 60m"
FLY_SPLITS = "7.10 7.00 6.90 6.90 7.00 7.20"
MILES = "3 x 1 mile"
MILE_SPLITS = "4:50 4:48 4:45"


async def _slash(fake: FakeDiscord, who: Member, name: str, options: dict, channel: Channel):
    itx = await fake.slash(who, name, options, channel=channel)
    return await itx.wait_reply(timeout=15)


async def _by_button(fake: FakeDiscord, who: Member, post: Message, splits: str) -> Message:
    opened = await fake.click(who, post, post.buttons()[0]["custom_id"])
    await opened.wait_response()
    submitted = await fake.submit_modal(who, opened, {"splits": splits})
    return await submitted.wait_reply(timeout=15)


def _post_in(fake: FakeDiscord, channel: Channel, before: set[int]) -> list[Message]:
    return [m for m in fake.messages(channel) if m.id not in before and m.buttons()]


async def test_two_groups_two_sessions_from_setup_to_export(new_database: Database) -> None:
    async with FakeDiscord(token=LOOPBACK_TOKEN) as fake:
        w = build_world(fake)
        guild, coach, general = w["guild"], w["coach"], w["general"]
        sprinters = fake.create_role(guild, "Sprinters", mentionable=True)
        distance_runners = fake.create_role(guild, "Distance runners")
        sprints_channel = fake.create_channel(guild, "sprints")
        distance_channel = fake.create_channel(guild, "distance")
        sam = fake.create_member(guild, "Sam", roles=[sprinters])
        dana = fake.create_member(guild, "Dana", roles=[distance_runners])
        bo = fake.create_member(guild, "Bo", roles=[sprinters, distance_runners])

        clock = ManualClock(CLUB_START)
        async with running_bot(fake, new_database, dev_guild_id=guild.id, clock=clock):
            # -- the coach sets up the groups
            said = await _slash(
                fake,
                coach,
                "config group add",
                {"name": "Sprints", "role": sprinters, "channel": sprints_channel, "ping": True},
                general,
            )
            assert said.ephemeral and "Sprints" in said.content, said.content
            said = await _slash(
                fake,
                coach,
                "config group add",
                {"name": "Distance", "role": distance_runners, "channel": distance_channel},
                general,
            )
            assert said.ephemeral and "Distance" in said.content, said.content
            shown = await _slash(fake, coach, "config show", {}, general)
            groups = {f["name"]: f["value"] for f in shown.embeds[0]["fields"]}
            listing = groups["Training groups"]
            assert "Sprints" in listing and "Distance" in listing, listing

            # -- and posts the day: the sprinters' session and pm, the distance miles
            before = {m.id for ch in (sprints_channel, distance_channel) for m in fake.messages(ch)}
            for options in (
                {"workout": SEED, "group": "Sprints"},
                {"workout": FLYS, "group": "Sprints", "session": "pm"},
                {"workout": MILES, "group": "Distance"},
            ):
                said = await _slash(fake, coach, "wod post", options, general)
                assert "posted in" in said.content, said.content
            sprint_posts = _post_in(fake, sprints_channel, before)
            [miles_post] = _post_in(fake, distance_channel, before)
            [_am_post, pm_post] = sprint_posts  # the am is logged by command below
            assert not _post_in(fake, w["workouts"], set())  # nothing in the team channel
            # The ping only where configured: the sprinters' posts, exactly their role.
            for post in sprint_posts:
                assert post.allowed_mentions == {"parse": [], "roles": [sprinters.id]}
                assert post.content.startswith(f"<@&{sprinters.id}> ")
            assert miles_post.allowed_mentions == {"parse": []}
            assert "<@" not in miles_post.content and miles_post.mention_roles == []

            # -- athletes log: by command (the rep count picks) and by each post's button
            said = await _slash(fake, sam, "splits submit", {"splits": SEED_SPLITS}, general)
            assert "Sam logged splits" in said.content and not said.ephemeral, said.content
            said = await _by_button(fake, sam, pm_post, FLY_SPLITS)
            assert "Sam logged splits" in said.content, said.content
            said = await _by_button(fake, dana, miles_post, MILE_SPLITS)
            assert "Dana logged splits" in said.content, said.content
            # Bo is in both groups: three workouts are his, one has 3 reps.
            said = await _slash(fake, bo, "splits submit", {"splits": MILE_SPLITS}, general)
            assert "Bo logged splits" in said.content, said.content

            # -- one board per workout
            board = await _slash(fake, dana, "splits board", {}, general)
            body = board.embeds[0]["description"]
            for label in ("**Sprints**", "**Sprints · pm**", "**Distance**"):
                assert label in body, body
            assert body.index("Sam") < body.index("**Sprints · pm**") < body.rindex("Sam")

            # -- the export's new columns
            exported = await _slash(fake, coach, "splits export", {}, general)
            rows = list(csv.DictReader(io.StringIO(exported.attachments[0].data.decode())))
            logged = {(r["athlete"], r["group"], r["session"], r["source"]) for r in rows}
            assert logged == {
                ("Sam", "Sprints", "", "typed"),
                ("Sam", "Sprints", "pm", "typed"),
                ("Dana", "Distance", "", "typed"),
                ("Bo", "Distance", "", "typed"),
            }
            fake.assert_clean()

    # Stored once each, each with its workout's group and session.
    stored = await read_rows(
        new_database,
        "SELECT s.athlete_name, s.session, w.text FROM submissions s"
        " JOIN workouts w ON w.id = s.workout_id AND w.group_id = s.group_id"
        " AND w.session = s.session ORDER BY s.id",
    )
    assert [(r["athlete_name"], r["session"], r["text"]) for r in stored] == [
        ("Sam", "", SEED),
        ("Sam", "pm", FLYS),
        ("Dana", "", MILES),
        ("Bo", "", MILES),
    ]
