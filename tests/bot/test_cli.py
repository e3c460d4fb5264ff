"""``python -m bot db …``: the database commands of the command line. The
backup is SQLite's online backup API (PostgreSQL is pointed to pg_dump, and
``db copy`` is run, in ``tests/db/test_copy.py``)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.sqlite
def test_a_backup_never_migrates_the_database_it_copies(tmp_path: Path) -> None:
    source = tmp_path / "old.db"
    connection = sqlite3.connect(source)
    connection.executescript(
        "PRAGMA journal_mode = WAL; CREATE TABLE t (x); INSERT INTO t VALUES (1);"
        " PRAGMA user_version = 3;"
    )
    connection.close()
    before = source.read_bytes()
    env = subprocess_environment_for(source)
    done = subprocess.run(
        [sys.executable, "-m", "bot", "db", "backup", str(tmp_path / "copy.db")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "(schema 3)" in done.stdout
    assert source.read_bytes() == before  # same bytes: not migrated, not touched
    copy = sqlite3.connect(tmp_path / "copy.db")
    assert copy.execute("PRAGMA user_version").fetchone()[0] == 3
    assert copy.execute("SELECT x FROM t").fetchall() == [(1,)]
    missing = subprocess.run(
        [sys.executable, "-m", "bot", "db", "backup", str(tmp_path / "none.db")],
        env=subprocess_environment_for(tmp_path / "absent.db"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert missing.returncode == 1
    assert "there is no database at" in missing.stderr
    assert not (tmp_path / "absent.db").exists()


def subprocess_environment_for(database: Path) -> dict[str, str]:
    """The CLI's environment: no Discord settings (a backup needs none)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DEV_GUILD"))}
    env["DATABASE_PATH"] = str(database)
    return env
