"""A team's database from before groups and sessions, opened by today's bot
(which migrates it at start-up), on each back end: every row is still there
and reachable through the commands, the post made before the upgrade still
takes splits by its button, and the new sessions work beside the old rows.

The database is written with the previous schema's columns (SQLite migrations
up to 0007, PostgreSQL up to 0002), as that release stored a posted workout,
two athletes' splits, a log whose workout was deleted and a scheduled workout.
"""

from __future__ import annotations

import csv
import io

from bot.clock import ManualClock
from db import open_database
from db.base import Database, Executor
from db.migrations import load_migrations
from loopback import FakeDiscord, Member
from loopback.sandbox import LOOPBACK_TOKEN, running_bot
from tests.db.test_migration_groups import _SPLIT, _SUBMISSION, _WORKOUT, BEFORE, SEED_PARSED
from tests.e2e.conftest import CLUB_START, build_world, read_rows

DAY = CLUB_START.date().isoformat()  # Saturday 28 November 2026
TOMORROW = "2026-11-29"
OLD_LOG_DAY = "2026-11-20"
TIMES = [29_780, 29_980, 31_310, 31_200, 37_470]
DISTANCES = ["250", "250", "250", "250", "300"]
SEED_SPLITS = "29.78 / 29.98 31.31 / 31.20 37.47"


async def _seed_previous_release(
    database: Database, backend: str, *, guild: int, channel: int, post: int, people: dict
) -> None:
    """The rows the previous release wrote for this team."""
    db = await open_database(database)
    try:
        await db.migrate(load_migrations(backend)[: BEFORE[backend]])  # type: ignore[call-arg]

        async def rows(tx: Executor) -> None:
            common = {"guild": guild, "parsed": SEED_PARSED, "title": "Sprint session"}
            await tx.execute(
                _WORKOUT,
                {**common, "id": 40, "day": DAY, "text": "4 x 250m sprint + 1 x 300m",
                 "channel": channel, "message": post, "posted": 3, "error": None, "rev": 1,
                 "shown": 1, "generation": 0},
            )  # fmt: skip
            await tx.execute(
                _WORKOUT,
                {**common, "id": 41, "day": TOMORROW, "text": "4 x 250m sprint + 1 x 300m",
                 "channel": None, "message": None, "posted": None, "error": None, "rev": 1,
                 "shown": None, "generation": 0},
            )  # fmt: skip
            for submission, name, workout, day in [
                (70, "Ana", 40, DAY),
                (71, "Ben", 40, DAY),
                (72, "Ana", None, OLD_LOG_DAY),  # its workout was deleted long ago
            ]:
                athlete = people[name]
                await tx.execute(
                    _SUBMISSION,
                    {"id": submission, "guild": guild, "day": day, "workout": workout,
                     "athlete": athlete, "name": name, "note": None, "total": sum(TIMES),
                     "metres": "1300"},
                )  # fmt: skip
                for rep, (distance, time_ms) in enumerate(zip(DISTANCES, TIMES, strict=True), 1):
                    await tx.execute(
                        _SPLIT,
                        {"submission": submission, "rep": rep, "distance": distance,
                         "time": time_ms, "target": None, "guild": guild, "athlete": athlete,
                         "day": day},
                    )  # fmt: skip

        await db.run(rows)
        if backend == "postgresql":  # explicit ids: move the identity counters past them
            await db.finish_copy(("workouts", "submissions"))  # type: ignore[attr-defined]
    finally:
        await db.close()


async def _slash(fake: FakeDiscord, who: Member, name: str, options: dict, channel):
    itx = await fake.slash(who, name, options, channel=channel)
    return await itx.wait_reply(timeout=15)


async def test_an_upgraded_team_keeps_every_row_and_its_old_post_still_works(
    backend: str, new_database: Database
) -> None:
    async with FakeDiscord(token=LOOPBACK_TOKEN) as fake:
        w = build_world(fake)
        guild, coach, ana, ben = w["guild"], w["coach"], w["ana"], w["ben"]
        workouts, general = w["workouts"], w["general"]
        # The post the previous release made (its message, by the bot).
        post = await fake.send_message(
            fake.bot_user, workouts, "Workout of the day, Saturday 28 November 2026"
        )
        people = {"Ana": ana.id, "Ben": ben.id}
        await _seed_previous_release(
            new_database, backend, guild=guild.id, channel=workouts.id, post=post.id, people=people
        )
        before = await read_rows(new_database, "SELECT COUNT(*) AS n FROM splits")

        clock = ManualClock(CLUB_START)
        async with running_bot(fake, new_database, dev_guild_id=guild.id, clock=clock):
            today = await _slash(fake, ana, "wod today", {}, general)
            assert "4 × 250 m" in today.text() and "Sprint session" in today.text()
            board = await _slash(fake, ana, "splits board", {}, general)
            assert "Ana" in board.text() and "Ben" in board.text()
            mine = await _slash(fake, ana, "splits mine", {}, general)
            assert "Sat 28 Nov" in mine.text() and "Fri 20 Nov" in mine.text(), mine.text()
            coming = await _slash(fake, coach, "wod list", {"days": 2}, general)
            assert "Sunday 29 November 2026" in coming.text() or "Sun 29 Nov" in coming.text()

            # The post from before the upgrade: its button still names workout 40.
            opened = await fake.forge_component(ben, workouts, "trackside:splits:40", message=post)
            await opened.wait_response()
            submitted = await fake.submit_modal(ben, opened, {"splits": SEED_SPLITS})
            said = (await submitted.wait_reply(timeout=15)).content
            assert "Ben updated their splits" in said, said  # replaced, not doubled

            exported = await _slash(fake, coach, "splits export", {}, general)
            rows = list(csv.DictReader(io.StringIO(exported.attachments[0].data.decode())))
            assert len(rows) == 15
            assert {(r["group"], r["session"], r["source"]) for r in rows} == {("", "", "typed")}

            # New beside old: a pm session the same day, and Ana's log of it.
            said = await _slash(
                fake, coach, "wod post", {"workout": "6 x 150m", "session": "pm"}, general
            )
            assert "posted in" in said.content, said.content
            said = await _slash(
                fake, ana, "splits submit", {"splits": "18.1 18.0 17.9 18.2 18.0 17.6"}, general
            )
            assert "Ana logged splits" in said.content, said.content
            fake.assert_clean()

    kept = await read_rows(
        new_database,
        "SELECT id, athlete_name, workout_id, session FROM submissions ORDER BY id",
    )
    assert [(r["id"], r["athlete_name"], r["workout_id"], r["session"]) for r in kept[:3]] == [
        (70, "Ana", 40, ""),
        (71, "Ben", 40, ""),
        (72, "Ana", None, ""),
    ]
    assert [(r["athlete_name"], r["session"]) for r in kept[3:]] == [("Ana", "pm")]
    after = await read_rows(new_database, "SELECT COUNT(*) AS n FROM splits")
    assert int(after[0]["n"]) == int(before[0]["n"]) + 6
