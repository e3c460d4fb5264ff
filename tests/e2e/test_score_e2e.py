"""/pace score and /pace agegrade end to end: World Athletics points and WMA age
grading through the real bot on the loopback Discord."""

from __future__ import annotations

import pytest

from db import PaceHistory
from tests.e2e.conftest import Club

pytestmark = pytest.mark.asyncio(loop_scope="module")

INTEGER, STRING, BOOLEAN = 4, 3, 5


def _description(message) -> str:
    assert message.embeds, "expected an embed"
    return message.embeds[0]["description"]


def _footer(message) -> str:
    return message.embeds[0]["footer"]["text"]


async def _history(club: Club, user_id: int) -> list[str]:
    return [entry.summary for entry in await PaceHistory(club.bot.db).recent(user_id, limit=50)]


async def test_both_commands_are_synced_with_typed_options(club: Club) -> None:
    pace = {c["name"]: c for c in club.fake.commands(None)}["pace"]
    subcommands = {sub["name"]: sub for sub in pace["options"]}
    score = {o["name"]: o for o in subcommands["score"]["options"]}
    assert [(name, o["type"], o.get("required", False)) for name, o in score.items()] == [
        ("time", STRING, True),
        ("event", STRING, True),
        ("sex", STRING, False),
        ("indoor", BOOLEAN, False),
    ]
    assert score["event"].get("autocomplete") is True
    agegrade = {o["name"]: o for o in subcommands["agegrade"]["options"]}
    assert list(agegrade) == ["time", "distance", "age", "sex", "venue"]
    assert agegrade["age"]["type"] == INTEGER
    assert (agegrade["age"]["min_value"], agegrade["age"]["max_value"]) == (5, 110)
    assert [c["value"] for c in agegrade["venue"]["choices"]] == ["road", "track"]


async def test_score_gives_861_points_for_a_49_96_400m(club: Club, clean_fake) -> None:
    itx = await club.fake.slash(
        club.ana, "pace score", {"time": "49.96", "event": "400m"}, channel=club.general
    )
    reply = await itx.wait_reply()
    assert not reply.ephemeral
    assert reply.content.startswith("49.96 for 400 m = 861 World Athletics points (men's outdoor)")
    rows = {
        line.split("  ")[0].strip(): line.split()[-1]
        for line in _description(reply).splitlines()[3:-1]
    }
    assert "300 m" in rows and "600 m" in rows  # neighbouring events either side
    assert "2017 edition" in _footer(reply)
    assert reply.allowed_mentions == {"parse": []}
    assert reply.content in await _history(club, club.ana.user.id)  # stored before the reply


async def test_score_answers_the_300_to_400_equivalence(club: Club, clean_fake) -> None:
    # Same pace says 49.96; equal points says what a 400 m worth that 300 m is.
    itx = await club.fake.slash(
        club.ben, "pace score", {"time": "37.47", "event": "300m"}, channel=club.general
    )
    reply = await itx.wait_reply()
    assert "712 World Athletics points" in reply.content
    assert "52.59 for 400 m" in reply.content


async def test_score_beyond_the_zero_point_is_zero_not_athlibs_nine(club: Club, clean_fake) -> None:
    itx = await club.fake.slash(
        club.ana, "pace score", {"time": "6:40.00", "event": "1500m"}, channel=club.general
    )
    reply = await itx.wait_reply()
    assert "= 0 points" in reply.content
    assert "zero point" in _description(reply)


async def test_score_women_indoor_and_hand_timing(club: Club, clean_fake) -> None:
    itx = await club.fake.slash(
        club.ana,
        "pace score",
        {"time": "7.2", "event": "60m", "sex": "female", "indoor": True},
        channel=club.general,
    )
    reply = await itx.wait_reply()
    # 7.2 hand → 7.44: 24.9 × (14 − 7.44)² = 1071.5 → 1071 points, women's indoor table.
    assert reply.content.startswith(
        "7.2 hand-timed (7.44) for 60 m = 1071 World Athletics points (women's indoor)"
    )
    assert "hand time" in _footer(reply)


