"""/splits and plain chat with training groups and sessions, end to end.

The module's team (``team``, read only): Sprints (role Sprinters) and
Distance (role Distance runners), and today's posted workouts: the
sprinters' am (the seed, 5 reps) and pm (6 × 60 m), the distance group's
5 × 1 km (5 reps: an athlete in both groups must say which) and the team's
3 × 1 mile; also a distance am session saved but not posted (the server
posts at 23:00, so the scheduler never sends it during the module). Each test
submits with members of its own, and the board and export read a day of
their own, so no test reads another's rows.

Covered: a sprinter and a distance runner each submit by command and by the
button of any post; an athlete in both groups (the choices listed, the rep
count deciding, ``workout:`` naming one); am and pm both logged; one board
per workout; the export's group, session and source columns; delete and
chart with several submissions a day; the ``workout`` autocomplete; forged
``workout`` values refused; "what's today's workout?" for a group member,
in the server and by DM.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

import pytest
import pytest_asyncio

from bot.clock import epoch_ms
from bot.domain.workout import parse_workout
from db.groups import GroupQueries, TrainingGroup
from db.workouts import NewWorkout, StoredWorkout, WorkoutQueries
from loopback import Guild, Member, Message, Role
from loopback.sandbox import INVITE_PERMISSIONS
from tests.e2e.conftest import CLUB_START, Club

pytestmark = pytest.mark.asyncio(loop_scope="module")

TODAY = CLUB_START.date()
SEED = "4 x 250m sprint + 1 x 300m"
SEED_SPLITS = "29.78 / 29.98 31.31 / 31.20 37.47"
FLYS = "6 x 60m"
FLY_SPLITS = "7.10 7.00 6.90 6.90 7.00 7.20"
KMS = "5 x 1k"
KM_SPLITS = "3:20 3:18 3:17 3:15 3:12"
MILES = "3 x 1 mile"
MILE_SPLITS = "4:50 4:48 4:45"
BOARD_DAY = date(2026, 11, 20)
EXPORT_DAY = date(2026, 11, 21)
DATE = "Saturday 28 November 2026"


@dataclass
class Team:
    sprinters: Role
    distance_runners: Role
    sprints: TrainingGroup
    distance: TrainingGroup
    am: StoredWorkout  # Sprints · am
    pm: StoredWorkout  # Sprints · pm
    kms: StoredWorkout  # Distance
    miles: StoredWorkout  # the team's
    hidden: StoredWorkout  # Distance · am, not posted
    posts: dict[int, Message]  # workout id → its post
    rival: Guild
    rival_workout: StoredWorkout


async def _reply(club: Club, who, name: str, options: dict, channel=None) -> Message:
    itx = await club.fake.slash(who, name, options, channel=channel or club.workouts)
    return await itx.wait_reply(timeout=15)


async def save(
    club: Club,
    text: str,
    *,
    group: TrainingGroup | None = None,
    session: str = "",
    title: str | None = None,
    day: date = TODAY,
    guild_id: int | None = None,
) -> StoredWorkout:
    """A workout saved as ``/wod post`` saves it (posting is a separate step)."""
    stored, _ = await WorkoutQueries(club.bot.db).save(
        NewWorkout(
            guild_id=guild_id or club.guild.id,
            local_date=day,
            title=title,
            text=text,
            plan=parse_workout(text),
            recovery=None,
            notes=None,
            author_id=club.coach.user.id,
            origin_channel_id=club.workouts.id,
            group_id=group.id if group else 0,
            session=session,
        ),
        now=epoch_ms(CLUB_START),
    )
    return stored


async def post(club: Club, workout: StoredWorkout) -> tuple[StoredWorkout, Message]:
    """Post ``workout`` in #workouts as the scheduler does, with its button."""
    poster = club.bot.get_cog("Wod").poster
    done, what = await poster.publish(workout, club.workouts.id)
    assert done, what
    stored = await WorkoutQueries(club.bot.db).by_id(workout.id)
    assert stored is not None and stored.message_id is not None
    message = club.fake.get_message(stored.message_id)
    assert message is not None and message.buttons()
    return stored, message


