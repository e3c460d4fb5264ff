"""Fixtures shared by every test: the bot with its extensions loaded, and the
two back ends.

Every test that touches the database runs on SQLite and on PostgreSQL: ask
for ``backend`` (parametrized ``sqlite`` / ``postgresql``) and
``new_database`` (a fresh, empty database of that back end: a file in
``tmp_path``, or, on the test server, a new schema that the URL's
``search_path`` names). The PostgreSQL server is
a throwaway one started once per test session (``tests/postgres_server.py``)
unless ``TRACKSIDE_TEST_POSTGRES_URL`` names an existing one; where neither is
possible, the PostgreSQL half is skipped with a one-line reason. Tests of
SQLite's own mechanics (WAL, the backup API, file locks) carry the ``sqlite``
back end only.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
import pytest_asyncio

from bot.app import EXTENSIONS, Trackside
from bot.settings import Settings
from db import Database, open_database
from tests.postgres_server import ThrowawayPostgres, server_binaries

# Shaped like a bot token; never sent anywhere.
TEST_TOKEN = "MTAxMjM0NTY3ODkwMTIzNDU2Nzg.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789AB"
BACK_ENDS = ("sqlite", "postgresql")
_schemas = itertools.count(1)


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    """A URL of a role that may create databases: the test server's."""
    given = os.environ.get("TRACKSIDE_TEST_POSTGRES_URL")
    if given:
        yield given
        return
    binaries = server_binaries()
    if binaries is None:
        pytest.skip("PostgreSQL half skipped: no server binaries (set TRACKSIDE_TEST_POSTGRES_URL)")
    server = ThrowawayPostgres(binaries)
    try:
        url = server.start()
    except Exception as error:  # said in one line, then skipped
        server.stop()
        pytest.skip(f"PostgreSQL half skipped: the test server did not start ({error})")
    try:
        yield url
    finally:
        server.stop()


async def create_postgres_database(admin_url: str) -> str:
    """A new, empty database on the test server; returns its URL. (Left on the
    throwaway server, which is deleted whole at the end of the session.) About
    0.1 s each: for tests that need a whole database (its own settings, a copy
    between two); others take :func:`create_postgres_schema`."""
    from db.postgresql import create_database

    return await create_database(admin_url, f"trackside_test_{os.getpid()}")


_shared: dict[str, str] = {}  # admin URL → the session's shared test database


async def create_postgres_schema(admin_url: str) -> str:
    """A new, empty schema in one shared test database, as a URL whose
    ``search_path`` names it: to the bot, an empty database of its own, in a
    few milliseconds instead of a CREATE DATABASE's 0.1 s."""
    import asyncpg

    if admin_url not in _shared:
        _shared[admin_url] = await create_postgres_database(admin_url)
    shared = _shared[admin_url]
    schema = f"t{next(_schemas)}_{os.getpid()}"
    connection = await asyncpg.connect(shared)
    try:
        await connection.execute(f'CREATE SCHEMA "{schema}"')
    finally:
        await connection.close()
    return f"{shared}?search_path={schema}"


@pytest.fixture(params=BACK_ENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest_asyncio.fixture
async def new_database(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Path | str:
    """Where a fresh database of ``backend`` is: a path, or a postgresql:// URL."""
    if backend == "sqlite":
        return tmp_path / "trackside.db"
    admin = request.getfixturevalue("postgres_admin_url")
    return await create_postgres_schema(admin)


@pytest_asyncio.fixture
async def db(new_database: Path | str) -> AsyncIterator[Database]:
    """An open, migrated, empty database of ``backend``, closed afterwards."""
    database = await open_database(new_database)
    await database.migrate()
    yield database
    await database.close()


@pytest.fixture
def make_database(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Callable[[], object]:
    """A factory of fresh databases of ``backend`` (for tests that need two)."""
    counter = itertools.count(1)

    async def make() -> Path | str:
        if backend == "sqlite":
            return tmp_path / f"trackside-{next(counter)}.db"
        return await create_postgres_schema(request.getfixturevalue("postgres_admin_url"))

    return make


@pytest_asyncio.fixture
async def loaded_bot(tmp_path: Path) -> AsyncIterator[Trackside]:
    """The real bot with every extension loaded, initialised but not logged in."""
    database = await open_database(tmp_path / "t.db")
    await database.migrate()
    bot = Trackside(settings=Settings(_env_file=None, discord_token=TEST_TOKEN), database=database)
    async with bot:
        for extension in EXTENSIONS:
            await bot.load_extension(extension)
        yield bot
    await database.close()
