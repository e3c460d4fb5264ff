"""The health server without Discord: its reasons per shard, the database
probe's budget (one probe shared by concurrent requests), the HTTP answers,
and its settings. The end-to-end cases are in tests/e2e/test_operating_e2e.py."""

from __future__ import annotations

import asyncio
import json
from types import SimpleNamespace
from typing import Any

import aiohttp
import pytest

from bot import health
from bot.health import HealthPortUnavailable, HealthServer, connected_shards, gateway_reasons
from bot.metrics import Metrics
from bot.settings import ConfigError, Settings, load_settings
from db.base import DatabaseBusy, DatabaseUnavailable

TOKEN = "MTAxMjM0NTY3ODkwMTIzNDU2Nzg.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789AB"


class _Shard:
    def __init__(self, closed: bool) -> None:
        self.closed = closed

    def is_closed(self) -> bool:
        return self.closed


class _Database:
    """check_writable as told: at once, raising, or waiting for ``release``."""

    def __init__(self, error: Exception | None = None) -> None:
        self.error = error
        self.release: asyncio.Event | None = None
        self.probes = 0

    async def check_writable(self) -> None:
        self.probes += 1
        if self.release is not None:
            await self.release.wait()
        if self.error is not None:
            raise self.error


def _bot(
    *,
    shards: dict[int, bool] | None = None,
    run: list[int] | None = None,
    database: _Database | None = None,
    closed: bool = False,
) -> Any:
    """A bot as the health server sees it: shard id → closed?"""
    shards = {0: False} if shards is None else shards
    return SimpleNamespace(
        shard_count=max([*(run or []), *shards, 0]) + 1,
        shards_run=run if run is not None else sorted(shards),
        shards={shard: _Shard(closed) for shard, closed in shards.items()},
        is_closed=lambda: closed,
        db=database or _Database(),
        metrics=Metrics(),
    )


def test_every_shard_of_the_process_must_be_connected() -> None:
    assert gateway_reasons(_bot(shards={0: False, 1: False})) == []
    bot = _bot(shards={2: False, 3: True}, run=[2, 3, 5])
    assert gateway_reasons(bot) == [
        "gateway: shard 3 disconnected",
        "gateway: shard 5 not connected yet",
    ]
    assert connected_shards(bot) == 1
    assert gateway_reasons(_bot(closed=True)) == ["gateway: closed"]
    assert connected_shards(_bot(closed=True)) == 0


async def test_the_database_reasons() -> None:
    assert await HealthServer(_bot()).reasons() == []
    busy = _bot(database=_Database(DatabaseBusy("the database x is locked by another process")))
    assert await HealthServer(busy).reasons() == ["database: busy"]
    gone = _bot(database=_Database(DatabaseUnavailable("cannot use the database x")))
    assert await HealthServer(gone).reasons() == ["database: unavailable"]
    broken = _bot(shards={0: True}, database=_Database(RuntimeError("a bug")))
    assert await HealthServer(broken).reasons() == [
        "gateway: shard 0 disconnected",
        "database: error",
    ]


async def test_a_probe_past_its_budget_is_busy_and_shared_by_the_requests_meanwhile(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(health, "PROBE_BUDGET_S", 0.01)
    database = _Database()
    database.release = asyncio.Event()
    server = HealthServer(_bot(database=database))
    first, second = await asyncio.gather(server.reasons(), server.reasons())
    assert first == second == ["database: busy"]
    assert database.probes == 1  # the second request waited on the same probe
    database.release.set()
    await asyncio.sleep(0)  # the probe ends, as it would within its own budget
    assert await server.reasons() == []
    await server.stop()


async def _get(port: int, path: str) -> tuple[int, str, str]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{port}{path}") as response,
    ):
        return response.status, response.headers["Content-Type"], await response.text()


async def test_the_server_answers_healthz_and_metrics_on_the_port_it_bound() -> None:
    bot = _bot(shards={0: False, 1: True})
    bot.metrics.interaction("pace convert", "answered")
    server = HealthServer(bot)
    await server.start("127.0.0.1", 0)
    assert server.port is not None and server.port > 0
    try:
        status, kind, body = await _get(server.port, "/healthz")
        assert (status, kind) == (503, "application/json; charset=utf-8")
        assert json.loads(body) == {
            "status": "unavailable",
            "reasons": ["gateway: shard 1 disconnected"],
        }
        bot.shards[1].closed = False
        assert (await _get(server.port, "/healthz"))[::2] == (200, '{"status": "ok"}')
        status, kind, body = await _get(server.port, "/metrics")
        assert status == 200 and kind.startswith("text/plain; version=")
        assert (
            'trackside_interactions_total{command="pace convert",outcome="answered"} 1.0'
            in body.splitlines()
        )
        assert (await _get(server.port, "/"))[0] == 404
    finally:
        await server.stop()
    assert server.port is None


async def test_a_port_in_use_is_one_line() -> None:
    first = HealthServer(_bot())
    await first.start("127.0.0.1", 0)
    assert first.port is not None
    try:
        with pytest.raises(
            HealthPortUnavailable, match=rf"^cannot serve /healthz on 127\.0\.0\.1:{first.port}: "
        ):
            await HealthServer(_bot()).start("127.0.0.1", first.port)
    finally:
        await first.stop()


def _settings(**values: object) -> Settings:
    return load_settings(Settings, _env_file=None, discord_token=TOKEN, **values)


@pytest.mark.parametrize(
    ("values", "port", "host"),
    [
        ({}, None, "127.0.0.1"),
        ({"health_port": "", "health_host": " "}, None, "127.0.0.1"),  # as .env.example lists them
        ({"health_port": "9464"}, 9464, "127.0.0.1"),
        ({"health_port": "0", "health_host": "0.0.0.0"}, 0, "0.0.0.0"),
    ],
)
def test_health_settings(values: dict[str, str], port: int | None, host: str) -> None:
    settings = _settings(**values)
    assert (settings.health_port, settings.health_host) == (port, host)


@pytest.mark.parametrize("port", ["http", "-1", "65536", "80.5"])
def test_a_bad_health_port_is_one_line(port: str) -> None:
    with pytest.raises(ConfigError, match=r"^HEALTH_PORT must be a port number, 0 to 65535"):
        _settings(health_port=port)
