""" "How was my week?": the asker's last 7 days of logged splits (today and
the 6 before, in the server's timezone), in the server asked in or, from a
DM, in every server. A real database (SQLite and PostgreSQL), no Discord."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.permissions import Actor
from cogs.chat.answers import Server, reply
from cogs.splits.submit import submit_splits

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)  # a Saturday
TODAY = NOW.date()
HOME, AWAY = 1001, 2002
ANA = Actor(user_id=11, name="Ana", guild_id=HOME, manage_guild=False)
ANA_AWAY = Actor(user_id=11, name="Ana", guild_id=AWAY, manage_guild=False)
ANA_IN_DM = Actor(user_id=11, name="Ana", guild_id=None, manage_guild=False)
BEN = Actor(user_id=12, name="Ben", guild_id=HOME, manage_guild=False)


async def _log(db, who: Actor, days_ago: int, splits: str) -> None:
    day = (TODAY - timedelta(days=days_ago)).isoformat()
    await submit_splits(db, who, text=splits, note=None, now=NOW, date_text=day)


async def _three_sessions(db) -> None:
    # Three sessions this week: 5 + 2 + 3 reps, 1300 + 800 + 3000 m.
    await _log(db, ANA, 0, "250m 29.78, 250m 29.98, 250m 31.31, 250m 31.20, 300m 37.47")
    await _log(db, ANA, 2, "400m 68.0, 400m 69.5")
    await _log(db, ANA, 6, "1km 3:20, 1km 3:18, 1km 3:15")
    # Outside the week, someone else's, and another server's: none of them count.
    await _log(db, ANA, 7, "400m 60.0")
    await _log(db, BEN, 1, "400m 70.0")
    await _log(db, ANA_AWAY, 1, "200m 30.0")


async def _servers(*servers: Server):
    async def found():
        return list(servers)

    return found


async def test_three_logged_sessions_give_the_right_counts_and_distance(db) -> None:
    await _three_sessions(db)
    content, [answer] = await reply(
        db, ANA, "how was my week?", await _servers(Server(HOME, "Track Club")), now=NOW
    )
    assert content == (
        "Your week (Sun 22 Nov – Sat 28 Nov): 3 day(s) logged, 10 rep(s), 5100 m of reps"
    )
    assert "3 day(s) logged, 10 rep(s), 5100 m of reps" in answer.body
    # 60.0 a week ago is faster than this week's 400s: not a best this week.
    assert "personal bests: 250 m 29.78, 300 m 37.47, 1000 m 3:15.0" in answer.body
    assert "400 m 1:08" not in answer.body
    assert "Track Club" not in answer.body  # one server: not labelled


async def test_from_a_dm_every_server_counts_each_named(db) -> None:
    await _three_sessions(db)
    servers = await _servers(Server(HOME, "Track Club"), Server(AWAY, "Road Runners"))
    content, [answer] = await reply(db, ANA_IN_DM, "how was my week", servers, now=NOW)
    assert content.endswith("4 day(s) logged, 11 rep(s), 5300 m of reps")
    assert "**Track Club**: 3 day(s) logged, 10 rep(s), 5100 m of reps" in answer.body
    assert "**Road Runners**: 1 day(s) logged, 1 rep(s), 200 m of reps" in answer.body


async def test_a_week_without_splits_says_so(db) -> None:
    content, answers = await reply(
        db, ANA, "how was my week?", await _servers(Server(HOME, "Track Club")), now=NOW
    )
    assert answers == []
    assert content.startswith("You logged no splits in the last 7 days (Sun 22 Nov – Sat 28 Nov)")
