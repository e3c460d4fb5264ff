"""Sharding in the fake: ``GET /gateway/bot``, one session per shard, events
routed by ``(guild_id >> 22) % shard_count`` (DMs to shard 0), close codes
4010/4011 and IDENTIFY pacing per ``max_concurrency`` bucket.

Driven by discord.py's ``AutoShardedBot`` (one process running every shard, and
two "processes", each a bot with half the shards, sharing one fake), plus a raw
websocket client for what discord.py hides.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp
import discord
import pytest
import yarl
from discord.ext import commands

from loopback import Channel, DriverError, FakeDiscord, Guild, Member
from loopback.gateway import GatewaySession

SHARDS = 4
MAX_CONCURRENCY = 2
#: Discord's identify window is 5 s; the tests lower it, and pace their bots to it.
INTERVAL = 0.3
GUILDS, GUILD_MESSAGES, DIRECT_MESSAGES, MESSAGE_CONTENT = 1 << 0, 1 << 9, 1 << 12, 1 << 15
BASE_INTENTS = GUILDS | GUILD_MESSAGES | DIRECT_MESSAGES


@contextmanager
def pointed_at(fake: FakeDiscord) -> Iterator[None]:
    old_base = discord.http.Route.BASE
    old_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    discord.http.Route.BASE = fake.api_url
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
    try:
        yield
    finally:
        discord.http.Route.BASE = old_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway


# ---------------------------------------------------------------------- the bot
class Pacer:
    """What a multi-process bot shares (here: one object for both bots): at
    most one IDENTIFY per bucket ``shard_id % max_concurrency`` per interval."""

    def __init__(self, max_concurrency: int, interval: float) -> None:
        self.max_concurrency = max_concurrency
        self.interval = interval
        self._last: dict[int, float] = {}
        self._locks: dict[int, asyncio.Lock] = {}

    async def wait(self, shard_id: int) -> None:
        bucket = shard_id % self.max_concurrency
        async with self._locks.setdefault(bucket, asyncio.Lock()):
            loop = asyncio.get_running_loop()
            last = self._last.get(bucket)
            if last is not None:
                # A small margin: the fake times the IDENTIFY's arrival, not this hook.
                await asyncio.sleep(max(0.0, last + self.interval + 0.05 - loop.time()))
            self._last[bucket] = loop.time()


class AgainView(discord.ui.View):
    def __init__(self, label: str) -> None:
        super().__init__(timeout=None)
        self.label = label

    @discord.ui.button(label="Again", custom_id="again")
    async def again(self, interaction: discord.Interaction, _button: discord.ui.Button) -> None:
        await interaction.response.send_message(f"{self.label} clicked", ephemeral=True)


class ShardBot(commands.AutoShardedBot):
    """A bot process running ``shard_ids`` of ``shard_count`` (None: ask
    ``GET /gateway/bot``), pacing its IDENTIFYs with ``pacer``."""

    def __init__(
        self,
        label: str,
        pacer: Pacer,
        *,
        shard_ids: list[int] | None = None,
        shard_count: int | None = SHARDS,
        sync: bool = True,
    ) -> None:
        super().__init__(
            command_prefix="!",
            intents=discord.Intents.default(),
            shard_count=shard_count,
            shard_ids=shard_ids,
            guild_ready_timeout=0.05,
        )
        self.label = label
        self.pacer = pacer
        self.sync = sync
        self.interaction_ids: list[int] = []

    async def setup_hook(self) -> None:
        label = self.label

        @self.tree.command(description="Which process and shard answer")
        async def where(interaction: discord.Interaction) -> None:
            shard = interaction.guild.shard_id if interaction.guild else None
            await interaction.response.send_message(f"{label} shard {shard}", view=AgainView(label))

        if self.sync:
            await self.tree.sync()

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        await self.pacer.wait(shard_id or 0)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        self.interaction_ids.append(interaction.id)

    async def on_message(self, message: discord.Message) -> None:
        if message.guild is None and not message.author.bot:
            await message.channel.send(f"{self.label} got your DM")


@dataclass
class Club:
    guild: Guild
    channel: Channel
    member: Member


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(
        token="shard-token", shard_count=SHARDS, max_concurrency=MAX_CONCURRENCY
    ) as fake:
        fake.identify_interval = INTERVAL
        fake.enforce_identify_concurrency = True
        yield fake
        fake.assert_clean()


@pytest.fixture
def clubs(fake: FakeDiscord) -> dict[int, Club]:
    """One server per shard, each with a channel and a member."""
    out = {}
    for shard in range(SHARDS):
        guild = fake.create_guild(f"Club {shard}", shard=shard)
        out[shard] = Club(
            guild, fake.create_channel(guild, "general"), fake.create_member(guild, f"Ana {shard}")
        )
    return out


@contextmanager
def running(fake: FakeDiscord, *bots: ShardBot) -> Iterator[list[asyncio.Task[None]]]:
    with pointed_at(fake):
        tasks = [asyncio.create_task(bot.start(fake.token)) for bot in bots]
        yield tasks


async def stop(bots: list[ShardBot], tasks: list[asyncio.Task[None]]) -> None:
    for bot in bots:
        await bot.close()
    await asyncio.wait_for(asyncio.gather(*tasks), 5)


def events(session: GatewaySession | None, name: str) -> list[dict[str, Any]]:
    """The ``d`` of every ``name`` event the fake sent on ``session``."""
    assert session is not None
    return [p["d"] for _seq, p in session.buffer if p["t"] == name]


def shards_that_got(fake: FakeDiscord, name: str, key: str, value: int) -> list[int]:
    return [
        shard
        for shard in range(fake.shard_count)
        for session in fake.gateway.shard_sessions(shard)
        if any(d.get(key) == str(value) for d in events(session, name))
    ]


def check_pacing(fake: FakeDiscord) -> None:
    """Each bucket identified at most once per interval, and the buckets in parallel."""
    by_bucket = fake.gateway.identifies_by_bucket()
    assert sorted(by_bucket) == list(range(MAX_CONCURRENCY))
    for bucket, entries in by_bucket.items():
        assert sorted(e.shard_id for e in entries) == [
            s for s in range(SHARDS) if s % MAX_CONCURRENCY == bucket
        ]
        gaps = [b.at - a.at for a, b in itertools.pairwise(entries)]
        assert all(gap >= INTERVAL for gap in gaps), gaps
    firsts = [entries[0].at for entries in by_bucket.values()]
    assert max(firsts) - min(firsts) < INTERVAL  # max_concurrency used: buckets overlap


# ------------------------------------------------------------------- discord.py
async def test_one_process_runs_every_shard(fake: FakeDiscord, clubs: dict[int, Club]) -> None:
    bot = ShardBot("solo", Pacer(MAX_CONCURRENCY, INTERVAL), shard_count=None)
    with running(fake, bot) as tasks:
        await fake.wait_for_ready()  # every shard: 0..3
        await fake.wait_for_commands()
        assert bot.shard_count == SHARDS  # read from GET /gateway/bot
        assert sorted(bot.shards) == list(range(SHARDS))
        assert {g.id for g in bot.guilds} == {c.guild.id for c in clubs.values()}
        for shard, club in clubs.items():
            assert fake.shard_of(club.guild) == shard
            cached = bot.get_guild(club.guild.id)
            assert cached is not None and cached.shard_id == shard
            # READY names the shard and only its guilds, then one GUILD_CREATE each.
            session = fake.gateway.current(shard)
            (ready,) = events(session, "READY")
            assert ready["shard"] == [shard, SHARDS]
            assert [g["id"] for g in ready["guilds"]] == [str(club.guild.id)]
            assert [g["id"] for g in events(session, "GUILD_CREATE")] == [str(club.guild.id)]
            assert fake.shard_stats(shard).identifies == 1
        assert fake.gateway_stats.identifies == SHARDS

        itx = await fake.slash(clubs[2].member, "where", channel=clubs[2].channel)
        assert (await itx.wait_reply()).content == "solo shard 2"
        assert shards_that_got(fake, "INTERACTION_CREATE", "id", itx.id) == [2]

        limits = await bot.fetch_session_start_limits()
        assert (limits.total, limits.remaining) == (1000, 1000 - SHARDS)
        assert limits.max_concurrency == MAX_CONCURRENCY
        check_pacing(fake)
        await stop([bot], tasks)


async def test_two_processes_split_the_shards(fake: FakeDiscord, clubs: dict[int, Club]) -> None:
    pacer = Pacer(MAX_CONCURRENCY, INTERVAL)  # the lock both processes share
    low = ShardBot("A", pacer, shard_ids=[0, 1])
    high = ShardBot("B", pacer, shard_ids=[2, 3], sync=False)
    with running(fake, low, high) as tasks:
        await fake.wait_for_shards([0, 1])
        await fake.wait_for_commands()
        await fake.wait_for_ready()  # and now every shard
        assert {g.id for g in low.guilds} == {clubs[0].guild.id, clubs[1].guild.id}
        assert {g.id for g in high.guilds} == {clubs[2].guild.id, clubs[3].guild.id}

        # An interaction in shard 2's guild reaches only the process running shard 2.
        itx = await fake.slash(clubs[2].member, "where", channel=clubs[2].channel)
        reply = await itx.wait_reply()
        assert reply.content == "B shard 2"
        assert itx.id in high.interaction_ids and itx.id not in low.interaction_ids
        click = await fake.click(clubs[2].member, reply, "again")
        assert (await click.wait_reply()).content == "B clicked"
        assert shards_that_got(fake, "INTERACTION_CREATE", "id", click.id) == [2]
        itx = await fake.slash(clubs[1].member, "where", channel=clubs[1].channel)
        assert (await itx.wait_reply()).content == "A shard 1"

        # DMs (a message and a slash command) go to shard 0, run by A.
        dm = fake.dm_channel(clubs[3].member)
        sent = await fake.send_message(clubs[3].member, dm, "hello")
        answer = await fake.wait_for_message(dm, after=sent)
        assert answer.content == "A got your DM"
        assert shards_that_got(fake, "MESSAGE_CREATE", "id", sent.id) == [0]
        itx = await fake.slash(clubs[3].member, "where", dm=True)
        assert (await itx.wait_reply()).content == "A shard None"
        assert itx.id in low.interaction_ids and itx.id not in high.interaction_ids

        # Guild events after READY go to the guild's shard only.
        late = fake.create_guild("Late club", shard=3)
        channel = fake.create_channel(clubs[1].guild, "late")
        await fake.sync_gateway()
        assert high.get_guild(late.id) is not None and low.get_guild(late.id) is None
        assert low.get_channel(channel.id) is not None and high.get_channel(channel.id) is None
        assert shards_that_got(fake, "GUILD_CREATE", "id", late.id) == [3]
        assert shards_that_got(fake, "CHANNEL_CREATE", "id", channel.id) == [1]

        # One shard drops and resumes; the others carry on.
        resumes = [fake.shard_stats(s).resumes for s in range(SHARDS)]
        await fake.disconnect_gateway(shard=3)
        assert [fake.shard_stats(s).resumes for s in range(SHARDS)] == [
            r + (s == 3) for s, r in enumerate(resumes)
        ]
        itx = await fake.slash(clubs[3].member, "where", channel=clubs[3].channel)
        assert (await itx.wait_reply()).content == "B shard 3"
        await fake.sync_gateway(shards=[2, 3])

        assert [fake.shard_stats(s).identifies for s in range(SHARDS)] == [1] * SHARDS
        check_pacing(fake)
        await stop([low, high], tasks)


async def test_duplicate_shard_and_restarted_process(
    fake: FakeDiscord, clubs: dict[int, Club]
) -> None:
    pacer = Pacer(MAX_CONCURRENCY, INTERVAL)
    low = ShardBot("A", pacer, shard_ids=[0, 1])
    high = ShardBot("B", pacer, shard_ids=[2, 3], sync=False)
    twin = ShardBot("C", pacer, shard_ids=[2], sync=False)  # what a missing lock allows
    with running(fake, low, high) as tasks:
        await fake.wait_for_ready()
        await fake.wait_for_commands()
        after = len(fake.gateway.identify_log)
        with running(fake, twin) as twin_tasks:
            await fake.gateway.wait_for_identify(after, shards=[2])
            assert len(fake.gateway.shard_sessions(2)) == 2
            # Both processes get the interaction; the slower answer is refused.
            itx = await fake.slash(clubs[2].member, "where", channel=clubs[2].channel)
            assert (await itx.wait_reply()).content in ("B shard 2", "C shard 2")
            assert (await fake.wait_for_violation("double_ack")).interaction_id == itx.id
            assert itx.id in high.interaction_ids and itx.id in twin.interaction_ids
            fake.take_violations()
            await stop([twin], twin_tasks)
        await stop([high], tasks[1:])
        # B stopped; a new process takes shards 2 and 3 over.
        after = len(fake.gateway.identify_log)
        again = ShardBot("B2", pacer, shard_ids=[2, 3], sync=False)
        with running(fake, again) as again_tasks:
            await fake.gateway.wait_for_identify(after, shards=[2, 3], timeout=10)
            itx = await fake.slash(clubs[3].member, "where", channel=clubs[3].channel)
            assert (await itx.wait_reply()).content == "B2 shard 3"
            assert fake.shard_stats(3).identifies == 2
            await stop([again, low], [*again_tasks, tasks[0]])


@pytest.mark.parametrize(
    ("shard_ids", "shard_count", "code"),
    [([SHARDS], SHARDS, 4010), ([0], 2, 4010), (None, None, 4011)],
    ids=["shard-id-too-big", "other-shard-count", "unsharded-client"],
)
async def test_bad_shards_close_the_gateway(
    fake: FakeDiscord, shard_ids: list[int] | None, shard_count: int | None, code: int
) -> None:
    bot: discord.Client
    if shard_count is None:
        bot = discord.Client(intents=discord.Intents.default())  # no shard field at all
    else:
        bot = ShardBot("bad", Pacer(1, 0), shard_ids=shard_ids, shard_count=shard_count)
        bot.sync = False
    with pointed_at(fake), pytest.raises(discord.ConnectionClosed) as info:
        await asyncio.wait_for(bot.start(fake.token), 10)
    assert info.value.code == code
    await bot.close()
    assert fake.gateway.identify_log == []


# ------------------------------------------------------------- raw websocket
class Raw:
    """A bare gateway client (no compression)."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws

    @classmethod
    async def connect(cls, fake: FakeDiscord, http: aiohttp.ClientSession) -> Raw:
        raw = cls(await http.ws_connect(fake.gateway_url + "?v=10&encoding=json"))
        assert (await raw.recv())["op"] == 10
        return raw

    async def recv(self) -> dict[str, Any]:
        msg = await self.ws.receive(timeout=3.0)
        if msg.type is aiohttp.WSMsgType.TEXT:
            return json.loads(msg.data)
        return {"closed": self.ws.close_code}

    async def identify(self, fake: FakeDiscord, shard: Any, intents: int = BASE_INTENTS) -> None:
        data: dict[str, Any] = {"token": fake.token, "intents": intents, "properties": {}}
        if shard is not None:
            data["shard"] = shard
        await self.ws.send_str(json.dumps({"op": 2, "d": data}))

    async def until(self, event: str) -> dict[str, Any]:
        while True:
            payload = await self.recv()
            assert "closed" not in payload, f"closed with {payload['closed']} before {event}"
            if payload.get("t") == event:
                return payload["d"]

    async def ready(self, fake: FakeDiscord, shard: Any, intents: int = BASE_INTENTS) -> Any:
        await self.identify(fake, shard, intents)
        return await self.until("READY")


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as http:
        yield http