@pytest_asyncio.fixture(loop_scope="module", scope="module", autouse=True)
async def team(club: Club) -> Team:
    fake = club.fake
    await _reply(club, club.coach, "config channel", {"channel": club.workouts})
    await _reply(club, club.coach, "config post-time", {"time": "23:00"})
    sprinters = fake.create_role(club.guild, "Sprinters")
    distance_runners = fake.create_role(club.guild, "Distance runners")
    now = epoch_ms(CLUB_START)
    groups = GroupQueries(club.bot.db)
    sprints = await groups.add(
        club.guild.id, "Sprints", role_id=sprinters.id, channel_id=None, ping=False, now=now
    )
    distance = await groups.add(
        club.guild.id, "Distance", role_id=distance_runners.id, channel_id=None, ping=False, now=now
    )
    posts: dict[int, Message] = {}
    posted = {}
    for key, text, group, session, title in [
        ("am", SEED, sprints, "am", "Blocks"),
        ("pm", FLYS, sprints, "pm", "Flys"),
        ("kms", KMS, distance, "", "Tempo kms"),
        ("miles", MILES, None, "", "Team miles"),
    ]:
        stored, message = await post(
            club, await save(club, text, group=group, session=session, title=title)
        )
        posted[key] = stored
        posts[stored.id] = message
    hidden = await save(club, "10 x 100m", group=distance, session="am", title="Secret strides")
    rival = fake.create_guild("Rival Club", bot_permissions=INVITE_PERMISSIONS)
    await fake.sync_gateway()
    rival_workout = await save(club, SEED, guild_id=rival.id, title="Rival session")
    await WorkoutQueries(club.bot.db).mark_posted(
        rival_workout.id, channel_id=1, message_id=2, revision=1, now=now
    )
    return Team(
        sprinters=sprinters,
        distance_runners=distance_runners,
        sprints=sprints,
        distance=distance,
        hidden=hidden,
        posts=posts,
        rival=rival,
        rival_workout=rival_workout,
        **posted,
    )


async def members(club: Club, *people: tuple[str, tuple[Role, ...]]) -> list[Member]:
    """Members of a test's own, with their roles."""
    made = [club.fake.create_member(club.guild, name, roles=list(roles)) for name, roles in people]
    await club.fake.sync_gateway()
    return made


async def slots_of(club: Club, who: Member, day: date = TODAY) -> list[tuple]:
    rows = await club.rows(
        "SELECT group_id, session, workout_id, source FROM submissions"
        " WHERE guild_id = :guild AND athlete_id = :athlete AND local_date = :day"
        " ORDER BY group_id, session",
        {"guild": club.guild.id, "athlete": who.user.id, "day": day.isoformat()},
    )
    return [(r["group_id"], r["session"], r["workout_id"], r["source"]) for r in rows]


async def submit(club: Club, who: Member, splits: str, **options) -> Message:
    reply = await _reply(club, who, "splits submit", {"splits": splits, **options})
    assert not reply.ephemeral, reply.content
    return reply


async def by_button(
    club: Club, who: Member, post: Message, splits: str, form_title: str | None = None
) -> Message:
    opened = await club.fake.click(who, post, post.buttons()[0]["custom_id"])
    await opened.wait_response()
    assert opened.modal is not None
    if form_title is not None:
        assert opened.modal["title"] == form_title
    submitted = await club.fake.submit_modal(who, opened, {"splits": splits})
    return await submitted.wait_reply(timeout=15)


def _table(reply: Message) -> list[str]:
    return reply.embeds[0]["description"].split("```")[1].strip("\n").splitlines()


# ============================================================== submitting
async def test_a_sprinter_and_a_distance_runner_submit_by_command(
    club: Club, team: Team, clean_fake
) -> None:
    sol, dina = await members(club, ("Sol", (team.sprinters,)), ("Dina", (team.distance_runners,)))
    reply = await submit(club, sol, SEED_SPLITS)
    assert reply.content == (
        "Sol logged splits for Sat 28 Nov, Sprints · am: 29.78, 29.98, 31.31, 31.20, 37.47"
    )
    assert reply.embeds[0]["title"] == "Sol: splits for Sat 28 Nov, Sprints · am, Blocks"
    assert _table(reply)[1] == "  1  250 m    29.78    47.65"
    reply = await submit(club, dina, KM_SPLITS)
    assert reply.content.startswith("Dina logged splits for Sat 28 Nov, Distance: 3:20.00")
    # The sprinter's 6 splits are the pm session; 3 are the team's miles.
    await submit(club, sol, FLY_SPLITS)
    await submit(club, dina, MILE_SPLITS)
    assert await slots_of(club, sol) == [
        (team.sprints.id, "am", team.am.id, "typed"),
        (team.sprints.id, "pm", team.pm.id, "typed"),
    ]
    assert await slots_of(club, dina) == [
        (0, "", team.miles.id, "typed"),
        (team.distance.id, "", team.kms.id, "typed"),
    ]