async def test_score_event_autocomplete_offers_the_table_events(club: Club, clean_fake) -> None:
    choices = await club.fake.autocomplete(
        club.ana,
        "pace score",
        {"time": "49.96", "event": "mi"},
        focused="event",
        channel=club.general,
    )
    assert {"name": "Mile", "value": "mile"} in choices
    everything = await club.fake.autocomplete(
        club.ana,
        "pace score",
        {"time": "49.96", "event": ""},
        focused="event",
        channel=club.general,
    )
    names = [c["name"] for c in everything]
    assert len(names) == 25 and "300 m" in names and "Marathon" in names


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"time": "2:10", "event": "700m"}, "no 700 m event"),
        ({"time": "10.5", "event": "100m", "indoor": True}, "indoor scoring tables have no 100 m"),
        ({"time": "8.00", "event": "100m"}, "faster than the top"),
        ({"time": "fast", "event": "400m"}, "fast"),
    ],
)
async def test_score_errors_are_ephemeral_with_an_example_and_store_nothing(
    club: Club, clean_fake, options: dict, named: str
) -> None:
    before = await _history(club, club.coach.user.id)
    itx = await club.fake.slash(club.coach, "pace score", options, channel=club.general)
    reply = await itx.wait_reply()
    assert reply.ephemeral
    assert named in reply.content
    assert "Example: `" in reply.content
    assert await _history(club, club.coach.user.id) == before


async def test_agegrade_road_5k_for_a_man_and_a_woman_of_50(club: Club, clean_fake) -> None:
    itx = await club.fake.slash(
        club.ana,
        "pace agegrade",
        {"time": "16:23", "distance": "5k", "age": 50, "sex": "male"},
        channel=club.general,
    )
    reply = await itx.wait_reply()
    assert "89.17 % age grade (national class)" in reply.content
    assert "(WMA 2023 road)" in reply.content
    assert "age factor       0.8796" in _description(reply)

    itx = await club.fake.slash(
        club.ana,
        "pace agegrade",
        {"time": "18:00", "distance": "5k", "age": 50, "sex": "female"},
        channel=club.general,
    )
    reply = await itx.wait_reply()
    assert "91.59 % age grade (world class)" in reply.content
    assert "WMA 2023 road" in reply.embeds[0]["title"]


async def test_agegrade_picks_track_for_metres_and_honours_the_venue_option(
    club: Club, clean_fake
) -> None:
    itx = await club.fake.slash(
        club.ben,
        "pace agegrade",
        {"time": "18:00", "distance": "5000", "age": 50, "sex": "female"},
        channel=club.general,
    )
    assert "(WMA 2023 track)" in (await itx.wait_reply()).content
    itx = await club.fake.slash(
        club.ben,
        "pace agegrade",
        {"time": "18:00", "distance": "5000", "age": 50, "sex": "female", "venue": "road"},
        channel=club.general,
    )
    assert "91.59 %" in (await itx.wait_reply()).content  # the road table, as asked


async def test_agegrade_for_an_event_the_tables_lack_is_an_ephemeral_error(
    club: Club, clean_fake
) -> None:
    itx = await club.fake.slash(
        club.ben,
        "pace agegrade",
        {"time": "30:00", "distance": "7k", "age": 45, "sex": "male"},
        channel=club.general,
    )
    reply = await itx.wait_reply()
    assert reply.ephemeral
    assert "WMA 2023 road table has no 7 km event" in reply.content
    assert "Example: `/pace agegrade" in reply.content


async def test_predict_below_1500_uses_equal_points(club: Club, clean_fake) -> None:
    itx = await club.fake.slash(
        club.ana,
        "pace predict",
        {"time": "37.47", "distance": "300m", "target": "400m", "sex": "male"},
        channel=club.general,
    )
    reply = await itx.wait_reply()
    assert reply.content.startswith(
        "37.47 for 300 m ≈ 52.59 for 400 m by equal World Athletics points (712 points"
    )
    itx = await club.fake.slash(
        club.ana,
        "pace predict",
        {"time": "37.47", "distance": "300m", "target": "400m", "sex": "female"},
        channel=club.general,
    )
    # The women's tables score a 37.47 300 m at 1093 points: the 400 m worth as much is
    # 52.88, so the sex option changes the answer, not only the wording.
    women = await itx.wait_reply()
    assert "52.88 for 400 m by equal World Athletics points (1093 points, women's outdoor" in (
        women.content
    )
