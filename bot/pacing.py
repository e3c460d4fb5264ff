"""Pacing the scheduler's requests under Discord's global limit.

Discord lets a bot make 50 requests a second in all (every process of it
together; interaction callbacks and followups aside), and bans for a while a
client that makes 10,000 invalid requests (401, 403, 429) in 10 minutes. A
minute when thousands of servers are due must therefore never "send
everything at once": the scheduler takes a token from a :class:`TokenBucket`
before each request a post makes, so it sends at most ``POST_RATE`` a second
and Discord never answers 429.

Each process paces itself, with no coordination: it takes the share of
``POST_RATE`` that its shards are of all shards (:func:`process_share`).
Discord spreads servers evenly over shards (by id), so each process has about
that share of the due posts, and the processes together stay at ``POST_RATE``.

Pure asyncio; the clock and the sleep are injectable for tests.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


class TokenBucket:
    """At most ``rate`` tokens a second on average, and ``burst`` at once.

    ``await take(cost)`` returns once ``cost`` tokens are available and uses
    them; takers are served one at a time, in the order they came (an
    :class:`asyncio.Lock` is fair), so no request jumps the queue. The bucket
    starts full. In any window of ``s`` seconds it hands out at most
    ``burst + rate * s`` tokens.
    """

    def __init__(
        self,
        rate: float,
        *,
        burst: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError(f"rate must be above 0, not {rate!r}")
        if burst < 1:
            raise ValueError(f"burst must be at least 1, not {burst!r}")
        self.rate = float(rate)
        self.burst = float(burst)
        self._clock = clock
        self._sleep = sleep
        self._tokens = self.burst
        self._updated = clock()
        self._lock = asyncio.Lock()
        #: Tokens handed out so far, and the seconds takers spent waiting.
        self.taken = 0.0
        self.waited = 0.0

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
        self._updated = now

    async def take(self, cost: float = 1.0) -> None:
        """Wait for ``cost`` tokens (at most ``burst``) and use them."""
        if not 0 < cost <= self.burst:
            raise ValueError(f"cost must be above 0 and at most the burst {self.burst:g}")
        async with self._lock:
            self._refill()
            if self._tokens < cost:
                wait = (cost - self._tokens) / self.rate
                self.waited += wait
                await self._sleep(wait)
                # Full as of when the tokens were due, not when the sleep
                # returned (a little later): lateness is not lost every time,
                # and the pace stays ``rate``, not ``rate`` less the loop's lag.
                self._tokens = cost
                self._updated += wait
            self._tokens -= cost
            self.taken += cost


def process_share(rate: float, shards_run: int, shard_count: int) -> float:
    """This process's part of the whole bot's ``rate``: the fraction of all
    shards it runs (``POST_RATE=45``, shards 0-3 of 12: 15 a second)."""
    if shard_count < 1 or not 0 < shards_run <= shard_count:
        raise ValueError(f"a process runs 1 to {shard_count} shards, not {shards_run}")
    return rate * shards_run / shard_count


def posting_bucket(rate: float, shards_run: int, shard_count: int) -> TokenBucket | None:
    """The scheduler's bucket for this process (``POST_RATE``; None: 0, no pacing).

    The burst is one request whatever the share: posting is steady, never a
    burst, so the busiest second of all processes together stays at about
    ``rate`` (plus one request each), under Discord's 50."""
    if rate <= 0:
        return None
    return TokenBucket(process_share(rate, shards_run, shard_count), burst=1.0)