async def test_the_button_of_any_post_submits_to_that_workout(
    club: Club, team: Team, clean_fake
) -> None:
    sid, dana = await members(club, ("Sid", (team.sprinters,)), ("Dana", (team.distance_runners,)))
    # A sprinter presses the distance group's post, a distance runner the sprinters' pm.
    reply = await by_button(
        club, sid, team.posts[team.kms.id], KM_SPLITS, "Splits for Sat 28 Nov, Distance"
    )
    assert not reply.ephemeral and "Sid logged splits for Sat 28 Nov, Distance" in reply.content
    reply = await by_button(
        club, dana, team.posts[team.pm.id], FLY_SPLITS, "Splits for Sat 28 Nov, Sprints · pm"
    )
    assert "Dana logged splits for Sat 28 Nov, Sprints · pm" in reply.content
    reply = await by_button(club, dana, team.posts[team.am.id], SEED_SPLITS)
    assert _table(reply)[1:] == [
        "  1  250 m    29.78    47.65",
        "  2  250 m    29.98    47.97",
        "  3  250 m    31.31    50.10",
        "  4  250 m    31.20    49.92",
        "  5  300 m    37.47    49.96",
    ]
    assert await slots_of(club, sid) == [(team.distance.id, "", team.kms.id, "typed")]
    assert await slots_of(club, dana) == [
        (team.sprints.id, "am", team.am.id, "typed"),
        (team.sprints.id, "pm", team.pm.id, "typed"),
    ]
    # The form's wrong count names that post's reps, not the athlete's group's.
    reply = await by_button(club, sid, team.posts[team.miles.id], SEED_SPLITS)
    assert reply.ephemeral and "Expected 3 × 1 mile — 3 reps" in reply.content


async def test_an_athlete_in_both_groups(club: Club, team: Team, clean_fake) -> None:
    [bea] = await members(club, ("Bea", (team.sprinters, team.distance_runners)))
    before = await club.digest()
    reply = await _reply(club, bea, "splits submit", {"splits": SEED_SPLITS})
    assert reply.ephemeral
    assert reply.content.split("\n")[:3] == [
        "5 split(s) fit more than one of your workouts on Sat 28 Nov, so nothing was stored. "
        "Choose one with `workout:` (the list appears as you type):",
        "• **Distance**: 5 × 1 km",
        "• **Sprints · am**: 4 × 250 m, 1 × 300 m",
    ]
    assert "Example: `/splits submit splits:… workout:Distance`" in reply.content
    assert await club.digest() == before
    # Six splits can only be the sprinters' pm; three the team's miles.
    reply = await submit(club, bea, FLY_SPLITS)
    assert "Sprints · pm" in reply.content
    # Naming the workout: by the id the autocomplete sends, and by its label.
    await submit(club, bea, KM_SPLITS, workout=str(team.kms.id))
    await submit(club, bea, SEED_SPLITS, workout="Sprints am")
    assert await slots_of(club, bea) == [
        (team.sprints.id, "am", team.am.id, "typed"),
        (team.sprints.id, "pm", team.pm.id, "typed"),
        (team.distance.id, "", team.kms.id, "typed"),
    ]


