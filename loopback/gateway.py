"""The fake gateway: the websocket the real discord.py client connects to.

Implements what bot sessions see: HELLO, IDENTIFY (with token, privileged-intent
and shard checks), READY + GUILD_CREATE, heartbeats, sequence numbers, RESUME
with replay of missed events, RECONNECT / resumable closes, and zlib-stream
transport compression (one compressor per connection, Z_SYNC_FLUSH per
message, exactly like Discord).  Events are queued synchronously and written by
one writer task per connection so that ordering and the shared compressor stay
consistent.

Sharding is modelled as Discord does it: a session identifies for
``shard: [shard_id, shard_count]``, and every event of a guild goes to the
sessions of the guild's shard, ``(guild_id >> 22) % shard_count``; events
without a guild (DMs) go to shard 0.  IDENTIFYs are logged per
``max_concurrency`` bucket (``shard_id % max_concurrency``) so tests can check
their pacing; enforcing it is opt-in.
"""

# The driver API's explicit timeout= parameters are its documented interface.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import zlib
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from aiohttp import WSMsgType, web

from .world import PRIVILEGED_INTENTS

if TYPE_CHECKING:
    from .driver import FakeDiscord

log = logging.getLogger(__name__)

DISPATCH, HEARTBEAT, IDENTIFY, PRESENCE_UPDATE, VOICE_STATE_UPDATE = 0, 1, 2, 3, 4
RESUME, RECONNECT, REQUEST_GUILD_MEMBERS, INVALID_SESSION, HELLO, HEARTBEAT_ACK = 6, 7, 8, 9, 10, 11

#: How many dispatched events a session keeps for replay on RESUME.
REPLAY_BUFFER = 5000

#: An event's data, or a function of the receiving session's intents that
#: builds it (GUILD_CREATE's member list and MESSAGE_CREATE's content depend on them).
EventData = dict[str, Any] | Callable[[int], dict[str, Any]]


@dataclass
class GatewayStats:
    """Counters tests use to check connection behaviour."""

    connections: int = 0
    identifies: int = 0
    resumes: int = 0
    heartbeats: int = 0
    invalid_sessions: int = 0


class IdentifyEntry(NamedTuple):
    """One accepted IDENTIFY: the shard and ``asyncio`` loop time it arrived."""

    shard_id: int
    at: float


class GatewayConnection:
    """One websocket connection with its ordered outgoing queue."""

    def __init__(self, ws: web.WebSocketResponse, compress: str | None) -> None:
        self.ws = ws
        self.compress = compress
        self._zlib = zlib.compressobj() if compress == "zlib-stream" else None
        self._queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        self.session: GatewaySession | None = None
        self.closing = False

    def send(self, payload: dict[str, Any]) -> None:
        if not self.closing:
            self._queue.put_nowait(("send", json.dumps(payload, separators=(",", ":"))))

    def close(self, code: int, reason: str) -> None:
        if not self.closing:
            self.closing = True
            self._queue.put_nowait(("close", (code, reason)))

    async def run_writer(self) -> None:
        try:
            while True:
                kind, item = await self._queue.get()
                if kind == "stop":
                    return
                if kind == "close":
                    code, reason = item
                    await self.ws.close(code=code, message=reason.encode())
                    return
                if self._zlib is not None:
                    raw = item.encode()
                    frame = self._zlib.compress(raw) + self._zlib.flush(zlib.Z_SYNC_FLUSH)
                    await self.ws.send_bytes(frame)
                else:
                    # zstd-stream (when discord.py has zstandard) and no compression
                    # are both served as plain text frames, which discord.py accepts.
                    await self.ws.send_str(item)
        except (ConnectionError, RuntimeError) as exc:
            log.debug("gateway writer stopped: %r", exc)


