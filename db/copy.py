"""Moving a team between back ends (``python -m bot db copy``), and the
per-table digests that prove a copy whole.

With the bot stopped: a SQLite source is first snapshotted with SQLite's
online backup API; a target that holds any row is refused; the target is
migrated, then every table is copied in foreign-key order keeping its ids
(buttons and forms posted before the move carry workout ids), identity
sequences are moved past the copied ids, and each table's row count and
digest are compared between source and target. The same code copies either
way, SQLite to PostgreSQL or back. Portable SQL only; the one back-end
mechanism it needs (moving identities) is each back end's own.
"""

from __future__ import annotations

import asyncio
import hashlib
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from db import is_postgresql, open_database
from db.base import Database, Executor, Row

# Every table of the schema, parents before children, with the key that
# orders its rows (the digest's order, identical on both back ends).
TABLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("app_state", ("key",)),
    ("guild_settings", ("guild_id",)),
    ("pace_answers", ("id",)),
    ("training_groups", ("id",)),
    ("workouts", ("id",)),
    ("submissions", ("id",)),
    ("splits", ("submission_id", "rep")),
    ("chat_cooldowns", ("user_id",)),
    ("server_members", ("user_id", "guild_id")),
    ("profiles", ("user_id",)),
)
# Tables whose id the back end generates: their counter must pass the copied ids.
IDENTITIES = ("pace_answers", "training_groups", "workouts", "submissions")
_BATCH = 200  # rows per INSERT statement


class CopyRefused(Exception):
    """The copy cannot start (a non-empty target, the same database twice)."""


@dataclass(frozen=True)
class TableCopy:
    table: str
    rows: int
    digest: str


def _digest(rows: Sequence[Row]) -> str:
    digest = hashlib.sha256()
    for row in rows:
        digest.update(repr(sorted(row.items())).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:16]


async def table_rows(db: Database, table: str) -> list[Row]:
    key = dict(TABLES)[table]
    return await db.fetch_all(f"SELECT * FROM {table} ORDER BY {', '.join(key)}")


async def digests(db: Database) -> list[TableCopy]:
    """Each table's row count and digest (the same on both back ends for the
    same data: values come back as the same Python types)."""
    found = []
    for table, _ in TABLES:
        rows = await table_rows(db, table)
        found.append(TableCopy(table, len(rows), _digest(rows)))
    return found


async def _insert(tx: Executor, table: str, rows: Sequence[Row]) -> None:
    columns = list(rows[0])
    values = []
    params: dict[str, object] = {}
    for n, row in enumerate(rows):
        values.append("(" + ", ".join(f":c{n}_{i}" for i in range(len(columns))) + ")")
        for i, column in enumerate(columns):
            params[f"c{n}_{i}"] = row[column]
    await tx.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join(values)}", params
    )


async def copy_between(source: Database, target: Database) -> list[TableCopy]:
    """Copy every row of ``source`` into the empty, migrated ``target``;
    returns the target's digests, checked equal to the source's."""
    for table, _ in TABLES:
        row = await target.fetch_one(f"SELECT COUNT(*) AS n FROM {table}")
        if row and int(row["n"]):
            raise CopyRefused(
                f"the target already holds data ({row['n']} row(s) in {table}); "
                "copy into an empty database"
            )
    for table, _ in TABLES:
        rows = await table_rows(source, table)
        for start in range(0, len(rows), _BATCH):
            batch = rows[start : start + _BATCH]
            await target.run(lambda tx, batch=batch, table=table: _insert(tx, table, batch))
    await target.finish_copy(IDENTITIES)
    before, after = await digests(source), await digests(target)
    if before != after:
        different = [a.table for a, b in zip(before, after, strict=True) if a != b]
        raise RuntimeError(f"the copy differs from its source in {', '.join(different)}")
    return after


async def copy_database(source: str | Path, target: str | Path) -> list[TableCopy]:
    """``db copy``: ``source`` and ``target`` are SQLite paths or
    ``postgresql://`` URLs. A SQLite source is copied from a snapshot taken
    with the online backup API."""
    if str(source) == str(target):
        raise CopyRefused("the source and the target are the same database")
    if not is_postgresql(source) and not await asyncio.to_thread(Path(source).exists):
        raise CopyRefused(f"there is no database at {source}")
    with tempfile.TemporaryDirectory(prefix="trackside-copy-") as folder:
        origin = await open_database(source)
        try:
            if not is_postgresql(source):
                snapshot = Path(folder) / "snapshot.db"
                await origin.backup(snapshot)  # type: ignore[attr-defined]
                await origin.close()
                origin = await open_database(snapshot)
                # The snapshot, never the original, is brought up to date.
                await origin.migrate()
            else:
                # An older PostgreSQL source is migrated in place first: the
                # bot is stopped, and its next start would do the same.
                await origin.migrate()
            destination = await open_database(target)
            try:
                await destination.migrate()
                return await copy_between(origin, destination)
            finally:
                await destination.close()
        finally:
            await origin.close()
