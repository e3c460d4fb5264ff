"""PostgreSQL's own mechanics (``db/postgresql.py``): ``:name`` placeholders
translated to ``$n``; SERIALIZABLE units run again after a serialization
failure or a lost connection, "busy" when a row stays locked past the 2 s
budget; the environment's faults as one-line ``DatabaseUnavailable`` reasons;
migrations under an advisory lock. Each test gets a new database on the
session's throwaway server (skipped, said in one line, without one)."""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import asyncpg
import pytest

from db import AppState, DatabaseBusy, DatabaseUnavailable, open_database
from db.base import Executor
from db.migrations import Migration, load_migrations
from db.postgresql import BUSY_TIMEOUT_MS, MIGRATION_LOCK, PostgresDatabase, translate
from db.postgresql import with_database as other_database
from db.workouts import Shards, candidates_query
from tests.conftest import create_postgres_database

pytestmark = pytest.mark.postgresql

BUDGET_S = BUSY_TIMEOUT_MS / 1000


@pytest.fixture
async def url(postgres_admin_url: str) -> str:
    """A new, empty database on the test server."""
    return await create_postgres_database(postgres_admin_url)


@pytest.fixture
async def database(url: str) -> AsyncIterator[PostgresDatabase]:
    db = await open_database(url)
    assert isinstance(db, PostgresDatabase)
    await db.migrate()
    yield db
    await db.close()


def _name(url: str) -> str:
    return url.rsplit("/", 1)[1]


async def _keys(db: PostgresDatabase) -> list[str]:
    return [row["key"] for row in await db.fetch_all("SELECT key FROM app_state ORDER BY key")]


# ---------------------------------------------------------------- placeholders
@pytest.mark.parametrize(
    ("sql", "expected", "names"),
    [
        pytest.param(
            "SELECT ':x' AS a, :x AS b", "SELECT ':x' AS a, $1 AS b", ("x",), id="quoted-text"
        ),
        pytest.param(
            "SELECT 'it''s :x', \"odd:col\" FROM t WHERE v = :y",
            "SELECT 'it''s :x', \"odd:col\" FROM t WHERE v = $1",
            ("y",),
            id="escaped-quote-and-identifier",
        ),
        pytest.param(
            "SELECT :a -- not :b here\n, :c",
            "SELECT $1 -- not :b here\n, $2",
            ("a", "c"),
            id="line-comment",
        ),
        pytest.param(
            "SELECT /* :b\n :c */ :a", "SELECT /* :b\n :c */ $1", ("a",), id="block-comment"
        ),
        pytest.param(
            "SELECT :v::text, '5'::int, x::BIGINT FROM t",
            "SELECT $1::text, '5'::int, x::BIGINT FROM t",
            ("v",),
            id="casts",
        ),
        pytest.param(
            "SELECT :a + :b + :a WHERE :b > 0",
            "SELECT $1 + $2 + $1 WHERE $2 > 0",
            ("a", "b"),
            id="repeated-names-bound-once",
        ),
        pytest.param(
            "VALUES (:zeta, :alpha, :mid)",
            "VALUES ($1, $2, $3)",
            ("zeta", "alpha", "mid"),
            id="first-use-order",
        ),
        pytest.param("SELECT 1", "SELECT 1", (), id="no-names"),
    ],
)
def test_translate(sql: str, expected: str, names: tuple[str, ...]) -> None:
    assert translate(sql) == (expected, names)


async def test_named_parameters_bind_on_the_server(database: PostgresDatabase) -> None:
    row = await database.fetch_one(
        "SELECT :a::int + :b::int + :a::int AS total, ':a' AS quoted -- :c\n",
        # ``unused`` is not in the statement: binding it would make the server
        # refuse the call (3 arguments for 2 placeholders).
        {"b": 2, "a": 1, "unused": 99},
    )
    assert row == {"total": 4, "quoted": ":a"}


async def test_a_missing_parameter_is_a_clear_key_error(database: PostgresDatabase) -> None:
    with pytest.raises(KeyError, match="no value for :missing"):
        await database.fetch_one("SELECT :given AS a, :missing AS b", {"given": 1})

    async def unit(tx: Executor) -> None:
        await tx.execute("INSERT INTO app_state (key, value) VALUES ('k', 'v')")
        await tx.execute("UPDATE app_state SET value = :value WHERE key = 'k'", {})

    with pytest.raises(KeyError, match="no value for :value"):
        await database.run(unit)
    assert await _keys(database) == []  # rolled back, not retried


