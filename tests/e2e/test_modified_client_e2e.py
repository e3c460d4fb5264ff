"""A modified client: out-of-range options and forged custom ids, end to end.

The issue: "A test that sends every option of every command values outside its
registered range and length (a client that ignores the registration) and
forged custom ids on every button and form: each gets a clear ephemeral reply;
nothing stored; no 'Something went wrong'."

Part 1, every option of every command (``fake.slash(..., unchecked=True)``).
``SPECS`` gives each synced command a valid set of options, who runs it (coach
commands as ``club.coach``, who has Manage Server; the rest as an athlete) and,
for each option, the kinds of hostile value it gets. One option at a time is
replaced by a value the official client would refuse:

* strings: one character over the registered ``max_length`` (if any) and
  10,000 characters (past Discord's own 6,000 cap on any option), both made of
  the *valid* value padded with spaces (``padded(...)``), so nothing but the
  length is wrong and only a length check can refuse them; and 10,000 ``x``
  (``x*10000``). Options with ``choices`` also get ``"bogus"``;
* integers (and numbers, should one appear): ``max_value + 1``,
  ``min_value - 1``, ``10**80``, ``-10**80`` and 0 when 0 is outside the range;
* users: a user who is in no guild, and an id that exists nowhere; channels: a
  channel of another guild, a channel of a type the option does not accept
  (voice, outside ``channel_types``), an id that exists nowhere; roles: a role
  of another guild, an id that exists nowhere; attachments (``/splits import``'s
  file): an attachment id Discord never resolved, and the id of something that
  is not an attachment (a message's), both with no ``resolved`` entry;
* booleans: nothing. A boolean has no value outside true/false, and the fake
  (like Discord) types a boolean option as a JSON boolean even for a modified
  client, so there is nothing out of range to send.

Parametrization is static (collected before the bot runs), so
``test_every_synced_option_has_a_rule`` derives the hostile kinds from the
*synced* command tree, guild and global, and fails naming any command or option
that is synced but missing from ``SPECS`` (or whose registration changed): a
command or option added later must join this test. The positive control,
``test_valid_options_are_accepted``: each command's valid options, sent by the
official client, get the command's answer, so every refusal above is caused by
the one hostile value.

Part 2, forged custom ids on every button and form
(``fake.forge_component`` / ``fake.forge_modal``, as an athlete of the club in
its channel, on the real workout post): the **Submit splits** button and its
form naming another server's workout, a scheduled (not posted) workout, ids out
of range or nowhere, garbage ids, an oversized form; and confirm buttons with
someone else as owner, an expired boot or time, another server's or a
teammate's submission, an unknown action; ``/config group remove``'s clicked
by an athlete or naming another server's group, or no group at all. A
positive control shows the real button still opens the form and a real
submission is stored.

For every hostile case: answered in time (no ``ack_deadline``), a private
reply with text only and without the command's answer (a refusal, not an
answer), no "Something went wrong" or error id, every table's rows
unchanged, and no bot message in any channel created or edited. Forged ids
must also not leak tomorrow's workout, nor touch the public post.

Product bugs found are listed in ``KNOWN_BUGS`` (strict xfail, with the cause).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
import pytest_asyncio

from cogs.splits.preview import NOT_YOURS
from db.copy import TableCopy
from loopback import (
    GUILD_VOICE,
    Channel,
    Guild,
    InteractionRecord,
    Member,
    Message,
    Role,
    User,
)
from loopback.sandbox import INVITE_PERMISSIONS
from tests.cogs.splits.watch.builders import interval_tcx
from tests.e2e.conftest import CLUB_START, Club

pytestmark = pytest.mark.asyncio(loop_scope="module")

SEED = "4 x 250m sprint + 1 x 300m"
ANA_SPLITS = "29.78 / 29.98 31.31 / 31.20 37.47"
# Tomorrow's workout: scheduled, not posted. Athletes must never see any of it.
SCHEDULED = "10 x 400m @ 68"
SCHEDULED_TITLE = "Secret Sunday ladder"
SCHEDULED_LEAKS = (SCHEDULED_TITLE, "Secret", "ladder", "400", "@ 68")
OTHER_WORKOUT = "6 x 200m"
OTHER_SPLITS = "30.1 30.2 30.3 30.4 30.5 30.6"
FUTURE = "2026-12-20"  # /wod post's valid date: neither today's post nor tomorrow's
TOMORROW = (CLUB_START.date() + timedelta(days=1)).isoformat()
TO_DELETE = "2026-12-21"  # /wod delete's valid date: the fixture schedules a workout there
# The seed session as a watch recorded it this morning: /splits import's valid file.
TODAY_TCX = interval_tcx(started=CLUB_START - timedelta(hours=3))

# Option types of Discord's application commands.
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = range(3, 12)
TYPE_NAMES = {
    STRING: "STRING",
    INTEGER: "INTEGER",
    BOOLEAN: "BOOLEAN",
    USER: "USER",
    CHANNEL: "CHANNEL",
    ROLE: "ROLE",
    MENTIONABLE: "MENTIONABLE",
    NUMBER: "NUMBER",
    ATTACHMENT: "ATTACHMENT",
}
HUGE = 10**80
LONG = 10_000  # past Discord's 6,000-character cap on any string option
NOWHERE_ID = 999_999_999_999_999_999  # a snowflake no user, role or channel has
REPLY_TIMEOUT = 15.0
BROKEN = ("Something went wrong", "error id")


# ===================================================================== the world


@dataclass
class World:
    """The club plus what the forged ids point at."""

    club: Club
    post: Message  # today's seed workout, posted publicly in #workouts
    posted_id: int
    scheduled_id: int
    ana_submission_id: int
    other_guild: Guild
    other_channel: Channel
    other_role: Role
    other_workout_id: int
    other_submission_id: int
    stranger: User  # a user in no guild
    voice: Channel  # a voice channel of the club: outside a text-channel option's types
    dee: Member  # Part 1's athlete
    cleo: Member  # the positive control's athlete
    group_id: int  # the club's training group "Jumps"
    other_group_id: int  # the rival club's group
    preview: Message  # Ana's open /splits import preview (private), never confirmed here
    preview_id: str  # its 16 hex digits, in its custom ids


GROUP_ID = "SELECT id FROM training_groups WHERE guild_id = :guild AND name = :name"


async def one_id(club: Club, sql: str, params: dict[str, Any]) -> int:
    return int(await club.value(sql, params))


async def answered(
    club: Club, who: Member, command: str, options: dict[str, Any], channel: Channel
) -> Message:
    itx = await club.fake.slash(who, command, options, channel=channel)
    reply = await itx.wait_reply(timeout=REPLY_TIMEOUT)
    assert not any(bad in reply.text() for bad in BROKEN), reply.text()
    return reply


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def world(club: Club) -> World:
    fake = club.fake
    other = fake.create_guild("Rival Club", bot_permissions=INVITE_PERMISSIONS)
    other_channel = fake.create_channel(other, "track")
    other_role = fake.create_role(other, "Rival coaches")
    rival = fake.create_member(other, "Rival Runner")
    other_owner = other.member(other.owner_id)
    assert other_owner is not None
    voice = fake.create_channel(club.guild, "Team voice", type=GUILD_VOICE)
    stranger = fake.create_user("Stranger")
    dee = fake.create_member(club.guild, "Dee")
    cleo = fake.create_member(club.guild, "Cleo")
    fake.create_member(other, club.ana.user)  # Ana runs in both: her preview is the club's
    await fake.sync_gateway()  # the bot knows the second server and the new channel

    await answered(club, club.coach, "wod post", {"workout": SEED}, club.workouts)
    await answered(
        club,
        club.coach,
        "wod post",
        {"workout": SCHEDULED, "title": SCHEDULED_TITLE, "date": "tomorrow"},
        club.workouts,
    )
    await answered(
        club, club.coach, "wod post", {"workout": "5k tempo", "date": TO_DELETE}, club.workouts
    )
    await answered(club, club.ana, "splits submit", {"splits": ANA_SPLITS}, club.workouts)
    await answered(
        club,
        other_owner,
        "wod post",
        {"workout": OTHER_WORKOUT, "title": "Rival 200s"},
        other_channel,
    )
    await answered(club, rival, "splits submit", {"splits": OTHER_SPLITS}, other_channel)
    await answered(club, club.coach, "config group add", {"name": "Jumps"}, club.workouts)
    await answered(club, other_owner, "config group add", {"name": "Rival jumps"}, other_channel)
    preview = await answered(
        club, club.ana, "splits import", {"file": ("today.tcx", TODAY_TCX)}, club.workouts
    )
    assert preview.ephemeral and preview.content.startswith("Preview (only you see it)")
    [preview_id] = {
        c["custom_id"].split(":")[3] for c in preview.iter_components() if c.get("custom_id")
    }

    guild_id = club.guild.id
    posted_id = await one_id(
        club,
        "SELECT id FROM workouts WHERE guild_id = :guild AND message_id IS NOT NULL",
        {"guild": guild_id},
    )
    message_id = await one_id(
        club, "SELECT message_id FROM workouts WHERE id = :id", {"id": posted_id}
    )
    post = fake.get_message(message_id)
    assert post is not None and post.find_component(f"trackside:splits:{posted_id}") is not None
    return World(
        club=club,
        post=post,
        posted_id=posted_id,
        scheduled_id=await one_id(
            club,
            "SELECT id FROM workouts WHERE guild_id = :guild AND local_date = :day",
            {"guild": guild_id, "day": TOMORROW},
        ),
        ana_submission_id=await one_id(
            club,
            "SELECT id FROM submissions WHERE guild_id = :guild AND athlete_id = :athlete",
            {"guild": guild_id, "athlete": club.ana.user.id},
        ),
        other_guild=other,
        other_channel=other_channel,
        other_role=other_role,
        other_workout_id=await one_id(
            club, "SELECT id FROM workouts WHERE guild_id = :guild", {"guild": other.id}
        ),
        other_submission_id=await one_id(
            club, "SELECT id FROM submissions WHERE guild_id = :guild", {"guild": other.id}
        ),
        stranger=stranger,
        voice=voice,
        dee=dee,
        cleo=cleo,
        group_id=await one_id(club, GROUP_ID, {"guild": guild_id, "name": "Jumps"}),
        other_group_id=await one_id(club, GROUP_ID, {"guild": other.id, "name": "Rival jumps"}),
        preview=preview,
        preview_id=preview_id,
    )


# ================================================================ the checks


@dataclass
class Snapshot:
    """The database and every bot message in every channel, before an action."""

    digest: list[TableCopy]
    messages: dict[int, tuple[int, str, str, str]] = field(default_factory=dict)

    @classmethod
    async def take(cls, club: Club) -> Snapshot:
        fake = club.fake
        return cls(
            digest=await club.digest(),
            messages={
                m.id: (m.edit_count, m.content, repr(m.embeds), repr(m.components))
                for channel in list(fake.channels.values())
                for m in fake.messages(channel)
                if m.author_id == fake.bot_user.id
            },
        )


async def expect_refusal(
    club: Club,
    send: Callable[[], Awaitable[InteractionRecord]],
    *,
    secrets: tuple[str, ...] = (),
    answer: str | None = None,
) -> Message:
    """Send one hostile interaction and check it was refused cleanly."""
    before = await Snapshot.take(club)
    itx = await send()
    reply = await itx.wait_reply(timeout=REPLY_TIMEOUT)
    text = reply.text()
    assert not itx.failed, f"not answered within Discord's 3 s: {text!r}"
    assert not itx.errors, itx.errors
    for bad in BROKEN:
        assert bad not in text, f"an unexpected error instead of a refusal: {text!r}"
    assert reply.ephemeral, f"answered publicly instead of refused privately: {text[:300]!r}"
    assert reply.content.strip(), "an empty refusal"
    assert not (reply.embeds or reply.attachments or reply.components), (
        f"answered (embeds, files or buttons) instead of refused: {text[:300]!r}"
    )
    if answer is not None:
        assert answer not in text, f"answered instead of refused: {text[:300]!r}"
    for secret in secrets:
        assert secret not in text, f"the refusal leaks {secret!r}: {text!r}"
    after = await Snapshot.take(club)
    assert after.digest == before.digest, f"refused ({text[:200]!r}) but the database changed"
    assert after.messages == before.messages, (
        f"refused ({text[:200]!r}) but a bot message was posted or edited"
    )
    return reply


# ======================================================= part 1: the table

TEXT = ("padded(10000)", "x*10000")  # a string option without max_length
BOUNDED = ("padded(max+1)", "padded(10000)", "x*10000")  # a string option with max_length
CHOICE = ("padded(10000)", "x*10000", "bogus")  # a string option with choices
BOOLEAN_OPTION: tuple[str, ...] = ()  # nothing is out of range for a boolean (see above)
A_USER = ("non-member", "nowhere")
A_TEXT_CHANNEL = ("other-guild", "wrong-type", "nowhere")
A_ROLE = ("other-guild", "nowhere")
A_FILE = ("nowhere", "not-an-attachment")  # an attachment option

Options = Callable[[World], dict[str, Any]]


@dataclass(frozen=True)
class Spec:
    """A command: who runs it, a valid set of options, the hostile kinds of each
    option, and text its answer to the valid options contains."""

    actor: str  # "coach" (Manage Server) or "dee" (an athlete)
    valid: Options
    hostile: dict[str, tuple[str, ...]]
    accepted: str


def _none(_: World) -> dict[str, Any]:
    return {}


SPECS: dict[str, Spec] = {
    "pace convert": Spec(
        "dee",
        lambda w: {"time": "37.47", "distance": "300m"},
        {"time": BOUNDED, "distance": BOUNDED},
        accepted="49.96 per 400 m",
    ),
    "pace laps": Spec(
        "dee",
        lambda w: {"time": "3:56.13", "distance": "mile", "lap": "400m"},
        {"time": BOUNDED, "distance": BOUNDED, "lap": BOUNDED},
        accepted="58.69 per 400 m",
    ),
    "pace predict": Spec(
        "dee",
        lambda w: {"time": "3:56.13", "distance": "mile", "target": "1500m", "sex": "male"},
        {"time": BOUNDED, "distance": BOUNDED, "target": BOUNDED, "sex": CHOICE},
        accepted="Riegel",
    ),
    "pace vdot": Spec(
        "dee",
        lambda w: {"time": "20:00", "distance": "5k"},
        {"time": BOUNDED, "distance": BOUNDED},
        accepted="VDOT 49.8",
    ),
    "pace score": Spec(
        "dee",
        lambda w: {"time": "49.96", "event": "400m", "sex": "male", "indoor": False},
        {"time": BOUNDED, "event": BOUNDED, "sex": CHOICE, "indoor": BOOLEAN_OPTION},
        accepted="World Athletics points",
    ),
    "pace agegrade": Spec(
        "dee",
        lambda w: {"time": "18:00", "distance": "5k", "age": 50, "sex": "female", "venue": "road"},
        {
            "time": BOUNDED,
            "distance": BOUNDED,
            "age": ("max+1", "min-1", "0", "10**80", "-10**80"),
            "sex": CHOICE,
            "venue": CHOICE,
        },
        accepted="% age grade",
    ),
    "pace history": Spec("dee", _none, {}, accepted="pace answers"),
    "wod post": Spec(
        "coach",
        lambda w: {
            "workout": "6 x 1 mile",
            "date": FUTURE,
            "title": "Mile repeats",
            "recovery": "3' jog",
            "notes": "Spikes on",
            "group": "Jumps",  # the world's training group
            "session": "pm",
        },
        {
            "workout": BOUNDED,
            "date": BOUNDED,
            "title": BOUNDED,
            "recovery": BOUNDED,
            "notes": BOUNDED,
            "group": BOUNDED,
            "session": BOUNDED,
        },
        accepted="Parsed: 6 × 1 mile",
    ),
    "wod today": Spec("dee", _none, {}, accepted="Workout for Saturday 28 November 2026"),
    "wod show": Spec(
        "dee",
        lambda w: {"date": "today"},
        {"date": BOUNDED},
        accepted="Workout for Saturday 28 November 2026",
    ),
    "wod list": Spec(
        "dee",
        lambda w: {"days": 7},
        {"days": ("max+1", "min-1", "10**80", "-10**80")},
        accepted="workout(s) in the next 7 days",
    ),
    "wod delete": Spec(
        "coach",
        lambda w: {"date": TO_DELETE},
        {"date": BOUNDED, "group": BOUNDED, "session": BOUNDED},
        accepted="Deleted the workout for Monday 21 December 2026",
    ),
    "splits submit": Spec(
        "dee",
        lambda w: {
            "splits": "29.78 29.98 31.31 31.20 37.47",
            "date": "today",
            "note": "windy",
            "workout": str(w.posted_id),  # what the autocomplete sends: the workout's id
        },
        {"splits": BOUNDED, "date": BOUNDED, "note": BOUNDED, "workout": BOUNDED},
        accepted="Dee: splits for Sat 28 Nov",
    ),
    # Only opens a private preview: stores nothing.
    "splits import": Spec(
        "dee",
        lambda w: {
            "file": ("today.tcx", TODAY_TCX),
            "date": "today",
            "workout": str(w.posted_id),  # what the autocomplete sends: the workout's id
        },
        {"file": A_FILE, "date": BOUNDED, "workout": BOUNDED},
        accepted="Preview (only you see it)",
    ),
    "splits mine": Spec(
        "dee",
        lambda w: {"limit": 10},
        {"limit": ("max+1", "min-1", "10**80", "-10**80")},
        accepted="Your recent splits",
    ),
    "splits board": Spec(
        "dee",
        lambda w: {"date": "today", "workout": str(w.posted_id)},
        {"date": BOUNDED, "workout": BOUNDED},
        accepted="Board for Sat 28 Nov",
    ),
    # Naming another athlete is for coaches (an athlete would be refused for that).
    "splits delete": Spec(
        "coach",
        lambda w: {"date": "today", "athlete": w.club.ana, "workout": str(w.posted_id)},
        {"date": BOUNDED, "athlete": A_USER, "workout": BOUNDED},
        accepted="Delete Ana's splits for Sat 28 Nov",
    ),
    "splits export": Spec(
        "dee",
        lambda w: {"since": "2026-11-01", "until": "today"},
        {"since": BOUNDED, "until": BOUNDED},
        accepted="split(s): your splits from 2026-11-01",
    ),
    "splits chart": Spec(
        "coach",
        lambda w: {"date": "today", "athlete": w.club.ana, "workout": str(w.posted_id)},
        {"date": BOUNDED, "athlete": A_USER, "workout": BOUNDED},
        accepted="Chart: Ana: Sat 28 Nov",
    ),
    "config channel": Spec(
        "coach",
        lambda w: {"channel": w.club.workouts},
        {"channel": A_TEXT_CHANNEL},
        accepted="Workouts will be posted in",
    ),
    # Not the current settings: an accepted change would show in the database.
    "config post-time": Spec(
        "coach",
        lambda w: {"time": "07:30"},
        {"time": BOUNDED},
        accepted="Scheduled workouts will be posted at 07:30",
    ),
    "config timezone": Spec(
        "coach",
        lambda w: {"timezone": "Europe/London"},
        {"timezone": BOUNDED},
        accepted="Timezone set to Europe/London",
    ),
    "config coach-role": Spec(
        "coach",
        lambda w: {"role": w.club.coach_role},
        {"role": A_ROLE},
        accepted="can now post and manage workouts",
    ),
    "config show": Spec("coach", _none, {}, accepted="Trackside settings"),
    "config group add": Spec(
        "coach",
        lambda w: {
            "name": "Hurdles",
            "role": w.club.coach_role,
            "channel": w.club.workouts,
            "ping": True,
        },
        {"name": BOUNDED, "role": A_ROLE, "channel": A_TEXT_CHANNEL, "ping": BOOLEAN_OPTION},
        accepted="Added the group “Hurdles”",
    ),
    # Only asks for confirmation: removes nothing.
    "config group remove": Spec(
        "coach",
        lambda w: {"name": "Jumps"},
        {"name": BOUNDED},
        accepted="Remove the group “Jumps”?",
    ),
    "help": Spec("dee", _none, {}, accepted="Trackside: commands"),
    # A person's own profile, across servers: an accepted change would show in the database.
    "profile set": Spec(
        "dee",
        lambda w: {
            "race_time": "20:00",
            "race_distance": "5k",
            "race_date": "2026-11-21",
            "birth_year": 1980,
            "sex": "female",
            "units": "metric",
        },
        {
            "race_time": BOUNDED,
            "race_distance": BOUNDED,
            "race_date": BOUNDED,
            "birth_year": ("max+1", "min-1", "0", "10**80", "-10**80"),
            "sex": CHOICE,
            "units": CHOICE,
        },
        accepted="Saved. Your profile",
    ),
    "profile show": Spec("dee", _none, {}, accepted="Your profile (only you see it)"),
    "profile delete": Spec("dee", _none, {}, accepted="Deleted your profile"),
    "ask": Spec(
        "dee",
        lambda w: {"question": "what is a tempo run?"},
        {"question": BOUNDED},
        accepted="Tempo run (threshold pace, T)",
    ),
}


def expected_kinds(definition: dict[str, Any]) -> tuple[str, ...] | None:
    """The hostile kinds an option's registration calls for; None for an
    option type this test has no rule for yet."""
    otype = definition["type"]
    if otype == STRING:
        kinds = ["padded(max+1)"] if definition.get("max_length") is not None else []
        kinds += ["padded(10000)", "x*10000"]
        if definition.get("choices"):
            kinds.append("bogus")
        return tuple(kinds)
    if otype in (INTEGER, NUMBER):
        low, high = definition.get("min_value"), definition.get("max_value")
        kinds = []
        if high is not None:
            kinds.append("max+1")
        if low is not None:
            kinds.append("min-1")
        zero_outside = (low is not None and low > 0) or (high is not None and high < 0)
        if zero_outside and (low is None or low - 1 != 0) and (high is None or high + 1 != 0):
            kinds.append("0")
        kinds += ["10**80", "-10**80"]
        return tuple(kinds)
    if otype == BOOLEAN:
        return BOOLEAN_OPTION
    if otype == USER:
        return A_USER
    if otype == CHANNEL:
        return A_TEXT_CHANNEL if definition.get("channel_types") else ("other-guild", "nowhere")
    if otype == ROLE:
        return A_ROLE
    if otype == ATTACHMENT:
        return A_FILE
    return None  # MENTIONABLE: no rule yet


def hostile_value(kind: str, definition: dict[str, Any], valid: Any, world: World) -> Any:
    """The value of ``kind`` for an option, from its synced ``definition``."""
    if kind == "padded(max+1)":
        return pad(str(valid), int(definition["max_length"]) + 1)
    if kind == "padded(10000)":
        return pad(str(valid), LONG)
    if kind == "x*10000":
        return "x" * LONG
    if kind == "bogus":
        return "bogus"
    if kind == "max+1":
        return definition["max_value"] + 1
    if kind == "min-1":
        return definition["min_value"] - 1
    if kind == "0":
        return 0
    if kind == "10**80":
        return HUGE
    if kind == "-10**80":
        return -HUGE
    if kind == "non-member":
        return world.stranger
    if kind == "nowhere":
        return NOWHERE_ID
    if kind == "other-guild":
        return world.other_channel if definition["type"] == CHANNEL else world.other_role
    if kind == "wrong-type":
        return world.voice
    if kind == "not-an-attachment":
        return world.post.id  # a snowflake, but a message's: resolved as no attachment
    raise AssertionError(f"no value for kind {kind!r}")


def pad(valid: str, length: int) -> str:
    """``valid`` made ``length`` characters long with trailing spaces: nothing
    but its length is wrong with it."""
    assert len(valid) < length, (valid, length)
    return valid + " " * (length - len(valid))


@dataclass(frozen=True)
class Case:
    command: str
    option: str
    kind: str

    def __str__(self) -> str:
        return f"{self.command}:{self.option}={self.kind}"


CASES = [
    Case(command, option, kind)
    for command, spec in SPECS.items()
    for option, kinds in spec.hostile.items()
    for kind in kinds
]

# ---------------------------------------------------- product bugs found here
# case id -> reason; strict xfail, so a fix turns the case into an XPASS
# failure and its entry must go.

# A product bug a case finds is listed here (case id → cause) and the case is
# a strict xfail until it is fixed. Empty: every case passes.
KNOWN_BUGS: dict[str, str] = {}


def _params() -> list[Any]:
    return [
        pytest.param(
            case,
            id=str(case),
            marks=[pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[str(case)])]
            if str(case) in KNOWN_BUGS
            else [],
        )
        for case in CASES
    ]


def synced_leaves(commands: list[dict[str, Any]]) -> dict[str, dict[str, dict[str, Any]]]:
    """Full command name -> option name -> synced definition, for chat commands."""
    leaves: dict[str, dict[str, dict[str, Any]]] = {}

    def walk(prefix: str, options: list[dict[str, Any]]) -> None:
        subs = [o for o in options if o["type"] in (1, 2)]
        if not subs:
            leaves[prefix] = {o["name"]: o for o in options}
        for sub in subs:
            walk(f"{prefix} {sub['name']}", sub.get("options") or [])

    for command in commands:
        if command.get("type", 1) == 1:
            walk(command["name"], command.get("options") or [])
    return leaves


def describe(definition: dict[str, Any]) -> str:
    shown = [TYPE_NAMES.get(definition["type"], str(definition["type"]))]
    for key in ("min_length", "max_length", "min_value", "max_value", "channel_types"):
        if definition.get(key) is not None:
            shown.append(f"{key}={definition[key]}")
    if definition.get("choices"):
        shown.append("choices")
    return ", ".join(shown)


def synced_option(club: Club, command: str, option: str) -> dict[str, Any]:
    leaves = synced_leaves(club.fake.commands(club.guild))
    assert command in leaves, f"/{command} is not synced to the club's server"
    assert option in leaves[command], f"/{command} has no synced option {option!r}"
    return leaves[command][option]


def actor(world: World, spec: Spec) -> Member:
    return world.club.coach if spec.actor == "coach" else getattr(world, spec.actor)


# ============================================== part 2: forged custom ids

Forge = Callable[[World], Awaitable[InteractionRecord]]


@dataclass(frozen=True)
class Forgery:
    name: str
    forge: Forge
    # A word of the refusal that shows the intended check refused it (None:
    # any clear refusal; e.g. a malformed id matches no route at all).
    reason: str | None = None

    def __str__(self) -> str:
        return self.name


def button(custom_id: Callable[[World], str], who: str = "ana") -> Forge:
    """A click with ``custom_id``, on the public workout post, by a member of the club."""

    async def forge(w: World) -> InteractionRecord:
        clicker = getattr(w.club, who)
        return await w.club.fake.forge_component(
            clicker, w.club.workouts, custom_id(w), message=w.post
        )

    return forge


GOOD_FORM = {"splits": "29.90 30.10 31.00 31.10 37.00", "note": "forged"}


def form(custom_id: Callable[[World], str], values: dict[str, str] | None = None) -> Forge:
    """A form submitted by Ana, as if opened from the public workout post."""

    async def forge(w: World) -> InteractionRecord:
        fields = GOOD_FORM if values is None else values
        return await w.club.fake.forge_modal(
            w.club.ana, w.club.workouts, custom_id(w), fields, message=w.post
        )

    return forge


def confirm(
    w: World,
    *,
    owner: int | str | None = None,
    target: int | str | None = None,
    boot: str | None = None,
    issued: int | str | None = None,
    action: str = "splits-delete",
) -> str:
    """A Delete button as /splits delete issues it: by default a live, well-formed
    one, owned by Ana, on her own submission."""
    owner = w.club.ana.user.id if owner is None else owner
    target = w.ana_submission_id if target is None else target
    boot = w.club.bot.boot_id if boot is None else boot
    issued = int(time.time()) if issued is None else issued
    return f"trackside:confirm:{action}:{boot}:{issued}:{owner}:{target}:yes"


def other_boot(w: World) -> str:
    return "00000000" if w.club.bot.boot_id != "00000000" else "ffffffff"


# The workout ids a forged Submit splits button or form names.
WORKOUT_IDS: list[tuple[str, Callable[[World], str], str | None]] = [
    ("other-guild", lambda w: str(w.other_workout_id), "this server"),
    ("scheduled", lambda w: str(w.scheduled_id), "posted"),
    ("80-digits", lambda w: "9" * 80, None),
    ("zero", lambda w: "0", None),
    ("nowhere", lambda w: str(NOWHERE_ID), None),
    ("2**63", lambda w: str(2**63), None),  # one past SQLite's largest row id
]
GARBAGE_BUTTONS = [
    ("abc", "trackside:splits:abc"),
    ("no-such-route", "trackside:nothing"),
    ("x*100", "x" * 100),
    ("the-form-id", "trackside:splitsform:{}"),  # the real workout's form id, on a button
]
GARBAGE_FORMS = [
    ("abc", "trackside:splitsform:abc"),
    ("no-such-route", "trackside:nothing"),
    ("x*100", "x" * 100),
    ("the-button-id", "trackside:splits:{}"),  # the real workout's button id, as a form
]


def _real_form(values: dict[str, str]) -> Forge:
    return form(lambda w: f"trackside:splitsform:{w.posted_id}", values)


FORGERIES: list[Forgery] = [
    *(
        Forgery(f"button:{label}", button(lambda w, i=ids: f"trackside:splits:{i(w)}"), reason)
        for label, ids, reason in WORKOUT_IDS
    ),
    *(
        Forgery(f"form:{label}", form(lambda w, i=ids: f"trackside:splitsform:{i(w)}"), reason)
        for label, ids, reason in WORKOUT_IDS
    ),
    # Garbage, and the real workout's form id on a button (and back).
    *(
        Forgery(f"button:garbage-{label}", button(lambda w, g=g: g.format(w.posted_id)))
        for label, g in GARBAGE_BUTTONS
    ),
    *(
        Forgery(f"form:garbage-{label}", form(lambda w, g=g: g.format(w.posted_id)))
        for label, g in GARBAGE_FORMS
    ),
    # The real posted workout, with what its form would never let through.
    Forgery(
        "form:real-4000-char-note",
        _real_form({"splits": GOOD_FORM["splits"], "note": ("felt strong " * 400)[:4000]}),
        "limit",
    ),
    Forgery(
        "form:real-5000-char-splits",
        _real_form({"splits": pad(GOOD_FORM["splits"], 5000), "note": "ok"}),
        "limit",
    ),
    Forgery(
        "form:real-both-oversized",
        _real_form({"splits": ("29.90 " * 1000)[:5000], "note": "x" * 4000}),
        "limit",
    ),
    Forgery("form:real-no-fields", _real_form({})),
    # Confirm buttons (the Delete of /splits delete's prompt), on the public post.
    Forgery(
        "confirm:owner-is-someone-else",
        button(lambda w: confirm(w, owner=w.club.ben.user.id)),
        "Only the person who asked",
    ),
    Forgery("confirm:wrong-boot", button(lambda w: confirm(w, boot=other_boot(w))), "expired"),
    Forgery(
        "confirm:issued-11-minutes-ago",
        button(lambda w: confirm(w, issued=int(time.time()) - 11 * 60)),
        "expired",
    ),
    Forgery(
        "confirm:issued-in-an-hour",
        button(lambda w: confirm(w, issued=int(time.time()) + 3600)),
        "expired",
    ),
    Forgery("confirm:issued-999999999999", button(lambda w: confirm(w, issued="9" * 12))),
    Forgery(
        "confirm:other-guild-submission",
        button(lambda w: confirm(w, target=w.other_submission_id)),
        "this server",
    ),
    # Ben's own live confirm, but naming Ana's submission: only coaches may.
    Forgery(
        "confirm:athlete-deletes-teammate",
        button(lambda w: confirm(w, owner=w.club.ben.user.id), who="ben"),
        "Only coaches",
    ),
    Forgery("confirm:unknown-action", button(lambda w: confirm(w, action="splits-purge"))),
    Forgery("confirm:target-zero", button(lambda w: confirm(w, target=0))),
    Forgery("confirm:target-20-digits", button(lambda w: confirm(w, target="9" * 20))),
    Forgery("confirm:owner-zero", button(lambda w: confirm(w, owner=0))),
    # The Remove of /config group remove's prompt: Manage Server, this server's group.
    Forgery(
        "confirm:group-remove-by-an-athlete",
        button(lambda w: confirm(w, action="group-remove", target=w.group_id)),
        "Manage Server",
    ),
    Forgery(
        "confirm:group-remove-other-guild-group",
        button(
            lambda w: confirm(
                w, action="group-remove", owner=w.club.coach.user.id, target=w.other_group_id
            ),
            who="coach",
        ),
        "this server",
    ),
    Forgery(
        "confirm:group-remove-nowhere",
        button(
            lambda w: confirm(
                w, action="group-remove", owner=w.club.coach.user.id, target=NOWHERE_ID
            ),
            who="coach",
        ),
        "this server",
    ),
]


# /splits import's private preview: its menu and buttons carry the boot id and
# the preview's id (trackside:import:<boot>:<preview>:laps|yes|no). Ana's open
# preview (``world.preview``) is what these name; none may store, change or
# close it. A forged click naming an unknown or stale preview on the preview's
# own message turns that message into "expired" (what a stale real click does),
# so those are sent on the public post.
SELECT = 3
SEED_LAPS = ["2", "4", "6", "8", "10"]


def import_id(w: World, action: str, *, boot: str | None = None, preview: str | None = None) -> str:
    """A custom id of Ana's preview, by default the real one for ``action``."""
    boot = w.club.bot.boot_id if boot is None else boot
    preview = w.preview_id if preview is None else preview
    return f"trackside:import:{boot}:{preview}:{action}"