async def test_gateway_bot_payload(fake: FakeDiscord, http: aiohttp.ClientSession) -> None:
    headers = {"Authorization": f"Bot {fake.token}"}
    async with http.get(fake.api_url + "/gateway/bot", headers=headers) as response:
        assert await response.json() == {
            "url": fake.gateway_url,
            "shards": SHARDS,
            "session_start_limit": {
                "total": 1000,
                "remaining": 1000,
                "reset_after": 0,
                "max_concurrency": MAX_CONCURRENCY,
            },
        }
    async with http.get(fake.api_url + "/gateway", headers=headers) as response:
        assert await response.json() == {"url": fake.gateway_url}
    raw = await Raw.connect(fake, http)
    await raw.ready(fake, [0, SHARDS])
    async with http.get(fake.api_url + "/gateway/bot", headers=headers) as response:
        limit = (await response.json())["session_start_limit"]
    assert limit["remaining"] == 999 and 0 < limit["reset_after"] <= 86_400_000


@pytest.mark.parametrize(
    ("shard", "code"),
    [
        ([SHARDS, SHARDS], 4010),
        ([-1, SHARDS], 4010),
        ([0, SHARDS + 1], 4010),
        ([0], 4010),
        ("0,4", 4010),
        ([True, SHARDS], 4010),
        (None, 4011),
    ],
)
async def test_identify_shard_rejections(
    fake: FakeDiscord, http: aiohttp.ClientSession, shard: Any, code: int
) -> None:
    raw = await Raw.connect(fake, http)
    await raw.identify(fake, shard)
    assert await raw.recv() == {"closed": code}
    assert fake.gateway_stats.identifies == 0 and fake.gateway.identify_log == []


