"""SIGKILL, the crash no shutdown code sees: ``python -m bot`` killed in the
middle of a burst of submissions, and around a scheduled post, then started
again on the same database; on SQLite and on PostgreSQL (where the server
rolls back the dead process's open transactions).

The kill point is chosen through the loopback Discord (``fake.rest.hold``):
the process dies while Discord holds one of its requests, so the test knows
what the bot had done and what it had not, without any hook in the bot.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.domain.workout import parse_workout
from cogs.wod.posting import CLAIM_TIMEOUT
from db import open_database
from db.guild_settings import GuildSettingsQueries
from db.workouts import NewWorkout, WorkoutQueries
from loopback import FakeDiscord
from loopback.sandbox import LOOPBACK_TOKEN, Database
from tests.e2e.bot_process import BotProcess, integrity, server_clock, settled
from tests.e2e.conftest import build_world, read_rows

WORKOUT = "4 x 250m sprint + 1 x 300m"
SPLITS = "29.78 29.98 31.31 31.20 37.47"
REPS = 5
ATHLETES = 24
# The process dies while Discord holds the 8th reply, accepted (the athlete
# sees it) but not yet acknowledged to the bot; later replies are held before
# Discord applies them, so exactly eight athletes saw a reply, whatever the
# timing, and the others' submissions were in flight in the bot.
KILL_AT_REPLY = 8
CALLBACK = "POST /interactions/{interaction_id}/{token}/callback"
CHANNEL_POST = "POST /channels/{channel_id}/messages"


async def _stored(database: Database) -> dict[int, int]:
    """athlete id → number of split rows of their submission."""
    rows = await read_rows(
        database,
        "SELECT s.athlete_id, COUNT(p.rep) AS n FROM submissions s"
        " LEFT JOIN splits p ON p.submission_id = s.id GROUP BY s.id, s.athlete_id",
    )
    stored: dict[int, int] = {}
    for row in rows:
        athlete = int(row["athlete_id"])
        assert athlete not in stored, f"athlete {athlete} has two submissions"
        stored[athlete] = int(row["n"])
    return stored


async def test_sigkill_mid_burst_keeps_every_acknowledged_submission_whole(
    tmp_path: Path, new_database: Database
) -> None:
    database = new_database
    async with FakeDiscord(token=LOOPBACK_TOKEN) as fake:
        w = build_world(fake)
        guild, general = w["guild"], w["general"]
        athletes = [fake.create_member(guild, f"Athlete {n:02d}") for n in range(ATHLETES)]
        env = {"DEV_GUILD_ID": str(guild.id)}

        since = await server_clock(database)
        bot = await BotProcess.start(fake, database, cwd=tmp_path, **env)
        try:
            await bot.alive_while(fake.wait_for_ready(timeout=30))
            await fake.wait_for_commands(guild, timeout=10)
            posted = await fake.slash(w["coach"], "wod post", {"workout": WORKOUT}, channel=general)
            assert "posted" in (await posted.wait_reply(timeout=10)).content
        except BaseException:
            await bot.kill()
            raise

        accepted = fake.rest.hold(CALLBACK, stage="after", skip=KILL_AT_REPLY - 1)
        later = fake.rest.hold(CALLBACK, stage="before", count=None)
        try:
            burst = [
                await fake.slash(athlete, "splits submit", {"splits": SPLITS}, channel=general)
                for athlete in athletes
            ]
            await bot.alive_while(accepted.reached(timeout=15))
        finally:
            await bot.kill()
            accepted.release()
            later.drop()
        await settled(database, since)  # (PostgreSQL) the dead process's sessions are over

        # The user saw a reply for these (Discord accepted the callback,
        # including the held one whose answer the bot never received).
        answered = {itx.payload["member"]["user"]["id"] for itx in burst if itx.callbacks}
        unanswered = [itx for itx in burst if not itx.callbacks]
        assert len(answered) == KILL_AT_REPLY and len(unanswered) == ATHLETES - KILL_AT_REPLY

        assert await integrity(database) == ["ok"]
        stored = await _stored(database)
        assert {str(athlete) for athlete in stored} >= answered  # a reply means committed
        assert set(stored.values()) == {REPS}, f"half-stored submissions: {stored}"

        # Started again, the bot answers: a new athlete, and one whose
        # submission the kill swallowed (stored or not, it is replaced, not doubled).
        identifies = fake.gateway_stats.identifies
        bot = await BotProcess.start(fake, database, cwd=tmp_path, **env)
        try:
            await bot.alive_while(fake.gateway.wait_for_identify(identifies, timeout=30))
            late = fake.create_member(guild, "Late Athlete")
            by_id = {str(athlete.id): athlete for athlete in athletes}
            retry = by_id[unanswered[0].payload["member"]["user"]["id"]]
            itx = await fake.slash(late, "splits submit", {"splits": SPLITS}, channel=general)
            assert "logged splits" in (await itx.wait_reply(timeout=10)).content
            # Whether the kill came before or after its commit, a resubmission
            # gives one whole submission: "logged" or "updated", never two rows.
            itx = await fake.slash(retry, "splits submit", {"splits": SPLITS}, channel=general)
            reply = (await itx.wait_reply(timeout=10)).content
            assert "logged splits" in reply or "updated their splits" in reply, reply
        finally:
            assert await bot.stop() == 0, bot.log

        after = await _stored(database)
        assert late.id in after and set(after.values()) == {REPS}
        assert len(after) == len(stored) + 1 + (retry.id not in stored)
        assert await integrity(database) == ["ok"]
        # The only rule broken is the one the kill broke: interactions left unanswered.
        assert {v.kind for v in fake.take_violations()} <= {"ack_deadline"}
        assert not fake.unknown_routes


def _noon_zone(now: datetime) -> str:
    """A fixed-offset zone where it is about noon now, so "today" cannot
    change under the test whatever the hour it runs."""
    offset = 12 - now.hour  # -11 … +12, all in the tz database
    if offset == 0:
        return "UTC"
    # POSIX sign: Etc/GMT-3 is three hours ahead of UTC.
    return f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"


async def _due_workout(fake: FakeDiscord, w: dict, database: Database) -> int:
    """A workout for today whose post time has passed, as a coach leaves it
    scheduled the evening before; returns its id."""
    zone = _noon_zone(datetime.now(UTC))
    now = datetime.now(UTC)
    db = await open_database(database)
    try:
        await db.migrate()
        await GuildSettingsQueries(db).update(
            w["guild"].id,
            now=int(now.timestamp() * 1000),
            timezone=zone,
            post_time="06:00",
            channel_id=w["workouts"].id,
        )
        stored, _ = await WorkoutQueries(db).save(
            NewWorkout(
                guild_id=w["guild"].id,
                local_date=now.astimezone(ZoneInfo(zone)).date(),
                title=None,
                text=WORKOUT,
                plan=parse_workout(WORKOUT),
                recovery=None,
                notes=None,
                author_id=w["coach"].id,
                origin_channel_id=w["general"].id,
            ),
            now=int(now.timestamp() * 1000),
        )
        return stored.id
    finally:
        await db.close()


async def _post_state(database: Database, workout_id: int) -> tuple[int | None, int | None]:
    [row] = await read_rows(
        database,
        "SELECT post_claimed_at, message_id FROM workouts WHERE id = :id",
        {"id": workout_id},
    )
    return row["post_claimed_at"], row["message_id"]


async def _age_claim(database: Database, by: timedelta) -> None:
    """Restarting later than the claim timeout, without waiting for it: the
    claim the killed process wrote is made that much older."""
    db = await open_database(database)
    try:
        await db.run(
            lambda tx: tx.execute(
                "UPDATE workouts SET post_claimed_at = post_claimed_at - :by",
                {"by": int(by.total_seconds() * 1000)},
            )
        )
    finally:
        await db.close()


@pytest.mark.parametrize(
    "stage",
    [
        # Killed after the claim was written, before Discord saw the post.
        "before",
        # Killed after Discord created the message, before its id was stored.
        "after",
    ],
)
async def test_sigkill_around_the_scheduled_post_still_posts_exactly_once(
    tmp_path: Path, new_database: Database, stage: str
) -> None:
    database = new_database
    async with FakeDiscord(token=LOOPBACK_TOKEN) as fake:
        w = build_world(fake)
        workout_id = await _due_workout(fake, w, database)

        held = fake.rest.hold(CHANNEL_POST, stage=stage)  # type: ignore[arg-type]
        since = await server_clock(database)
        bot = await BotProcess.start(fake, database, cwd=tmp_path)
        try:
            await bot.alive_while(held.reached(timeout=30))  # the start-up tick posts it
            await bot.kill()
        finally:
            await bot.kill()
            if stage == "before":
                held.drop()
            else:
                held.release()
        await settled(database, since)
        claimed_at, message_id = await _post_state(database, workout_id)
        assert claimed_at is not None and message_id is None  # the crash window
        assert len(fake.messages(w["workouts"])) == (1 if stage == "after" else 0)

        await _age_claim(database, CLAIM_TIMEOUT + timedelta(minutes=1))
        bot = await BotProcess.start(fake, database, cwd=tmp_path)
        try:
            await bot.alive_while(bot.wait_for_line(f"posted workout {workout_id} ", timeout=15))
        finally:
            assert await bot.stop() == 0, bot.log

        [post] = fake.messages(w["workouts"])
        assert post.author_id == fake.bot_user.id and post.buttons()
        assert await _post_state(database, workout_id) == (None, post.id)
        assert await integrity(database) == ["ok"]
        fake.assert_clean()