def preview_click(
    custom_id: Callable[[World], str],
    *,
    who: str = "ana",
    on: str = "preview",
    values: list[str] | None = None,
) -> Forge:
    """A click with ``custom_id`` on Ana's private preview (``on="preview"``),
    on the public workout post (``"post"``), or in the rival server
    (``"rival"``, by Ana, who runs there too); with ``values``, as a select menu."""

    async def forge(w: World) -> InteractionRecord:
        kind = SELECT if values is not None else 2
        if on == "rival":
            return await w.club.fake.forge_component(
                w.club.ana.user, w.other_channel, custom_id(w), component_type=kind, values=values
            )
        message = w.preview if on == "preview" else w.post
        return await w.club.fake.forge_component(
            getattr(w.club, who),
            w.club.workouts,
            custom_id(w),
            component_type=kind,
            values=values,
            message=message,
        )

    return forge


NOT_YOURS_REASON = NOT_YOURS.split(" can ")[0]  # "Only the person who imported the file"
NOT_OFFERED = "doesn't offer"
MENU_VALUES: list[tuple[str, list[str]]] = [
    ("lap-not-offered", ["12"]),
    ("lap-zero", ["0"]),
    ("negative", ["-2"]),
    ("padded", [" 2"]),
    ("non-numeric", ["abc"]),
    ("80-digits", ["9" * 80]),
    ("duplicated", ["2", "2", "4", "6", "8"]),
    ("too-many", [str(n) for n in range(1, 27)]),
]

