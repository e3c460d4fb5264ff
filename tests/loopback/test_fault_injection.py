"""Fault injection in the loopback fake: 429s and 5xx shaped like Discord's,
checked against discord.py's own HTTP client (which is what decides whether a
fault is retried), requests held at a chosen point, and a slow Discord."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import discord
import pytest
import pytest_asyncio

from loopback import Channel, FakeDiscord, Fault

MESSAGES = "POST /channels/{channel_id}/messages"


@pytest_asyncio.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(token="fault-token") as fake:
        yield fake


@pytest.fixture
def channel(fake: FakeDiscord) -> Channel:
    return fake.create_channel(fake.create_guild("Track Club"), "workouts")


@pytest_asyncio.fixture
async def http(fake: FakeDiscord) -> AsyncIterator[discord.http.HTTPClient]:
    """discord.py's real REST client, logged in to the fake."""
    old_base = discord.http.Route.BASE
    discord.http.Route.BASE = fake.api_url
    client = discord.http.HTTPClient(asyncio.get_running_loop())
    try:
        await client.static_login(fake.token)
        yield client
    finally:
        await client.close()
        discord.http.Route.BASE = old_base


async def _send(http: discord.http.HTTPClient, channel: Channel, text: str) -> Any:
    with discord.http.handle_message_parameters(content=text) as params:
        return await http.send_message(channel.id, params=params)


async def _raw(fake: FakeDiscord, channel: Channel) -> aiohttp.ClientResponse:
    """One POST without discord.py's retries, to read the fault as sent."""
    async with aiohttp.ClientSession() as session:
        response = await session.post(
            f"{fake.api_url}/channels/{channel.id}/messages",
            json={"content": "raw"},
            headers={"Authorization": f"Bot {fake.token}"},
        )
        await response.read()
        return response


async def test_a_429_is_shaped_like_discords_and_discord_py_retries_it(
    fake: FakeDiscord, channel: Channel, http: discord.http.HTTPClient
) -> None:
    plan = fake.rest.inject_faults(MESSAGES, [Fault(429, retry_after=0.05)])
    sent = await _send(http, channel, "after the limit")
    assert plan.used and plan.hits == [f"429 POST /api/v10/channels/{channel.id}/messages"]
    # Retried once, applied once: the faulted attempt was never stored.
    assert [m.content for m in fake.messages(channel)] == ["after the limit"]
    assert sent["content"] == "after the limit"

    fake.rest.inject_faults(MESSAGES, [Fault(429, retry_after=0.05)])
    raw = await _raw(fake, channel)
    body = await raw.json()
    assert raw.status == 429
    assert body == {"message": "You are being rate limited.", "retry_after": 0.05, "global": False}
    headers = raw.headers
    assert headers["Via"] and headers["Retry-After"] == "1"
    assert headers["X-RateLimit-Scope"] == "user" and headers["X-RateLimit-Remaining"] == "0"
    assert float(headers["X-RateLimit-Reset-After"]) == 0.05 and headers["X-RateLimit-Bucket"]
    assert "X-RateLimit-Global" not in headers
    assert len(fake.messages(channel)) == 1  # the raw, rate-limited post was not applied


async def test_a_global_429_pauses_every_request_and_then_they_go_through(
    fake: FakeDiscord, channel: Channel, http: discord.http.HTTPClient
) -> None:
    fake.rest.inject_faults(MESSAGES, [Fault(429, retry_after=0.1, scope="global")])
    await asyncio.gather(_send(http, channel, "one"), _send(http, channel, "two"))
    assert sorted(m.content for m in fake.messages(channel)) == ["one", "two"]

    fake.rest.inject_faults(MESSAGES, [Fault(429, scope="global")])
    raw = await _raw(fake, channel)
    assert (await raw.json())["global"] is True
    assert raw.headers["X-RateLimit-Global"] == "true"
    assert raw.headers["X-RateLimit-Scope"] == "global"


