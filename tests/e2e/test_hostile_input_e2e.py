"""Hostile input through the real command path (issue #8, part A).

Every text option of every command, the **Submit splits** form's fields and
plain-chat messages are fuzzed with hypothesis. Each example goes through the
loopback Discord as INTERACTION_CREATE (or MESSAGE_CREATE) to the real bot, and
for every example we check what a user and Discord would see:

* never crashes: the interaction is acknowledged in time, no "something went
  wrong" / error-id reply, no Discord rule broken (``fake.violations``);
* never pings: every message the bot sends or edits has allowed mentions with
  an empty ``parse`` and no user or role ids, and mentions nobody;
* never corrupts a layout: a code block the bot opens is balanced and user
  text cannot open or close one inside it; titles and athletes' notes are shown
  on one line with markdown escaped (the fake enforces the size limits);
* never stores garbage: a rejected input leaves every table's rows unchanged
  (``db.copy.digests``, on SQLite and on PostgreSQL); an accepted title or
  note is stored as given (bounded by the option's length) and read-only
  commands never write.

Each example is classified as accepted or rejected, and each target declares
which of the two it can have (``expect``): both, unless its input is free text
every value of which is valid (a title, a note, a display name). A target
fails unless every expected outcome happened at least once among its examples
and no other did, so the properties of both paths are known to have run.

Hypothesis does not drive coroutines, so each property runs in a worker
thread (``asyncio.to_thread``) and submits its coroutines to the module's event
loop with ``asyncio.run_coroutine_threadsafe``. ``derandomize=True`` and no
example database make every run the same examples (CI-stable).
"""

from __future__ import annotations

import asyncio
import re
import time
from collections import Counter
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, TypeVar

import discord
import pytest
import pytest_asyncio
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.domain.dates import parse_date
from bot.domain.distance import parse_distance
from bot.domain.errors import InputError
from bot.domain.times import parse_time
from db.base import Params, Row
from db.copy import TableCopy
from db.groups import GroupQueries
from db.profiles import Profiles
from loopback import Channel, InteractionRecord, Member, Message
from tests.cogs.splits.watch.builders import interval_tcx
from tests.e2e.conftest import CLUB_START, Club

pytestmark = pytest.mark.asyncio(loop_scope="module")

T = TypeVar("T")

SEED = "4 x 250m sprint + 1 x 300m"
SEED_TITLE = "Sprint session"
SEED_SPLITS = "29.78 / 29.98 31.31 / 31.20 37.47"
TODAY: date = CLUB_START.date()
# /wod post fuzzing of the workout text goes to a future day, so the posted
# seed (its button, its form) stays what the other targets submit against.
FUTURE = "2026-12-15"
# The seed session as a watch recorded it this morning: /splits import's file.
TODAY_TCX = ("today.tcx", interval_tcx(started=CLUB_START - timedelta(hours=3)))

# How many examples each target gets: the whole file stays well under 40 s on
# 2 cores (each example is one or two real interactions and a database read).
EXAMPLES = 40
LOOP_TIMEOUT = 30.0  # seconds one example's coroutine may take (charts render in a thread)

# ----------------------------------------------------------------- hostile text
LONG = 4000
NASTY: list[str] = [
    "\u200b",  # zero-width space
    "\ufeff",  # byte-order mark / zero-width no-break space
    "\u202e",  # right-to-left override
    "\u200f",  # right-to-left mark
    "@everyone",
    "@here",
    "<@123>",
    "<@&456>",
    "```",
    "`",
    "**",
    "||",
    "> ",
    "# ",
    "-# ",
    "~~",
    "_",
    "%",
    "\\",
    "'; DROP TABLE workouts;--",
    '"; DELETE FROM submissions; --',
    "\n",
    "\r\n",
    "\t",
    "\x00",
    "\x01",
    "\x1b[2J",
    "\x7f",
    "\u0085",
    "\u2028",
    "\U0001f3c3",  # 🏃
    "e\u0301",  # combining accent
    " ",
]
# Valid pieces, so hostile text also reaches the paths that accept input
# ("37.47" + RTL mark, "today" + a zero-width space).
VALID: list[str] = [
    "37.47",
    "3:56.13",
    "300m",
    "1500",
    "mile",
    "5k",
    "today",
    "yesterday",
    "2026-11-27",
    "06:00",
    "Europe/Berlin",
    "4 x 250m",
    "29.78",
    "30",
    "per 400",
    "what's 37.47 for 300m per 400?",
    "3:56.13 mile, what 1500 is that?",
    "what's today's workout?",
    "my best 300",
]
piece = st.sampled_from(NASTY + VALID)
nasty = st.sampled_from(NASTY)
hostile_text: st.SearchStrategy[str] = st.one_of(
    # A valid value dressed in hostile text: reaches the paths that accept input.
    st.tuples(nasty, st.sampled_from(VALID), nasty).map("".join),
    st.tuples(nasty, st.sampled_from(VALID), nasty).map(" ".join),
    st.lists(piece, min_size=1, max_size=6).map("".join),
    st.lists(piece, min_size=1, max_size=6).map(" ".join),
    st.text(
        alphabet=st.one_of(st.sampled_from("".join(NASTY)), st.characters(codec="utf-8")),
        min_size=1,
        max_size=40,
    ),
    # 4,000 characters: a fragment repeated, cut to length.
    piece.map(lambda p: (p * LONG)[:LONG]),
)