async def test_am_and_pm_are_each_logged_and_replaced_on_their_own(
    club: Club, team: Team, clean_fake
) -> None:
    [sue] = await members(club, ("Sue", (team.sprinters,)))
    await submit(club, sue, SEED_SPLITS, workout="sprints am")
    await submit(club, sue, FLY_SPLITS, workout="sprints pm")
    again = await submit(club, sue, "30 30 30 30 37", workout=str(team.am.id))
    assert again.content.startswith("Sue updated their splits for Sat 28 Nov, Sprints · am")
    assert again.embeds[0]["footer"]["text"] == (
        "Updated: this replaces the earlier splits for Sprints · am."
    )
    rows = await club.rows(
        "SELECT s.session, p.rep, p.time_ms FROM submissions s"
        " JOIN splits p ON p.submission_id = s.id"
        " WHERE s.athlete_id = :athlete ORDER BY s.session, p.rep",
        {"athlete": sue.user.id},
    )
    assert [(r["session"], r["time_ms"]) for r in rows] == [
        ("am", 30000),
        ("am", 30000),
        ("am", 30000),
        ("am", 30000),
        ("am", 37000),
        ("pm", 7100),
        ("pm", 7000),
        ("pm", 6900),
        ("pm", 6900),
        ("pm", 7000),
        ("pm", 7200),
    ]


async def test_the_workout_autocomplete_lists_the_days_workouts(
    club: Club, team: Team, clean_fake
) -> None:
    [dot] = await members(club, ("Dot", (team.distance_runners,)))
    choices = await club.fake.autocomplete(
        dot,
        "splits submit",
        {"splits": KM_SPLITS, "workout": ""},
        focused="workout",
        channel=club.workouts,
    )
    # Dot's own group first, then the team's, then the others'; never the unposted am.
    assert choices == [
        {"name": "Distance: 5 × 1 km", "value": str(team.kms.id)},
        {"name": "Team: 3 × 1 mile", "value": str(team.miles.id)},
        {"name": "Sprints · am: 4 × 250 m, 1 × 300 m", "value": str(team.am.id)},
        {"name": "Sprints · pm: 6 × 60 m", "value": str(team.pm.id)},
    ]
    typed = await club.fake.autocomplete(
        dot,
        "splits submit",
        {"splits": KM_SPLITS, "date": "yesterday", "workout": "sprint"},
        focused="workout",
        channel=club.workouts,
    )
    assert typed == []  # no workout yesterday


# ============================================================== reading back
async def test_one_board_per_workout(club: Club, team: Team, clean_fake) -> None:
    day = BOARD_DAY.isoformat()
    await save(club, SEED, group=team.sprints, day=BOARD_DAY, title="Blocks")
    await save(club, MILES, group=team.distance, day=BOARD_DAY)
    await save(club, "2 x 2k", day=BOARD_DAY)  # the team's: nobody logged it
    ari, bo, cy = await members(
        club,
        ("Ari", (team.sprinters,)),
        ("Bo", (team.sprinters,)),
        ("Cy", (team.distance_runners,)),
    )
    await submit(club, ari, SEED_SPLITS, date=day)
    await submit(club, bo, "30 30.2 30.4 30.3 37", date=day)
    await submit(club, cy, MILE_SPLITS, date=day)
    reply = await _reply(club, cy, "splits board", {"date": day})
    assert not reply.ephemeral
    assert reply.content == "Board for Fri 20 Nov: 2 workouts, 3 result(s)"
    body = reply.embeds[0]["description"].split("\n")
    assert body == [
        "**Distance** · 3 × 1 mile",
        "```",
        " #  athlete          reps     total   /400 m",
        " 1  Cy                  3   14:23.0  1:11.50",
        "```",
        "**Sprints**: Blocks · 4 × 250 m, 1 × 300 m",
        "```",
        " #  athlete          reps     total   /400 m",
        " 1  Bo                  5   2:37.90    48.58",
        " 2  Ari                 5   2:39.74    49.15",
        "```",
        "**Team**: no splits yet",
    ]
    one = await _reply(club, ari, "splits board", {"date": day, "workout": "sprints"})
    assert one.embeds[0]["title"] == "Board for Fri 20 Nov, Sprints: Blocks"
    assert [row[4:20].strip() for row in _table(one)[1:]] == ["Bo", "Ari"]


