"""The scheduler's token bucket (``bot.pacing``) on a clock the test moves:
its rate, its burst, its order, and each process's share of ``POST_RATE``."""

from __future__ import annotations

import asyncio
import itertools
from pathlib import Path

import pytest

from bot.pacing import TokenBucket, posting_bucket, process_share
from bot.settings import ConfigError, Settings, load_settings

GOOD_TOKEN = "MTAxMjM0NTY3ODkwMTIzNDU2Nzg.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789AB"


class FakeTime:
    """A monotonic clock that moves only when the bucket sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)  # let other takers queue, as a real sleep would


def bucket(time: FakeTime, rate: float, burst: float = 1.0) -> TokenBucket:
    return TokenBucket(rate, burst=burst, clock=time.clock, sleep=time.sleep)


async def take_times(pacer: TokenBucket, time: FakeTime, count: int) -> list[float]:
    """When each of ``count`` takes returned, on the fake clock."""
    stamps = []
    for _ in range(count):
        await pacer.take()
        stamps.append(time.now)
    return stamps


def most_in_one_second(stamps: list[float]) -> int:
    """The most stamps in any window [t, t + 1 s), as Discord's sliding second counts."""
    exact = [round(s, 9) for s in stamps]  # 40 × 0.025 is 1 s, not 0.99999…
    return max(sum(1 for s in exact if start <= s < start + 1) for start in exact)


async def test_a_steady_rate_one_request_every_fortieth_of_a_second() -> None:
    time = FakeTime()
    stamps = await take_times(bucket(time, 40), time, 81)
    assert stamps[0] == 0.0  # the bucket starts with its one token
    assert stamps[-1] == pytest.approx(2.0)  # 80 more at 40 a second
    gaps = {round(b - a, 9) for a, b in itertools.pairwise(stamps)}
    assert gaps == {0.025}
    assert most_in_one_second(stamps) == 40


async def test_a_late_wake_up_does_not_slow_the_pace_down() -> None:
    time = FakeTime()

    async def late_sleep(seconds: float) -> None:
        await time.sleep(seconds + 0.004)  # the event loop wakes us 4 ms late

    pacer = TokenBucket(40, clock=time.clock, sleep=late_sleep)
    stamps = await take_times(pacer, time, 81)
    # Still 40 a second: 2 s and one lateness for 81, not 80 × 29 ms = 2.32 s.
    assert stamps[-1] == pytest.approx(2.004)
    assert most_in_one_second(stamps) == 40


async def test_the_burst_goes_at_once_and_an_idle_bucket_refills_only_to_it() -> None:
    time = FakeTime()
    pacer = bucket(time, 40, burst=10)
    stamps = await take_times(pacer, time, 50)
    assert stamps[:10] == [0.0] * 10
    assert stamps[10] == pytest.approx(0.025)
    assert stamps[-1] == pytest.approx(1.0)  # 40 after the burst of 10
    # Under burst + rate × 1 s = 50 in any second (the 50th comes a whole
    # second after the first, so Discord's sliding second holds 49).
    assert most_in_one_second(stamps) == 49
    time.now = resumed = 61.0  # a quiet minute does not let 2,400 through at once
    again = await take_times(pacer, time, 11)
    assert again[:10] == [resumed] * 10 and again[10] == pytest.approx(resumed + 0.025)
    assert pacer.taken == 61


async def test_takers_wait_their_turn_in_the_order_they_came() -> None:
    time = FakeTime()
    pacer = bucket(time, 10)
    served: list[int] = []

    async def taker(n: int) -> None:
        await pacer.take()
        served.append(n)

    await asyncio.gather(*(taker(n) for n in range(6)))
    assert served == [0, 1, 2, 3, 4, 5]
    assert time.now == pytest.approx(0.5)  # five waits of 0.1 s, one after the other
    assert pacer.waited == pytest.approx(0.5)


async def test_a_cost_above_the_burst_is_refused() -> None:
    pacer = bucket(FakeTime(), 40)
    with pytest.raises(ValueError, match="at most the burst 1"):
        await pacer.take(2)
    with pytest.raises(ValueError, match="rate must be above 0"):
        TokenBucket(0)


def test_each_process_takes_its_shards_share_and_together_they_keep_the_rate() -> None:
    assert process_share(40, 12, 12) == 40
    shares = [process_share(40, len(ids), 12) for ids in ([0, 1, 2, 3], [4, 5, 6, 7], [8, 9])]
    assert shares[0] == pytest.approx(40 / 3) and shares[2] == pytest.approx(20 / 3)
    assert sum(process_share(40, 4, 12) for _ in range(3)) == pytest.approx(40)
    with pytest.raises(ValueError, match="1 to 12 shards, not 13"):
        process_share(40, 13, 12)


def test_the_posting_bucket_is_the_share_with_a_burst_of_one_and_zero_is_off() -> None:
    assert posting_bucket(0, 1, 1) is None
    pacer = posting_bucket(40, 6, 12)
    assert pacer is not None and pacer.rate == 20 and pacer.burst == 1


def test_post_rate_setting(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("POST_RATE", raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env
    assert load_settings(Settings, discord_token=GOOD_TOKEN).post_rate == 45
    monkeypatch.setenv("POST_RATE", "0")
    assert load_settings(Settings, discord_token=GOOD_TOKEN).post_rate == 0
    monkeypatch.setenv("POST_RATE", "-5")
    with pytest.raises(ConfigError, match=r"^POST_RATE: "):
        load_settings(Settings, discord_token=GOOD_TOKEN)
