"""The fake gateway: the websocket the real discord.py client connects to.

Implements what a single, unsharded bot session sees: HELLO, IDENTIFY (with
token and privileged-intent checks), READY + GUILD_CREATE, heartbeats,
sequence numbers, RESUME with replay of missed events, RECONNECT / resumable
closes, and zlib-stream transport compression (one compressor per
connection, Z_SYNC_FLUSH per message, exactly like Discord).  Events are
queued synchronously and written by one writer task per connection so that
ordering and the shared compressor stay consistent.
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
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from .world import PRIVILEGED_INTENTS

if TYPE_CHECKING:
    from .driver import FakeDiscord

log = logging.getLogger(__name__)

DISPATCH, HEARTBEAT, IDENTIFY, PRESENCE_UPDATE, VOICE_STATE_UPDATE = 0, 1, 2, 3, 4
RESUME, RECONNECT, REQUEST_GUILD_MEMBERS, INVALID_SESSION, HELLO, HEARTBEAT_ACK = 6, 7, 8, 9, 10, 11

#: How many dispatched events a session keeps for replay on RESUME.
REPLAY_BUFFER = 5000


@dataclass
class GatewayStats:
    """Counters tests use to check connection behaviour."""

    connections: int = 0
    identifies: int = 0
    resumes: int = 0
    heartbeats: int = 0
    invalid_sessions: int = 0


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
    """A gateway session (survives reconnects; RESUME replays from ``buffer``)."""

    def __init__(self, intents: int) -> None:
        self.id = secrets.token_hex(16)
        self.intents = intents
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
    """Accepts gateway connections and routes events to the bot's session."""

    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self.session: GatewaySession | None = None
        self.sessions: dict[str, GatewaySession] = {}
        self.connections: set[GatewayConnection] = set()
        self.stats = GatewayStats()
        #: Heartbeat interval announced in HELLO, in milliseconds.
        self.heartbeat_interval_ms = 41250
        self._ready = asyncio.Event()
        self._changed = asyncio.Event()
        self._barriers: list[tuple[GatewaySession, int, asyncio.Future[None]]] = []

    # ------------------------------------------------------------- dispatching
    @property
    def intents(self) -> int:
        return self.session.intents if self.session else 0

    def dispatch(self, event: str, data: dict[str, Any], intent: int | None = None) -> bool:
        """Send a DISPATCH event to the current session if its intents allow it."""
        session = self.session
        if session is None or session.invalidated:
            return False
        if intent is not None and not session.intents & intent:
            return False
        session.dispatch(event, data)
        return True

    @property
    def connected(self) -> bool:
        return self.session is not None and self.session.conn is not None

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
        if self.session is not None and self.session.conn is not None:
            self.session.conn.close(4000, "Superseded by a new session")
        session = GatewaySession(intents)
        session.conn = conn
        conn.session = session
        self.session = session
        self.sessions[session.id] = session
        self.stats.identifies += 1
        self._ready.clear()
        fake = self.fake
        bot = fake.bot_user.payload()
        bot.update(verified=True, mfa_enabled=False, flags=0, locale="en-US", email=None)
        guilds = [g for g in fake.guilds.values() if fake.bot_user.id in g.members]
        session.dispatch(
            "READY",
            {
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
            },
        )
        for guild in guilds:
            session.dispatch("GUILD_CREATE", fake.guild_payload(guild))
        self._ready.set()
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
        if self._barriers:
            conn.send({"op": HEARTBEAT, "d": None})
        self.stats.resumes += 1
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
    async def wait_for_ready(self, timeout: float) -> None:
        try:
            await asyncio.wait_for(self._ready.wait(), timeout)
        except TimeoutError:
            raise AssertionError(
                f"the bot did not IDENTIFY within {timeout:g} s "
                f"(connections={self.stats.connections}, identifies={self.stats.identifies})"
            ) from None
        await self.barrier(timeout)

    async def wait_for_identify(self, after: int, timeout: float = 10.0) -> None:
        """Wait for an IDENTIFY beyond the first ``after`` (a restarted bot
        process: ``wait_for_ready`` would still see the killed one's session),
        then until that bot has processed READY and every GUILD_CREATE."""
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while self.stats.identifies <= after:
            remaining = end - loop.time()
            if remaining <= 0:
                raise AssertionError(
                    f"no new IDENTIFY within {timeout:g} s (identifies={self.stats.identifies})"
                )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)
        await self.wait_for_ready(max(0.1, end - loop.time()))

    async def barrier(self, timeout: float = 5.0) -> None:
        """Return once the bot has processed every event dispatched so far.

        Sends a server-side HEARTBEAT request; discord.py answers it with its
        last processed sequence number, and it handles gateway messages in
        order, so a reply carrying ``seq >= target`` proves the earlier events
        (and their parsers) have run.
        """
        session = self.session
        if session is None:
            raise AssertionError("the bot has no gateway session")
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
            raise AssertionError(
                f"the bot did not process gateway events up to seq {target} within "
                f"{timeout:g} s (last acknowledged seq {session.acked_seq})"
            ) from None
        finally:
            self._barriers.remove(entry)

    async def disconnect(self, *, resume: bool, reconnect_op: bool, timeout: float) -> None:
        session = self.session
        if session is None or session.conn is None:
            raise AssertionError("the bot is not connected to the gateway")
        conn = session.conn
        resumes, identifies = self.stats.resumes, self.stats.identifies
        session.conn = None
        if not resume:
            session.invalidated = True
        if reconnect_op and resume:
            conn.send({"op": RECONNECT, "d": None})
        else:
            conn.close(4000 if resume else 4009, "Disconnected by the test")
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while True:
            if resume and self.stats.resumes > resumes:
                break
            if self.stats.identifies > identifies:
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
        await self.barrier(max(0.1, end - loop.time()))

    async def close(self) -> None:
        for conn in list(self.connections):
            conn.close(1001, "Fake Discord is shutting down")
        for session in self.sessions.values():
            session.conn = None