# Padding a valid value may carry; a parser should still accept it.
PADDING = ["", " ", "  ", "\t", "\n", "\u00a0"]


def dressed(valid: tuple[str, ...]) -> st.SearchStrategy[str]:
    """A valid value of one option, padded or in another case: the accepted
    path, where the value is used (and stored) rather than rejected."""
    return st.tuples(
        st.sampled_from(PADDING), st.sampled_from(valid), st.sampled_from(PADDING), st.booleans()
    ).map(lambda t: t[0] + (t[1].upper() if t[3] else t[1]) + t[2])


def half_valid(valid: tuple[str, ...]) -> st.SearchStrategy[str]:
    """Half hostile text, half dressed valid values (``one_of`` would flatten
    hostile_text's branches and give the valid ones a sixth)."""
    return st.booleans().flatmap(lambda hostile: hostile_text if hostile else dressed(valid))


# Examples that found bugs (or pin the brief's list): always run, first.
PINNED: list[str] = [
    "x" * LONG,
    "\u200b" * LONG,
    "@everyone @here <@123> <@&456>",
    "```",
    "note ``` closes the table",
    "**bold** ||spoiler|| > quote # heading _u_ ~~s~~",
    "'; DROP TABLE workouts;--",
    "% _ \\",
    "\u202eevil\u200f",
    "\ufeff37.47",
    "line\n# heading\n> quote",
    "\x00\x01\x7f",
]
# Questions the chat reads and answers (so they are stored in the asker's
# history) with control characters in them: PostgreSQL's text cannot hold NUL.
CHAT_PINNED: list[str] = [
    "what's 37.47 for 300m per 400?\x00",
    "\x00\x01 3:56.13 mile, what 1500 is that?\x7f",
]