PREVIEW_FORGERIES: list[Forgery] = [
    # From before a restart (another boot id), or a preview that was never opened.
    Forgery(
        "preview:wrong-boot",
        preview_click(lambda w: import_id(w, "yes", boot=other_boot(w)), on="post"),
        "expired",
    ),
    Forgery(
        "preview:unknown-preview",
        preview_click(lambda w: import_id(w, "yes", preview="0123456789abcdef"), on="post"),
        "expired",
    ),
    # Someone else's preview: Ben names Ana's, on her message or on the post.
    *(
        Forgery(
            f"preview:someone-elses-{action}-on-{on}",
            preview_click(
                lambda w, a=action: import_id(w, a),
                who="ben",
                on=on,
                values=SEED_LAPS if action == "laps" else None,
            ),
            NOT_YOURS_REASON,
        )
        for action in ("yes", "laps", "no")
        for on in ("preview", "post")
    ),
    # Ana's own, real ids on another message than her preview, or in another server.
    *(
        Forgery(
            f"preview:{action}-on-another-message",
            preview_click(
                lambda w, a=action: import_id(w, a),
                on="post",
                values=SEED_LAPS if action == "laps" else None,
            ),
            "preview's message",
        )
        for action in ("yes", "laps", "no")
    ),
    Forgery(
        "preview:yes-in-another-server",
        preview_click(lambda w: import_id(w, "yes"), on="rival"),
        "this server",
    ),
    # The menu, on Ana's preview, sending what it never offered.
    *(
        Forgery(
            f"preview:menu-{label}",
            preview_click(lambda w: import_id(w, "laps"), values=values),
            NOT_OFFERED,
        )
        for label, values in MENU_VALUES
    ),
    Forgery(
        "preview:menu-no-values",
        preview_click(lambda w: import_id(w, "laps"), values=[]),
        "at least one lap",
    ),
    Forgery(
        "preview:menu-as-a-button",
        preview_click(lambda w: import_id(w, "laps")),
        "at least one lap",
    ),
    # Malformed: match no route.
    Forgery("preview:unknown-action", preview_click(lambda w: import_id(w, "purge"), on="post")),
    Forgery(
        "preview:15-hex-id",
        preview_click(lambda w: import_id(w, "yes", preview=w.preview_id[:15]), on="post"),
    ),
    Forgery(
        "preview:upper-case-id",
        preview_click(lambda w: import_id(w, "yes", preview=w.preview_id.upper()), on="post"),
    ),
]
FORGERIES += PREVIEW_FORGERIES


