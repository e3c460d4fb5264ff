"""Several ``python -m bot`` processes, each running some of the Discord shards,
on one PostgreSQL database: the set-up of a public bot spread over machines.

Twelve shards over three processes (``SHARD_IDS`` 0-3, 4-7 and 8-11), 2,000
servers with a workout due. One process is SIGKILLed in the middle of its
posting tick, right after Discord created one of its posts but before the
process heard back; started again, it finishes its shards. Every server ends
with exactly one post and no claim is left behind; a fourth process started for
shards already run is refused; submissions in servers on different shards are
each answered once, by the process running that shard, and stored once; one
person flooding questions in two servers served by two processes is held to
one cooldown. A process whose lock-holding connection ends stops with exit 1.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiohttp import web

from bot.domain.workout import parse_workout
from db import open_database
from db.base import Database
from db.guild_settings import GuildSettingsQueries
from db.postgresql import SHARD_LOCK
from db.workouts import NewWorkout, WorkoutQueries
from loopback import Channel, FakeDiscord, Guild, Member
from loopback.sandbox import INVITE_PERMISSIONS, LOOPBACK_TOKEN
from tests.conftest import create_postgres_database
from tests.e2e.bot_process import BotProcess
from tests.e2e.conftest import read_rows
from tests.e2e.test_kill_e2e import _noon_zone

pytestmark = [pytest.mark.postgresql, pytest.mark.scale]

SHARD_COUNT = 12
PROCESSES = {"a": "0-3", "b": "4-7", "c": "8-11"}
SHARDS_OF = {"a": range(0, 4), "b": range(4, 8), "c": range(8, 12)}
SERVERS = 2000
WORKOUT = "10 x 400m @ 68"
SPLITS = "68.1 67.9 68.4 68.0 67.5 68.2 68.3 67.8 68.0 66.9"
# Process b dies while Discord holds the answer to its 40th post: created on
# Discord's side, never acknowledged to the process.
KILL_AFTER_POSTS = 40
QUESTIONS_ACROSS_PROCESSES = 8
MESSAGES_ROUTE = "/api/v10/channels/{channel_id}/messages"


class Team:
    def __init__(self, guild: Guild, channel: Channel, coach: Member) -> None:
        self.guild, self.channel, self.coach = guild, channel, coach


def _build_servers(fake: FakeDiscord) -> list[Team]:
    teams = []
    for n in range(SERVERS):
        guild = fake.create_guild(f"Club {n:04d}", bot_permissions=INVITE_PERMISSIONS)
        channel = fake.create_channel(guild, "workouts")
        coach = fake.create_member(guild, f"Coach {n:04d}")
        teams.append(Team(guild, channel, coach))
    return teams


async def _schedule(db: Database, teams: list[Team]) -> None:
    """Each server: a timezone where it is about noon, and today's workout,
    left scheduled for 06:00 (so due now)."""
    now = datetime.now(UTC)
    zone = _noon_zone(now)
    today = now.astimezone(ZoneInfo(zone)).date()
    stamp = int(now.timestamp() * 1000)
    settings, workouts = GuildSettingsQueries(db), WorkoutQueries(db)
    plan = parse_workout(WORKOUT)
    for team in teams:
        await settings.update(team.guild.id, now=stamp, timezone=zone, post_time="06:00")
        await workouts.save(
            NewWorkout(
                guild_id=team.guild.id,
                local_date=today,
                title=None,
                text=WORKOUT,
                plan=plan,
                recovery=None,
                notes=None,
                author_id=team.coach.id,
                origin_channel_id=team.channel.id,
            ),
            now=stamp,
        )


async def _posted_count(url: str) -> int:
    [row] = await read_rows(url, "SELECT COUNT(*) AS n FROM workouts WHERE message_id IS NOT NULL")
    return int(row["n"])


async def _wait_all_posted(url: str, processes: list[BotProcess], timeout: float = 180) -> None:  # noqa: ASYNC109
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while (posted := await _posted_count(url)) < SERVERS:
        for process in processes:
            if process.process.returncode is not None:
                raise AssertionError(f"a bot exited ({process.process.returncode}):\n{process.log}")
        if loop.time() > end:
            raise AssertionError(f"{posted} of {SERVERS} posted after {timeout:g} s")
        await asyncio.sleep(0.25)


async def _shard_locks_free(url: str, shards: range, timeout: float = 10) -> None:  # noqa: ASYNC109
    """After a SIGKILL: wait until the server has ended the dead process's
    session, and with it the advisory locks naming its shards."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while True:
        rows = await read_rows(
            url,
            "SELECT COUNT(*) AS n FROM pg_locks WHERE locktype = 'advisory'"
            " AND classid = :key AND objsubid = 2 AND objid >= :low AND objid < :high"
            " AND granted AND database = (SELECT oid FROM pg_database"
            " WHERE datname = current_database())",
            {"key": SHARD_LOCK, "low": shards.start, "high": shards.stop},
        )
        if int(rows[0]["n"]) == 0:
            return
        if loop.time() > end:
            raise AssertionError(f"shards {shards} still locked {timeout:g} s after the kill")
        await asyncio.sleep(0.05)


