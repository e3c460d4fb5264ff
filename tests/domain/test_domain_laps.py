"""Which of a watch's laps were the workout's reps (bot/domain/laps.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.laps import MAX_OFFERED, Lap, lap_time_ms, matches, propose

D = Decimal
SEED_REPS = (D(250), D(250), D(250), D(250), D(300))


def laps(*specs: tuple[str | None, float, bool]) -> list[Lap]:
    return [
        Lap(n, None if metres is None else D(metres), lap_time_ms(seconds), rest)
        for n, (metres, seconds, rest) in enumerate(specs, start=1)
    ]


# The seed session as a watch records it: warm-up, 4 × 250 m with rest laps
# between, 300 m, cool-down.
SEED_LAPS = laps(
    ("1600.0", 540.0, False),
    ("243.4", 29.78, False),
    ("198.0", 90.0, True),
    ("251.9", 29.98, False),
    ("201.3", 90.0, True),
    ("258.0", 31.31, False),
    ("199.9", 90.0, True),
    ("246.7", 31.20, False),
    ("205.0", 120.0, True),
    ("301.2", 37.47, False),
    ("1000.0", 330.0, False),
)


@pytest.mark.parametrize(
    ("seconds", "ms"),
    [
        ("578.725", 578_730),
        ("578.7249", 578_720),
        (29.775, 29_780),  # a float as written, not its binary value (29.77499…)
        (37.465, 37_470),
        (0, 0),
        ("56.887", 56_890),
    ],
)
def test_timer_times_round_half_up_to_hundredths(seconds, ms: int) -> None:
    assert lap_time_ms(seconds) == ms


def test_the_seed_session_proposes_exactly_its_five_reps() -> None:
    proposal = propose(SEED_LAPS, SEED_REPS)
    assert proposal.chosen == (2, 4, 6, 8, 10)
    assert proposal.complete
    assert [lap.time_ms for lap in SEED_LAPS if lap.number in proposal.chosen] == [
        29_780,
        29_980,
        31_310,
        31_200,
        37_470,
    ]
    assert proposal.offered == tuple(range(1, 12))  # 11 laps: all offered


def test_ten_percent_is_the_bound_and_rest_laps_never_match() -> None:
    assert matches(Lap(1, D(225), 1, False), D(250))
    assert matches(Lap(1, D(275), 1, False), D(250))
    assert not matches(Lap(1, D("224.99"), 1, False), D(250))
    assert not matches(Lap(1, D("275.01"), 1, False), D(250))
    assert not matches(Lap(1, D(250), 1, True), D(250))
    assert not matches(Lap(1, None, 1, False), D(250))


def test_one_km_auto_laps_against_four_by_one_km() -> None:
    auto = laps(
        ("1000", 578.73, False),
        ("1000", 622.39, False),
        ("1000", 704.01, False),
        ("1000", 344.15, False),
        ("835.38", 375.86, False),
    )
    proposal = propose(auto, (D(1000),) * 4)
    assert proposal.chosen == (1, 2, 3, 4) and proposal.complete


def test_missing_reps_leave_the_proposal_short() -> None:
    proposal = propose(SEED_LAPS[:6], SEED_REPS)  # the watch stopped after the third rep
    assert proposal.chosen == (2, 4, 6)
    assert not proposal.complete


def test_without_a_workout_every_lap_not_marked_rest_is_proposed() -> None:
    proposal = propose(SEED_LAPS, None)
    assert proposal.chosen == (1, 2, 4, 6, 8, 10, 11)
    assert proposal.complete and proposal.reps is None


def test_a_long_file_offers_its_25_likeliest_laps_in_lap_order() -> None:
    # 60 laps: warm-up, then 20 × (400 m rep, 200 m rest) ... and 19 jog laps of 1 km.
    specs: list[tuple[str | None, float, bool]] = [("2000", 600, False)]
    for _ in range(20):
        specs += [("398.5", 68.0, False), ("200", 60.0, True)]
    specs += [("1000", 300.0, False)] * 19
    many = laps(*specs)
    proposal = propose(many, (D(400),) * 20)
    assert len(proposal.chosen) == 20
    assert len(proposal.offered) == MAX_OFFERED
    assert set(proposal.chosen) <= set(proposal.offered)
    assert list(proposal.offered) == sorted(proposal.offered)
    # After the 20 reps, the likeliest are the laps nearest 400 m that are not rest:
    # the 1 km jogs (150 % off) before the 200 m rest laps.
    others = [n for n in proposal.offered if n not in proposal.chosen]
    assert all(not many[n - 1].rest for n in others)


lap_strategy = st.builds(
    Lap,
    number=st.just(0),
    distance_m=st.one_of(
        st.none(),
        st.decimals(min_value=0, max_value=50_000, places=2, allow_nan=False),
    ),
    time_ms=st.integers(min_value=0, max_value=10**8).map(lambda ms: ms - ms % 10),
    rest=st.booleans(),
)
rep_strategy = st.decimals(min_value=1, max_value=100_000, places=3, allow_nan=False)


@settings(max_examples=300, deadline=None)
@given(
    found=st.lists(lap_strategy, max_size=220),
    reps=st.one_of(st.none(), st.lists(rep_strategy, max_size=40)),
)
def test_random_laps_and_workouts_never_crash_and_stay_in_lap_order(
    found: list[Lap], reps: list[Decimal] | None
) -> None:
    numbered = [
        Lap(n, lap.distance_m, lap.time_ms, lap.rest) for n, lap in enumerate(found, start=1)
    ]
    proposal = propose(numbered, reps)
    assert list(proposal.chosen) == sorted(set(proposal.chosen))  # in lap order, each once
    assert len(proposal.offered) <= max(MAX_OFFERED, 0) or len(numbered) <= MAX_OFFERED
    assert list(proposal.offered) == sorted(set(proposal.offered))
    if reps is not None:
        assert len(proposal.chosen) <= len(reps)
        by_number = {lap.number: lap for lap in numbered}
        for number, rep in zip(proposal.chosen, reps, strict=False):
            assert matches(by_number[number], rep)
        if len(numbered) <= MAX_OFFERED:
            assert set(proposal.chosen) <= set(proposal.offered)
    else:
        assert all(not lap.rest for lap in numbered if lap.number in proposal.chosen)
