"""Per-person state shared by every process (``db/people.py``), on both back
ends: the chat cooldown's window (one upsert per question: a new window once
the last has passed, a count otherwise) and who used Trackside where. Two
handles on one database stand for two processes: they share the count."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from db import Database, open_database
from db.people import ChatCooldowns, CooldownWindow, ServerMembers

# Past 2**32 and 2**53: a snowflake and an instant that a 32-bit parameter
# (what PostgreSQL infers for arithmetic on a bare parameter) could not hold.
ANA = 1_234_567_890_123_456_789
BEN = 2**62 + 7
NOW = 1_795_000_000_000  # epoch ms, 2026
WINDOW = 60_000
CLUB, ROAD, TRACK = 2**61 + 1, 2**61 + 2, 2**61 + 3


@pytest.fixture
async def second_handle(new_database: Path | str, database: Database) -> AsyncIterator[Database]:
    """Another process's handle on the same database."""
    db = await open_database(new_database)
    yield db
    await db.close()


async def _row(db: Database, user_id: int) -> dict[str, int] | None:
    row = await db.fetch_one(
        "SELECT window_start, asked FROM chat_cooldowns WHERE user_id = :user_id",
        {"user_id": user_id},
    )
    return None if row is None else {key: int(value) for key, value in row.items()}


# ---------------------------------------------------------------- chat cooldown
async def test_questions_in_one_window_are_counted_from_its_start(database: Database) -> None:
    cooldowns = ChatCooldowns(database)
    seen = [
        await cooldowns.ask(ANA, now=NOW + offset, window_ms=WINDOW)
        for offset in (0, 1, 10_000, 30_000, 59_000, 59_998, 59_999)
    ]
    assert seen == [CooldownWindow(started_at=NOW, asked=n) for n in range(1, 8)]
    assert await _row(database, ANA) == {"window_start": NOW, "asked": 7}


async def test_a_window_that_has_passed_starts_anew(database: Database) -> None:
    cooldowns = ChatCooldowns(database)
    for _ in range(7):
        await cooldowns.ask(ANA, now=NOW, window_ms=WINDOW)
    # Exactly one window later the old one has passed: counted from 1 again.
    assert await cooldowns.ask(ANA, now=NOW + WINDOW, window_ms=WINDOW) == CooldownWindow(
        NOW + WINDOW, 1
    )
    assert await cooldowns.ask(ANA, now=NOW + WINDOW + 5, window_ms=WINDOW) == CooldownWindow(
        NOW + WINDOW, 2
    )
    # Long after: a new window from that question, not a multiple of the old one.
    later = NOW + 10 * WINDOW + 12_345
    assert await cooldowns.ask(ANA, now=later, window_ms=WINDOW) == CooldownWindow(later, 1)
    assert await _row(database, ANA) == {"window_start": later, "asked": 1}


async def test_each_person_has_a_window_of_their_own(database: Database) -> None:
    cooldowns = ChatCooldowns(database)
    for _ in range(3):
        await cooldowns.ask(ANA, now=NOW, window_ms=WINDOW)
    assert await cooldowns.ask(BEN, now=NOW + 5, window_ms=WINDOW) == CooldownWindow(NOW + 5, 1)
    assert await cooldowns.ask(ANA, now=NOW + 6, window_ms=WINDOW) == CooldownWindow(NOW, 4)


async def test_a_question_inside_a_larger_unit_of_work_is_counted_there(
    database: Database,
) -> None:
    async def unit(tx):
        await ChatCooldowns(database).ask(ANA, now=NOW, window_ms=WINDOW, tx=tx)
        raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        await database.run(unit)
    assert await _row(database, ANA) is None


async def test_two_handles_on_one_database_share_the_count(
    database: Database, second_handle: Database
) -> None:
    here, there = ChatCooldowns(database), ChatCooldowns(second_handle)
    asked = []
    for n in range(6):
        cooldowns = here if n % 2 == 0 else there
        asked.append((await cooldowns.ask(ANA, now=NOW + n, window_ms=WINDOW)).asked)
    assert asked == [1, 2, 3, 4, 5, 6]
    assert await _row(second_handle, ANA) == {"window_start": NOW, "asked": 6}


async def test_concurrent_questions_from_two_handles_are_each_counted_once(
    database: Database, second_handle: Database
) -> None:
    # Two processes upserting the same row at once: PostgreSQL runs one of
    # them again after a serialization failure, SQLite waits for the lock.
    handles = [ChatCooldowns(database), ChatCooldowns(second_handle)]
    windows = await asyncio.gather(
        *(handles[n % 2].ask(ANA, now=NOW + n, window_ms=WINDOW) for n in range(12))
    )
    assert sorted(window.asked for window in windows) == list(range(1, 13))
    assert {window.started_at for window in windows} == {min(w.started_at for w in windows)}
    assert (await _row(database, ANA) or {})["asked"] == 12


# ---------------------------------------------------------------- who used Trackside where
async def test_a_use_is_one_row_per_person_and_server(database: Database) -> None:
    members = ServerMembers(database)
    await members.record(ANA, TRACK, now=NOW)
    await members.record(ANA, CLUB, now=NOW + 1)
    await members.record(ANA, TRACK, now=NOW + 2)
    await members.record(BEN, ROAD, now=NOW)
    assert await members.servers_of(ANA) == [CLUB, TRACK]
    assert await members.servers_of(BEN) == [ROAD]
    assert await members.servers_of(12345) == []
    rows = await database.fetch_all(
        "SELECT guild_id, seen_at FROM server_members WHERE user_id = :user_id ORDER BY guild_id",
        {"user_id": ANA},
    )
    assert [(int(r["guild_id"]), int(r["seen_at"])) for r in rows] == [
        (CLUB, NOW + 1),
        (TRACK, NOW + 2),
    ]


async def test_seen_at_never_moves_back(database: Database, second_handle: Database) -> None:
    # A process whose clock runs behind records after one whose clock is ahead.
    await ServerMembers(database).record(ANA, CLUB, now=NOW + 1000)
    await ServerMembers(second_handle).record(ANA, CLUB, now=NOW)
    seen = await database.fetch_one(
        "SELECT seen_at FROM server_members WHERE user_id = :user_id", {"user_id": ANA}
    )
    assert seen is not None and int(seen["seen_at"]) == NOW + 1000


async def test_servers_left_are_forgotten(database: Database) -> None:
    members = ServerMembers(database)
    for guild in (CLUB, ROAD, TRACK):
        await members.record(ANA, guild, now=NOW)
    await members.record(BEN, ROAD, now=NOW)
    await members.forget(ANA, [ROAD, TRACK])
    await members.forget(ANA, [])
    assert await members.servers_of(ANA) == [CLUB]
    assert await members.servers_of(BEN) == [ROAD]