async def test_a_500_is_retried_by_discord_py_but_a_503_is_raised(
    fake: FakeDiscord, channel: Channel, http: discord.http.HTTPClient
) -> None:
    plan = fake.rest.inject_faults(MESSAGES, [500])
    await _send(http, channel, "after a 500")  # discord.py waits 1 s, then retries
    assert plan.used
    fake.rest.inject_faults(MESSAGES, [503])
    with pytest.raises(discord.DiscordServerError) as raised:
        await _send(http, channel, "lost to a 503")
    assert raised.value.status == 503
    assert [m.content for m in fake.messages(channel)] == ["after a 500"]


@pytest.mark.parametrize(
    ("status", "content_type"),
    [(500, "application/json"), (502, "text/html"), (503, "text/plain"), (504, "text/html")],
)
async def test_server_errors_have_discords_status_and_body(
    fake: FakeDiscord, channel: Channel, status: int, content_type: str
) -> None:
    fake.rest.inject_faults(MESSAGES, [status])
    raw = await _raw(fake, channel)
    assert (raw.status, raw.content_type) == (status, content_type)
    assert "injected" in fake.transcript[-1]
    assert fake.messages(channel) == []


async def test_faults_are_used_in_order_only_by_matching_requests(
    fake: FakeDiscord, channel: Channel
) -> None:
    other = fake.create_channel(fake.guilds[channel.guild_id], "general")  # type: ignore[index]
    plan = fake.rest.inject_faults(
        lambda request: request.match_info.get("channel_id") == str(channel.id),
        [Fault(429, retry_after=0.05), 502],
    )
    assert (await _raw(fake, other)).status == 200  # another channel: untouched
    assert [(await _raw(fake, channel)).status for _ in range(3)] == [429, 502, 200]
    assert plan.used and [hit.split()[0] for hit in plan.hits] == ["429", "502"]
    await plan.wait_used(timeout=1)


def test_a_misspelt_route_or_an_unsupported_status_is_refused(fake: FakeDiscord) -> None:
    with pytest.raises(ValueError, match="not a route"):
        fake.rest.inject_faults("POST /channel/{channel_id}/messages", [429])
    with pytest.raises(ValueError, match="cannot inject 404"):
        fake.rest.inject_faults(MESSAGES, [404])


async def test_a_request_held_before_it_applies_can_be_dropped(
    fake: FakeDiscord, channel: Channel
) -> None:
    held = fake.rest.hold(MESSAGES, stage="before")
    posting = asyncio.create_task(_raw(fake, channel))
    assert await held.reached() == f"POST /api/v10/channels/{channel.id}/messages"
    assert fake.messages(channel) == []
    held.drop()  # as if the bot died on the way: Discord never saw it
    with pytest.raises(aiohttp.ClientError):
        await posting
    assert fake.messages(channel) == []


async def test_a_request_held_after_it_applied_exists_before_its_answer(
    fake: FakeDiscord, channel: Channel
) -> None:
    held = fake.rest.hold(MESSAGES, stage="after", skip=1)
    assert (await _raw(fake, channel)).status == 200  # skipped
    posting = asyncio.create_task(_raw(fake, channel))
    await held.reached()
    assert len(fake.messages(channel)) == 2 and not posting.done()
    held.release()
    assert (await posting).status == 200


async def test_a_hold_for_every_request_keeps_them_until_dropped(
    fake: FakeDiscord, channel: Channel
) -> None:
    first = fake.rest.hold(MESSAGES, stage="after")
    rest = fake.rest.hold(MESSAGES, stage="before", count=None)  # met only after `first`
    posts = [asyncio.create_task(_raw(fake, channel)) for _ in range(3)]
    await first.reached()
    await rest.reached()
    assert len(fake.messages(channel)) == 1  # the first, applied and held
    first.release()
    rest.drop()
    outcomes = await asyncio.gather(*posts, return_exceptions=True)
    assert sum(not isinstance(o, BaseException) and o.status == 200 for o in outcomes) == 1
    assert len(fake.messages(channel)) == 1 and rest.held == 2
    assert (await _raw(fake, channel)).status == 200  # both holds are spent