def pinned(*values: str) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Stack ``@example(value)`` for each pinned value (applied in order)."""

    def decorate(test: Callable[..., T]) -> Callable[..., T]:
        for value in reversed(values):
            test = example(value)(test)
        return test

    return decorate


FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# ----------------------------------------------------------------- outcomes

# What an example did with its input, and which outcomes a target declares.
ACCEPTED, REJECTED = "accepted", "rejected"
BOTH: frozenset[str] = frozenset({ACCEPTED, REJECTED})
# Free text (a title, a note, a display name): any value the official client
# can send (``fit`` cuts it to the option's max_length) is valid, so a
# rejection would be a bug and there is no rejected path to reach.
ONLY_ACCEPTED: frozenset[str] = frozenset({ACCEPTED})

# ----------------------------------------------------------------- inspection


def one_line(text: str) -> str:
    """The documented display form of a title or an athlete's note: one line,
    whitespace runs collapsed, markdown escaped (see bot/replies.py ``inline_text``)."""
    return discord.utils.escape_markdown(" ".join(text.split()))


def db_digest(run: Runner, club: Club) -> list[TableCopy]:
    """Every table's digest, read through the bot's database on the module's
    loop (from hypothesis's worker thread)."""
    return run(club.digest())


def db_rows(run: Runner, club: Club, sql: str, params: Params | None = None) -> list[Row]:
    """Rows of a portable query (``:name`` parameters), read as ``db_digest``."""
    return run(club.rows(sql, params))


def texts_of(message: Message) -> list[str]:
    """Every piece of text Discord renders for a message, each checked on its own
    (a code block cannot span two fields)."""
    parts = [message.content]
    for embed in message.embeds:
        parts += [str(embed.get("title", "")), str(embed.get("description", ""))]
        for embed_field in embed.get("fields") or []:
            parts += [str(embed_field.get("name", "")), str(embed_field.get("value", ""))]
        parts.append(str((embed.get("footer") or {}).get("text", "")))
    return [part for part in parts if part]


# An unescaped run of three backticks (escape_markdown writes \`\`\`).
_FENCE = re.compile(r"(?<!\\)```")


def check_fences(text: str) -> None:
    """A code block the bot opens is a line of exactly three backticks, and so is
    its close. Where the bot opened one, every fence in the text must be such a
    line and they must pair up: user text can neither close the bot's block nor
    open a new one that swallows what follows."""
    fences = [m.start() for m in _FENCE.finditer(text)]
    lines = [
        start
        for start in fences
        if (start == 0 or text[start - 1] == "\n")
        and (start + 3 == len(text) or text[start + 3] == "\n")
    ]
    if not lines:
        return  # the bot opened no block here (e.g. a coach's own workout text)
    assert fences == lines, f"a code fence from user text inside a bot table:\n{text}"
    assert len(lines) % 2 == 0, f"unbalanced code block:\n{text}"


def check_message(message: Message) -> None:
    """Never pings, never an unexpected error, never a broken table."""
    allowed = message.allowed_mentions
    assert allowed is not None, f"message {message.id} has no allowed_mentions: {message.content!r}"
    assert allowed.get("parse") == [], allowed
    assert not allowed.get("users") and not allowed.get("roles"), allowed
    assert message.mentions == [] and message.mention_roles == []
    for text in texts_of(message):
        assert "error id" not in text and "Something went wrong" not in text, text
        check_fences(text)


@dataclass
class Watch:
    """The bot's messages in the club's channels before an action, to find what
    it posted or edited because of it (edits keep their old id)."""

    channels: list[Channel]
    seen: dict[int, int] = field(default_factory=dict)

    def start(self, club: Club) -> None:
        self.seen = {
            m.id: m.edit_count
            for channel in self.channels
            for m in club.fake.messages(channel)
            if m.author_id == club.fake.bot_user.id
        }

    def changed(self, club: Club) -> list[Message]:
        return [
            m
            for channel in self.channels
            for m in club.fake.messages(channel)
            if m.author_id == club.fake.bot_user.id and self.seen.get(m.id, -1) != m.edit_count
        ]


async def finish(club: Club, itx: InteractionRecord, watch: Watch) -> Message:
    """Wait for the reply and check everything the bot said for this interaction."""
    reply = await itx.wait_reply(timeout=LOOP_TIMEOUT)
    assert not itx.failed and not itx.errors, (itx.failed, itx.errors)
    for message in [*([itx.original] if itx.original else []), *itx.followups]:
        check_message(message)
    for message in watch.changed(club):
        check_message(message)
    problems = club.fake.take_violations()
    assert not problems and not club.fake.unknown_routes, problems
    return reply


def fit(club: Club, command: str, option: str, value: str) -> str:
    """Cut ``value`` to the option's synced max_length, as Discord's client does
    (a user cannot send more)."""
    top, *subs = command.split(" ")
    options = next(
        (c.get("options") or [] for c in club.fake.commands(club.guild) if c["name"] == top), []
    )
    for sub in subs:  # a subcommand, or a group and its subcommand ("config group add")
        options = next((o.get("options") or [] for o in options if o["name"] == sub), [])
    for definition in options:
        if definition["name"] == option and definition.get("max_length"):
            return value[: definition["max_length"]]
    return value


# ----------------------------------------------------------------- the harness


class Runner:
    """Runs coroutines on the module's loop from hypothesis's worker thread."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop

    def __call__(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(LOOP_TIMEOUT)


async def in_thread(
    name: str, property_test: Callable[[], None], outcomes: Counter[str], expect: frozenset[str]
) -> None:
    """Run a hypothesis test in a worker thread; report how long it took and how
    many examples were accepted and rejected, and check that every outcome in
    ``expect`` happened at least once and no other did (so the checks of each
    path the target declares have actually run)."""
    assert expect and expect <= BOTH, expect
    started = time.perf_counter()
    await asyncio.to_thread(property_test)
    took = time.perf_counter() - started
    print(f"[hostile] {name}: {took:.2f} s, {dict(sorted(outcomes.items()))}")
    assert sum(outcomes.values()) >= EXAMPLES, outcomes
    missing = sorted(expect - set(outcomes))
    assert not missing, (
        f"{name}: no example was {' or '.join(missing)} ({dict(outcomes)}): "
        "that path's checks never ran; add valid values or a pinned example"
    )
    unexpected = sorted(set(outcomes) - expect)
    assert not unexpected, (
        f"{name}: declared {sorted(expect)} only, but examples were "
        f"{' and '.join(unexpected)} ({dict(outcomes)})"
    )


async def seed_post(club: Club) -> Message:
    """The posted seed's message (read on the loop, which owns the fake's state)."""
    return next(
        m
        for m in reversed(club.fake.messages(club.workouts))
        if m.author_id == club.fake.bot_user.id and m.buttons()
    )


async def slash(club: Club, who: Member, command: str, options: dict[str, Any]) -> Message:
    itx = await club.fake.slash(who, command, options, channel=club.workouts)
    return await itx.wait_reply()


async def restore_seed(club: Club) -> None:
    """Today's seed workout, posted, with UTC and 06:00: what every target starts from."""
    club.fake.take_violations()
    await slash(club, club.coach, "config timezone", {"timezone": "UTC"})
    await slash(club, club.coach, "config post-time", {"time": "06:00"})
    await slash(club, club.coach, "wod post", {"workout": SEED, "title": SEED_TITLE})