class GatewaySession:
    """A gateway session (survives reconnects; RESUME replays from ``buffer``).

    ``shard`` is the ``[shard_id, shard_count]`` the session identified with,
    or ``None`` for an unsharded IDENTIFY (which serves shard 0 of 1).
    """

    def __init__(self, intents: int, shard: tuple[int, int] | None = None) -> None:
        self.id = secrets.token_hex(16)
        self.intents = intents
        self.shard = shard
        self.shard_id = shard[0] if shard else 0
        self.seq = 0
        self.buffer: deque[tuple[int, dict[str, Any]]] = deque(maxlen=REPLAY_BUFFER)
        self.conn: GatewayConnection | None = None
        self.invalidated = False
        self.acked_seq = 0

    def dispatch(self, event: str, data: dict[str, Any]) -> int:
        self.seq += 1
        payload = {"op": DISPATCH, "t": event, "s": self.seq, "d": data}
        self.buffer.append((self.seq, payload))
        if self.conn is not None:
            self.conn.send(payload)
        return self.seq


class GatewayHub:
    """Accepts gateway connections and routes each event to its shard's sessions."""

    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        #: Every session by id (RESUME looks them up here).
        self.sessions: dict[str, GatewaySession] = {}
        #: Per shard, the sessions that receive its events, oldest first; the
        #: last is the shard's current session.  Unsharded IDENTIFYs replace
        #: the list; sharded ones are added to it (see ``_identify``).
        self._receivers: dict[int, list[GatewaySession]] = {}
        self.connections: set[GatewayConnection] = set()
        self.stats = GatewayStats()
        #: The same counters per shard (``connections``: connections that
        #: identified or resumed for the shard).
        self.shard_stats: dict[int, GatewayStats] = {}
        #: Accepted IDENTIFYs in order: ``(shard_id, loop time)``.
        self.identify_log: list[IdentifyEntry] = []
        self._bucket_last: dict[int, float] = {}
        #: Heartbeat interval announced in HELLO, in milliseconds.
        self.heartbeat_interval_ms = 41250
        self._changed = asyncio.Event()
        self._barriers: list[tuple[GatewaySession, int, asyncio.Future[None]]] = []
        #: During an ``outage``: new connections wait on it before their HELLO.
        self._hello_gate: asyncio.Event | None = None
        #: Connections that have waited at the gate so far.
        self.held_connections = 0

    # ---------------------------------------------------------------- sessions
    def current(self, shard_id: int = 0) -> GatewaySession | None:
        """The shard's most recently identified session (``None`` before any)."""
        receivers = self._receivers.get(shard_id)
        return receivers[-1] if receivers else None

    @property
    def session(self) -> GatewaySession | None:
        """Shard 0's current session (the only one of an unsharded bot)."""
        return self.current(0)

    def shard_sessions(self, shard_id: int) -> list[GatewaySession]:
        """The sessions that receive the shard's events now (more than one when
        several processes identified for the same shard)."""
        return [s for s in self._receivers.get(shard_id, ()) if not s.invalidated]

    def _stats_for(self, shard_id: int) -> GatewayStats:
        return self.shard_stats.setdefault(shard_id, GatewayStats())

    # ------------------------------------------------------------- dispatching
    @property
    def intents(self) -> int:
        return self.intents_for(0)

    def intents_for(self, shard_id: int) -> int:
        session = self.current(shard_id)
        return session.intents if session else 0

    def dispatch(
        self,
        event: str,
        data: EventData,
        intent: int | None = None,
        *,
        guild_id: int | None = None,
    ) -> bool:
        """Send a DISPATCH event to the sessions of ``guild_id``'s shard (shard 0
        without a guild) whose intents allow it."""
        shard_id = self.fake.shard_of(guild_id)
        built: dict[int, dict[str, Any]] = {}
        sent = False
        for session in self._receivers.get(shard_id, ()):
            if session.invalidated or (intent is not None and not session.intents & intent):
                continue
            if callable(data):
                if session.intents not in built:
                    built[session.intents] = data(session.intents)
                payload = built[session.intents]
            else:
                payload = data
            session.dispatch(event, payload)
            sent = True
        return sent

    @property
    def connected(self) -> bool:
        return self.shard_connected(0)

    def shard_connected(self, shard_id: int) -> bool:
        session = self.current(shard_id)
        return session is not None and session.conn is not None

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    # --------------------------------------------------------------- websocket
    async def handle(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(max_msg_size=16 * 1024 * 1024)
        await ws.prepare(request)
        compress = request.query.get("compress")
        conn = GatewayConnection(ws, compress)
        self.connections.add(conn)
        self.stats.connections += 1
        writer = asyncio.create_task(conn.run_writer(), name="loopback-gateway-writer")
        gate = self._hello_gate
        if gate is not None:  # an outage: connected, but the gateway says nothing yet
            self.held_connections += 1
            self._notify()
            await gate.wait()
        if request.query.get("encoding", "json") != "json":
            conn.close(4002, "Only encoding=json is supported by the fake")
        else:
            conn.send({"op": HELLO, "d": {"heartbeat_interval": self.heartbeat_interval_ms}})
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    conn.close(4002, "Decode error")
                    continue
                try:
                    payload = json.loads(msg.data)
                except ValueError:
                    conn.close(4002, "Decode error")
                    continue
                self._on_payload(conn, payload)
        finally:
            session = conn.session
            if session is not None and session.conn is conn:
                session.conn = None
            self.connections.discard(conn)
            if not conn.closing:
                conn.closing = True
                conn._queue.put_nowait(("stop", None))
            await asyncio.wait({writer}, timeout=5)
            if not writer.done():
                writer.cancel()
            self._notify()
        return ws

    def _on_payload(self, conn: GatewayConnection, payload: dict[str, Any]) -> None:
        op = payload.get("op")
        data = payload.get("d")
        if op == HEARTBEAT:
            self.stats.heartbeats += 1
            conn.send({"op": HEARTBEAT_ACK})
            if conn.session is not None:
                self._stats_for(conn.session.shard_id).heartbeats += 1
            if conn.session is not None and isinstance(data, int):
                conn.session.acked_seq = max(conn.session.acked_seq, data)
                for session, target, future in list(self._barriers):
                    if session is conn.session and data >= target and not future.done():
                        future.set_result(None)
            return
        if op == IDENTIFY:
            self._identify(conn, data or {})
        elif op == RESUME:
            self._resume(conn, data or {})
        elif conn.session is None:
            conn.close(4003, "Not authenticated.")
        elif op == REQUEST_GUILD_MEMBERS:
            self._request_members(conn, data or {})
        elif op in (PRESENCE_UPDATE, VOICE_STATE_UPDATE):
            return
        else:
            conn.close(4001, "Unknown opcode.")

    def _shard_of_identify(self, conn: GatewayConnection, data: dict[str, Any]) -> Any:
        """``(shard_id, shard or None)`` from IDENTIFY's ``shard`` field, or
        ``None`` after closing with 4010 / 4011 as Discord does."""
        shard = data.get("shard")
        count = self.fake.shard_count
        if shard is None:
            if count > 1:
                conn.close(4011, "Sharding required.")
                return None
            return 0, None
        valid = (
            isinstance(shard, list)
            and len(shard) == 2
            and all(isinstance(x, int) and not isinstance(x, bool) for x in shard)
        )
        if not valid or shard[1] != count or not 0 <= shard[0] < shard[1]:
            conn.close(4010, "Invalid shard.")
            return None
        return shard[0], (shard[0], shard[1])

    def _identify(self, conn: GatewayConnection, data: dict[str, Any]) -> None:
        if conn.session is not None:
            conn.close(4005, "Already authenticated.")
            return
        if data.get("token") != self.fake.token:
            conn.close(4004, "Authentication failed.")
            return
        intents = data.get("intents")
        if not isinstance(intents, int):
            conn.close(4013, "Invalid intent(s).")
            return
        if intents & PRIVILEGED_INTENTS & ~self.fake.enabled_privileged_intents:
            conn.close(4014, "Disallowed intent(s).")
            return
        parsed = self._shard_of_identify(conn, data)
        if parsed is None:
            return
        shard_id, shard = parsed
        fake = self.fake
        now = asyncio.get_running_loop().time()
        bucket = shard_id % max(1, fake.max_concurrency)
        last = self._bucket_last.get(bucket)
        if (
            fake.enforce_identify_concurrency
            and last is not None
            and now - last < fake.identify_interval
        ):
            # Discord answers an IDENTIFY past max_concurrency with op 9.
            fake._violate(
                "identify_rate_limited",
                f"IDENTIFY for shard {shard_id} (bucket {bucket} of max_concurrency "
                f"{fake.max_concurrency}) {now - last:.3f} s after the bucket's previous "
                f"one; Discord allows one per {fake.identify_interval:g} s",
            )
            self.stats.invalid_sessions += 1
            self._stats_for(shard_id).invalid_sessions += 1
            conn.send({"op": INVALID_SESSION, "d": False})
            self._notify()
            return
        self._bucket_last[bucket] = now
        self.identify_log.append(IdentifyEntry(shard_id, now))
        session = GatewaySession(intents, shard)
        session.conn = conn
        conn.session = session
        receivers = self._receivers.setdefault(shard_id, [])
        if shard is None:
            # Unsharded: the new session replaces the previous one, which is
            # closed resumably (it may RESUME but receives nothing new).
            for old in receivers:
                if old.conn is not None:
                    old.conn.close(4000, "Superseded by a new session")
            receivers.clear()
        else:
            # Sharded: as on Discord, every session identified for the shard
            # keeps receiving its events (a dead one only buffers them).
            receivers[:] = [s for s in receivers if not s.invalidated]
        receivers.append(session)
        self.sessions[session.id] = session
        self.stats.identifies += 1
        stats = self._stats_for(shard_id)
        stats.identifies += 1
        stats.connections += 1
        bot = fake.bot_user.payload()
        bot.update(verified=True, mfa_enabled=False, flags=0, locale="en-US", email=None)
        guilds = [
            g
            for g in fake.guilds.values()
            if fake.bot_user.id in g.members and fake.shard_of(g.id) == shard_id
        ]
        ready: dict[str, Any] = {
            "v": 10,
            "user": bot,
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": fake.resume_gateway_url,
            "application": {"id": str(fake.application_id), "flags": fake.application_flags},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "user_settings": {},
            "auth": {},
        }
        if shard is not None:
            ready["shard"] = list(shard)
        session.dispatch("READY", ready)
        for guild in guilds:
            session.dispatch("GUILD_CREATE", fake.guild_payload(guild, session.intents))
        self._notify()

    def _resume(self, conn: GatewayConnection, data: dict[str, Any]) -> None:
        session = self.sessions.get(str(data.get("session_id")))
        seq = data.get("seq") or 0
        oldest = session.buffer[0][0] if session and session.buffer else 1
        if (
            session is None
            or session.invalidated
            or data.get("token") != self.fake.token
            or seq + 1 < oldest
        ):
            self.stats.invalid_sessions += 1
            if session is not None:
                self._stats_for(session.shard_id).invalid_sessions += 1
            conn.send({"op": INVALID_SESSION, "d": False})
            self._notify()
            return
        if session.conn is not None and session.conn is not conn:
            session.conn.close(4000, "Session resumed elsewhere")
        session.conn = conn
        conn.session = session
        for event_seq, payload in session.buffer:
            if event_seq > seq:
                conn.send(payload)
        session.dispatch("RESUMED", {})
        if any(s is session for s, _target, _future in self._barriers):
            conn.send({"op": HEARTBEAT, "d": None})
        self.stats.resumes += 1
        stats = self._stats_for(session.shard_id)
        stats.resumes += 1
        stats.connections += 1
        self._notify()

    def _request_members(self, conn: GatewayConnection, data: dict[str, Any]) -> None:
        guild = self.fake.guilds.get(int(data.get("guild_id") or 0))
        if guild is None or conn.session is None:
            return
        members = list(guild.members.values())
        wanted = data.get("user_ids")
        not_found: list[str] = []
        if wanted:
            ids = [int(u) for u in (wanted if isinstance(wanted, list) else [wanted])]
            members = [m for m in members if m.id in ids]
            not_found = [str(u) for u in ids if u not in guild.members]
        else:
            query = str(data.get("query") or "").lower()
            members = [
                m
                for m in members
                if m.user.username.startswith(query) or m.name.lower().startswith(query)
            ]
            limit = int(data.get("limit") or 0)
            if limit:
                members = members[:limit]
        chunk: dict[str, Any] = {
            "guild_id": str(guild.id),
            "members": [m.payload() for m in members],
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": not_found,
        }
        if data.get("nonce") is not None:
            chunk["nonce"] = data["nonce"]
        if data.get("presences"):
            chunk["presences"] = []
        conn.session.dispatch("GUILD_MEMBERS_CHUNK", chunk)

    # ----------------------------------------------------------- test controls
    def _shard_ids(self, shards: Iterable[int] | None) -> list[int]:
        count = self.fake.shard_count
        ids = list(range(count)) if shards is None else list(shards)
        bad = [s for s in ids if not 0 <= s < count]
        if bad:
            raise ValueError(f"shard ids {bad} outside 0..{count - 1} (fake.shard_count={count})")
        return ids

    def identifies_by_bucket(self) -> dict[int, list[IdentifyEntry]]:
        """The IDENTIFY log grouped by ``shard_id % fake.max_concurrency``."""
        out: dict[int, list[IdentifyEntry]] = {}
        for entry in self.identify_log:
            out.setdefault(entry.shard_id % max(1, self.fake.max_concurrency), []).append(entry)
        return out

    async def wait_for_shards(self, shards: Iterable[int] | None, timeout: float) -> None:
        """Wait until each shard (all by default) has a session that identified,
        then until its bot has processed READY and every GUILD_CREATE."""
        ids = self._shard_ids(shards)
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while True:
            missing = [s for s in ids if (c := self.current(s)) is None or c.invalidated]
            if not missing:
                break
            remaining = end - loop.time()
            if remaining <= 0:
                which = "" if self.fake.shard_count == 1 else f" for shard(s) {missing}"
                raise AssertionError(
                    f"the bot did not IDENTIFY{which} within {timeout:g} s "
                    f"(connections={self.stats.connections}, identifies={self.stats.identifies})"
                )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)
        sessions = [self.current(s) for s in ids]
        await self._barrier_all([s for s in sessions if s is not None], max(0.1, end - loop.time()))

    async def wait_for_ready(self, timeout: float, shards: Iterable[int] | None = None) -> None:
        await self.wait_for_shards(shards, timeout)

    async def wait_for_identify(
        self, after: int, timeout: float = 10.0, *, shards: Iterable[int] | None = None
    ) -> None:
        """Wait for an IDENTIFY beyond the first ``after`` (a restarted bot
        process: ``wait_for_ready`` would still see the killed one's session),
        then until that bot has processed READY and every GUILD_CREATE.

        With ``shards``, wait until each of them has identified beyond the
        first ``after`` IDENTIFYs of ``identify_log`` (a restarted process
        running those shards), then for those shards only.
        """
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        wanted = None if shards is None else set(self._shard_ids(shards))

        def done() -> bool:
            if wanted is None:
                return self.stats.identifies > after
            return wanted <= {e.shard_id for e in self.identify_log[after:]}

        while not done():
            remaining = end - loop.time()
            if remaining <= 0:
                raise AssertionError(
                    f"no new IDENTIFY within {timeout:g} s (identifies={self.stats.identifies})"
                )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)
        await self.wait_for_shards(wanted, max(0.1, end - loop.time()))

    async def barrier(self, timeout: float = 5.0, shards: Iterable[int] | None = None) -> None:
        """Return once the bot has processed every event dispatched so far.

        Sends a server-side HEARTBEAT request; discord.py answers it with its
        last processed sequence number, and it handles gateway messages in
        order, so a reply carrying ``seq >= target`` proves the earlier events
        (and their parsers) have run.

        Covers each shard's current session (waiting for it to RESUME if it is
        disconnected) and every other connected session of the shard; by
        default every shard that has a session.
        """
        ids = sorted(self._receivers) if shards is None else self._shard_ids(shards)
        targets: list[GatewaySession] = []
        for shard_id in ids:
            current = self.current(shard_id)
            if current is None:
                if shards is not None:
                    raise AssertionError(f"the bot has no gateway session for shard {shard_id}")
                continue
            targets += [
                s
                for s in self._receivers[shard_id]
                if s is current or (s.conn is not None and not s.invalidated)
            ]
        if not targets:
            raise AssertionError("the bot has no gateway session")
        await self._barrier_all(targets, timeout)

    async def _barrier_all(self, sessions: Sequence[GatewaySession], timeout: float) -> None:
        if len(sessions) == 1:
            await self._barrier(sessions[0], timeout)
        else:
            await asyncio.gather(*(self._barrier(s, timeout) for s in sessions))

    async def _barrier(self, session: GatewaySession, timeout: float) -> None:
        target = session.seq
        if session.acked_seq >= target:
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry = (session, target, future)
        self._barriers.append(entry)
        if session.conn is not None:
            session.conn.send({"op": HEARTBEAT, "d": None})
        try:
            await asyncio.wait_for(future, timeout)
        except TimeoutError:
            where = f" (shard {session.shard_id})" if session.shard else ""
            raise AssertionError(
                f"the bot{where} did not process gateway events up to seq {target} within "
                f"{timeout:g} s (last acknowledged seq {session.acked_seq})"
            ) from None
        finally:
            self._barriers.remove(entry)

    async def disconnect(
        self, *, resume: bool, reconnect_op: bool, timeout: float, shard: int = 0
    ) -> None:
        self._shard_ids([shard])
        session = self.current(shard)
        if session is None or session.conn is None:
            which = "" if self.fake.shard_count == 1 else f" on shard {shard}"
            raise AssertionError(f"the bot is not connected to the gateway{which}")
        conn = session.conn
        stats = self._stats_for(shard)
        resumes, identifies = stats.resumes, stats.identifies
        session.conn = None
        if not resume:
            session.invalidated = True
        if reconnect_op and resume:
            conn.send({"op": RECONNECT, "d": None})
        else:
            conn.close(4000 if resume else 4009, "Disconnected by the test")
        end = asyncio.get_running_loop().time() + timeout
        await self._back(
            shard, resume=resume, resumes=resumes, identifies=identifies, end=end, timeout=timeout
        )

    async def _back(
        self,
        shard: int,
        *,
        resume: bool,
        resumes: int,
        identifies: int,
        end: float,
        timeout: float,
    ) -> None:
        """Wait until ``shard`` RESUMEd (or re-IDENTIFIED when not ``resume``)
        since the counts were ``resumes`` / ``identifies``, and caught up."""
        stats = self._stats_for(shard)
        loop = asyncio.get_running_loop()
        while True:
            if resume and stats.resumes > resumes:
                break
            if stats.identifies > identifies:
                if resume:
                    raise AssertionError("the bot re-IDENTIFIED instead of RESUMING the session")
                break
            remaining = end - loop.time()
            if remaining <= 0:
                what = "RESUME" if resume else "re-IDENTIFY"
                raise AssertionError(f"the bot did not {what} within {timeout:g} s")
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except TimeoutError:
                continue
        await self.barrier(max(0.1, end - loop.time()), [shard])

    @contextlib.asynccontextmanager
    async def outage(self, *, shard: int = 0, timeout: float = 10.0) -> AsyncIterator[None]:
        """Drop ``shard``'s connection (resumable close 4000) and keep the
        gateway down for the block: any new connection waits for its HELLO
        until the block ends. The block is entered once the bot's next
        connection is waiting (so the bot has seen the old one close); on
        leaving it, returns once the bot RESUMEd and processed every event
        sent meanwhile."""
        self._shard_ids([shard])
        session = self.current(shard)
        if session is None or session.conn is None:
            raise AssertionError(f"the bot is not connected to the gateway on shard {shard}")
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        stats = self._stats_for(shard)
        resumes, identifies = stats.resumes, stats.identifies
        gate = asyncio.Event()
        self._hello_gate = gate
        held = self.held_connections
        conn, session.conn = session.conn, None
        try:
            conn.close(4000, "Gateway outage (test)")
            while self.held_connections == held:
                remaining = end - loop.time()
                if remaining <= 0:
                    raise AssertionError(f"the bot did not reconnect within {timeout:g} s")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), remaining)
            yield
        finally:
            self._hello_gate = None
            gate.set()
        await self._back(
            shard, resume=True, resumes=resumes, identifies=identifies, end=end, timeout=timeout
        )

    async def close(self) -> None:
        if self._hello_gate is not None:
            self._hello_gate.set()
        for conn in list(self.connections):
            conn.close(1001, "Fake Discord is shutting down")
        for session in self.sessions.values():
            session.conn = None