# ======================================================================= tests
# Part 2 first: even the values Part 1 finds accepted never touch today's post,
# tomorrow's workout or Ana's splits, but the forged ids must name them as set up.


def shown(message: Message) -> tuple[int, str, str, str]:
    return (message.edit_count, message.content, repr(message.embeds), repr(message.components))


@pytest.mark.parametrize("forgery", FORGERIES, ids=str)
async def test_forged_custom_id_is_refused(world: World, clean_fake, forgery: Forgery) -> None:
    club = world.club
    post_before = (world.post.content, repr(world.post.embeds), repr(world.post.components))
    edits_before = world.post.edit_count
    preview_before = shown(world.preview)
    reply = await expect_refusal(club, lambda: forgery.forge(world), secrets=SCHEDULED_LEAKS)
    assert reply.id != world.preview.id, "answered by editing Ana's private preview"
    assert shown(world.preview) == preview_before, "Ana's private preview changed"
    if forgery.reason is not None:
        assert forgery.reason.lower() in reply.content.lower(), (
            f"refused, but not by the check meant to refuse it: {reply.content!r}"
        )
    assert not world.post.deleted
    assert world.post.edit_count == edits_before, "the workout post was edited"
    assert (
        world.post.content,
        repr(world.post.embeds),
        repr(world.post.components),
    ) == post_before, "the workout post changed"


