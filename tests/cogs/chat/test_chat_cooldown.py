"""The plain-chat cooldown (``cogs.chat.cooldown``): 5 questions a minute,
the sixth gets one "slow down", the rest of that minute is ignored; counted
in the database, so two processes (two handles on one database, each with its
own ``ChatCooldown``) and a restart hold a person to the same count. SQLite
and PostgreSQL, no Discord."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cogs.chat.cooldown import ChatCooldown, Turn, Verdict, slow_down_text
from db import Database, open_database

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
ANA, BEN = 11, 12
ANSWER, SLOW_DOWN, IGNORE = Verdict.ANSWER, Verdict.SLOW_DOWN, Verdict.IGNORE


@pytest.fixture
async def other_process(new_database: Path | str, db: Database) -> AsyncIterator[Database]:
    """A second process's handle on the same database."""
    database = await open_database(new_database)
    yield database
    await database.close()


def _at(seconds: float) -> datetime:
    return NOW + timedelta(seconds=seconds)


async def _asked(db: Database, user_id: int) -> int | None:
    row = await db.fetch_one(
        "SELECT asked FROM chat_cooldowns WHERE user_id = :user_id", {"user_id": user_id}
    )
    return None if row is None else int(row["asked"])


async def test_five_are_answered_the_sixth_slowed_the_rest_ignored(db: Database) -> None:
    cooldown = ChatCooldown(db)
    turns = [await cooldown.take_turn(ANA, now=_at(n)) for n in range(9)]
    assert [turn.verdict for turn in turns] == [ANSWER] * 5 + [SLOW_DOWN] + [IGNORE] * 3
    assert turns[5] == Turn(SLOW_DOWN, 55.0)
    assert slow_down_text(turns[5]) == (
        "Slow down a little: 5 questions a minute. Try again in 55 s."
    )
    # Another person is not held by Ana's flood.
    assert (await cooldown.take_turn(BEN, now=_at(9))).verdict is ANSWER


async def test_after_the_window_the_count_starts_again(db: Database) -> None:
    cooldown = ChatCooldown(db)
    for n in range(7):
        await cooldown.take_turn(ANA, now=_at(n))
    assert (await cooldown.take_turn(ANA, now=_at(59.999))).verdict is IGNORE
    turns = [await cooldown.take_turn(ANA, now=_at(60 + n)) for n in range(7)]
    assert [turn.verdict for turn in turns] == [ANSWER] * 5 + [SLOW_DOWN, IGNORE]
    assert turns[5].retry_after == 55.0  # of the new window, begun at 60 s


async def test_an_ignored_question_writes_nothing(db: Database) -> None:
    cooldown = ChatCooldown(db)
    for n in range(6):
        await cooldown.take_turn(ANA, now=_at(n))
    assert await _asked(db, ANA) == 6
    for n in range(20):
        assert (await cooldown.take_turn(ANA, now=_at(6 + n / 10))).verdict is IGNORE
    assert await _asked(db, ANA) == 6  # a flood costs no write once slowed down


async def test_two_processes_hold_one_person_to_one_count(
    db: Database, other_process: Database
) -> None:
    # Ana floods two servers served by different processes, alternately.
    here, there = ChatCooldown(db), ChatCooldown(other_process)
    verdicts = []
    for n in range(10):
        process = here if n % 2 == 0 else there
        verdicts.append((await process.take_turn(ANA, now=_at(n))).verdict)
    assert verdicts == [ANSWER] * 5 + [SLOW_DOWN] + [IGNORE] * 4
    # Each process answered part of the five, and only one said "slow down".
    assert verdicts[0::2].count(ANSWER) == 3 and verdicts[1::2].count(ANSWER) == 2


async def test_the_other_process_ignores_after_the_slow_down(
    db: Database, other_process: Database
) -> None:
    here, there = ChatCooldown(db), ChatCooldown(other_process)
    for n in range(6):
        await here.take_turn(ANA, now=_at(n))
    # The other process never saw Ana: the database tells it she was slowed down.
    assert (await there.take_turn(ANA, now=_at(7))).verdict is IGNORE
    assert (await there.take_turn(ANA, now=_at(61))).verdict is ANSWER


async def test_a_restart_keeps_the_count(new_database: Path | str) -> None:
    first = await open_database(new_database)
    await first.migrate()
    try:
        for n in range(4):
            assert (await ChatCooldown(first).take_turn(ANA, now=_at(n))).verdict is ANSWER
    finally:
        await first.close()
    second = await open_database(new_database)
    try:
        cooldown = ChatCooldown(second)  # a new process: nothing in memory
        verdicts = [(await cooldown.take_turn(ANA, now=_at(10 + n))).verdict for n in range(3)]
        assert verdicts == [ANSWER, SLOW_DOWN, IGNORE]
    finally:
        await second.close()
