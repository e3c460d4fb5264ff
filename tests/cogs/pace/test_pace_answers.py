"""Unit tests for cogs.pace.answers: the words and figures of every pace answer,
with the canonical numbers of the seed story (no Discord, no database)."""

from __future__ import annotations

import pytest

from bot.domain.errors import InputError
from bot.replies import render
from cogs.pace import answers


def _table(body: str) -> list[str]:
    """The rows between the one pair of code fences of ``body``."""
    assert body.count("```") == 2
    return body.split("```")[1].strip("\n").splitlines()


# ---------------------------------------------------------------- convert
def test_convert_the_seed_300() -> None:
    answer = answers.pace_convert("37.47", "300m")
    assert answer.kind == "Same pace"
    assert answer.headline == (
        "37.47 for 300 m = 49.96 per 400 m, 2:04.90 per km, 3:21.01 per mile (same pace)"
    )
    assert "49.96 per 400 m" in answer.headline
    assert answer.title == "Same pace: 37.47 for 300 m"
    assert _table(answer.body) == [
        "per 100 m   12.49",
        "per 200 m   24.98",
        "per 400 m   49.96",
        "per km    2:04.90",
        "per mile  3:21.01",
        "speed     28.82 km/h",
        "          17.91 mph",
        "          8.01 m/s",
    ]
    assert answer.footer == answers.SAME_PACE_NOTE


@pytest.mark.parametrize(
    ("per", "headline"),
    [
        ("mile", "37.47 for 300 m = 3:21.01 per mile, 49.96 per 400 m (same pace)"),
        ("1 km", "37.47 for 300 m = 2:04.90 per km, 49.96 per 400 m (same pace)"),
        # Per 400 m is the headline's lead already: the full headline stays.
        (
            "400",
            "37.47 for 300 m = 49.96 per 400 m, 2:04.90 per km, 3:21.01 per mile (same pace)",
        ),
    ],
)
def test_convert_leads_with_the_pace_asked_for(per: str, headline: str) -> None:
    assert answers.pace_convert("37.47", "300m", per).headline == headline


def test_convert_of_the_seed_250() -> None:
    assert answers.pace_convert("29.78", "250m").headline.startswith(
        "29.78 for 250 m = 47.65 per 400 m"
    )


def test_convert_marathon_effort_reads_for_a_marathon() -> None:
    answer = answers.pace_convert("2:05:30", "marathon")
    assert answer.title.startswith("Same pace: 2:05:30.0 for a marathon")


@pytest.mark.parametrize(
    ("time", "distance"), [("abc", "300m"), ("37.47", "fast"), ("1:75", "400")]
)
def test_convert_refuses_unreadable_input(time: str, distance: str) -> None:
    with pytest.raises(InputError) as caught:
        answers.pace_convert(time, distance)
    assert caught.value.message
    assert caught.value.example


def test_the_rendered_message_carries_the_headline_and_the_table() -> None:
    answer = answers.pace_convert("37.47", "300m")
    rendered = render([answer])
    assert rendered.content == answer.headline
    [embed] = rendered.embeds
    assert embed.title == "Same pace: 37.47 for 300 m"
    assert embed.description == answer.body
    assert embed.footer.text == answers.SAME_PACE_NOTE
    assert rendered.files == []


# ---------------------------------------------------------------- laps
def test_laps_of_the_mile_record() -> None:
    answer = answers.pace_laps("3:56.13", "mile")
    assert answer.kind == "Even splits"
    assert answer.headline == (
        "3:56.13 for 1 mile: 58.69 per 400 m; splits 1:00.06, 1:58.75, 2:57.44, 3:56.13"
    )
    assert _table(answer.body) == [
        "  #  at              lap      total",
        "  1  409.34 m    1:00.06    1:00.06",
        "  2  809.34 m      58.69    1:58.75",
        "  3  1209.34 m     58.69    2:57.44",
        "  4  1 mile        58.69    3:56.13",
    ]
    assert answer.footer == (
        "Not a whole number of 400 m laps: the first split is the odd 409.34 m, then 400 m laps."
    )
    assert answer.file_name == "splits.txt"


def test_laps_of_1500_start_with_300() -> None:
    answer = answers.pace_laps("3:39.16", "1500m")
    assert answer.headline == (
        "3:39.16 for 1500 m: 58.44 per 400 m; splits 43.83, 1:42.27, 2:40.72, 3:39.16"
    )
    assert _table(answer.body)[1].split()[:3] == ["1", "300", "m"]
    assert "odd 300 m" in (answer.footer or "")


