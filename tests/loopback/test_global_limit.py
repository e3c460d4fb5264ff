"""Discord's global limit in the loopback fake (``FakeDiscord(global_limit=N)``):
past N bot requests in a sliding second, a global 429 shaped like Discord's,
not applied; interaction callbacks and followups exempt; every 429 counted."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from typing import Any

import aiohttp
import discord
import pytest
import pytest_asyncio

from loopback import Channel, FakeDiscord, Fault

LIMIT = 5
MESSAGES = "POST /channels/{channel_id}/messages"


@pytest_asyncio.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(token="limit-token", global_limit=LIMIT) as fake:
        yield fake


@pytest.fixture
def channel(fake: FakeDiscord) -> Channel:
    return fake.create_channel(fake.create_guild("Track Club"), "workouts")


async def _post(
    session: aiohttp.ClientSession, url: str, token: str | None = None
) -> tuple[int, Any, Mapping[str, str]]:
    headers = {"Authorization": f"Bot {token}"} if token else {}
    async with session.post(url, json={"content": "raw"}, headers=headers) as response:
        body = await response.json(content_type=None)
        return response.status, body, response.headers


async def test_past_the_limit_a_global_429_that_is_not_applied(
    fake: FakeDiscord, channel: Channel
) -> None:
    url = f"{fake.api_url}/channels/{channel.id}/messages"
    async with aiohttp.ClientSession() as session:
        answers = [await _post(session, url, fake.token) for _ in range(LIMIT + 1)]
        assert [status for status, _, _ in answers] == [200] * LIMIT + [429]
        _, body, headers = answers[-1]
        assert body["message"] == "You are being rate limited." and body["global"] is True
        assert 0 < body["retry_after"] <= 1
        assert headers["Retry-After"] == "1"  # whole seconds, as Discord
        assert headers["X-RateLimit-Global"] == "true"
        assert headers["X-RateLimit-Scope"] == "global"
        assert headers["Via"]  # else discord.py would take it for a Cloudflare ban
        assert len(fake.messages(channel)) == LIMIT
        assert fake.rest.rate_limited == [f"POST /api/v10/channels/{channel.id}/messages (global)"]
        assert fake.rest.busiest_second == LIMIT

        await asyncio.sleep(body["retry_after"])  # the oldest request left the second
        status, _, _ = await _post(session, url, fake.token)
        assert status == 200 and len(fake.messages(channel)) == LIMIT + 1


async def test_interaction_routes_and_unauthenticated_requests_are_not_counted(
    fake: FakeDiscord, channel: Channel
) -> None:
    url = f"{fake.api_url}/channels/{channel.id}/messages"
    async with aiohttp.ClientSession() as session:
        for _ in range(LIMIT):
            assert (await _post(session, url, fake.token))[0] == 200
        # The second is full, but callbacks and followups are outside the
        # bot's global limit (these name no live interaction: 404, not 429).
        callback = f"{fake.api_url}/interactions/1/no-such-token/callback"
        followup = f"{fake.api_url}/webhooks/{fake.application_id}/no-such-token"
        assert (await _post(session, callback))[0] == 404
        assert (await _post(session, followup))[0] == 404
        assert (await _post(session, url))[0] == 401  # no token: not the bot's request
    fake.take_violations()
    assert fake.rest.rate_limited == []


async def test_discord_py_waits_out_the_global_limit_and_every_429_is_counted(
    fake: FakeDiscord, channel: Channel
) -> None:
    old_base = discord.http.Route.BASE
    discord.http.Route.BASE = fake.api_url
    client = discord.http.HTTPClient(asyncio.get_running_loop())
    try:
        await client.static_login(fake.token)  # one request: GET /users/@me

        async def send(n: int) -> None:
            with discord.http.handle_message_parameters(content=f"post {n}") as params:
                await client.send_message(channel.id, params=params)

        await asyncio.gather(*(send(n) for n in range(2 * LIMIT)))
    finally:
        await client.close()
        discord.http.Route.BASE = old_base
    # discord.py retried each refused post after its retry_after: all went out
    # once, and the fake counted every 429 it answered on the way.
    assert sorted(m.content for m in fake.messages(channel)) == sorted(
        f"post {n}" for n in range(2 * LIMIT)
    )
    assert len(fake.rest.rate_limited) >= 1
    assert all(hit.endswith("(global)") for hit in fake.rest.rate_limited)
    assert fake.rest.busiest_second == LIMIT


async def test_injected_429s_are_counted_with_their_scope(
    fake: FakeDiscord, channel: Channel
) -> None:
    fake.global_limit = None  # off again: only the injected one
    fake.rest.inject_faults(MESSAGES, [Fault(429, scope="shared")])
    async with aiohttp.ClientSession() as session:
        url = f"{fake.api_url}/channels/{channel.id}/messages"
        assert (await _post(session, url, fake.token))[0] == 429
        assert [(await _post(session, url, fake.token))[0] for _ in range(2 * LIMIT)] == [200] * (
            2 * LIMIT
        )
    assert fake.rest.rate_limited == [f"POST /api/v10/channels/{channel.id}/messages (shared)"]