@pytest_asyncio.fixture(loop_scope="module", scope="module", autouse=True)
async def seeded(club: Club) -> None:
    await slash(club, club.coach, "config channel", {"channel": club.workouts})
    await slash(club, club.coach, "config group add", {"name": "Jumps"})
    await restore_seed(club)
    await slash(club, club.ana, "splits submit", {"splits": SEED_SPLITS})


@pytest_asyncio.fixture(loop_scope="module")
async def run(club: Club) -> Runner:
    club.fake.take_violations()
    return Runner(asyncio.get_running_loop())


# ----------------------------------------------------------------- slash targets


@dataclass(frozen=True)
class Target:
    """One text option of one command, fuzzed with the other options valid."""

    command: str
    option: str
    base: dict[str, object]  # other options: strings, or an int such as an age
    actor: str = "ana"  # attribute of Club
    # What to check after an example (besides the common properties).
    check: str = "read_only"
    # Valid values of the option, fuzzed padded (so the accepted path runs too).
    valid: tuple[str, ...] = ()
    # The outcomes its examples must show (see ONLY_ACCEPTED for free text).
    expect: frozenset[str] = BOTH

    @property
    def id(self) -> str:
        return f"{self.command.replace(' ', '-')}:{self.option}"


TIMES = ("37.47", "3:56.13", "4:05", "45'", "2h05m30s")
DISTANCES = ("300m", "1500", "mile", "1.5k", "5k", "half marathon")
LAPS = ("400m", "200", "1k")
DATES = ("today", "yesterday", "friday", "2026-11-27")
# Matches today's seed and, with its distances, a day without a workout.
LABELLED = "250m: 30 / 30 / 30 / 30; 300m: 37"
SPLITS = (SEED_SPLITS, "29.78/29.98/31.31/31.20, 37.47", LABELLED)
ASK = (
    "what's 37.47 for 300m per 400?",
    "what is a tempo run?",
    "what pace should my tempo runs be?",
    "how was my week?",
)
RACE_TIMES = ("20:00", "17:30", "25:00", "19:59.9")  # a 5K's, within the VDOT tables
RACE_DISTANCES = ("5k", "5000", "3000", "3k", "5 km")  # 20:00 for each is within them

