"""Who has used Trackside in which server, so that a DM question about
workouts, logs or bests checks only those servers: not one REST member lookup
per server the bot is in (DMs arrive on shard 0, whose process would otherwise
ask about every server of every shard).

A use is recorded in ``server_members`` (shared by every process) at most once
a day per person and server in each process: the process remembers what it
recorded, so a busy channel costs no write per message."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from enum import Enum

from bot.clock import epoch_ms
from cogs.chat.answers import Server
from db.base import Database, StorageError
from db.people import ServerMembers

log = logging.getLogger(__name__)

# A person's use of a server is written again after this long (``seen_at``
# stays roughly current, and a row another process forgot comes back).
REFRESH_MS = 24 * 60 * 60 * 1000
# Past this many remembered uses, those older than REFRESH_MS are dropped.
_PRUNE_AT = 100_000


class Gone(Enum):
    """Discord says the person (or the bot) is no longer in that server."""

    GONE = "gone"


GONE = Gone.GONE
# Confirms one recorded server: the server (its name) if the person is still a
# member, GONE if Discord says they are not, None if that cannot be told now.
LookUp = Callable[[int], Awaitable[Server | Gone | None]]


class ServerUse:
    """One per process: records uses, and finds a DM asker's servers."""

    def __init__(self, db: Database, *, refresh_ms: int = REFRESH_MS) -> None:
        self._db = db
        self._refresh_ms = refresh_ms
        self._recorded: dict[tuple[int, int], int] = {}  # (user, guild) → epoch ms written

    async def used(self, user_id: int, guild_id: int, *, now: datetime) -> bool:
        """``user_id`` used Trackside in ``guild_id``: recorded unless this
        process did so within the refresh period. True if it wrote."""
        at = epoch_ms(now)
        key = (user_id, guild_id)
        last = self._recorded.get(key)
        if last is not None and 0 <= at - last < self._refresh_ms:
            return False
        await ServerMembers(self._db).record(user_id, guild_id, now=at)
        if len(self._recorded) >= _PRUNE_AT:  # forget what would be written again anyway
            self._recorded = {
                k: t for k, t in self._recorded.items() if 0 <= at - t < self._refresh_ms
            }
        self._recorded[key] = at  # only once it is stored: a failed write is tried again
        return True

    async def shared_with(self, user_id: int, look_up: LookUp) -> list[Server]:
        """The servers ``user_id`` used Trackside in and is still a member of,
        by name: ``look_up`` is called once per recorded server, nowhere else.
        Servers Discord says they left are forgotten."""
        shared: list[Server] = []
        gone: list[int] = []
        for guild_id in await ServerMembers(self._db).servers_of(user_id):
            found = await look_up(guild_id)
            if found is GONE:
                gone.append(guild_id)
            elif isinstance(found, Server):
                shared.append(found)
        if gone:
            for guild_id in gone:
                self._recorded.pop((user_id, guild_id), None)
            try:
                await ServerMembers(self._db).forget(user_id, gone)
            except StorageError as error:  # only saves later lookups: the answer goes on
                log.warning("could not forget %d servers left: %s", len(gone), error.reason)
        return sorted(shared, key=lambda server: (server.name.lower(), server.id))