def test_laps_of_whole_laps_have_no_odd_part_note() -> None:
    answer = answers.pace_laps("4:00", "1600m")
    assert answer.footer is None
    assert (
        answer.headline
        == "4:00.00 for 1600 m: 1:00.00 per 400 m; splits 1:00.00, 2:00.00, 3:00.00, 4:00.00"
    )


def test_laps_headline_lists_eight_splits_then_an_ellipsis() -> None:
    answer = answers.pace_laps("13:00", "5000m")
    assert answer.headline.endswith("7:48.00, …")
    assert answer.headline.count(",") == 8
    assert len(_table(answer.body)) == 1 + 13  # header, then 200 m and 12 laps of 400 m


def test_laps_with_a_custom_lap() -> None:
    answer = answers.pace_laps("3:56.13", "mile", "200m")
    # 236.13 s × 200 / 1609.344 = 29.3447 s: rounded, not the 400 m figure halved.
    assert answer.headline == (
        "3:56.13 for 1 mile: 29.34 per 200 m; splits 30.72, 1:00.06, 1:29.41, 1:58.75, "
        "2:28.10, 2:57.44, 3:26.79, 3:56.13"
    )
    assert "odd 209.34 m, then 200 m laps" in (answer.footer or "")


# ---------------------------------------------------------------- predict
def test_predict_the_mile_record_to_1500() -> None:
    answer = answers.pace_predict("3:56.13", "mile", "1500m")
    assert answer.kind == "Equivalent performance"
    assert answer.headline == (
        "3:56.13 for 1 mile ≈ 3:39.16 Riegel · 3:38.13 Cameron · 3:38.73 VDOT for 1500 m "
        "(equivalent performance)"
    )
    assert answer.title == "Equivalent performance: 3:56.13 for 1 mile → 1500 m"
    assert _table(answer.body) == [
        "         Riegel    Cameron       VDOT     WA pts",
        "1500    3:39.16    3:38.13    3:38.73    3:38.80",
    ]
    assert answers.RANGE_NOTE not in (answer.footer or "")


def test_predict_every_distance_flags_the_models_out_of_range() -> None:
    answer = answers.pace_predict("3:56.13", "mile")
    assert answer.headline.startswith(
        "3:56.13 for 1 mile is worth (Riegel) 1500 3:39.16, 3000 7:36.93, 5K 13:05.3"
    )
    rows = _table(answer.body)
    labels = [row.split()[0] for row in rows[1:]]
    assert labels == ["400", "800", "1500", "Mile", "3000", "5K", "10K", "Half", "Mar."]
    assert rows[1] == "400      53.99*     44.79*     54.17*      45.83"
    assert rows[4] == "Mile    3:56.13    3:56.13    3:56.13    3:56.13"
    assert answers.RANGE_NOTE in (answer.footer or "")


def test_predict_below_1500_answers_by_equal_points() -> None:
    answer = answers.pace_predict("37.47", "300m", "400m")
    assert answer.headline == (
        "37.47 for 300 m ≈ 52.59 for 400 m by equal World Athletics points "
        "(712 points, men's outdoor; equivalent performance)"
    )


def test_predict_refuses_an_unknown_target() -> None:
    with pytest.raises(InputError):
        answers.pace_predict("3:56.13", "mile", "far")


# ---------------------------------------------------------------- vdot, score, agegrade
def test_vdot_of_a_20_minute_5k() -> None:
    answer = answers.pace_vdot("20:00", "5k")
    assert answer.headline == "VDOT 49.8 from 20:00.0 for 5 km"
    rows = _table(answer.body)
    assert rows[0].split() == ["zone", "/400", "/km", "/mile"]
    assert [row.split()[0] for row in rows[1:]][:2] == ["E", "E"]  # E is a range: slow, fast
    assert {row.split()[0] for row in rows[1:]} == {"E", "M", "T", "I", "R"}


def test_vdot_refuses_a_walking_pace() -> None:
    with pytest.raises(InputError):
        answers.pace_vdot("1:00:00", "100m")


def test_score_of_the_300_pace_over_400() -> None:
    answer = answers.pace_score("49.96", "400m")
    assert answer.headline == (
        "49.96 for 400 m = 861 World Athletics points (men's outdoor); "
        "worth 35.50 for 300 m, 1:22.56 for 600 m"
    )
    assert answer.body.startswith("**861 points.** Worth the same points:")
    assert any(row.endswith("←") and "49.96" in row for row in _table(answer.body))


def test_agegrade_of_a_50_year_old_woman() -> None:
    answer = answers.pace_agegrade("18:00", "5k", 50, "female")
    assert answer.headline == (
        "18:00.0 for 5 km, woman aged 50: 91.59 % age grade (world class), "
        "age-graded 16:05.2 (WMA 2023 road)"
    )