async def test_the_export_has_group_session_and_source(club: Club, team: Team, clean_fake) -> None:
    day = EXPORT_DAY.isoformat()
    await save(club, SEED, group=team.sprints, session="pm", day=EXPORT_DAY)
    await save(club, MILES, day=EXPORT_DAY, title="Team miles")
    [eve] = await members(club, ("Eve", (team.sprinters,)))
    await submit(club, eve, SEED_SPLITS, date=day)
    await submit(club, eve, MILE_SPLITS, date=day)
    itx = await club.fake.slash(
        club.coach, "splits export", {"since": day, "until": day}, channel=club.general
    )
    reply = await itx.wait_reply(timeout=15)
    assert reply.ephemeral
    [attachment] = reply.attachments
    text = attachment.data.decode("utf-8")
    assert text.split("\r\n", 1)[0] == (
        "date,workout,athlete_id,athlete,rep,distance_m,time_s,pace_per_400_s,note,"
        "group,session,source"
    )
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [
        (r["athlete"], r["workout"], r["rep"], r["group"], r["session"], r["source"]) for r in rows
    ] == [
        ("Eve", SEED, "1", "Sprints", "pm", "typed"),
        ("Eve", SEED, "2", "Sprints", "pm", "typed"),
        ("Eve", SEED, "3", "Sprints", "pm", "typed"),
        ("Eve", SEED, "4", "Sprints", "pm", "typed"),
        ("Eve", SEED, "5", "Sprints", "pm", "typed"),
        ("Eve", "Team miles", "1", "", "", "typed"),
        ("Eve", "Team miles", "2", "", "", "typed"),
        ("Eve", "Team miles", "3", "", "", "typed"),
    ]


async def test_delete_and_chart_with_several_submissions(
    club: Club, team: Team, clean_fake
) -> None:
    [flo] = await members(club, ("Flo", (team.sprinters,)))
    await submit(club, flo, SEED_SPLITS)
    await submit(club, flo, FLY_SPLITS)
    before = await club.digest()
    for command in ("splits delete", "splits chart"):
        reply = await _reply(club, flo, command, {"date": "today"})
        assert reply.ephemeral and not reply.buttons() and not reply.attachments
        assert reply.content.split("\n")[1:3] == [
            "• **Sprints · am**: 4 × 250 m, 1 × 300 m",
            "• **Sprints · pm**: 6 × 60 m",
        ]
    assert "You have 2 submissions for Sat 28 Nov, so nothing was deleted." in (
        (await _reply(club, flo, "splits delete", {})).content
    )
    assert await club.digest() == before
    # A coach names her, and the pm session.
    itx = await club.fake.slash(
        club.coach,
        "splits delete",
        {"athlete": flo, "workout": "Sprints pm"},
        channel=club.workouts,
    )
    prompt = await itx.wait_reply()
    assert prompt.ephemeral
    assert prompt.content == (
        "Delete Flo's splits for Sat 28 Nov, Sprints · pm (7.10, 7.00, 6.90, 6.90, 7.00, 7.20)?"
    )
    clicked = await club.fake.click(club.coach, prompt, prompt.buttons()[0]["custom_id"])
    done = await clicked.wait_reply()
    assert done.content == "Deleted Flo's splits for Sat 28 Nov, Sprints · pm."
    assert await slots_of(club, flo) == [(team.sprints.id, "am", team.am.id, "typed")]
    # One left: the chart needs no choice.
    itx = await club.fake.slash(flo, "splits chart", {"date": "today"}, channel=club.workouts)
    chart = await itx.wait_reply(timeout=30)
    assert chart.content == "Chart: Flo: Sat 28 Nov, Sprints · am, Blocks"
    [png] = chart.attachments
    assert png.data.startswith(b"\x89PNG\r\n\x1a\n")


async def test_mine_shows_the_labels(club: Club, team: Team, clean_fake) -> None:
    [gus] = await members(club, ("Gus", (team.sprinters,)))
    await submit(club, gus, SEED_SPLITS)
    await submit(club, gus, MILE_SPLITS)
    reply = await _reply(club, gus, "splits mine", {})
    assert reply.ephemeral and reply.content == "Your last 1 day(s) of splits"
    lines = reply.embeds[0]["description"].split("\n")
    assert [line.split(": ")[0] for line in lines] == [
        "`Sat 28 Nov` Sprints · am, Blocks",
        "`Sat 28 Nov` Team miles",
    ]