# ---------------------------------------------------------------- units of work
async def test_a_serialization_failure_runs_the_unit_again(
    url: str, database: PostgresDatabase
) -> None:
    # Two processes (two pools) read the same row and both write it: the
    # server lets one commit and fails the other (40001); the loser runs again
    # on a fresh snapshot, so neither increment is lost and none is doubled.
    other = await open_database(url)
    try:
        await AppState(database).set("counter", "0")
        calls = {"first": 0, "second": 0}
        both_read = asyncio.Barrier(2)

        def increment(name: str):
            async def unit(tx: Executor) -> int:
                calls[name] += 1
                row = await tx.fetch_one("SELECT value FROM app_state WHERE key = 'counter'")
                assert row is not None
                if calls[name] == 1:  # the first attempts both read before either writes
                    await asyncio.wait_for(both_read.wait(), BUDGET_S)
                value = int(row["value"]) + 1
                await tx.execute(
                    "UPDATE app_state SET value = :value WHERE key = 'counter'",
                    {"value": str(value)},
                )
                await tx.execute(
                    "INSERT INTO app_state (key, value) VALUES (:key, :value)",
                    {"key": name, "value": str(value)},
                )
                return value

            return unit

        results = await asyncio.gather(
            database.run(increment("first")), other.run(increment("second"))
        )
    finally:
        await other.close()
    assert sorted(results) == [1, 2]  # both committed, one after the other
    assert sum(calls.values()) > 2  # one of them ran again
    rows = await database.fetch_all("SELECT key, value FROM app_state ORDER BY key")
    assert rows == [
        {"key": "counter", "value": "2"},
        {"key": "first", "value": str(results[0])},
        {"key": "second", "value": str(results[1])},
    ]


async def test_a_row_lock_held_past_the_budget_is_busy_in_time(
    url: str, database: PostgresDatabase
) -> None:
    await AppState(database).set("k", "before")
    holder = await asyncpg.connect(url)  # another process, mid-transaction
    loop = asyncio.get_running_loop()
    try:
        transaction = holder.transaction()
        await transaction.start()
        await holder.execute("SELECT value FROM app_state WHERE key = 'k' FOR UPDATE")
        started = loop.time()
        with pytest.raises(DatabaseBusy, match="stayed busy for 2 s") as caught:
            await AppState(database).set("k", "mine")
        waited = loop.time() - started
        await transaction.rollback()
    finally:
        await holder.close()
    # Within Discord's 3 s: the budget and a little, not a retry on top.
    assert BUDGET_S - 0.1 <= waited < BUDGET_S + 0.5, waited
    assert "\n" not in caught.value.reason
    assert await AppState(database).get("k") == "before"
    await AppState(database).set("k", "after")  # the lock gone, writes go through
    assert await AppState(database).get("k") == "after"


async def test_a_backend_killed_mid_unit_runs_the_unit_again_on_a_new_connection(
    postgres_admin_url: str, database: PostgresDatabase
) -> None:
    pids: list[int] = []
    first_attempt = asyncio.Event()

    async def unit(tx: Executor) -> None:
        row = await tx.fetch_one("SELECT pg_backend_pid() AS pid")
        assert row is not None
        pids.append(int(row["pid"]))
        first_attempt.set()
        await tx.execute("INSERT INTO app_state (key, value) VALUES ('half', 'x')")
        await tx.fetch_one("SELECT pg_sleep(0.5)")  # killed here, the first time
        await tx.execute("INSERT INTO app_state (key, value) VALUES ('whole', 'x')")

    admin = await asyncpg.connect(postgres_admin_url)

    async def kill_the_first_attempt() -> None:
        await first_attempt.wait()
        for _ in range(100):  # until its backend is inside pg_sleep (a few ms)
            query = await admin.fetchval(
                "SELECT query FROM pg_stat_activity WHERE pid = $1 AND state = 'active'", pids[0]
            )
            if query and "pg_sleep" in query:
                break
            await asyncio.sleep(0.005)
        assert await admin.fetchval("SELECT pg_terminate_backend($1)", pids[0])

    loop = asyncio.get_running_loop()
    try:
        started = loop.time()
        await asyncio.gather(database.run(unit), kill_the_first_attempt())
        took = loop.time() - started
    finally:
        await admin.close()
    assert len(pids) == 2 and pids[0] != pids[1]  # run again, on another connection
    assert took < BUDGET_S
    # The killed attempt stored nothing ('half' again would be a duplicate key).
    assert await _keys(database) == ["half", "whole"]
    await AppState(database).set("after", "works")  # the pool replaced the connection


