"""Unit tests for cogs.pace.history: every pace answer is stored before it is
returned, rejected input stores nothing, and /pace history lists the newest
first. A real database (SQLite and PostgreSQL); no Discord."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import epoch_ms
from bot.domain.errors import InputError
from bot.permissions import Actor
from bot.replies import Answer
from cogs.pace import answers
from cogs.pace.history import answered, history, inputs_text
from db import DatabaseBusy
from db.history import PaceHistory

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
GUILD = 1001
ANA = Actor(user_id=11, name="Ana", guild_id=GUILD, manage_guild=False)
BEN = Actor(user_id=12, name="Ben", guild_id=GUILD, manage_guild=False)
ANA_IN_DM = Actor(user_id=11, name="Ana", guild_id=None, manage_guild=False)


async def _convert(db, asker: Actor, time: str, distance: str, *, now: datetime = NOW) -> Answer:
    return await answered(
        db,
        asker,
        "pace convert",
        inputs_text(time=time, distance=distance),
        lambda: answers.pace_convert(time, distance),
        now=now,
    )


def test_inputs_text_skips_options_not_given() -> None:
    assert inputs_text(time="37.47", distance="300m", lap=None) == "time=37.47 distance=300m"
    assert inputs_text(time="37.47", target="") == "time=37.47"


async def test_answered_stores_the_answer_before_returning_it(db) -> None:
    answer = await _convert(db, ANA, "37.47", "300m")
    assert "49.96 per 400 m" in answer.headline
    [stored] = await PaceHistory(db).recent(ANA.user_id)
    assert stored.user_id == ANA.user_id
    assert stored.guild_id == GUILD
    assert stored.command == "pace convert"
    assert stored.inputs == "time=37.47 distance=300m"
    assert stored.summary == answer.headline
    assert stored.created_at == epoch_ms(NOW)


async def test_answered_in_a_dm_is_stored_without_a_server(db) -> None:
    await _convert(db, ANA_IN_DM, "37.47", "300m")
    [stored] = await PaceHistory(db).recent(ANA.user_id)
    assert stored.guild_id is None


async def test_bad_input_raises_and_stores_nothing(db) -> None:
    with pytest.raises(InputError) as caught:
        await _convert(db, ANA, "1:75", "300m")
    assert "1:75" in caught.value.message
    assert await PaceHistory(db).count() == 0


class _BusyDatabase:
    """A database whose writes all fail as if another program held the lock."""

    def __init__(self) -> None:
        self.writes = 0

    async def run(self, work):
        self.writes += 1
        raise DatabaseBusy("database is locked")


async def test_no_answer_comes_back_when_it_could_not_be_stored() -> None:
    busy = _BusyDatabase()
    built: list[Answer] = []

    def build() -> Answer:
        built.append(answers.pace_convert("37.47", "300m"))
        return built[-1]

    with pytest.raises(DatabaseBusy):
        await answered(busy, ANA, "pace convert", "time=37.47 distance=300m", build, now=NOW)  # type: ignore[arg-type]
    assert len(built) == 1  # computed, tried to store, and nothing returned
    assert busy.writes == 1


async def test_history_says_so_when_empty(db) -> None:
    result = await history(db, ANA)
    assert result == "No pace answers yet. Try `/pace convert time:37.47 distance:300m`."


async def test_history_lists_the_askers_answers_newest_first(db) -> None:
    await _convert(db, ANA, "37.47", "300m", now=NOW - timedelta(minutes=2))
    await answered(
        db,
        ANA,
        "pace laps",
        inputs_text(time="3:56.13", distance="mile"),
        lambda: answers.pace_laps("3:56.13", "mile"),
        now=NOW - timedelta(minutes=1),
    )
    await answered(
        db,
        ANA,
        "chat",
        "what's *37.47* for 300m per 400?",
        lambda: answers.pace_convert("37.47", "300m", "400"),
        now=NOW,
    )
    await _convert(db, BEN, "29.78", "250m")  # someone else's: not listed

    result = await history(db, ANA)
    assert isinstance(result, Answer)
    assert result.headline == "Your last 3 pace answers"
    assert result.title == "Your last pace answers"
    assert result.file_name == "pace-history.txt"
    lines = result.body.split("\n")
    assert len(lines) == 6  # each entry: what was asked, then the answer
    stamp = epoch_ms(NOW) // 1000
    # Newest first; chat text is user text, so its markdown is escaped.
    assert lines[0] == f"<t:{stamp}:g> · in chat: what's \\*37.47\\* for 300m per 400?"
    assert lines[1].startswith("→ 37.47 for 300 m = 49.96 per 400 m")
    assert lines[2] == f"<t:{stamp - 60}:g> · `/pace laps` time=3:56.13 distance=mile"
    assert lines[3] == (
        "→ 3:56.13 for 1 mile: 58.69 per 400 m; splits 1:00.06, 1:58.75, 2:57.44, 3:56.13"
    )
    assert lines[4] == f"<t:{stamp - 120}:g> · `/pace convert` time=37.47 distance=300m"
    assert "29.78" not in result.body


async def test_history_keeps_to_the_limit(db) -> None:
    for minute in range(12):
        await _convert(db, ANA, f"{30 + minute}.00", "300m", now=NOW + timedelta(minutes=minute))
    result = await history(db, ANA)
    assert isinstance(result, Answer)
    assert result.headline == "Your last 10 pace answers"
    first = result.body.split("\n")[0]
    assert "time=41.00" in first  # the newest
    assert "time=30.00" not in result.body and "time=31.00" not in result.body
    shorter = await history(db, ANA, limit=2)
    assert isinstance(shorter, Answer)
    assert shorter.headline == "Your last 2 pace answers"