# ------------------------------------------------------------------ slow Discord
async def test_delayed_requests_wait_concurrently_until_cancelled(
    fake: FakeDiscord, channel: Channel
) -> None:
    slow = fake.rest.delay(MESSAGES, 0.3)
    start = time.perf_counter()
    first, second = await asyncio.gather(_raw(fake, channel), _raw(fake, channel))
    elapsed = time.perf_counter() - start
    # Both applied, each 0.3 s late, side by side (a race, not a queue).
    assert (first.status, second.status) == (200, 200)
    assert 0.3 <= elapsed < 0.55
    assert len(fake.messages(channel)) == 2 and len(slow.hits) == 2
    slow.cancel()
    start = time.perf_counter()
    await _raw(fake, channel)
    assert time.perf_counter() - start < 0.25 and len(slow.hits) == 2


async def test_a_delay_with_a_count_and_as_a_context_manager(
    fake: FakeDiscord, channel: Channel
) -> None:
    other = fake.create_channel(fake.guilds[channel.guild_id], "general")  # type: ignore[index]
    with fake.rest.delay(
        lambda request: request.match_info.get("channel_id") == str(channel.id), 0.2, count=1
    ) as once:
        start = time.perf_counter()
        await _raw(fake, other)  # not matched
        assert time.perf_counter() - start < 0.2
        await _raw(fake, channel)
        assert time.perf_counter() - start >= 0.2
        assert not once.active
        start = time.perf_counter()
        await _raw(fake, channel)  # count used up
        assert time.perf_counter() - start < 0.2
    assert once.cancelled and once.hits == [f"POST /api/v10/channels/{channel.id}/messages"]


async def test_an_edit_is_delayed_and_a_hold_comes_before_the_delay(
    fake: FakeDiscord, channel: Channel, http: discord.http.HTTPClient
) -> None:
    sent = await _send(http, channel, "draft")
    edit_route = "PATCH /channels/{channel_id}/messages/{message_id}"
    held = fake.rest.hold(edit_route)
    fake.rest.delay(edit_route, 0.3, count=1)
    start = time.perf_counter()
    with discord.http.handle_message_parameters(content="final") as params:
        editing = asyncio.create_task(http.edit_message(channel.id, sent["id"], params=params))
        await held.reached()  # reached at once: holds are met before the delay
    assert time.perf_counter() - start < 0.25
    released = time.perf_counter()
    held.release()
    assert (await editing)["content"] == "final"
    assert time.perf_counter() - released >= 0.3  # then Discord takes its time
    assert fake.messages(channel)[0].content == "final"

    # A dropped request never reaches the delay; a faulted one is answered at once.
    dropped = fake.rest.hold(MESSAGES)
    delay = fake.rest.delay(MESSAGES, 0.3, count=1)
    posting = asyncio.create_task(_raw(fake, channel))
    await dropped.reached()
    dropped.drop()
    with pytest.raises(aiohttp.ClientError):
        await posting
    assert delay.hits == [] and delay.active
    fake.rest.inject_faults(MESSAGES, [503])
    start = time.perf_counter()
    assert (await _raw(fake, channel)).status == 503
    assert time.perf_counter() - start < 0.25 and delay.hits == []
    delay.cancel()


def test_a_delay_needs_a_known_route_and_sane_numbers(fake: FakeDiscord) -> None:
    with pytest.raises(ValueError, match="not a route"):
        fake.rest.delay("POST /channel/{channel_id}/messages", 0.1)
    with pytest.raises(ValueError, match="finite number"):
        fake.rest.delay(MESSAGES, -1)
    with pytest.raises(ValueError, match="count"):
        fake.rest.delay(MESSAGES, 0.1, count=0)