TARGETS: list[Target] = [
    # /pace: rejected input stores nothing; an answer stores one history row.
    Target("pace convert", "time", {"distance": "300m"}, check="pace", valid=TIMES),
    Target("pace convert", "distance", {"time": "37.47"}, check="pace", valid=DISTANCES),
    Target("pace laps", "time", {"distance": "mile"}, check="pace", valid=TIMES),
    Target("pace laps", "distance", {"time": "3:56.13"}, check="pace", valid=DISTANCES),
    Target("pace laps", "lap", {"time": "3:56.13", "distance": "mile"}, "ana", "pace", LAPS),
    Target("pace predict", "time", {"distance": "mile"}, check="pace", valid=TIMES),
    Target("pace predict", "distance", {"time": "3:56.13"}, check="pace", valid=DISTANCES),
    Target(
        "pace predict", "target", {"time": "3:56.13", "distance": "mile"}, "ana", "pace", DISTANCES
    ),
    Target("pace vdot", "time", {"distance": "5k"}, check="pace", valid=("20:00", "17:30")),
    Target("pace vdot", "distance", {"time": "20:00"}, check="pace", valid=("5k", "3000")),
    Target("pace score", "time", {"event": "400m"}, check="pace", valid=("49.96", "49.8")),
    Target("pace score", "event", {"time": "49.96"}, check="pace", valid=("400m", "mile", "10k")),
    Target(
        "pace agegrade",
        "time",
        {"distance": "5k", "age": 50, "sex": "female"},
        check="pace",
        valid=("18:00", "16:23"),
    ),
    Target(
        "pace agegrade",
        "distance",
        {"time": "18:00", "age": 50, "sex": "female"},
        check="pace",
        valid=("5k", "5000", "half"),
    ),
    # /wod
    # A coach's workout text, title, recovery and notes are free text: any
    # text is stored as typed (a workout the parser cannot read is kept as
    # free text), so they can only be accepted.
    Target("wod post", "workout", {"date": FUTURE}, "coach", "wod_post", expect=ONLY_ACCEPTED),
    Target("wod post", "date", {"workout": SEED, "title": SEED_TITLE}, "coach", "wod_post", DATES),
    Target("wod post", "title", {"workout": SEED}, "coach", "wod_post", expect=ONLY_ACCEPTED),
    Target(
        "wod post",
        "recovery",
        {"workout": SEED, "title": SEED_TITLE},
        "coach",
        "wod_post",
        expect=ONLY_ACCEPTED,
    ),
    Target(
        "wod post",
        "notes",
        {"workout": SEED, "title": SEED_TITLE},
        "coach",
        "wod_post",
        expect=ONLY_ACCEPTED,
    ),
    Target("wod show", "date", {}, valid=DATES),
    # /splits
    Target("splits submit", "splits", {}, check="submit", valid=SPLITS),
    Target("splits submit", "date", {"splits": LABELLED}, "ana", "submit", DATES),
    # An athlete's note is free text, stored as typed (stripped).
    Target("splits submit", "note", {"splits": SEED_SPLITS}, check="submit", expect=ONLY_ACCEPTED),
    Target("splits board", "date", {}, valid=DATES),
    Target("splits delete", "date", {}, valid=DATES),  # only asks for confirmation: writes nothing
    Target("splits chart", "date", {}, valid=("today",)),
    # `workout`: an id from the autocomplete, or a label typed ("Team": today's seed).
    Target("splits submit", "workout", {"splits": SEED_SPLITS}, check="submit", valid=("Team",)),
    Target("splits board", "workout", {}, valid=("Team", "team")),
    Target("splits delete", "workout", {}, valid=("Team",)),  # only asks for confirmation
    Target("splits chart", "workout", {}, valid=("Team",)),
    Target("splits export", "since", {}, valid=DATES),
    Target("splits export", "until", {}, valid=DATES),
    # Only opens a private preview (kept in memory): writes nothing.
    Target("splits import", "date", {"file": TODAY_TCX}, valid=DATES),
    Target("splits import", "workout", {"file": TODAY_TCX}, valid=("Team", "team")),
    # /ask: the chat's answers, privately. A pace question is kept in the
    # asker's history (accepted); anything else stores nothing (rejected).
    Target("ask", "question", {}, check="ask", valid=ASK),
    # /profile set: an accepted reference performance is stored (then removed
    # again, so every example starts without a profile); a refused one stores nothing.
    Target("profile set", "race_time", {"race_distance": "5k"}, "ana", "profile", RACE_TIMES),
    Target(
        "profile set", "race_distance", {"race_time": "20:00"}, "ana", "profile", RACE_DISTANCES
    ),
    Target(
        "profile set",
        "race_date",
        {"race_time": "20:00", "race_distance": "5k"},
        "ana",
        "profile",
        DATES,
    ),
    # /config (restored after each accepted example: the timezone moves "today")
    Target("config post-time", "time", {}, "coach", "config", ("06:00", "17:30")),
    Target("config timezone", "timezone", {}, "coach", "config", ("UTC", "Etc/UTC")),
    # A group's name is shown back as typed; each accepted group is removed again.
    Target("config group add", "name", {}, "coach", "group_add", ("Sprints", "Middle distance")),
    Target("config group remove", "name", {}, "coach", valid=("Jumps",)),  # only asks
    # Destructive last: a date that parses may delete today's seed (restored).
    Target("wod delete", "date", {}, "coach", "wod_delete", ("today",)),
]


