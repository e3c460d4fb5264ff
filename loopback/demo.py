"""``python -m bot demo``: the canonical story, played on the loopback Discord.

A newcomer sees the bot work before creating a Discord application: the real
bot (same factory, cogs and database code as ``python -m bot``) connects to the
project's own fake Discord on 127.0.0.1, a coach and two athletes act out the
team's canonical seed workout (a miler's 4 x 250 m + 300 m of 5 June 2017),
and the exchange is printed as a transcript.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.clock import ManualClock
from loopback import (
    MANAGE_GUILD,
    Channel,
    FakeDiscord,
    Guild,
    Member,
)
from loopback.sandbox import INVITE_PERMISSIONS, LOOPBACK_TOKEN, running_bot

SEED_WORKOUT = "4 x 250m sprint + 1 x 300m"
SEED_RECOVERY = "Full, 5 - 6' recovery walk/jog as needed between reps"
SEED_SPLITS = "29.78 / 29.98 31.31 / 31.20 37.47"
SEED_NOTES = (
    "A sprint workout between races keeps fitness without a long recovery penalty "
    "(48–72 h); every rep at full speed."
)
# The story's day: 5 June 2017, after the morning session (see the example).
STORY_CLOCK = ManualClock(datetime(2017, 6, 5, 14, 0, tzinfo=UTC))


@dataclass
class Cast:
    fake: FakeDiscord
    guild: Guild
    workouts: Channel
    coach: Member
    ana: Member
    ben: Member


Step = tuple[str, Callable[[Cast], Awaitable[None]]]


async def _pace_question(cast: Cast) -> None:
    itx = await cast.fake.slash(
        cast.ben, "pace convert", {"time": "37.47", "distance": "300m"}, channel=cast.workouts
    )
    await itx.wait_reply()


async def _lap_question(cast: Cast) -> None:
    itx = await cast.fake.slash(
        cast.ana, "pace laps", {"time": "3:56.13", "distance": "mile"}, channel=cast.workouts
    )
    await itx.wait_reply()


async def _equivalent_question(cast: Cast) -> None:
    itx = await cast.fake.slash(
        cast.coach,
        "pace predict",
        {"time": "3:56.13", "distance": "mile", "target": "1500m"},
        channel=cast.workouts,
    )
    await itx.wait_reply()


async def _post_workout(cast: Cast) -> None:
    itx = await cast.fake.slash(
        cast.coach,
        "wod post",
        {
            "workout": SEED_WORKOUT,
            "title": "Sprint session",
            "recovery": SEED_RECOVERY,
            "notes": SEED_NOTES,
        },
        channel=cast.workouts,
    )
    await itx.wait_reply()


async def _submit_by_command(cast: Cast) -> None:
    itx = await cast.fake.slash(
        cast.ana, "splits submit", {"splits": SEED_SPLITS}, channel=cast.workouts
    )
    await itx.wait_reply()


async def _submit_by_button(cast: Cast) -> None:
    posts = [
        message
        for message in cast.fake.messages(cast.workouts)
        if any(c.get("label") == "Submit splits" for c in message.iter_components())
    ]
    if not posts:
        raise RuntimeError("no workout post with a Submit splits button in #workouts")
    button = next(c for c in posts[-1].iter_components() if c.get("label") == "Submit splits")
    opened = await cast.fake.click(cast.ben, posts[-1], button["custom_id"])
    await opened.wait_response()
    field = next(c for c in _modal_inputs(opened.modal))
    submitted = await cast.fake.submit_modal(
        cast.ben, opened, {field["custom_id"]: "30.10 30.40 31.02 31.50 38.20"}
    )
    await submitted.wait_reply()


def _modal_inputs(modal: dict | None) -> list[dict]:
    rows = (modal or {}).get("components", [])
    return [c for row in rows for c in row.get("components", []) if c.get("type") == 4]


async def _chat_question(cast: Cast) -> None:
    sent = await cast.fake.send_message(
        cast.ana,
        cast.workouts,
        "3:56.13 mile, what 1500 is that worth?",
        mentions=[cast.fake.bot_user],
    )
    await cast.fake.wait_for_message(
        cast.workouts,
        lambda m: (m.message_reference or {}).get("message_id") == str(sent.id),
    )


async def _board(cast: Cast) -> None:
    itx = await cast.fake.slash(cast.coach, "splits board", {}, channel=cast.workouts)
    await itx.wait_reply()


# (what happens, how to play it) in story order.
STORY: list[Step] = [
    ("The coach posts the workout of the day", _post_workout),
    ("Ana submits her splits with /splits submit", _submit_by_command),
    ("Ben presses Submit splits and fills in the form", _submit_by_button),
    ("The coach reads the team board", _board),
    ("Ben asks what 37.47 for 300 m is per 400 m", _pace_question),
    ("Ana asks for even laps of the 3:56.13 record mile", _lap_question),
    ("The coach asks what 1500 m that mile is worth", _equivalent_question),
    ("Ana asks the same in plain chat, mentioning the bot", _chat_question),
]


def _cast(fake: FakeDiscord) -> Cast:
    guild = fake.create_guild(
        "Track Club",
        bot_permissions=INVITE_PERMISSIONS,
    )
    return Cast(
        fake=fake,
        guild=guild,
        workouts=fake.create_channel(guild, "workouts"),
        coach=fake.create_member(guild, "Coach Rivera", permissions=MANAGE_GUILD),
        ana=fake.create_member(guild, "Ana"),
        ben=fake.create_member(guild, "Ben"),
    )


@contextlib.asynccontextmanager
async def _store(folder: str) -> AsyncIterator[tuple[Path | str, str]]:
    """Where the demo keeps its data: a temporary SQLite file, or, with
    DATABASE_URL set, a throwaway database on that PostgreSQL server (created
    and dropped here: the demo never writes into a team's database)."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        yield Path(folder) / "demo.db", "SQLite (a temporary file)"
        return
    from db.postgresql import scratch_database

    async with scratch_database(url, "trackside_demo") as scratch:
        name = scratch.partition("?")[0].rsplit("/", 1)[1]
        yield scratch, f"PostgreSQL (a throwaway database, {name}, on DATABASE_URL's server)"


async def play(out: Callable[[str], None] = print) -> int:
    """Play the story; returns the number of steps that failed."""
    failures = 0
    async with FakeDiscord(token=LOOPBACK_TOKEN) as fake:
        cast = _cast(fake)
        with tempfile.TemporaryDirectory(prefix="trackside-demo-") as folder:
            async with (
                _store(folder) as (database, described),
                running_bot(fake, database, dev_guild_id=cast.guild.id, clock=STORY_CLOCK),
            ):
                await fake.wait_for_commands(cast.guild)
                out("Trackside demo: the seed workout (4 x 250m sprint + 1 x 300m, 5 June 2017)")
                out("on the loopback Discord at " + fake.base_url + ", stored in " + described)
                out("")
                for number, (title, run) in enumerate(STORY, start=1):
                    out(f"── {number}. {title}")
                    seen = len(fake.transcript)
                    try:
                        await run(cast)
                    except Exception as exc:  # a demo reports and carries on
                        failures += 1
                        out(f"   !! step failed: {exc}")
                    for line in fake.transcript[seen:]:
                        out(line)
                    out("")
            problems = [f"unknown route: {r}" for r in fake.unknown_routes]
            problems += [str(v) for v in fake.violations]
            for problem in problems:
                out(f"!! {problem}")
    return failures + len(problems)


def main() -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    failures = asyncio.run(play())
    if failures:
        print(f"demo finished with {failures} problem(s)", file=sys.stderr)
        return 1
    print("demo finished: every step answered as expected")
    return 0