async def test_a_personal_best_is_one_index_probe_not_a_history_scan(
    database: PostgresDatabase,
) -> None:
    # SQLite's plan for the same query: test_db.py. PostgreSQL's planner is
    # cost-based: with a real history (15,000 splits, analysed) MIN() becomes
    # the first entry of splits_best under server, athlete and distance.
    await database.run(
        lambda tx: tx.execute(
            "INSERT INTO submissions (id, guild_id, local_date, athlete_id, athlete_name,"
            " total_ms, total_m, created_at, updated_at)"
            " SELECT g, 1, to_char(DATE '2000-01-01' + g, 'YYYY-MM-DD'), 2, 'Ana', 1, '250',"
            " 1, 1 FROM generate_series(1, 3000) AS g;"
        )
    )
    await database.run(
        lambda tx: tx.execute(
            "INSERT INTO splits (submission_id, rep, distance_m, time_ms, guild_id,"
            " athlete_id, local_date) SELECT s.id, r, '250', 30000 + (s.id * 7 + r) % 1000,"
            " 1, 2, s.local_date FROM submissions s, generate_series(1, 5) AS r"
        )
    )
    await database.fetch_all("ANALYZE splits")
    plan = await database.fetch_all(
        "EXPLAIN SELECT (SELECT MIN(time_ms) FROM splits WHERE guild_id = 1"
        " AND athlete_id = 2 AND distance_m = '250' AND local_date <> '2026-11-28') AS best0"
    )
    lines = "\n".join(str(row["QUERY PLAN"]) for row in plan)
    assert "Limit" in lines and "using splits_best on splits" in lines, lines
    assert "Seq Scan" not in lines and "Aggregate" not in lines, lines


async def test_the_scheduler_query_on_some_shards_reads_the_unposted_index(
    database: PostgresDatabase,
) -> None:
    # A year of posted history in 50 servers, a few unposted around today: a
    # process running 4 of 12 shards must still reach its candidates through
    # the partial index, the shard condition a filter on those few rows.
    await database.run(
        lambda tx: tx.execute(
            "INSERT INTO workouts (guild_id, local_date, text, parsed, author_id,"
            " origin_channel_id, message_id, created_at, updated_at)"
            " SELECT (1000 + g % 50)::bigint << 22,"
            " to_char(DATE '2025-12-01' + g / 50, 'YYYY-MM-DD'),"
            " 'x', '[]', 1, 1, CASE WHEN g / 50 < 364 THEN g END, 1, 1"
            " FROM generate_series(0, 50 * 366 - 1) AS g"
        )
    )
    await database.fetch_all("ANALYZE workouts")
    sql, params = candidates_query(
        date(2026, 11, 30),
        date(2026, 12, 2),
        claimer="b00t",
        stale_claim_before=0,
        shards=Shards(12, (0, 1, 2, 3)),
    )
    plan = "\n".join(
        str(row["QUERY PLAN"]) for row in await database.fetch_all("EXPLAIN " + sql, params)
    )
    assert "workouts_unposted" in plan and "Seq Scan on workouts" not in plan, plan
    # The shard condition filters the rows the index found.
    assert "Filter:" in plan and "(guild_id >> 22) %" in plan, plan
    rows = await database.fetch_all(sql, params)
    expected = sum(1 for g in range(50) if ((1000 + g) % 12) in (0, 1, 2, 3)) * 2
    assert len(rows) == expected


# ---------------------------------------------------------------- the environment
def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # closed again on leaving: nothing listens


async def test_a_refused_connection_is_unavailable_in_one_line() -> None:
    url = f"postgresql://trackside:s3cret-pw@127.0.0.1:{_closed_port()}/trackside"
    with pytest.raises(DatabaseUnavailable) as caught:
        await open_database(url)
    reason = caught.value.reason
    assert reason.startswith("cannot reach the database postgresql://trackside:***@127.0.0.1:")
    assert "is the server running" in reason
    assert "\n" not in reason and "s3cret-pw" not in reason


async def test_an_unknown_database_or_role_is_unavailable(postgres_admin_url: str) -> None:
    with pytest.raises(DatabaseUnavailable, match="it does not exist") as missing:
        await open_database(other_database(postgres_admin_url, "no_such_database"))
    stranger = postgres_admin_url.replace("//postgres@", "//no_such_role@", 1)
    assert stranger != postgres_admin_url
    with pytest.raises(DatabaseUnavailable, match="authentication failed") as refused:
        await open_database(stranger)
    for caught in (missing, refused):
        assert "\n" not in caught.value.reason


def _prepend(path: Path, line: str) -> str:
    before = path.read_text()
    path.write_text(line + before)
    return before


