"""Gateway protocol details of the fake, checked with a raw websocket client
(intents, compression, close codes, resume) where discord.py would hide them."""

from __future__ import annotations

import json
import zlib
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from loopback import FakeDiscord

GUILDS, GUILD_MEMBERS, GUILD_MESSAGES, DIRECT_MESSAGES, MESSAGE_CONTENT = (
    1 << 0,
    1 << 1,
    1 << 9,
    1 << 12,
    1 << 15,
)
BASE_INTENTS = GUILDS | GUILD_MESSAGES | DIRECT_MESSAGES


class RawGateway:
    """Minimal gateway client: decodes zlib-stream frames like discord.py does."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.inflator = zlib.decompressobj()
        self.buffer = bytearray()
        self.binary_frames = 0
        self.text_frames = 0

    async def recv(self) -> dict[str, Any]:
        while True:
            msg = await self.ws.receive(timeout=3.0)
            if msg.type is aiohttp.WSMsgType.BINARY:
                self.binary_frames += 1
                self.buffer.extend(msg.data)
                if self.buffer[-4:] != b"\x00\x00\xff\xff":
                    continue
                text = self.inflator.decompress(bytes(self.buffer)).decode()
                self.buffer.clear()
                return json.loads(text)
            if msg.type is aiohttp.WSMsgType.TEXT:
                self.text_frames += 1
                return json.loads(msg.data)
            return {"closed": self.ws.close_code}

    async def send(self, op: int, data: Any) -> None:
        await self.ws.send_str(json.dumps({"op": op, "d": data}))

    async def until(self, event: str) -> dict[str, Any]:
        while True:
            payload = await self.recv()
            if "closed" in payload:
                raise AssertionError(f"closed with {payload['closed']} while waiting for {event}")
            if payload.get("t") == event:
                return payload

    async def identify(self, token: str, intents: int) -> dict[str, Any]:
        await self.send(2, {"token": token, "intents": intents, "properties": {}})
        return await self.until("READY")


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(token="raw-token") as fake:
        yield fake


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def connect(
    fake: FakeDiscord, session: aiohttp.ClientSession, *, compress: bool = True
) -> RawGateway:
    query = "?v=10&encoding=json" + ("&compress=zlib-stream" if compress else "")
    gateway = RawGateway(await session.ws_connect(fake.gateway_url + query))
    hello = await gateway.recv()
    assert hello["op"] == 10 and hello["d"]["heartbeat_interval"] > 0
    return gateway


async def test_zlib_stream_frames_and_heartbeat(
    fake: FakeDiscord, session: aiohttp.ClientSession
) -> None:
    gateway = await connect(fake, session)
    assert gateway.binary_frames == 1 and gateway.text_frames == 0
    await gateway.send(1, None)
    assert (await gateway.recv())["op"] == 11
    ready = await gateway.identify("raw-token", BASE_INTENTS)
    assert ready["s"] == 1
    assert ready["d"]["user"]["id"] == str(fake.bot_user.id)
    assert ready["d"]["resume_gateway_url"] == fake.resume_gateway_url
    assert ready["d"]["application"]["id"] == str(fake.application_id)


async def test_plain_text_without_compression(
    fake: FakeDiscord, session: aiohttp.ClientSession
) -> None:
    gateway = await connect(fake, session, compress=False)
    await gateway.identify("raw-token", BASE_INTENTS)
    assert gateway.binary_frames == 0 and gateway.text_frames >= 2


@pytest.mark.parametrize(
    ("token", "intents", "enabled", "code"),
    [
        ("wrong", BASE_INTENTS, GUILD_MEMBERS, 4004),
        ("raw-token", BASE_INTENTS | GUILD_MEMBERS, 0, 4014),
        ("raw-token", None, 0, 4013),
    ],
)
async def test_identify_rejections(
    fake: FakeDiscord,
    session: aiohttp.ClientSession,
    token: str,
    intents: int | None,
    enabled: int,
    code: int,
) -> None:
    fake.enabled_privileged_intents = enabled
    gateway = await connect(fake, session)
    await gateway.send(2, {"token": token, "intents": intents, "properties": {}})
    assert await gateway.recv() == {"closed": code}


async def test_protocol_errors(fake: FakeDiscord, session: aiohttp.ClientSession) -> None:
    gateway = await connect(fake, session)
    await gateway.send(8, {"guild_id": "1"})
    assert await gateway.recv() == {"closed": 4003}
    gateway = await connect(fake, session)
    await gateway.identify("raw-token", BASE_INTENTS)
    await gateway.send(42, None)
    assert await gateway.recv() == {"closed": 4001}


async def test_guild_create_members_follow_intents(
    fake: FakeDiscord, session: aiohttp.ClientSession
) -> None:
    guild = fake.create_guild("Track Club")
    fake.create_member(guild, "Ana")
    gateway = await connect(fake, session)
    await gateway.identify("raw-token", BASE_INTENTS)
    created = (await gateway.until("GUILD_CREATE"))["d"]
    assert [m["user"]["id"] for m in created["members"]] == [str(fake.bot_user.id)]
    assert created["member_count"] == 3  # owner, bot, Ana
    gateway = await connect(fake, session)
    await gateway.identify("raw-token", BASE_INTENTS | GUILD_MEMBERS)
    created = (await gateway.until("GUILD_CREATE"))["d"]
    assert len(created["members"]) == 3


async def test_message_content_intent(fake: FakeDiscord, session: aiohttp.ClientSession) -> None:
    guild = fake.create_guild("Track Club")
    channel = fake.create_channel(guild, "general")
    ana = fake.create_member(guild, "Ana")
    gateway = await connect(fake, session)
    await gateway.identify("raw-token", BASE_INTENTS)
    await fake.send_message(ana, channel, "secret plans")
    assert (await gateway.until("MESSAGE_CREATE"))["d"]["content"] == ""
    await fake.send_message(ana, channel, "hey", mentions=[fake.bot_user])
    assert (await gateway.until("MESSAGE_CREATE"))["d"]["content"] == f"{fake.bot_user.mention} hey"
    await fake.send_message(ana, fake.dm_channel(ana), "in a DM")
    assert (await gateway.until("MESSAGE_CREATE"))["d"]["content"] == "in a DM"
    gateway = await connect(fake, session)
    await gateway.identify("raw-token", BASE_INTENTS | MESSAGE_CONTENT)
    await fake.send_message(ana, channel, "visible now")
    assert (await gateway.until("MESSAGE_CREATE"))["d"]["content"] == "visible now"


async def test_resume_replays_and_invalid_session(
    fake: FakeDiscord, session: aiohttp.ClientSession
) -> None:
    guild = fake.create_guild("Track Club")
    gateway = await connect(fake, session)
    ready = await gateway.identify("raw-token", BASE_INTENTS)
    created = await gateway.until("GUILD_CREATE")
    await gateway.ws.close()
    channel = fake.create_channel(guild, "missed")  # dispatched while disconnected
    gateway = await connect(fake, session)
    await gateway.send(
        6, {"token": "raw-token", "session_id": ready["d"]["session_id"], "seq": created["s"]}
    )
    replayed = await gateway.recv()
    assert replayed["t"] == "CHANNEL_CREATE" and replayed["d"]["id"] == str(channel.id)
    assert (await gateway.recv())["t"] == "RESUMED"
    gateway = await connect(fake, session)
    await gateway.send(6, {"token": "raw-token", "session_id": "nope", "seq": 1})
    assert await gateway.recv() == {"op": 9, "d": False}


async def test_request_guild_members(fake: FakeDiscord, session: aiohttp.ClientSession) -> None:
    guild = fake.create_guild("Track Club")
    ana = fake.create_member(guild, "Ana")
    gateway = await connect(fake, session)
    await gateway.identify("raw-token", BASE_INTENTS | GUILD_MEMBERS)
    await gateway.send(8, {"guild_id": str(guild.id), "query": "an", "limit": 0, "nonce": "n1"})
    chunk = (await gateway.until("GUILD_MEMBERS_CHUNK"))["d"]
    assert [m["user"]["id"] for m in chunk["members"]] == [str(ana.id)]
    assert chunk["nonce"] == "n1"