async def test_events_follow_the_guild_shard(
    fake: FakeDiscord, http: aiohttp.ClientSession, clubs: dict[int, Club]
) -> None:
    sockets = {}
    for shard in (0, 1):
        sockets[shard] = await Raw.connect(fake, http)
        # Shard 0 without MESSAGE_CONTENT, shard 1 with: each payload follows its session.
        intents = BASE_INTENTS | (MESSAGE_CONTENT if shard else 0)
        ready = await sockets[shard].ready(fake, [shard, SHARDS], intents)
        assert ready["shard"] == [shard, SHARDS]
        assert [g["id"] for g in ready["guilds"]] == [str(clubs[shard].guild.id)]
        created = await sockets[shard].until("GUILD_CREATE")
        assert created["id"] == str(clubs[shard].guild.id)
    await fake.send_message(clubs[1].member, clubs[1].channel, "shard one")
    await fake.send_message(clubs[0].member, clubs[0].channel, "shard zero")
    await fake.send_message(clubs[1].member, fake.dm_channel(clubs[1].member), "a DM")
    message = await sockets[1].until("MESSAGE_CREATE")
    assert (message["guild_id"], message["content"]) == (str(clubs[1].guild.id), "shard one")
    message = await sockets[0].until("MESSAGE_CREATE")
    assert (message["guild_id"], message["content"]) == (str(clubs[0].guild.id), "")
    message = await sockets[0].until("MESSAGE_CREATE")
    assert "guild_id" not in message and message["content"] == "a DM"
    # Shards 2 and 3 have no session: their events are not sent anywhere.
    assert await fake.send_message(clubs[2].member, clubs[2].channel, "nobody") is not None
    for shard in (0, 1):
        assert [d["content"] for d in events(fake.gateway.current(shard), "MESSAGE_CREATE")] == (
            ["", "a DM"] if shard == 0 else ["shard one"]
        )
    # ... and an interaction there is refused at once, naming the shard.
    with pytest.raises(DriverError, match="shard 2"):
        await fake.forge_component(clubs[2].member, clubs[2].channel, "x")


