"""Who used Trackside where (``cogs.chat.presence``): a use in a server is
recorded once per person and server per process and day, and a DM asker's
servers are only those recorded, each confirmed by one lookup; a server Discord
says they left is forgotten. SQLite and PostgreSQL, no Discord."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from cogs.chat.answers import Server
from cogs.chat.presence import GONE, REFRESH_MS, Gone, ServerUse
from db import Database, open_database
from db.people import ServerMembers

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
ANA, BEN = 11, 12
TRACK, ROAD, HILLS, QUIET = 1001, 2002, 3003, 4004


class Discord:
    """Membership as Discord would confirm it, counting the lookups."""

    def __init__(self, answers: dict[int, Server | Gone | None]) -> None:
        self.answers = answers
        self.looked_up: list[int] = []

    async def __call__(self, guild_id: int) -> Server | Gone | None:
        self.looked_up.append(guild_id)
        return self.answers[guild_id]


async def _writes(db: Database) -> list[tuple[int, int, int]]:
    rows = await db.fetch_all(
        "SELECT user_id, guild_id, seen_at FROM server_members ORDER BY user_id, guild_id"
    )
    return [(int(r["user_id"]), int(r["guild_id"]), int(r["seen_at"])) for r in rows]


async def test_a_use_is_written_once_a_day_per_person_and_server(db: Database) -> None:
    use = ServerUse(db)
    assert await use.used(ANA, TRACK, now=NOW)
    assert not await use.used(ANA, TRACK, now=NOW + timedelta(hours=23))
    assert await use.used(ANA, ROAD, now=NOW)
    assert await use.used(BEN, TRACK, now=NOW)
    ms = int(NOW.timestamp() * 1000)
    assert await _writes(db) == [(ANA, TRACK, ms), (ANA, ROAD, ms), (BEN, TRACK, ms)]
    # A day later it is written again: seen_at stays roughly current.
    assert await use.used(ANA, TRACK, now=NOW + timedelta(milliseconds=REFRESH_MS))
    assert (await _writes(db))[0] == (ANA, TRACK, ms + REFRESH_MS)


async def test_another_process_writes_its_own_first_use(
    db: Database, new_database: Path | str
) -> None:
    other = await open_database(new_database)
    try:
        assert await ServerUse(db).used(ANA, TRACK, now=NOW)
        assert await ServerUse(other).used(ANA, TRACK, now=NOW + timedelta(seconds=1))
        assert await ServerMembers(other).servers_of(ANA) == [TRACK]
    finally:
        await other.close()


async def test_someone_who_never_used_trackside_is_looked_up_nowhere(db: Database) -> None:
    await ServerUse(db).used(BEN, TRACK, now=NOW)
    discord = Discord({})
    assert await ServerUse(db).shared_with(ANA, discord) == []
    assert discord.looked_up == []


async def test_only_recorded_servers_are_looked_up_and_answered_by_name(db: Database) -> None:
    use = ServerUse(db)
    for guild in (TRACK, ROAD, HILLS):
        await use.used(ANA, guild, now=NOW)
    await use.used(BEN, QUIET, now=NOW)
    discord = Discord(
        {
            TRACK: Server(TRACK, "track club"),
            ROAD: Server(ROAD, "Road Runners"),
            HILLS: None,  # the lookup failed: not answered, not forgotten
            QUIET: Server(QUIET, "Quiet"),
        }
    )
    shared = await use.shared_with(ANA, discord)
    assert shared == [Server(ROAD, "Road Runners"), Server(TRACK, "track club")]
    assert sorted(discord.looked_up) == [TRACK, ROAD, HILLS]
    assert await ServerMembers(db).servers_of(ANA) == [TRACK, ROAD, HILLS]


async def test_a_server_left_is_forgotten_until_the_next_use_there(db: Database) -> None:
    use = ServerUse(db)
    await use.used(ANA, TRACK, now=NOW)
    await use.used(ANA, ROAD, now=NOW)
    discord = Discord({TRACK: Server(TRACK, "Track"), ROAD: GONE})
    assert await use.shared_with(ANA, discord) == [Server(TRACK, "Track")]
    assert await ServerMembers(db).servers_of(ANA) == [TRACK]
    # The next DM question does not ask about Road again...
    discord.looked_up.clear()
    assert await use.shared_with(ANA, discord) == [Server(TRACK, "Track")]
    assert discord.looked_up == [TRACK]
    # ...until she is back and uses Trackside there (written again at once).
    assert await use.used(ANA, ROAD, now=NOW + timedelta(minutes=1))
    assert await ServerMembers(db).servers_of(ANA) == [TRACK, ROAD]