async def test_a_wrong_password_is_unavailable(postgres_admin_url: str) -> None:
    # The throwaway server trusts every local connection; this test makes it
    # ask one role of its own for a password (one line of pg_hba.conf, put
    # back afterwards).
    if os.environ.get("TRACKSIDE_TEST_POSTGRES_URL"):
        pytest.skip("needs the throwaway server's pg_hba.conf (TRACKSIDE_TEST_POSTGRES_URL set)")
    role, password = f"trackside_pw_{secrets.token_hex(4)}", "the-right-one"
    admin = await asyncpg.connect(postgres_admin_url)
    try:
        hba = Path(await admin.fetchval("SHOW hba_file"))
        await admin.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'")
        before = await asyncio.to_thread(
            _prepend, hba, f"host all {role} 127.0.0.1/32 scram-sha-256\n"
        )
        try:
            await admin.fetchval("SELECT pg_reload_conf()")
            base = postgres_admin_url.replace("//postgres@", f"//{role}:{{}}@", 1)
            for _ in range(200):  # the reload is asynchronous: until it is in force
                try:
                    await (await asyncpg.connect(base.format("not-it-4f2a"))).close()
                except asyncpg.InvalidPasswordError:
                    break
                await asyncio.sleep(0.01)
            with pytest.raises(DatabaseUnavailable, match="authentication failed") as caught:
                await open_database(base.format("not-it-4f2a"))
            assert "\n" not in caught.value.reason
            assert "not-it-4f2a" not in caught.value.reason  # the URL is shown without it
            await (await open_database(base.format(password))).close()  # the right one works
        finally:
            await asyncio.to_thread(hba.write_text, before)
            await admin.fetchval("SELECT pg_reload_conf()")
    finally:
        await admin.close()


async def test_a_read_only_database_is_refused_by_the_writability_probe(
    postgres_admin_url: str, url: str, database: PostgresDatabase
) -> None:
    await AppState(database).set("kept", "yes")
    admin = await asyncpg.connect(postgres_admin_url)
    try:
        await admin.execute(f'ALTER DATABASE "{_name(url)}" SET default_transaction_read_only = on')
    finally:
        await admin.close()
    read_only = await open_database(url)  # new sessions take the setting
    try:
        with pytest.raises(DatabaseUnavailable, match="it is read-only") as caught:
            await read_only.check_writable()
        assert "\n" not in caught.value.reason
        with pytest.raises(DatabaseUnavailable, match="read-only"):
            await AppState(read_only).set("new", "no")
        assert await AppState(read_only).get("kept") == "yes"  # reads still work
        assert await AppState(read_only).get("new") is None
    finally:
        await read_only.close()


# ---------------------------------------------------------------- migrations
async def test_two_processes_migrating_at_once_apply_each_migration_once(url: str) -> None:
    # Without the advisory lock the second CREATE TABLE would fail, or the
    # INSERT would run twice (a duplicate key).
    migrations = [
        Migration(
            1, "0001_t.sql", "CREATE TABLE t (id INTEGER PRIMARY KEY); SELECT pg_sleep(0.2);"
        ),
        Migration(2, "0002_row.sql", "INSERT INTO t (id) VALUES (1);"),
    ]
    first, second = await open_database(url), await open_database(url)
    try:
        applied = await asyncio.gather(first.migrate(migrations), second.migrate(migrations))
        assert sorted(applied) == [[], [1, 2]]
        rows = await first.fetch_all("SELECT version, name FROM schema_migrations ORDER BY version")
        assert rows == [
            {"version": 1, "name": "0001_t.sql"},
            {"version": 2, "name": "0002_row.sql"},
        ]
        assert await first.fetch_all("SELECT id FROM t") == [{"id": 1}]
        assert await second.schema_version() == 2
    finally:
        await first.close()
        await second.close()


async def test_the_shipped_migrations_race_safely_too(url: str) -> None:
    pools = [await open_database(url) for _ in range(3)]
    try:
        applied = await asyncio.gather(*(pool.migrate() for pool in pools))
        latest = load_migrations("postgresql")[-1].version
        assert sorted(applied) == [[], [], list(range(1, latest + 1))]
        rows = await pools[0].fetch_all("SELECT version FROM schema_migrations ORDER BY version")
        assert [row["version"] for row in rows] == list(range(1, latest + 1))
    finally:
        for pool in pools:
            await pool.close()


async def test_a_database_newer_than_the_code_is_refused_and_the_lock_released(
    url: str, database: PostgresDatabase
) -> None:
    # A newer release migrated this database (its record is all we see).
    await database.run(
        lambda tx: tx.execute(
            "INSERT INTO schema_migrations (version, name) VALUES (999, '0999_future.sql')"
        )
    )
    with pytest.raises(RuntimeError, match="schema version 999, newer than this code"):
        await database.migrate()
    other = await open_database(url)  # another process is refused too, not left waiting
    try:
        with pytest.raises(RuntimeError, match="newer than this code"):
            await asyncio.wait_for(other.migrate(), BUDGET_S)
    finally:
        await other.close()
    held = await database.fetch_one(
        "SELECT COUNT(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = :key",
        {"key": MIGRATION_LOCK},
    )
    assert held == {"n": 0}
    assert await database.schema_version() == 999
