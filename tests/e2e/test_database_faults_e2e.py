"""The database cannot be used: read-only, its folder impossible to create,
locked by another process (SQLite); the server unreachable, a row held by
another connection, its sessions terminated (PostgreSQL).

At start-up ``python -m bot`` says why in one line and exits 1 (no traceback,
no retry loop, the file untouched, Discord never contacted). While running,
the athlete gets an ephemeral reply naming the problem with an error id the
log carries, nothing is half-stored, and the next submission after the fault
clears works. The club's tests run on both back ends; those of one back end's
own mechanics carry its mark (``sqlite``, ``postgresql``).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import socket
import sqlite3
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

import asyncpg
import pytest
import pytest_asyncio

from db import open_database
from db.app_state import AppState
from db.postgresql import with_database
from loopback import FakeDiscord, Member, Message
from loopback.sandbox import LOOPBACK_TOKEN, Database
from tests.e2e.bot_process import BotProcess, integrity, without_root_overrides
from tests.e2e.conftest import Club

pytestmark = pytest.mark.asyncio(loop_scope="module")

SPLITS = "29.78 29.98 31.31 31.20 37.47"
PASSWORD = "not-shown-anywhere"  # of a DATABASE_URL: never in a log line


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


async def _existing_database(path: Path) -> None:
    """A database in use for a while: migrated, with a value stored."""
    db = await open_database(path)
    try:
        await db.migrate()
        await AppState(db).set("kept", "yes")
    finally:
        await db.close()


async def _start_and_fail(tmp_path: Path, database: Database, prefix: tuple[str, ...] = ()) -> str:
    """Start ``python -m bot``; it must stop by itself, exit 1, and say why in
    one line. Returns that line."""
    async with FakeDiscord(token=LOOPBACK_TOKEN) as fake:
        fake.create_guild("Track Club")
        bot = await BotProcess.start(fake, database, cwd=tmp_path, prefix=prefix)
        code = await bot.exited(timeout=30)
        assert fake.rest.request_count == 0  # stopped before going online to fail users
    said = [line for line in bot.lines if line.startswith("trackside:")]
    assert code == 1, bot.log
    assert len(said) == 1, bot.log
    assert "Traceback" not in bot.log
    assert LOOPBACK_TOKEN not in bot.log
    assert PASSWORD not in bot.log
    return said[0]


def _no_dac_prefix() -> tuple[str, ...]:
    prefix = without_root_overrides()
    if prefix is None:
        pytest.skip(
            "running as root without setpriv (or without CAP_SETPCAP to drop "
            "CAP_DAC_OVERRIDE), so file modes cannot be made to apply to the bot"
        )
    return tuple(prefix)


@pytest.mark.sqlite
async def test_a_read_only_database_stops_start_up_with_one_line_and_is_untouched(
    tmp_path: Path,
) -> None:
    prefix = _no_dac_prefix()
    database = tmp_path / "trackside.db"
    await _existing_database(database)
    database.chmod(0o444)
    before = _sha256(database)

    line = await _start_and_fail(tmp_path, database, prefix)

    assert line.startswith(f"trackside: cannot use the database {database}: it is read-only")
    assert _sha256(database) == before
    database.chmod(0o644)
    assert await integrity(database) == ["ok"]


@pytest.mark.sqlite
@pytest.mark.parametrize("obstacle", ["a file in the way", "a read-only parent folder"])
async def test_a_folder_that_cannot_be_created_stops_start_up_with_one_line(
    tmp_path: Path, obstacle: str
) -> None:
    prefix: tuple[str, ...] = ()
    if obstacle == "a file in the way":
        (tmp_path / "data").write_text("not a folder")
        reason = "Not a directory"
    else:
        prefix = _no_dac_prefix()
        (tmp_path / "data").mkdir(mode=0o555)
        reason = "Permission denied"
    database = tmp_path / "data" / "club" / "trackside.db"

    line = await _start_and_fail(tmp_path, database, prefix)

    assert line.startswith(f"trackside: cannot create the folder {database.parent}")
    assert reason in line
    assert not database.exists()


@contextmanager
def _locked(database: Path) -> Iterator[sqlite3.Connection]:
    """Another program (an operator's sqlite3 shell, a long backup script)
    holding the write lock until the block ends."""
    other = sqlite3.connect(database, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        yield other
        other.execute("ROLLBACK")
    finally:
        other.close()


@pytest.mark.sqlite
async def test_a_database_locked_at_start_up_stops_it_with_one_line(tmp_path: Path) -> None:
    database = tmp_path / "trackside.db"
    await _existing_database(database)
    with _locked(database):
        line = await _start_and_fail(tmp_path, database)
    assert re.match(rf"trackside: the database {re.escape(str(database))} is locked by", line)
    assert await integrity(database) == ["ok"]


@pytest.mark.postgresql
async def test_a_postgresql_server_that_cannot_be_reached_stops_start_up_with_one_line(
    tmp_path: Path,
) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"postgresql://trackside:{PASSWORD}@127.0.0.1:{port}/trackside"

    line = await _start_and_fail(tmp_path, url)

    shown = f"postgresql://trackside:***@127.0.0.1:{port}/trackside"
    assert line.startswith(f"trackside: cannot reach the database {shown}: "), line
    assert "Check that the PostgreSQL server runs and DATABASE_URL" in line


@pytest.mark.postgresql
async def test_a_postgresql_database_that_does_not_exist_stops_start_up_with_one_line(
    tmp_path: Path, postgres_admin_url: str
) -> None:
    url = with_database(postgres_admin_url, "trackside_nowhere")

    line = await _start_and_fail(tmp_path, url)

    assert line.startswith(f"trackside: cannot use the database {url}: it does not exist"), line


# -- at run time: the club's bot, running in this process ---------------------------------


def _error_id(text: str) -> str:
    found = re.search(r"error id `([0-9a-f]{8})`", text)
    assert found, text
    return found.group(1)


async def _query_only(club: Club, on: bool) -> None:
    """Refuse writes on the bot's connection for units of work (the event
    loop's own, see SQLiteDatabase.run), as a disk remounted read-only does."""
    pragma = f"PRAGMA query_only = {'ON' if on else 'OFF'}"
    club.bot.db._writer.execute(pragma)  # type: ignore[attr-defined]


async def _submit(club: Club, who: Member) -> Message:
    itx = await club.fake.slash(who, "splits submit", {"splits": SPLITS}, channel=club.general)
    return await itx.wait_reply(timeout=5)


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def workout_posted(club: Club) -> None:
    itx = await club.fake.slash(
        club.coach, "wod post", {"workout": "4 x 250m sprint + 1 x 300m"}, channel=club.general
    )
    await itx.wait_reply()


@pytest.mark.sqlite
async def test_a_lock_held_by_another_process_gets_a_busy_reply_then_the_retry_works(
    club: Club, clean_fake: FakeDiscord, workout_posted: None, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.errors")
    assert "logged splits" in (await _submit(club, club.ana)).content

    with _locked(Path(club.database)):
        refused = await _submit(club, club.ben)  # answered inside Discord's 3 s
    assert refused.ephemeral
    assert refused.content.startswith("The database is busy right now")
    assert "nothing was saved" in refused.content
    error_id = _error_id(refused.content)
    [record] = [r for r in caplog.records if error_id in r.getMessage()]
    assert "is locked by another process" in record.getMessage()
    assert "splits submit" in record.getMessage()
    # The operator's log names who served it (one process here: shard 0 of 1).
    assert re.search(r"\(Shard 0 of 1, process [0-9a-f]{8} on \S+\)", record.getMessage())
    assert await club.split_counts(club.ben.id) == []

    again = await _submit(club, club.ben)  # the lock is gone: the bot kept running
    assert not again.ephemeral and "Ben logged splits" in again.content
    assert await club.split_counts(club.ben.id) == [5]
    assert await club.split_counts(club.ana.id) == [5]


@pytest.mark.sqlite
async def test_a_database_turned_read_only_while_running_is_named_and_nothing_is_stored(
    club: Club, clean_fake: FakeDiscord, workout_posted: None, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.errors")
    assistant = club.assistant
    # What a disk remounted read-only does to the open database: every write
    # fails with SQLITE_READONLY (root ignores file modes, so a chmod would not).
    await _query_only(club, True)
    try:
        refused = await _submit(club, assistant)
    finally:
        await _query_only(club, False)
    assert refused.ephemeral
    assert refused.content.startswith("I can't save anything right now")
    error_id = _error_id(refused.content)
    [record] = [r for r in caplog.records if error_id in r.getMessage()]
    assert "it is read-only" in record.getMessage()
    assert await club.split_counts(assistant.id) == []

    again = await _submit(club, assistant)
    assert not again.ephemeral and "logged splits" in again.content
    assert await club.split_counts(assistant.id) == [5]
    assert await integrity(club.database) == ["ok"]


# -- PostgreSQL at run time: another connection's row lock, sessions terminated -----------
@asynccontextmanager
async def _row_held(url: str, table: str, row_id: int) -> AsyncIterator[None]:
    """Another program (an operator's psql session, a long script) holding
    a row's lock (``SELECT ... FOR UPDATE``) until the block ends, then
    rolling back."""
    other = await asyncpg.connect(url, server_settings={"application_name": "another program"})
    try:
        transaction = other.transaction()
        await transaction.start()
        locked = await other.fetch(f"SELECT id FROM {table} WHERE id = $1 FOR UPDATE", row_id)
        assert len(locked) == 1
        try:
            yield
        finally:
            await transaction.rollback()
    finally:
        await other.close()


async def _todays_workout(club: Club) -> int:
    return int(
        await club.value(
            "SELECT id FROM workouts WHERE guild_id = :guild AND local_date = :day",
            {"guild": club.guild.id, "day": club.clock.now().date().isoformat()},
        )
    )


@pytest.mark.postgresql
async def test_a_row_held_past_the_budget_gets_a_busy_reply_then_the_retry_works(
    club: Club, clean_fake: FakeDiscord, workout_posted: None, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.errors")
    assert "logged splits" in (await _submit(club, club.ana)).content
    before = await club.digest()

    # A new submission references today's workout, so storing it needs that
    # row's key-share lock, which FOR UPDATE elsewhere does not grant: the
    # unit waits out lock_timeout (the 2 s budget), then the athlete is told.
    async with _row_held(str(club.database), "workouts", await _todays_workout(club)):
        refused = await _submit(club, club.ben)  # answered inside Discord's 3 s
    assert refused.ephemeral
    assert refused.content.startswith("The database is busy right now")
    assert "nothing was saved" in refused.content
    error_id = _error_id(refused.content)
    [record] = [r for r in caplog.records if error_id in r.getMessage()]
    assert "stayed busy for 2 s (other writers held the rows" in record.getMessage()
    assert "lock timeout" in record.getMessage()
    assert "splits submit" in record.getMessage()
    assert await club.digest() == before  # nothing stored, not even half
    assert await club.split_counts(club.ben.id) == []

    again = await _submit(club, club.ben)  # the lock is gone: the bot kept running
    assert not again.ephemeral and "Ben logged splits" in again.content
    assert await club.split_counts(club.ben.id) == [5]
    assert await club.split_counts(club.ana.id) == [5]


BURST = 40
# Every session of the bot is terminated once this many replies are out.
KILL_AFTER = (4, 10, 16, 22, 28)
REFUSED = ("The database is busy right now", "I can't save anything right now")
STORED = ("logged splits", "updated their splits")
# A pooled connection whose session the server ended while it sat idle (a
# restart, a failover, pg_terminate_backend) may be handed out as open: its
# next statement fails (asyncpg's InternalClientError). The back end discards
# it and runs the unit again on a new one (db/postgresql.py).


async def _terminate_bot_sessions(admin: asyncpg.Connection) -> int:
    """End every session of the bot (``application_name`` trackside) as a
    server restart or an operator's ``pg_terminate_backend`` does."""
    return int(
        await admin.fetchval(
            "SELECT COUNT(*) FILTER (WHERE pg_terminate_backend(pid))"
            " FROM pg_stat_activity WHERE datname = current_database()"
            " AND application_name = 'trackside'"
        )
    )


@pytest.mark.postgresql
async def test_sessions_terminated_mid_burst_keep_every_acknowledged_submission_once(
    club: Club, clean_fake: FakeDiscord, workout_posted: None, caplog: pytest.LogCaptureFixture
) -> None:
    """``pg_terminate_backend`` on every connection of the bot, five times
    while a burst of submissions flows (a failover, an operator's mistake):
    a unit cut off is rolled back by the server and run again on a new
    connection, so whoever got a reply has one whole submission, whoever was
    refused none or a whole one, and the bot goes on answering."""
    caplog.set_level(logging.DEBUG, logger="db.postgresql")
    fake = club.fake
    runners = [fake.create_member(club.guild, f"Burst {n:02d}") for n in range(BURST)]
    await fake.sync_gateway()
    admin = await asyncpg.connect(
        str(club.database), server_settings={"application_name": "trackside tests"}
    )
    loop = asyncio.get_running_loop()
    terminated = 0
    try:
        sent = await asyncio.gather(
            *(
                fake.slash(runner, "splits submit", {"splits": SPLITS}, channel=club.general)
                for runner in runners
            )
        )
        for replies_out in KILL_AFTER:
            give_up = loop.time() + 10
            while sum(bool(itx.callbacks) for itx in sent) < replies_out:
                assert loop.time() < give_up, "the burst stopped being answered"
                await asyncio.sleep(0.002)
            terminated += await _terminate_bot_sessions(admin)
        replies = await asyncio.gather(*(itx.wait_reply(timeout=10) for itx in sent))
    finally:
        await admin.close()

    outcomes = Counter(
        next((kind for kind in (*STORED, *REFUSED) if kind in reply.content), reply.content[:40])
        for reply in replies
    )
    run_again = [r for r in caplog.records if "unit of work again" in r.getMessage()]
    print(f"[terminate] {terminated} sessions ended, {len(run_again)} units run again: {outcomes}")
    assert terminated >= len(KILL_AFTER)
    assert run_again, "no unit was cut off mid-way: nothing was tested"
    acknowledged, refused = [], []
    for runner, reply in zip(runners, replies, strict=True):
        if not reply.ephemeral:
            assert reply.content.startswith(runner.name), reply.content
            assert any(kind in reply.content for kind in STORED), reply.content
            acknowledged.append(runner)
        else:
            refused.append(runner)
            assert reply.content.startswith(REFUSED), reply.content
    for runner in acknowledged:
        assert await club.split_counts(runner.id) == [5], runner.name  # once, whole
    for runner in refused:
        assert await club.split_counts(runner.id) in ([], [5]), runner.name
    assert len(acknowledged) >= BURST // 2

    # The pool reconnects by itself: the next submissions work.
    for runner in [*refused, runners[0]]:
        reply = await _submit(club, runner)
        assert not reply.ephemeral, reply.content
        assert await club.split_counts(runner.id) == [5]


@pytest.mark.postgresql
async def test_sessions_ended_while_idle_do_not_fail_the_next_submissions(
    club: Club, clean_fake: FakeDiscord, workout_posted: None
) -> None:
    """A PostgreSQL restart or failover while the bot is idle ends its pooled
    sessions: the next submissions are stored (a unit meeting a dead
    connection runs again on a new one), never refused or "something went
    wrong". (About half the rounds meet the bug; ten make it certain.)"""
    admin = await asyncpg.connect(
        str(club.database), server_settings={"application_name": "trackside tests"}
    )
    refused: list[str] = []
    try:
        for round_ in range(10):
            runners = [club.fake.create_member(club.guild, f"Idle {round_}{n}") for n in range(3)]
            # Several pooled connections, idle, then ended by the server.
            await asyncio.gather(*(club.rows("SELECT 1 AS one") for _ in range(3)))
            await _terminate_bot_sessions(admin)
            replies = await asyncio.gather(*(_submit(club, runner) for runner in runners))
            refused += [reply.content for reply in replies if reply.ephemeral]
    finally:
        await admin.close()
    assert refused == []