@pytest.mark.parametrize("case", _params())
async def test_out_of_range_option_is_refused(world: World, clean_fake, case: Case) -> None:
    club = world.club
    spec = SPECS[case.command]
    definition = synced_option(club, case.command, case.option)
    options = spec.valid(world)
    options[case.option] = hostile_value(
        case.kind, definition, options.get(case.option, "x"), world
    )
    await expect_refusal(
        club,
        lambda: club.fake.slash(
            actor(world, spec), case.command, options, channel=club.workouts, unchecked=True
        ),
        answer=spec.accepted,
    )


async def test_every_synced_option_has_a_rule(world: World, clean_fake) -> None:
    """The static table covers the synced tree exactly: a new command or option
    (or a changed registration) fails here until it joins ``SPECS``."""
    club = world.club
    problems: list[str] = []
    scopes = {"guild": club.fake.commands(club.guild), "global": club.fake.commands(None)}
    for scope, commands in scopes.items():
        leaves = synced_leaves(commands)
        assert leaves, f"no {scope} commands synced"
        for name, options in leaves.items():
            spec = SPECS.get(name)
            if spec is None:
                problems.append(
                    f"/{name} ({scope}) is synced but has no entry in SPECS: give it a valid "
                    "set of options and a rule for each option"
                )
                continue
            for option, definition in options.items():
                expected = expected_kinds(definition)
                if expected is None:
                    problems.append(
                        f"/{name} {option} ({describe(definition)}): no rule for this option "
                        "type; teach expected_kinds() and hostile_value() what to send"
                    )
                elif option not in spec.hostile:
                    problems.append(
                        f"/{name} {option} ({describe(definition)}) has no rule: add "
                        f"{option!r}: {expected} to SPECS[{name!r}].hostile"
                    )
                elif tuple(sorted(spec.hostile[option])) != tuple(sorted(expected)):
                    problems.append(
                        f"/{name} {option} ({describe(definition)}): SPECS lists "
                        f"{spec.hostile[option]}, its registration calls for {expected}"
                    )
            for option in spec.hostile:
                if option not in options:
                    problems.append(f"/{name} {option}: in SPECS but not synced ({scope})")
        for name in SPECS:
            if name not in leaves:
                problems.append(f"/{name}: in SPECS but not synced ({scope})")
    assert not problems, "\n".join(dict.fromkeys(problems))
    ids = {str(case) for case in CASES}
    assert len(ids) == len(CASES), "two cases share an id"
    assert not set(KNOWN_BUGS) - ids, f"KNOWN_BUGS names no case: {set(KNOWN_BUGS) - ids}"