def _accepted_date(text: str | None, direction: str) -> date | None:
    try:
        return parse_date(text or "today", TODAY, direction=direction)  # type: ignore[arg-type]
    except InputError:
        return None


def as_stored(typed: str) -> str:
    """Text as Trackside stores it: as typed, but for NUL (U+0000), which
    PostgreSQL's text cannot hold and which means nothing in a note."""
    return typed.replace("\x00", "")


def after_example(
    club: Club, run: Runner, target: Target, options: dict[str, str], reply: Message, before: str
) -> str:
    """The storage property of ``target`` for one example; returns whether
    the input was accepted or rejected (checked against ``target.expect``)."""
    after = db_digest(run, club)
    value = options[target.option]
    if target.check == "read_only":
        assert after == before, f"/{target.command} wrote to the database"
        if "Example:" in reply.content:  # the error reply: what was wrong, and an example
            assert reply.ephemeral, f"/{target.command} refused publicly: {reply.content}"
            return REJECTED
        return ACCEPTED
    if target.check == "pace":
        if reply.ephemeral:  # rejected
            assert after == before, "a rejected /pace input was stored"
            return REJECTED
        [row] = db_rows(
            run, club, "SELECT command, inputs FROM pace_answers ORDER BY id DESC LIMIT 1"
        )
        assert row["command"] == target.command
        assert f"{target.option}={as_stored(value)}" in row["inputs"]
        return ACCEPTED
    if target.check == "submit":
        if reply.ephemeral:
            assert after == before, f"rejected splits were stored: {reply.content}"
            return REJECTED
        day = _accepted_date(options.get("date"), "back")
        assert day is not None
        [row] = db_rows(
            run,
            club,
            "SELECT id, note FROM submissions WHERE local_date = :day AND athlete_id = :athlete",
            {"day": day.isoformat(), "athlete": club.ana.user.id},
        )
        note = options.get("note")
        expected = as_stored(note or "").strip() or None
        assert row["note"] == expected and (expected is None or len(expected) <= 300)
        if expected:
            lines = reply.embeds[0]["description"].splitlines()
            assert lines[-1] == f"Note: {one_line(expected)}", lines[-1]
        return ACCEPTED
    if target.check == "wod_post":
        if "Parsed:" not in reply.content:  # rejected
            assert after == before, f"a rejected workout was stored: {reply.content}"
            return REJECTED
        day = _accepted_date(options.get("date"), "forward")
        assert day is not None
        [row] = db_rows(
            run,
            club,
            "SELECT text, title, recovery, notes FROM workouts WHERE local_date = :day",
            {"day": day.isoformat()},
        )
        for name, column in (
            ("workout", "text"),
            ("title", "title"),
            ("recovery", "recovery"),
            ("notes", "notes"),
        ):
            typed = options.get(name)
            assert row[column] == (None if typed is None else as_stored(typed)), (name, row[column])
        if day == TODAY and options.get("title"):
            post = run(seed_post(club))
            assert post.content == (
                "Workout of the day, Saturday 28 November 2026: "
                + one_line(as_stored(options["title"]))
            )
        return ACCEPTED
    if target.check == "config":
        if reply.content.startswith(("Scheduled workouts", "Timezone set")):
            run(restore_seed(club))
            return ACCEPTED
        assert after == before, f"a rejected setting was stored: {reply.content}"
        return REJECTED
    if target.check == "group_add":
        if not reply.content.startswith("Added the group"):
            assert after == before, f"a refused group was stored: {reply.content}"
            return REJECTED
        name = " ".join(as_stored(value).split())
        [row] = db_rows(
            run,
            club,
            "SELECT id, name FROM training_groups WHERE guild_id = :guild"
            " AND removed_at IS NULL ORDER BY id DESC LIMIT 1",
            {"guild": club.guild.id},
        )
        assert row["name"] == name and 1 <= len(name) <= 32
        assert reply.content.split("\n")[0] == f"Added the group “{one_line(name)}”."
        run(
            GroupQueries(club.bot.db).remove(
                club.guild.id, row["id"], now=0, cancel_from=TODAY.isoformat()
            )
        )
        return ACCEPTED
    if target.check == "ask":
        assert reply.ephemeral, f"/ask answered publicly: {reply.content}"
        if after == before:
            return REJECTED  # the help, a glossary or personal answer: nothing stored
        # A pace question: only the asker's history changed, by the question as asked.
        assert [t for t in after if t.table != "pace_answers"] == [
            t for t in before if t.table != "pace_answers"
        ], "/ask stored something besides the pace history"
        [row] = db_rows(
            run,
            club,
            "SELECT user_id, command, inputs FROM pace_answers ORDER BY id DESC LIMIT 1",
        )
        assert (int(row["user_id"]), row["command"]) == (club.ana.user.id, "chat")
        assert len(row["inputs"]) <= 200
        return ACCEPTED
    if target.check == "profile":
        assert reply.ephemeral, f"/profile set answered publicly: {reply.content}"
        if not reply.content.startswith("Saved."):
            assert after == before, f"a refused profile was stored: {reply.content}"
            return REJECTED
        [row] = db_rows(
            run,
            club,
            "SELECT race_time_ms, race_distance_m, race_date FROM profiles WHERE user_id = :user",
            {"user": club.ana.user.id},
        )
        day = _accepted_date(options.get("race_date"), "back")
        assert day is not None
        assert int(row["race_time_ms"]) == parse_time(options["race_time"])
        assert Decimal(row["race_distance_m"]) == parse_distance(options["race_distance"]).metres
        assert row["race_date"] == day.isoformat()
        run(Profiles(club.bot.db).delete(club.ana.user.id))
        return ACCEPTED
    if target.check == "wod_delete":
        if reply.content.startswith("Deleted the workout"):
            run(restore_seed(club))
            return ACCEPTED
        assert after == before, "a rejected /wod delete changed the database"
        return REJECTED
    raise AssertionError(f"unknown check {target.check}")


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.id)
async def test_hostile_slash_option(club: Club, run: Runner, target: Target) -> None:
    actor: Member = getattr(club, target.actor)
    watch = Watch([club.general, club.workouts])
    outcomes: Counter[str] = Counter()

    values = half_valid(target.valid) if target.valid else hostile_text

    @FUZZ
    @given(value=values)
    @pinned(*PINNED)
    def property_test(value: str) -> None:
        options = {**target.base, target.option: fit(club, target.command, target.option, value)}

        async def act() -> Message:
            watch.start(club)
            itx = await club.fake.slash(actor, target.command, options, channel=club.workouts)
            return await finish(club, itx, watch)

        before = db_digest(run, club)
        reply = run(act())
        outcomes[after_example(club, run, target, options, reply, before)] += 1

    await in_thread(target.id, property_test, outcomes, target.expect)


