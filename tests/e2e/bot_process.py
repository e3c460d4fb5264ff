"""``python -m bot`` as a child process on the loopback Discord, for the tests
that kill it, restart it or start it where the database cannot be used. The
database is a SQLite path or a ``postgresql://`` URL (``DATABASE_URL``).

Its log (stdout and stderr together) is read line by line as it comes, so a
test waits for a log line as an event (``wait_for_line``) instead of sleeping.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Awaitable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from db import is_postgresql, open_database
from loopback import FakeDiscord
from loopback.sandbox import Database, subprocess_environment
from tests.e2e.conftest import read_rows

T = TypeVar("T")

# Root ignores file modes (CAP_DAC_OVERRIDE): a child without those two
# capabilities meets a read-only file or folder as any other user would.
_NO_DAC = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"]


def without_root_overrides() -> Sequence[str] | None:
    """Command prefix under which file modes apply to the child, or ``None``
    when this machine cannot provide one (the caller skips, saying why)."""
    if os.geteuid() != 0:
        return ()
    if shutil.which("setpriv") is None:
        return None
    probe = subprocess.run([*_NO_DAC, "true"], capture_output=True, check=False)
    return _NO_DAC if probe.returncode == 0 else None


class BotProcess:
    """One ``python -m bot`` child; ``lines`` is its log so far."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.lines: list[str] = []
        self._changed = asyncio.Event()
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def start(
        cls,
        fake: FakeDiscord,
        database: Database,
        *,
        cwd: Path,
        prefix: Sequence[str] = (),
        **env: str,
    ) -> BotProcess:
        process = await asyncio.create_subprocess_exec(
            *prefix,
            sys.executable,
            "-m",
            "bot",
            env=subprocess_environment(fake, database, **env),
            cwd=cwd,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        return cls(process)

    async def _read(self) -> None:
        assert self.process.stdout is not None
        async for raw in self.process.stdout:
            self.lines.append(raw.decode(errors="replace").rstrip("\n"))
            self._changed.set()
        self._changed.set()

    @property
    def log(self) -> str:
        return "\n".join(self.lines)

    async def wait_for_line(self, needle: str, timeout: float = 10) -> str:  # noqa: ASYNC109
        """The first log line containing ``needle``, waiting for it to come."""
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        seen = 0
        while True:
            for line in self.lines[seen:]:
                if needle in line:
                    return line
            seen = len(self.lines)
            remaining = end - loop.time()
            if remaining <= 0 or self._reader.done():
                raise AssertionError(f"no log line with {needle!r}; the log:\n{self.log}")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)

    async def alive_while(self, awaitable: Awaitable[T]) -> T:
        """Await ``awaitable``, failing at once with the log if the process
        ends first (instead of waiting out the awaitable's timeout)."""
        waiting = asyncio.ensure_future(awaitable)
        ended = asyncio.ensure_future(self.process.wait())
        try:
            await asyncio.wait({waiting, ended}, return_when=asyncio.FIRST_COMPLETED)
            if waiting.done():
                return waiting.result()
            raise AssertionError(f"the bot exited ({self.process.returncode}):\n{self.log}")
        finally:
            waiting.cancel()
            ended.cancel()

    async def exited(self, timeout: float = 30) -> int:  # noqa: ASYNC109
        """Wait for the process to end by itself; its exit code."""
        code = await asyncio.wait_for(self.process.wait(), timeout)
        await asyncio.wait_for(self._reader, timeout)
        return code

    async def kill(self) -> None:
        """SIGKILL: no shutdown code of the bot runs."""
        if self.process.returncode is None:
            self.process.kill()
        await self.exited()

    async def stop(self) -> int:
        """Ctrl-C, as an operator stops it (SIGKILL if it hangs)."""
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGINT)
        try:
            return await self.exited(timeout=20)
        except TimeoutError:
            await self.kill()
            raise


# Consistency a second connection can check on either back end (foreign keys
# are always enforced by PostgreSQL; SQLite's ``foreign_key_check`` is below).
_ORPHANS = {
    "splits without their submission": (
        "SELECT COUNT(*) AS n FROM splits p"
        " LEFT JOIN submissions s ON s.id = p.submission_id WHERE s.id IS NULL"
    ),
    "splits whose copied key differs from their submission's": (
        "SELECT COUNT(*) AS n FROM splits p JOIN submissions s ON s.id = p.submission_id"
        " WHERE p.guild_id <> s.guild_id OR p.athlete_id <> s.athlete_id"
        " OR p.local_date <> s.local_date"
    ),
    "submissions naming a missing workout": (
        "SELECT COUNT(*) AS n FROM submissions s LEFT JOIN workouts w ON w.id = s.workout_id"
        " WHERE s.workout_id IS NOT NULL AND w.id IS NULL"
    ),
}


def _sqlite_integrity(database: Path) -> list[str]:
    """``PRAGMA integrity_check`` and ``foreign_key_check`` from a second
    connection, as an operator's sqlite3 shell would run them."""
    conn = sqlite3.connect(database)
    try:
        problems = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        problems += [repr(row) for row in conn.execute("PRAGMA foreign_key_check")]
        return problems
    finally:
        conn.close()


async def integrity(database: Database) -> list[str]:
    """``["ok"]``, or what is wrong with ``database`` as a second connection
    sees it: SQLite's own checks of the file, then rows that point nowhere."""
    problems: list[str] = []
    if not is_postgresql(database):
        checked = await asyncio.to_thread(_sqlite_integrity, Path(database))
        problems = [problem for problem in checked if problem != "ok"]
    for what, sql in _ORPHANS.items():
        [row] = await read_rows(database, sql)
        if int(row["n"]):
            problems.append(f"{row['n']} {what}")
    return problems or ["ok"]


async def server_clock(database: Database) -> datetime | None:
    """PostgreSQL's ``now()`` (``None`` on SQLite): take it before starting a
    bot that :func:`settled` will wait for."""
    if not is_postgresql(database):
        return None
    [row] = await read_rows(database, "SELECT now() AS now")
    return row["now"]


async def settled(database: Database, since: datetime | None, timeout: float = 10) -> None:  # noqa: ASYNC109
    """After a SIGKILL: wait until the server has ended the sessions the dead
    process opened (those begun after ``since``), so each of its transactions
    is committed or rolled back for good before the test reads. (SQLite:
    nothing to wait for, the file is consistent the moment the process is
    gone.)"""
    if since is None:
        return
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    db = await open_database(database)
    try:
        while True:
            row = await db.fetch_one(
                "SELECT COUNT(*) AS n FROM pg_stat_activity"
                " WHERE datname = current_database() AND application_name = 'trackside'"
                " AND backend_start >= :since AND pid <> pg_backend_pid()",
                {"since": since},
            )
            if row is not None and int(row["n"]) == 0:
                return
            if loop.time() > end:
                raise AssertionError(f"{row} sessions of a killed bot still open")
            await asyncio.sleep(0.02)
    finally:
        await db.close()