async def test_two_sessions_on_one_shard_both_get_its_events(
    fake: FakeDiscord, http: aiohttp.ClientSession, clubs: dict[int, Club]
) -> None:
    fake.enforce_identify_concurrency = False
    first, second = await Raw.connect(fake, http), await Raw.connect(fake, http)
    await first.ready(fake, [1, SHARDS])
    await second.ready(fake, [1, SHARDS])
    assert len(fake.gateway.shard_sessions(1)) == 2
    assert fake.gateway.current(1) is fake.gateway.shard_sessions(1)[-1]
    channel = fake.create_channel(clubs[1].guild, "both")
    for raw in (first, second):
        assert (await raw.until("CHANNEL_CREATE"))["id"] == str(channel.id)
    assert fake.shard_stats(1).identifies == 2


async def test_identify_too_soon_for_its_bucket(
    fake: FakeDiscord, http: aiohttp.ClientSession
) -> None:
    fake.identify_interval = 60.0
    first = await Raw.connect(fake, http)
    await first.ready(fake, [0, SHARDS])
    other_bucket = await Raw.connect(fake, http)
    await other_bucket.ready(fake, [1, SHARDS])  # bucket 1: fine at once
    too_soon = await Raw.connect(fake, http)
    await too_soon.identify(fake, [2, SHARDS])  # bucket 0 again within 60 s
    assert await too_soon.recv() == {"op": 9, "d": False}
    (violation,) = fake.take_violations()
    assert violation.kind == "identify_rate_limited" and "shard 2" in violation.message
    assert [e.shard_id for e in fake.gateway.identify_log] == [0, 1]
    assert fake.shard_stats(2).invalid_sessions == 1 and fake.shard_stats(2).identifies == 0
    fake.enforce_identify_concurrency = False  # off (the default): recorded, not refused
    await too_soon.identify(fake, [2, SHARDS])
    await too_soon.until("READY")
    by_bucket = fake.gateway.identifies_by_bucket()
    assert [e.shard_id for e in by_bucket[0]] == [0, 2] and by_bucket[0][1].at > by_bucket[0][0].at