# ============================================================ positive controls
# Last: they store and change things, and nothing above depends on them.


@pytest.mark.parametrize("command", list(SPECS))
async def test_valid_options_are_accepted(world: World, clean_fake, command: str) -> None:
    """The official client's valid options get the command's answer: each
    refusal above is caused by the one hostile value."""
    club = world.club
    spec = SPECS[command]
    if command == "wod delete":  # whatever happened above, there is one to delete
        await answered(
            club, club.coach, "wod post", {"workout": "5k tempo", "date": TO_DELETE}, club.workouts
        )
    if command in ("profile show", "profile delete"):  # a profile to show or delete
        await answered(club, world.dee, "profile set", {"units": "metric"}, club.workouts)
    if command == "splits mine":  # Dee's own splits to list, whether or not /splits submit ran
        await answered(
            club,
            world.dee,
            "splits submit",
            {"splits": "250m: 30.10 / 30.20", "date": "yesterday"},
            club.workouts,
        )
    itx = await club.fake.slash(
        actor(world, spec), command, spec.valid(world), channel=club.workouts
    )
    reply = await itx.wait_reply(timeout=REPLY_TIMEOUT)
    assert spec.accepted in reply.text(), reply.text()[:500]


async def test_the_real_button_still_works(world: World, clean_fake) -> None:
    club = world.club
    custom_id = f"trackside:splits:{world.posted_id}"
    itx = await club.fake.click(world.cleo, world.post, custom_id)
    await itx.wait_response()
    assert (
        itx.modal is not None
        and itx.modal["custom_id"] == f"trackside:splitsform:{world.posted_id}"
    )
    submitted = await club.fake.submit_modal(
        world.cleo, itx, {"splits": "31.00 31.10 31.20 31.30 39.00", "note": "control"}
    )
    reply = await submitted.wait_reply(timeout=REPLY_TIMEOUT)
    assert not reply.ephemeral and "Cleo" in reply.text(), reply.text()
    rows = await club.rows(
        "SELECT workout_id, note FROM submissions WHERE athlete_id = :athlete",
        {"athlete": world.cleo.user.id},
    )
    assert [(r["workout_id"], r["note"]) for r in rows] == [(world.posted_id, "control")]


async def test_the_real_preview_still_works(world: World, clean_fake) -> None:
    """After every forgery above, Ana's preview still opens its menu and
    stores on Confirm: the refusals were the checks, not a broken preview."""
    club = world.club
    preview = world.preview
    changed = await club.fake.click(
        club.ana, preview, import_id(world, "laps"), values=["1", "4", "6", "8", "10"]
    )
    assert (await changed.wait_reply(timeout=REPLY_TIMEOUT)).id == preview.id
    assert "Selected laps 1, 4, 6, 8, 10" in preview.text()
    confirmed = await club.fake.click(club.ana, preview, import_id(world, "yes"))
    [public] = await confirmed.wait_followups(1, timeout=REPLY_TIMEOUT)
    assert not public.ephemeral and public.content.startswith("Ana updated their splits")
    rows = await club.rows(
        "SELECT s.source, p.time_ms FROM submissions s JOIN splits p ON p.submission_id = s.id"
        " WHERE s.id = :id ORDER BY p.rep",
        {"id": world.ana_submission_id},
    )
    assert [(r["source"], int(r["time_ms"])) for r in rows] == [
        ("file", 540000),
        ("file", 29980),
        ("file", 31310),
        ("file", 31200),
        ("file", 37470),
    ]
