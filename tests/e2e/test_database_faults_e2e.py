"""The database cannot be used: read-only, its folder impossible to create,
or locked by another process.

At start-up ``python -m bot`` says why in one line and exits 1 (no traceback,
no retry loop, the file untouched). While running, the athlete gets an
ephemeral reply naming the problem with an error id the log carries, nothing
is half-stored, and the next submission after the fault clears works.
"""

from __future__ import annotations

import hashlib
import logging
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import pytest_asyncio

from db import open_database
from db.app_state import AppState
from loopback import FakeDiscord, Member, Message
from loopback.sandbox import LOOPBACK_TOKEN
from tests.e2e.bot_process import BotProcess, integrity, without_root_overrides
from tests.e2e.conftest import Club

pytestmark = pytest.mark.asyncio(loop_scope="module")

SPLITS = "29.78 29.98 31.31 31.20 37.47"


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


async def _start_and_fail(tmp_path: Path, database: Path, prefix: tuple[str, ...] = ()) -> str:
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
    return said[0]


def _no_dac_prefix() -> tuple[str, ...]:
    prefix = without_root_overrides()
    if prefix is None:
        pytest.skip(
            "running as root without setpriv (or without CAP_SETPCAP to drop "
            "CAP_DAC_OVERRIDE), so file modes cannot be made to apply to the bot"
        )
    return tuple(prefix)


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
    assert integrity(database) == ["ok"]


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


async def test_a_database_locked_at_start_up_stops_it_with_one_line(tmp_path: Path) -> None:
    database = tmp_path / "trackside.db"
    await _existing_database(database)
    with _locked(database):
        line = await _start_and_fail(tmp_path, database)
    assert re.match(rf"trackside: the database {re.escape(str(database))} is locked by", line)
    assert integrity(database) == ["ok"]


# -- at run time: the club's bot, running in this process ---------------------------------


def _splits_rows(club: Club, athlete_id: int) -> list[int]:
    conn = sqlite3.connect(club.database_path)
    try:
        rows = conn.execute(
            "SELECT COUNT(p.rep) FROM submissions s LEFT JOIN splits p ON p.submission_id = s.id"
            " WHERE s.athlete_id = ? GROUP BY s.id",
            (athlete_id,),
        ).fetchall()
    finally:
        conn.close()
    return [count for (count,) in rows]


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


async def test_a_lock_held_by_another_process_gets_a_busy_reply_then_the_retry_works(
    club: Club, clean_fake: FakeDiscord, workout_posted: None, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.errors")
    assert "logged splits" in (await _submit(club, club.ana)).content

    with _locked(club.database_path):
        refused = await _submit(club, club.ben)  # answered inside Discord's 3 s
    assert refused.ephemeral
    assert refused.content.startswith("The database is busy right now")
    assert "nothing was saved" in refused.content
    error_id = _error_id(refused.content)
    [record] = [r for r in caplog.records if error_id in r.getMessage()]
    assert "is locked by another process" in record.getMessage()
    assert "splits submit" in record.getMessage()
    assert _splits_rows(club, club.ben.id) == []

    again = await _submit(club, club.ben)  # the lock is gone: the bot kept running
    assert not again.ephemeral and "Ben logged splits" in again.content
    assert _splits_rows(club, club.ben.id) == [5]
    assert _splits_rows(club, club.ana.id) == [5]


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
    assert _splits_rows(club, assistant.id) == []

    again = await _submit(club, assistant)
    assert not again.ephemeral and "logged splits" in again.content
    assert _splits_rows(club, assistant.id) == [5]
    assert integrity(club.database_path) == ["ok"]