async def test_wait_for_ready_names_missing_shards(
    fake: FakeDiscord, http: aiohttp.ClientSession
) -> None:
    raw = await Raw.connect(fake, http)
    await raw.ready(fake, [0, SHARDS])
    with pytest.raises(AssertionError, match=r"shard\(s\) \[1, 2, 3\]"):
        await fake.wait_for_ready(timeout=0.1)
    with pytest.raises(ValueError, match="outside"):
        await fake.wait_for_shards([SHARDS])


def test_create_guild_on_a_shard(fake: FakeDiscord) -> None:
    for _ in range(3):
        for shard in (3, 0, 2, 2, 1):
            guild = fake.create_guild("g", shard=shard)
            assert (guild.id >> 22) % SHARDS == shard == fake.shard_of(guild)
    ids = list(fake.guilds)
    assert ids == sorted(ids)  # snowflakes still increase
    assert fake.shard_of(None) == 0
    with pytest.raises(ValueError, match="outside"):
        fake.create_guild("g", shard=SHARDS)


async def test_unsharded_fake_accepts_a_one_shard_identify(http: aiohttp.ClientSession) -> None:
    async with FakeDiscord(token="t") as fake:
        guild = fake.create_guild("Only")
        raw = await Raw.connect(fake, http)
        ready = await raw.ready(fake, [0, 1])
        assert ready["shard"] == [0, 1] and [g["id"] for g in ready["guilds"]] == [str(guild.id)]
        plain = await Raw.connect(fake, http)
        assert "shard" not in await plain.ready(fake, None)
        wrong = await Raw.connect(fake, http)
        await wrong.identify(fake, [0, 2])
        assert await wrong.recv() == {"closed": 4010}
        with pytest.raises(ValueError, match="outside"):
            fake.create_guild("g", shard=1)