async def test_three_processes_post_every_server_once_through_a_kill(
    tmp_path: Path, postgres_admin_url: str
) -> None:
    url = await create_postgres_database(postgres_admin_url)
    started = time.perf_counter()
    async with FakeDiscord(
        token=LOOPBACK_TOKEN, shard_count=SHARD_COUNT, max_concurrency=16
    ) as fake:
        teams = _build_servers(fake)
        by_channel = {team.channel.id: team for team in teams}
        db = await open_database(url)
        try:
            await db.migrate()
            await _schedule(db, teams)
        finally:
            await db.close()
        print(f"\n{SERVERS} servers scheduled in {time.perf_counter() - started:.1f} s")

        def b_posts(request: web.Request) -> bool:
            canonical = request.match_info.route.resource.canonical  # type: ignore[union-attr]
            if request.method != "POST" or canonical != MESSAGES_ROUTE:
                return False
            team = by_channel.get(int(request.match_info["channel_id"]))
            return team is not None and fake.shard_of(team.guild) in SHARDS_OF["b"]

        kill_point = fake.rest.hold(b_posts, stage="after", skip=KILL_AFTER_POSTS - 1)
        env = {"SHARD_COUNT": str(SHARD_COUNT)}
        processes = {
            name: await BotProcess.start(fake, url, cwd=tmp_path, SHARD_IDS=ids, **env)
            for name, ids in PROCESSES.items()
        }
        try:
            posting = time.perf_counter()
            await processes["b"].alive_while(kill_point.reached(timeout=120))
            await processes["b"].kill()
            kill_point.release()
            # What the kill left on b's shards: one claim, its post made on
            # Discord's side but its id never stored.
            dead_claim = await read_rows(
                url,
                "SELECT id, post_claimed_by FROM workouts"
                " WHERE post_claimed_by IS NOT NULL AND message_id IS NULL"
                " AND ((guild_id >> 22) % :count) BETWEEN :low AND :high",
                {"count": SHARD_COUNT, "low": SHARDS_OF["b"][0], "high": SHARDS_OF["b"][-1]},
            )
            assert len(dead_claim) == 1, dead_claim
            held_channel = int(kill_point.request_path.split("/")[-2])  # type: ignore[union-attr]
            assert [m.id for m in fake.messages(fake.channels[held_channel])], "post not created"

            # A fourth process for shards 3-5 (3 is a's, 4-5 were b's, whose
            # locks the dead process may still hold) is refused at once.
            intruder = await BotProcess.start(fake, url, cwd=tmp_path, SHARD_IDS="3-5", **env)
            assert await intruder.exited(timeout=30) == 1, intruder.log
            assert "already run by another live Trackside process" in intruder.log

            await _shard_locks_free(url, SHARDS_OF["b"])
            processes["b"] = await BotProcess.start(
                fake, url, cwd=tmp_path, SHARD_IDS=PROCESSES["b"], **env
            )
            await _wait_all_posted(url, list(processes.values()))
            print(f"all {SERVERS} posted {time.perf_counter() - posting:.1f} s after the start")

            # Exactly one post per server, the one its row names; no claim left.
            rows = await read_rows(
                url,
                "SELECT guild_id, channel_id, message_id, post_claimed_by, post_claimed_at"
                " FROM workouts",
            )
            assert len(rows) == SERVERS
            for row in rows:
                assert row["post_claimed_by"] is None and row["post_claimed_at"] is None, row
                team = by_channel[int(row["channel_id"])]
                assert int(row["guild_id"]) == team.guild.id
                posts = fake.messages(team.channel)
                assert [m.id for m in posts] == [int(row["message_id"])], (team.guild.name, posts)

            # Submissions on shards of each process: each answered once, stored once.
            picks = [next(t for t in teams if fake.shard_of(t.guild) == s) for s in (0, 5, 11)]
            await fake.wait_for_commands(timeout=30)
            for team in picks:
                athlete = fake.create_member(team.guild, "Ana")
                itx = await fake.slash(
                    athlete, "splits submit", {"splits": SPLITS}, channel=team.channel
                )
                reply = await itx.wait_reply(timeout=15)
                assert "logged splits" in reply.content, reply.content
            stored = await read_rows(
                url, "SELECT guild_id, COUNT(*) AS n FROM submissions GROUP BY guild_id"
            )
            assert {int(r["guild_id"]): int(r["n"]) for r in stored} == {
                t.guild.id: 1 for t in picks
            }

            # One person flooding questions in two servers served by two
            # processes (a: shard 0, b: shard 5) is held to one count of 5 a minute.
            flooder = fake.create_member(picks[0].guild, "Flo")
            fake.create_member(picks[1].guild, flooder.user)
            replies = []
            for n in range(QUESTIONS_ACROSS_PROCESSES):
                team = picks[n % 2]
                sent = await fake.send_message(
                    flooder.user, team.channel, "37.47 300m", mentions=[fake.bot_user]
                )
                if n < 6:
                    replies.append(
                        await fake.wait_for_message(
                            team.channel,
                            lambda m, sent=sent: (
                                (m.message_reference or {}).get("message_id") == str(sent.id)
                            ),
                            timeout=15,
                        )
                    )
            assert ["49.96" in reply.content for reply in replies] == [True] * 5 + [False]
            assert replies[5].content.startswith("Slow down a little: 5 questions a minute.")
            await fake.sync_gateway()
            flood_replies = [
                m
                for team in picks[:2]
                for m in fake.messages(team.channel)
                if m.author_id == fake.bot_user.id and m.message_reference
            ]
            assert len(flood_replies) == 6  # the 7th and 8th were ignored
        finally:
            for process in processes.values():
                if process.process.returncode is None:
                    await process.stop()
        for name, process in processes.items():
            assert "Traceback" not in process.log, f"process {name}:\n{process.log}"
            assert f"shards {PROCESSES[name]} of {SHARD_COUNT}" in process.log, process.log
        assert not [v for v in fake.take_violations() if v.kind != "ack_deadline"]
        assert not fake.unknown_routes


