"""A team moved from SQLite to PostgreSQL with ``python -m bot db copy``, end
to end: seeded through the bot on SQLite, the bot stopped, the copy made by
the command line, the bot started on PostgreSQL with the same Discord, and the
**Submit splits** button of a post made before the move still opens its form
and stores the splits on PostgreSQL. Then back to a new SQLite file: every
copy has the digests of its source (``db.copy.digests``), and tables nobody
wrote to in between are identical in all of them.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from bot.clock import ManualClock
from db.copy import TableCopy
from loopback import FakeDiscord, Member, Message
from loopback.sandbox import LOOPBACK_TOKEN, Database, running_bot
from tests.conftest import create_postgres_database
from tests.e2e.conftest import CLUB_START, build_world, database_digest, read_rows

SEED = "4 x 250m sprint + 1 x 300m"
SPLITS = "29.78 29.98 31.31 31.20 37.47"
# What the bot on PostgreSQL writes after the move: one submission, its splits.
# Dee's splits, and Dee's first use of Trackside in the server.
WRITTEN_AFTER_THE_MOVE = {"submissions", "splits", "server_members", "pace_answers"}


async def db_copy(source: Database, target: Database, cwd: Path) -> str:
    """``python -m bot db copy --from SOURCE --to TARGET``, as an operator runs
    it with the bot stopped; its one line of output."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "DISCORD_"))}
    process = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "bot", "db", "copy", "--from", str(source), "--to", str(target)),
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, stderr.decode()
    said = stdout.decode().strip()
    assert said.startswith("copied ") and said.endswith("(digests match)"), said
    return said


async def slash(fake: FakeDiscord, who: Member, name: str, options: dict, channel) -> Message:
    itx = await fake.slash(who, name, options, channel=channel)
    return await itx.wait_reply(timeout=10)


def by_table(digests: list[TableCopy]) -> dict[str, TableCopy]:
    return {copy.table: copy for copy in digests}


async def test_a_team_moved_to_postgresql_keeps_its_posts_working_and_copies_back(
    tmp_path: Path, postgres_admin_url: str
) -> None:
    sqlite_file = tmp_path / "team.db"
    clock = ManualClock(CLUB_START)
    async with FakeDiscord(token=LOOPBACK_TOKEN) as fake:
        w = build_world(fake)
        guild, coach, workouts = w["guild"], w["coach"], w["workouts"]
        dee = fake.create_member(guild, "Dee")  # submits after the move

        # -- the team on SQLite: a post with its button, splits by command and by form
        async with running_bot(fake, sqlite_file, dev_guild_id=guild.id, clock=clock):
            await slash(fake, coach, "config channel", {"channel": workouts}, w["general"])
            added = await slash(fake, coach, "config group add", {"name": "Sprints"}, w["general"])
            assert added.content.startswith("Added the group “Sprints”."), added.content
            told = await slash(fake, coach, "wod post", {"workout": SEED}, w["general"])
            assert f"posted in <#{workouts.id}>" in told.content, told.content
            [post] = [m for m in fake.messages(workouts) if m.buttons()]
            ana = await slash(fake, w["ana"], "splits submit", {"splits": SPLITS}, workouts)
            assert "Ana logged splits" in ana.content
            opened = await fake.click(w["ben"], post, post.buttons()[0]["custom_id"])
            await opened.wait_response()
            by_form = await fake.submit_modal(w["ben"], opened, {"splits": SPLITS})
            assert "Ben logged splits" in (await by_form.wait_reply()).content
            pace = {"time": "37.47", "distance": "300m"}
            assert "49.96" in (await slash(fake, w["ana"], "pace convert", pace, workouts)).text()
            # Ana's profile: per person, moved with the team.
            race = {"race_time": "20:00", "race_distance": "5k", "units": "imperial"}
            saved = await slash(fake, w["ana"], "profile set", race, w["general"])
            assert "VDOT 49.8" in saved.text(), saved.text()
            # A question in chat: the cooldown's count (and where Ana used Trackside).
            asked = await fake.send_message(
                w["ana"], w["general"], "37.47 300m", mentions=[fake.bot_user]
            )
            said = await fake.wait_for_message(
                w["general"], lambda m: m.message_reference is not None, after=asked
            )
            assert "49.96" in said.content
        on_sqlite = await database_digest(sqlite_file)
        # Every table has rows to move.
        assert all(copy.rows for copy in on_sqlite), on_sqlite

        # -- moved with the bot stopped
        postgres = await create_postgres_database(postgres_admin_url)
        await db_copy(sqlite_file, postgres, tmp_path)
        assert await database_digest(postgres) == on_sqlite
        # Copied twice from the same state: SQLite → PostgreSQL → SQLite, identical.
        round_trip = tmp_path / "round-trip.db"
        await db_copy(postgres, round_trip, tmp_path)
        assert await database_digest(round_trip) == on_sqlite

        # -- the bot on PostgreSQL, same Discord: the post from before the move
        workout_id = int(post.buttons()[0]["custom_id"].rsplit(":", 1)[1])
        async with running_bot(fake, postgres, dev_guild_id=guild.id, clock=clock) as bot:
            opened = await fake.click(dee, post, post.buttons()[0]["custom_id"])
            await opened.wait_response()
            assert opened.modal is not None and opened.modal["title"] == "Splits for Sat 28 Nov"
            submitted = await fake.submit_modal(dee, opened, {"splits": SPLITS})
            reply = await submitted.wait_reply()
            assert not reply.ephemeral and reply.content.startswith("Dee logged splits"), reply
            board = await slash(fake, w["ana"], "splits board", {}, workouts)
            assert all(name in board.text() for name in ("Ana", "Ben", "Dee"))
            # Ana's profile came along: her pace answers still lead with per mile.
            converted = await slash(fake, w["ana"], "pace convert", pace, workouts)
            assert "= 3:21.01 per mile, 49.96 per 400 m" in converted.content, converted.content
            # Stored on PostgreSQL, against the workout posted on SQLite, with an
            # id after the copied ones (the identities were moved past them).
            [stored] = await bot.db.fetch_all(
                "SELECT id, workout_id FROM submissions WHERE athlete_id = :dee",
                {"dee": dee.id},
            )
            assert stored["workout_id"] == workout_id
            copied = await read_rows(sqlite_file, "SELECT MAX(id) AS id FROM submissions")
            assert stored["id"] > copied[0]["id"]
            times = await bot.db.fetch_all(
                "SELECT time_ms FROM splits WHERE submission_id = :id ORDER BY rep",
                {"id": stored["id"]},
            )
            assert [row["time_ms"] for row in times] == [29780, 29980, 31310, 31200, 37470]
        fake.assert_clean()

    # -- and back to a new SQLite file
    on_postgres = await database_digest(postgres)
    back = tmp_path / "back.db"
    await db_copy(postgres, back, tmp_path)
    assert await database_digest(back) == on_postgres
    # Where nothing was written since the move, all three hold the same rows.
    before, moved, returned = (
        by_table(on_sqlite),
        by_table(on_postgres),
        by_table(await database_digest(back)),
    )
    for table, copy in before.items():
        if table in WRITTEN_AFTER_THE_MOVE:
            assert moved[table] == returned[table] != copy
            assert moved[table].rows > copy.rows
        else:
            assert moved[table] == returned[table] == copy, table