# ============================================================== forged values
async def _refused(club: Club, who: Member, command: str, options: dict) -> str:
    before = await club.digest()
    itx = await club.fake.slash(who, command, options, channel=club.workouts, unchecked=True)
    reply = await itx.wait_reply(timeout=15)
    assert not itx.failed and not itx.errors
    assert reply.ephemeral, reply.content
    assert not (reply.embeds or reply.attachments or reply.buttons()), reply.content
    assert "Something went wrong" not in reply.content
    assert "Secret" not in reply.content and "Rival" not in reply.content
    assert await club.digest() == before
    return reply.content


FORGED = ["rival", "hidden", "other-day", "garbage", "80-digits", "zero", "2**63"]


def forged_value(team: Team, which: str, other_day: StoredWorkout) -> str:
    return {
        "rival": str(team.rival_workout.id),
        "hidden": str(team.hidden.id),
        "other-day": str(other_day.id),
        "garbage": "'; DROP TABLE workouts; --",
        "80-digits": "9" * 80,
        "zero": "0",
        "2**63": str(2**63),
    }[which]


@pytest_asyncio.fixture(loop_scope="module")
async def other_day(club: Club, team: Team) -> StoredWorkout:
    found = await WorkoutQueries(club.bot.db).get(
        club.guild.id, date(2026, 11, 25), group_id=team.sprints.id
    )
    return found or await save(club, SEED, group=team.sprints, day=date(2026, 11, 25))


@pytest.mark.parametrize("which", FORGED)
async def test_a_forged_workout_is_refused_by_submit(
    club: Club, team: Team, clean_fake, which: str, other_day: StoredWorkout
) -> None:
    [hal] = await members(club, (f"Hal {which}", (team.distance_runners,)))
    text = await _refused(
        club,
        hal,
        "splits submit",
        {"splits": SEED_SPLITS, "workout": forged_value(team, which, other_day)},
    )
    assert text.startswith("`workout` must be one of Sat 28 Nov's workouts; nothing was stored.")
    assert "• **Distance**: 5 × 1 km" in text and "Distance · am" not in text
    assert await slots_of(club, hal) == []


@pytest.mark.parametrize("which", FORGED)
async def test_a_forged_workout_is_refused_by_board_delete_and_chart(
    club: Club, team: Team, clean_fake, which: str, other_day: StoredWorkout
) -> None:
    [ida] = await members(club, (f"Ida {which}", (team.sprinters,)))
    await submit(club, ida, SEED_SPLITS)
    value = forged_value(team, which, other_day)
    board = await _refused(club, ida, "splits board", {"workout": value})
    assert board.startswith("`workout` must be one of Sat 28 Nov's workouts with splits")
    for command in ("splits delete", "splits chart"):
        text = await _refused(club, ida, command, {"workout": value})
        assert text.startswith("`workout` must name one of your submissions for Sat 28 Nov")
    assert await slots_of(club, ida) == [(team.sprints.id, "am", team.am.id, "typed")]


# ============================================================== plain chat
async def test_whats_todays_workout_for_a_group_member(club: Club, team: Team, clean_fake) -> None:
    [kit] = await members(club, ("Kit", (team.distance_runners,)))
    sent = await club.fake.send_message(
        kit, club.general, "what's today's workout?", mentions=[club.fake.bot_user]
    )
    answer = await club.fake.wait_for_message(
        club.general,
        lambda m: (m.message_reference or {}).get("message_id") == str(sent.id),
        timeout=15,
    )
    assert answer.content == f"Workouts for {DATE}: Distance, Team"
    assert [embed["title"] for embed in answer.embeds] == [
        "Distance: Tempo kms",
        "Team: Team miles",
    ]
    assert "Secret" not in answer.text() and answer.allowed_mentions["parse"] == []

    # By DM: the member lookup in the server where Kit used Trackside gives the roles.
    await _reply(club, kit, "splits mine", {})  # any use records the server
    dm = club.fake.dm_channel(kit)
    sent = await club.fake.send_message(kit, dm, "what's today's workout?")
    answer = await club.fake.wait_for_message(
        dm, lambda m: (m.message_reference or {}).get("message_id") == str(sent.id), timeout=15
    )
    assert answer.content == f"Workouts for {DATE}: Distance, Team"