async def test_a_process_whose_shard_lock_connection_ends_stops_and_says_so(
    tmp_path: Path, postgres_admin_url: str
) -> None:
    """The connection holding the advisory locks ended (the server restarted,
    an operator terminated it, a network cut the server noticed): the locks
    are gone, another process may take the shards, so this one must stop,
    with exit code 1 for the process manager to restart it."""
    url = await create_postgres_database(postgres_admin_url)
    async with FakeDiscord(token=LOOPBACK_TOKEN, shard_count=4, max_concurrency=4) as fake:
        fake.create_guild("Club", bot_permissions=INVITE_PERMISSIONS)
        bot = await BotProcess.start(fake, url, cwd=tmp_path, SHARD_COUNT="4", SHARD_IDS="2-3")
        try:
            await bot.alive_while(fake.wait_for_shards([2, 3], timeout=30))
            [ended] = await read_rows(
                url,
                "SELECT COUNT(pg_terminate_backend(pid)) AS n FROM pg_stat_activity"
                " WHERE application_name = 'trackside shards'",
            )
            assert int(ended["n"]) == 1
            assert await bot.exited(timeout=30) == 1, bot.log
        finally:
            await bot.kill()
        assert bot.lines[-1] == (
            "trackside: Lost the database connection that holds shards 2-3; stopped so that "
            "another "
            "process can take them over. Start it again once the database is reachable."
        ), bot.log
