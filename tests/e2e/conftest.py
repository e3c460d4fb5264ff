"""Shared world for end-to-end tests: the loopback Discord with a track club,
and the real Trackside bot connected to it (one per test module and back end).

Every test that touches the database runs on SQLite and on PostgreSQL:
``backend`` is overridden here as a **module**-scoped parameter, so each
module's ``club`` (one bot, one database) is built once per back end and the
tests of a module run first on one, then on the other. Tests that start
``python -m bot`` themselves ask for ``new_database`` / ``make_database``
(tests/conftest.py), which follow the same ``backend``. A test of one back
end's own mechanics carries ``@pytest.mark.sqlite`` or
``@pytest.mark.postgresql`` and is deselected for the other.

Tests read what the bot stored through the bot's own database handle with
portable SQL (``:name`` parameters): ``await club.rows(sql, params)``,
``await club.digest()``; a database no bot holds open (a stopped process's)
with ``await read_rows(database, ...)`` / ``await database_digest(database)``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from bot.app import Trackside
from bot.clock import ManualClock
from db import open_database
from db.base import Params, Reader, Row
from db.copy import TableCopy, digests
from loopback import (
    MANAGE_GUILD,
    Channel,
    FakeDiscord,
    Guild,
    Member,
    Role,
)
from loopback.sandbox import INVITE_PERMISSIONS, LOOPBACK_TOKEN, running_bot
from tests.conftest import BACK_ENDS, create_postgres_database

# The club's clock starts at noon UTC on a Saturday and moves only when a test sets it.
CLUB_START = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
E2E = Path(__file__).parent

Database = Path | str  # a SQLite file, or a postgresql:// URL

# Per-person bookkeeping that any use of the bot changes, a refused one too:
# the chat cooldown's count and who used Trackside in which server. Not what
# "nothing stored" is about, so Club.digest leaves it out.
BOOKKEEPING = ("chat_cooldowns", "server_members")


@pytest.fixture(scope="module", params=BACK_ENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The back end of this module's run (overrides the function-scoped one:
    a module's club lives as long as the module)."""
    return str(request.param)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test marked ``sqlite`` (or ``postgresql``) runs on that back end only:
    its run on the other one is deselected, not skipped (nothing to report)."""
    kept: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        callspec = getattr(item, "callspec", None)
        backend = callspec.params.get("backend") if callspec is not None else None
        others = [name for name in BACK_ENDS if name != backend]
        if (
            backend is not None
            and E2E in item.path.parents
            and any(item.get_closest_marker(other) for other in others)
        ):
            dropped.append(item)
        else:
            kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


async def fresh_database(
    backend: str, folder: Path, request: pytest.FixtureRequest, name: str = "trackside.db"
) -> Database:
    """A new, empty database of ``backend``: a file in ``folder``, or a new
    database on the session's PostgreSQL server."""
    if backend == "sqlite":
        return folder / name
    return await create_postgres_database(request.getfixturevalue("postgres_admin_url"))


# ------------------------------------------------------------- reading the database
async def read_rows(database: Database, sql: str, params: Params | None = None) -> list[Row]:
    """Rows of a portable query on ``database`` through a connection of its
    own (for a database no bot of this process holds: a child's)."""
    db = await open_database(database)
    try:
        return await db.fetch_all(sql, params)
    finally:
        await db.close()


async def database_digest(database: Database) -> list[TableCopy]:
    """Every table's row count and digest (``db.copy.digests``): "nothing
    stored" means they are unchanged."""
    db = await open_database(database)
    try:
        return await digests(db)
    finally:
        await db.close()


@dataclass
class Club:
    """A server as a coach would set it up, with the bot invited."""

    fake: FakeDiscord
    bot: Trackside
    guild: Guild
    general: Channel
    workouts: Channel
    coach_role: Role
    coach: Member  # has Manage Server
    assistant: Member  # has only the coach role
    ana: Member
    ben: Member
    backend: str  # "sqlite" or "postgresql"
    database: Database  # the SQLite file, or the postgresql:// URL
    clock: ManualClock

    async def digest(self) -> list[TableCopy]:
        """Every table's row count and digest, read through the bot's own
        database (never blocking the loop): "nothing stored" means unchanged.
        The per-person bookkeeping (``BOOKKEEPING``) is left out."""
        return [copy for copy in await digests(self.bot.db) if copy.table not in BOOKKEEPING]

    async def rows(self, sql: str, params: Params | None = None) -> list[Row]:
        """Every row of a portable query (``:name`` parameters), as the bot reads."""
        return await self.bot.db.fetch_all(sql, params)

    async def value(self, sql: str, params: Params | None = None) -> Any:
        """The one value of a query that returns one row of one column."""
        rows = await self.rows(sql, params)
        assert len(rows) == 1, (sql, params, rows)
        [value] = rows[0].values()
        return value

    async def split_counts(self, athlete_id: int) -> list[int]:
        """Split rows of each stored submission of ``athlete_id`` (all servers)."""
        return await split_counts(self.bot.db, athlete_id)


async def split_counts(db: Reader, athlete_id: int) -> list[int]:
    """Split rows of each stored submission of ``athlete_id``, oldest first."""
    rows = await db.fetch_all(
        "SELECT COUNT(p.rep) AS n FROM submissions s"
        " LEFT JOIN splits p ON p.submission_id = s.id"
        " WHERE s.athlete_id = :athlete GROUP BY s.id ORDER BY s.id",
        {"athlete": athlete_id},
    )
    return [int(row["n"]) for row in rows]


def build_world(fake: FakeDiscord) -> dict[str, Any]:
    guild = fake.create_guild("Track Club", bot_permissions=INVITE_PERMISSIONS)
    general = fake.create_channel(guild, "general")
    workouts = fake.create_channel(guild, "workouts")
    coach_role = fake.create_role(guild, "Coach")
    coach = fake.create_member(guild, "Coach Rivera", permissions=MANAGE_GUILD)
    assistant = fake.create_member(guild, "Assistant Kim", roles=[coach_role])
    ana = fake.create_member(guild, "Ana")
    ben = fake.create_member(guild, "Ben")
    return {
        "guild": guild,
        "general": general,
        "workouts": workouts,
        "coach_role": coach_role,
        "coach": coach,
        "assistant": assistant,
        "ana": ana,
        "ben": ben,
    }


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def club(
    backend: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> AsyncIterator[Club]:
    database = await fresh_database(backend, tmp_path_factory.mktemp("club"), request)
    async with FakeDiscord(token=LOOPBACK_TOKEN) as fake:
        world = build_world(fake)
        guild = world["guild"]
        clock = ManualClock(CLUB_START)
        async with running_bot(fake, database, dev_guild_id=guild.id, clock=clock) as bot:
            await fake.wait_for_commands(guild)
            yield Club(
                fake=fake,
                bot=bot,
                backend=backend,
                database=database,
                clock=clock,
                **world,
            )


@pytest.fixture
def clean_fake(club: Club):
    """Fail the test if the bot hit an unknown route or broke a Discord rule."""
    club.fake.take_violations()
    yield club.fake
    club.fake.assert_clean()