# ----------------------------------------------------------------- the form


@pytest.mark.parametrize(
    ("field_name", "expect"),
    [("splits", BOTH), ("note", ONLY_ACCEPTED)],  # a note is free text, as in /splits submit
    ids=["splits", "note"],
)
async def test_hostile_splits_form(
    club: Club, run: Runner, field_name: str, expect: frozenset[str]
) -> None:
    """The post's **Submit splits** form: the same properties as /splits submit."""
    watch = Watch([club.general, club.workouts])
    limits = {"splits": 1000, "note": 300}  # the form's max_length, which Discord enforces
    outcomes: Counter[str] = Counter()

    @FUZZ
    @given(value=half_valid(SPLITS) if field_name == "splits" else hostile_text)
    @pinned(*PINNED)
    def property_test(value: str) -> None:
        values = {"splits": SEED_SPLITS, field_name: value[: limits[field_name]]}

        async def act() -> Message:
            post = await seed_post(club)
            watch.start(club)
            opened = await club.fake.click(club.ben, post, post.buttons()[0]["custom_id"])
            await opened.wait_response()
            submitted = await club.fake.submit_modal(club.ben, opened, values)
            return await finish(club, submitted, watch)

        before = db_digest(run, club)
        reply = run(act())
        if reply.ephemeral:
            assert db_digest(run, club) == before, f"rejected splits were stored: {reply.content}"
            outcomes[REJECTED] += 1
            return
        outcomes[ACCEPTED] += 1
        [row] = db_rows(
            run,
            club,
            "SELECT note FROM submissions WHERE local_date = :day AND athlete_id = :athlete",
            {"day": TODAY.isoformat(), "athlete": club.ben.user.id},
        )
        expected = as_stored(values.get("note", "")).strip() or None
        assert row["note"] == expected
        if expected:
            last = reply.embeds[0]["description"].splitlines()[-1]
            assert last == f"Note: {one_line(expected)}", last

    await in_thread(f"form:{field_name}", property_test, outcomes, expect)


