"""``GET /healthz`` and ``GET /metrics`` on ``HEALTH_HOST:HEALTH_PORT``.

A running process is not a connected bot: ``/healthz`` answers 200 only while
every shard of this process is connected to the gateway and the database
takes a write probe (``check_writable``: a write that is rolled back) within
a second; otherwise 503 with the reasons as JSON, for example
``{"status": "unavailable", "reasons": ["gateway: shard 3 disconnected",
"database: busy"]}``. That is what a process manager or a load balancer asks.

``/metrics`` is the bot's own registry (:mod:`bot.metrics`) in the Prometheus
text format. Neither answer carries the token, a database URL or a path:
reasons are fixed words, the details go to the log.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import TYPE_CHECKING

from aiohttp import web

from bot.metrics import CONTENT_TYPE
from db.base import DatabaseBusy, StorageError

if TYPE_CHECKING:
    from bot.app import Trackside

log = logging.getLogger(__name__)

# How long /healthz waits for the database's write probe: a database that
# cannot take a write within a second is not one an interaction can use
# (Discord's 3 s must also cover the work and the reply).
PROBE_BUDGET_S = 1.0
# At shutdown, a probe still running is given this long to end on its own
# (a unit of work is bounded by the back ends' 2 s budget).
_PROBE_DRAIN_S = 3.0


class HealthPortUnavailable(Exception):
    """``HEALTH_HOST:HEALTH_PORT`` cannot be bound (in use, not this
    machine's address, a privileged port)."""

    def __init__(self, host: str, port: int, error: OSError) -> None:
        super().__init__(f"cannot serve /healthz on {host}:{port}: {error.strerror or error}")


def gateway_reasons(bot: Trackside) -> list[str]:
    """Why the gateway side is not healthy: one reason per shard of this
    process that is not connected now (none before the shard first connects
    either); ``[]`` when every one is."""
    if bot.shard_count is None:  # SHARD_COUNT=auto before Discord said how many
        return ["gateway: not connected yet"]
    if bot.is_closed():
        return ["gateway: closed"]
    connected = bot.shards
    reasons: list[str] = []
    for shard_id in bot.shards_run:
        info = connected.get(shard_id)
        if info is None:
            reasons.append(f"gateway: shard {shard_id} not connected yet")
        elif info.is_closed():
            reasons.append(f"gateway: shard {shard_id} disconnected")
    return reasons


def connected_shards(bot: Trackside) -> int:
    """How many of this process's shards are connected now (for the gauge)."""
    if bot.shard_count is None or bot.is_closed():
        return 0
    shards = bot.shards
    return sum(1 for shard in bot.shards_run if shard in shards and not shards[shard].is_closed())


class HealthServer:
    """The small HTTP server of one bot; started and stopped with it."""

    def __init__(self, bot: Trackside) -> None:
        self.bot = bot
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        # One probe at a time, shared by the requests that arrive meanwhile:
        # a scraper asking every second must not queue writes on a busy database.
        self._probe: asyncio.Task[str | None] | None = None
        self._healthy: bool | None = None

    @property
    def port(self) -> int | None:
        """The bound port (``HEALTH_PORT=0`` picks one); None when not serving."""
        return self._port

    async def start(self, host: str, port: int) -> None:
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/metrics", self._metrics)
        # No access log: a scraper every few seconds would drown the bot's own lines.
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        try:
            await web.TCPSite(runner, host, port).start()
        except OSError as error:
            await runner.cleanup()
            raise HealthPortUnavailable(host, port, error) from None
        self._runner = runner
        self._port = int(runner.addresses[0][1])
        log.info("serving /healthz and /metrics on http://%s:%d", host, self._port)

    async def stop(self) -> None:
        runner, self._runner, self._port = self._runner, None, None
        if runner is not None:
            await runner.cleanup()
        probe, self._probe = self._probe, None
        if probe is not None and not probe.done():
            # Let it end by itself (no unit of work cut in the middle), then
            # the database may close.
            await asyncio.wait({probe}, timeout=_PROBE_DRAIN_S)
            probe.cancel()

    # -- checks ------------------------------------------------------------------
    async def reasons(self) -> list[str]:
        """Everything that makes this process unhealthy now; ``[]`` if nothing."""
        reasons = gateway_reasons(self.bot)
        database = await self._database_reason()
        if database is not None:
            reasons.append(database)
        return reasons

    async def _database_reason(self) -> str | None:
        if self._probe is None or self._probe.done():
            self._probe = asyncio.create_task(self._probe_once(), name="health-probe")
        probe = self._probe
        done, _ = await asyncio.wait({probe}, timeout=PROBE_BUDGET_S)
        if not done:
            # Left running: it ends within the back end's own budget, and the
            # next request shares it instead of starting another.
            return "database: busy"
        return probe.result()

    async def _probe_once(self) -> str | None:
        try:
            await self.bot.db.check_writable()
        except DatabaseBusy as error:
            log.debug("health probe: %s", error.reason)
            return "database: busy"
        except StorageError as error:
            log.debug("health probe: %s", error.reason)
            return "database: unavailable"
        except Exception:
            log.exception("health probe failed")
            return "database: error"
        return None

    def _note(self, reasons: list[str]) -> None:
        """Log when the answer changes (not at every request)."""
        healthy = not reasons
        if healthy == self._healthy:
            return
        if not healthy:
            log.warning("health: unavailable (%s)", "; ".join(reasons))
        elif self._healthy is not None:
            log.info("health: ok again")
        self._healthy = healthy

    # -- handlers ----------------------------------------------------------------
    async def _healthz(self, request: web.Request) -> web.Response:
        reasons = await self.reasons()
        self._note(reasons)
        if reasons:
            body = {"status": "unavailable", "reasons": reasons}
            return web.json_response(body, status=503, dumps=json.dumps)
        return web.json_response({"status": "ok"})

    async def _metrics(self, request: web.Request) -> web.Response:
        return web.Response(body=self.bot.metrics.render(), headers={"Content-Type": CONTENT_TYPE})
