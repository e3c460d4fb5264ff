"""What the bot counts, for ``GET /metrics`` (Prometheus text format).

Every bot has its own :class:`Metrics`, with its own ``CollectorRegistry``
rather than prometheus-client's global one: several bots in one process (the
tests, the demo) must not add to each other's counts or collide on a name.
The rest of the bot records through the small methods here, never through
prometheus-client directly, so what is counted and how it is named stays in
this one file.

Label values are bounded: a command's registered name, a route's name (never
the custom id a client sent, which a modified client can make anything), and
fixed outcome words.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from types import SimpleNamespace
from typing import Literal

import aiohttp
import discord
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import generate_latest

from db.base import DatabaseBusy, DatabaseUnavailable, StorageError

Outcome = Literal["answered", "user_error", "unexpected_error"]
PostOutcome = Literal["posted", "failed", "retry", "skipped"]

OUTCOMES: tuple[Outcome, ...] = ("answered", "user_error", "unexpected_error")
POST_OUTCOMES: tuple[PostOutcome, ...] = ("posted", "failed", "retry", "skipped")
# Discord must be answered within 3 s: the buckets are finest below that.
REPLY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 5.0, 10.0)
# X-RateLimit-Scope of a 429: user (our own), global, shared (a resource's).
_SCOPES = ("user", "global", "shared")

CONTENT_TYPE = CONTENT_TYPE_LATEST


class Metrics:
    """One bot's counters and gauges, in one registry."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.interactions = Counter(
            "trackside_interactions",
            "Commands, buttons and forms answered, by command and outcome",
            ["command", "outcome"],
            registry=self.registry,
        )
        self.reply_seconds = Histogram(
            "trackside_reply_seconds",
            "From the interaction's creation to its answer (or error reply), seconds",
            buckets=REPLY_BUCKETS,
            registry=self.registry,
        )
        self.scheduled_posts = Counter(
            "trackside_scheduled_posts",
            "Workouts the scheduler tried to post, by outcome",
            ["outcome"],
            registry=self.registry,
        )
        self.database_errors = Counter(
            "trackside_database_errors",
            "Database faults met by commands, buttons, forms, chat and the scheduler",
            ["kind"],
            registry=self.registry,
        )
        self.gateway_reconnects = Counter(
            "trackside_gateway_reconnects",
            "Gateway sessions resumed or identified again after a disconnection",
            registry=self.registry,
        )
        self.rate_limited = Counter(
            "trackside_discord_rate_limited",
            "REST responses with status 429, by X-RateLimit-Scope",
            ["scope"],
            registry=self.registry,
        )
        self.servers = Gauge(
            "trackside_servers", "Servers served by this process", registry=self.registry
        )
        self.shards = Gauge("trackside_shards", "Shards this process runs", registry=self.registry)
        self.shards_connected = Gauge(
            "trackside_shards_connected",
            "Shards of this process connected to the gateway now",
            registry=self.registry,
        )
        # Zero from the start, so a rate or an alert has a series before the
        # first event instead of "no data".
        for outcome in POST_OUTCOMES:
            self.scheduled_posts.labels(outcome)
        for kind in ("busy", "unavailable"):
            self.database_errors.labels(kind)
        for scope in _SCOPES:
            self.rate_limited.labels(scope)

    # -- recording ---------------------------------------------------------------
    def interaction(
        self, command: str, outcome: Outcome, created_at: datetime | None = None
    ) -> None:
        """One interaction answered (or refused, or failed); ``created_at``
        (Discord's, from its id) gives the reply latency."""
        self.interactions.labels(command, outcome).inc()
        if created_at is not None:
            # Discord's clock and ours differ by a little: never a negative latency.
            elapsed = (discord.utils.utcnow() - created_at).total_seconds()
            self.reply_seconds.observe(max(elapsed, 0.0))

    def scheduled_post(self, outcome: PostOutcome) -> None:
        self.scheduled_posts.labels(outcome).inc()

    def database_fault(self, error: StorageError) -> None:
        """A database fault met while serving (busy or unavailable)."""
        if isinstance(error, DatabaseBusy):
            self.database_errors.labels("busy").inc()
        elif isinstance(error, DatabaseUnavailable):
            self.database_errors.labels("unavailable").inc()

    def reconnected(self) -> None:
        self.gateway_reconnects.inc()

    def trace_config(self) -> aiohttp.TraceConfig:
        """For ``discord.Client(http_trace=...)``: counts every 429 Discord's
        REST API answers, whichever request it was and whoever retries it."""
        trace = aiohttp.TraceConfig()

        async def on_request_end(
            session: aiohttp.ClientSession,
            context: SimpleNamespace,
            params: aiohttp.TraceRequestEndParams,
        ) -> None:
            if params.response.status == 429:
                scope = params.response.headers.get("X-RateLimit-Scope", "user")
                self.rate_limited.labels(scope if scope in _SCOPES else "user").inc()

        trace.on_request_end.append(on_request_end)
        return trace

    def serve(
        self,
        *,
        servers: Callable[[], int],
        shards: Callable[[], int],
        connected: Callable[[], int],
    ) -> None:
        """Gauges read when scraped, from the bot's own state."""
        self.servers.set_function(servers)
        self.shards.set_function(shards)
        self.shards_connected.set_function(connected)

    # -- reading -----------------------------------------------------------------
    def render(self) -> bytes:
        """Every metric in the Prometheus text format (``CONTENT_TYPE``)."""
        return generate_latest(self.registry)

    def value(self, name: str, **labels: str) -> float:
        """One sample's current value (0 when it has none yet): for tests and
        the demo, which read what a scrape would."""
        found = self.registry.get_sample_value(name, labels)
        return found if found is not None else 0.0