# ----------------------------------------------------------------- plain chat


@pytest.mark.parametrize("where", ["mention", "dm"])
async def test_hostile_chat_message(club: Club, run: Runner, where: str) -> None:
    """Mention the bot in #general, or DM it: one reply, inert and well formed.
    Accepted: read as a pace question, answered and kept in the asker's history;
    rejected: anything else (the help, a missing or out-of-range value), which
    stores nothing."""
    count = iter(range(10_000))
    outcomes: Counter[str] = Counter()

    @FUZZ
    @given(value=hostile_text)
    @pinned(*PINNED, *CHAT_PINNED)
    def property_test(value: str) -> None:
        async def act() -> Member:
            # A fresh member each time: the 5-a-minute cooldown is not under test.
            # No sync_gateway(): the message carries its author, and each sync
            # makes the bot heartbeat, which counts against discord.py's own
            # limit of 120 gateway sends a minute (past it, the bot stops
            # reading the gateway for up to 60 s and misses interactions).
            asker = club.fake.create_member(club.guild, f"Asker {where} {next(count)}")
            channel = club.general if where == "mention" else club.fake.dm_channel(asker)
            mentions = [club.fake.bot_user] if where == "mention" else []
            sent = await club.fake.send_message(asker, channel, value[:LONG], mentions=mentions)
            reply = await club.fake.wait_for_message(
                channel,
                lambda m: (
                    m.author_id == club.fake.bot_user.id
                    and (m.message_reference or {}).get("message_id") == str(sent.id)
                ),
                timeout=LOOP_TIMEOUT,
            )
            check_message(reply)
            problems = club.fake.take_violations()
            assert not problems, problems
            return asker

        before = db_digest(run, club)
        asker = run(act())
        rows = db_rows(
            run,
            club,
            "SELECT inputs FROM pace_answers WHERE user_id = :user AND command = 'chat'",
            {"user": asker.user.id},
        )
        outcomes[ACCEPTED if rows else REJECTED] += 1
        if not rows:
            assert db_digest(run, club) == before, "an unanswered question was stored"
        else:
            # Chat history keeps the question as Discord cleaned it, cut to 200.
            assert all(len(row["inputs"]) <= 200 for row in rows)

    await in_thread(f"chat:{where}", property_test, outcomes, BOTH)


# A hostile display name: shown in the board's table and every splits reply.
# Discord's to choose, not the bot's to refuse: every example must be accepted.
async def test_hostile_display_name_cannot_break_the_board(club: Club, run: Runner) -> None:
    names = iter(range(10_000))
    watch = Watch([club.general, club.workouts])
    outcomes: Counter[str] = Counter()

    @FUZZ
    @given(nick=st.text(alphabet=st.sampled_from("`*_|>#@ x\u200b\u202e"), min_size=1, max_size=32))
    @example(nick="```")
    @example(nick="a```b")
    @example(nick="@everyone")
    def property_test(nick: str) -> None:
        async def one() -> None:
            # The interaction carries the member and nick; no sync_gateway() (see above).
            member = club.fake.create_member(club.guild, f"Nick {next(names)}", nick=nick)
            watch.start(club)
            itx = await club.fake.slash(
                member, "splits submit", {"splits": SEED_SPLITS}, channel=club.workouts
            )
            submitted = await finish(club, itx, watch)
            itx = await club.fake.slash(member, "splits board", {}, channel=club.workouts)
            board = await finish(club, itx, watch)
            assert not board.ephemeral
            outcomes[REJECTED if submitted.ephemeral else ACCEPTED] += 1

        run(one())

    await in_thread("display-name", property_test, outcomes, ONLY_ACCEPTED)


async def test_chat_log_title_is_escaped(club: Club, clean_fake) -> None:
    title = "**bold** ||spoiler||"
    await slash(club, club.coach, "wod post", {"workout": SEED, "title": title})
    try:
        await slash(club, club.ana, "splits submit", {"splits": SEED_SPLITS})
        asker = club.ana
        sent = await club.fake.send_message(
            asker, club.fake.dm_channel(asker), "what did I run today?"
        )
        reply = await club.fake.wait_for_message(
            club.fake.dm_channel(asker),
            lambda m: (m.message_reference or {}).get("message_id") == str(sent.id),
        )
        assert reply.embeds[0]["title"] == f"Your splits for Sat 28 Nov, {one_line(title)}"
    finally:
        await restore_seed(club)
