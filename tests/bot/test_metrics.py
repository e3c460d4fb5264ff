"""Metrics: one registry per bot, what each recording call counts, the 429
trace, and the bounded labels (never a client's custom id)."""

from __future__ import annotations

import re
from datetime import timedelta

import aiohttp
import discord
import pytest
from aiohttp import web

from bot.components import ComponentRouter
from bot.metrics import Metrics
from cogs.wod.posting import ALREADY_POSTING, DELETED_MEANWHILE, TEMPORARY_ERROR, post_outcome
from db.base import AlreadyRunning, DatabaseBusy, DatabaseUnavailable

INTERACTIONS = "trackside_interactions_total"


def test_two_bots_count_apart() -> None:
    first, second = Metrics(), Metrics()  # no "Duplicated timeseries" either
    first.interaction("pace convert", "answered")
    first.interaction("pace convert", "answered")
    second.interaction("pace convert", "user_error")
    assert first.value(INTERACTIONS, command="pace convert", outcome="answered") == 2
    assert second.value(INTERACTIONS, command="pace convert", outcome="answered") == 0
    assert second.value(INTERACTIONS, command="pace convert", outcome="user_error") == 1


def test_reply_latency_is_measured_from_the_interactions_creation() -> None:
    metrics = Metrics()
    now = discord.utils.utcnow()
    metrics.interaction("splits submit", "answered", now - timedelta(seconds=2.2))
    # Discord's clock a little ahead of ours: counted as instant, never negative.
    metrics.interaction("splits submit", "answered", now + timedelta(seconds=1))
    metrics.interaction("splits submit", "user_error")  # no creation time: not timed
    assert metrics.value("trackside_reply_seconds_count") == 2
    assert metrics.value("trackside_reply_seconds_bucket", le="0.05") == 1
    assert metrics.value("trackside_reply_seconds_bucket", le="2.0") == 1
    assert metrics.value("trackside_reply_seconds_bucket", le="2.5") == 2
    assert 2.2 <= metrics.value("trackside_reply_seconds_sum") < 3


def test_database_faults_by_kind() -> None:
    metrics = Metrics()
    metrics.database_fault(DatabaseBusy("locked"))
    metrics.database_fault(DatabaseBusy("locked"))
    metrics.database_fault(DatabaseUnavailable("read-only"))
    metrics.database_fault(AlreadyRunning("another process"))  # not a serving fault
    errors = "trackside_database_errors_total"
    assert metrics.value(errors, kind="busy") == 2
    assert metrics.value(errors, kind="unavailable") == 1


@pytest.mark.parametrize(
    ("done", "what", "outcome"),
    [
        (True, "posted in <#1>", "posted"),
        (False, ALREADY_POSTING, "skipped"),
        (False, DELETED_MEANWHILE, "skipped"),
        (False, f"{TEMPORARY_ERROR} (503); I will post it again within a minute", "retry"),
        (False, "I am missing permission to post in <#1>", "failed"),
        (False, "the channel <#1> no longer exists (or I can't see it)", "failed"),
    ],
)
def test_scheduled_post_outcomes(done: bool, what: str, outcome: str) -> None:
    assert post_outcome(done, what) == outcome
    metrics = Metrics()
    metrics.scheduled_post(post_outcome(done, what))
    assert metrics.value("trackside_scheduled_posts_total", outcome=outcome) == 1


def test_a_scrape_lists_every_series_from_zero_and_reads_the_gauges() -> None:
    metrics = Metrics()
    servers = [1, 2, 3]
    metrics.serve(servers=lambda: len(servers), shards=lambda: 4, connected=lambda: 3)
    metrics.reconnected()
    text = metrics.render().decode()
    for line in (
        'trackside_scheduled_posts_total{outcome="failed"} 0.0',
        'trackside_database_errors_total{kind="busy"} 0.0',
        'trackside_discord_rate_limited_total{scope="global"} 0.0',
        "trackside_gateway_reconnects_total 1.0",
        "trackside_servers 3.0",
        "trackside_shards 4.0",
        "trackside_shards_connected 3.0",
    ):
        assert line in text.splitlines(), line
    servers.append(4)  # read when scraped, not when set
    assert "trackside_servers 4.0" in metrics.render().decode().splitlines()


async def test_the_http_trace_counts_429s_by_scope() -> None:
    answers = iter(
        [
            web.json_response(
                {"retry_after": 0.1}, status=429, headers={"X-RateLimit-Scope": "global"}
            ),
            web.json_response({"retry_after": 0.1}, status=429),  # no scope: the bot's own
            web.json_response(
                {"retry_after": 0.1}, status=429, headers={"X-RateLimit-Scope": "odd"}
            ),
            web.json_response({}, status=200),
            web.json_response({}, status=403),
        ]
    )

    async def handler(request: web.Request) -> web.Response:
        return next(answers)

    app = web.Application()
    app.router.add_get("/", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    metrics = Metrics()
    try:
        async with aiohttp.ClientSession(trace_configs=[metrics.trace_config()]) as session:
            for _ in range(5):
                async with session.get(f"http://127.0.0.1:{port}/") as response:
                    await response.read()
    finally:
        await runner.cleanup()
    limited = "trackside_discord_rate_limited_total"
    assert metrics.value(limited, scope="global") == 1
    assert metrics.value(limited, scope="user") == 2  # unknown scopes stay bounded
    assert metrics.value(limited, scope="shared") == 0


def test_component_labels_name_the_route_never_the_custom_id() -> None:
    router = ComponentRouter()

    async def handler(*args: object) -> None:
        return None

    router.add(r"trackside:splits:(?P<workout_id>[0-9]{1,20})", handler)
    router.add(r"trackside:splitsform:(?P<workout_id>[0-9]{1,20})", handler, modal=True)
    names = [route.name for route in router._routes]
    assert names == ["component confirm", "component splits", "form splitsform"]
    assert not any(re.search(r"\d", name) for name in names)
