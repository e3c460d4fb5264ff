"""/profile's use cases and rendering, and the answers that read a profile
(pace units, age-grading defaults, training paces): a real database (SQLite
and PostgreSQL), no Discord."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from bot.domain.errors import InputError
from bot.domain.questions import parse_question
from bot.permissions import Actor
from cogs.chat.personal import NO_PROFILE, paces_answer
from cogs.pace import answers
from cogs.profile.profiles import (
    ProfileInput,
    delete_profile,
    read_changes,
    set_profile,
    show_profile,
)
from cogs.profile.rendering import profile_answer
from db.profiles import Profile, Profiles, Race

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
TODAY = date(2026, 11, 28)
ANA = Actor(user_id=11, name="Ana", guild_id=1001, manage_guild=False)
ANA_IN_DM = Actor(user_id=11, name="Ana", guild_id=None, manage_guild=False)
ANA_ELSEWHERE = Actor(user_id=11, name="Ana", guild_id=2002, manage_guild=False)
FIVE_K = ProfileInput(race_time="20:00", race_distance="5k", race_date="2026-11-14")


async def test_set_keeps_the_fields_not_given_across_servers_and_dms(db) -> None:
    await set_profile(db, ANA, FIVE_K, now=NOW)
    await set_profile(db, ANA_IN_DM, ProfileInput(birth_year=1976, sex="female"), now=NOW)
    shown = await set_profile(db, ANA_ELSEWHERE, ProfileInput(units="imperial"), now=NOW)
    profile = shown.profile
    assert profile.race == Race(1_200_000, Decimal(5000), date(2026, 11, 14))
    assert (profile.birth_year, profile.sex, profile.units) == (1976, "female", "imperial")
    # A new race replaces time, distance and day together.
    shown = await set_profile(
        db, ANA, ProfileInput(race_time="39:30", race_distance="10k"), now=NOW
    )
    assert shown.profile.race == Race(2_370_000, Decimal(10000), TODAY)
    assert shown.profile.units == "imperial"


async def test_show_lists_every_field_and_delete_leaves_no_row(db) -> None:
    assert await show_profile(db, ANA, now=NOW) is None
    await set_profile(db, ANA, FIVE_K, now=NOW)
    await set_profile(db, ANA, ProfileInput(birth_year=1976, sex="female"), now=NOW)
    shown = await show_profile(db, ANA, now=NOW)
    assert shown is not None
    body = profile_answer(shown).body
    assert "5K 20:00.0 on 2026-11-14 (VDOT 49.8)" in body
    assert "1976 (age 50 this year)" in body
    assert "**Sex:** female" in body
    assert "**Units:** not set" in body
    assert await delete_profile(db, ANA) is True
    assert await db.fetch_all("SELECT * FROM profiles WHERE user_id = :u", {"u": 11}) == []
    assert await delete_profile(db, ANA) is False


@pytest.mark.parametrize(
    ("given", "problem"),
    [
        (ProfileInput(), "at least one field"),
        (ProfileInput(race_time="20:00"), "both `race_time` and `race_distance`"),
        (ProfileInput(race_distance="5k"), "both `race_time` and `race_distance`"),
        (ProfileInput(race_date="yesterday"), "give `race_time` and `race_distance` with it"),
        (ProfileInput(race_time="20:00", race_distance="5k", race_date="2026-12-01"), "future"),
        (ProfileInput(race_time="20:00", race_distance="5k", race_date="2010-01-01"), "10 years"),
        (ProfileInput(race_time="9:00", race_distance="5k"), "VDOT"),
        (ProfileInput(race_time="2:00", race_distance="5k"), "faster than anyone"),
        (ProfileInput(race_time="20:00", race_distance="5 parsecs"), "parsecs"),
        (ProfileInput(race_time="twenty", race_distance="5k"), "time"),
        (ProfileInput(birth_year=2025), "between 1916 and 2021"),
        (ProfileInput(birth_year=1900), "between 1916 and 2021"),
        (ProfileInput(sex="other"), "`sex` must be male or female"),
        (ProfileInput(units="furlongs"), "`units` must be metric or imperial"),
    ],
)
async def test_bad_fields_are_refused_and_nothing_is_changed(
    db, given: ProfileInput, problem: str
) -> None:
    await set_profile(db, ANA, ProfileInput(units="metric"), now=NOW)
    with pytest.raises(InputError) as refused:
        await set_profile(db, ANA, given, now=NOW)
    assert problem.lower() in refused.value.message.lower()
    stored = await Profiles(db).get(11)
    assert stored is not None and stored.units == "metric" and stored.race is None


def test_read_changes_names_only_the_groups_given() -> None:
    changes = read_changes(ProfileInput(sex="male", units="metric"), TODAY)
    assert changes.given == frozenset({"sex", "units"})


# ------------------------------------------------------------ answers that read it

T_PACE_PROFILE = Profile(11, Race(1_200_000, Decimal(5000), date(2026, 11, 14)))


def test_training_paces_name_the_performance_and_match_pace_vdot() -> None:
    answer = paces_answer(T_PACE_PROFILE, parse_question("what pace should my tempo runs be?"))
    assert not isinstance(answer, str)
    # /pace vdot time:20:00 distance:5k says VDOT 49.8 and T 4:16.00 per km, 1:42.40 per 400.
    vdot = answers.pace_vdot("20:00", "5k")
    assert vdot.headline.startswith("VDOT 49.8")
    assert "T        1:42.40  4:16.00  6:51.99" in vdot.body
    assert answer.headline == (
        "Your T pace (threshold, tempo): 4:16.00 per km (6:51.99 per mile, 1:42.40 per 400 m), "
        "from your 5K 20:00.0 on 2026-11-14 (VDOT 49.8)"
    )


def test_a_rep_distance_gives_the_rep_time_at_its_pace() -> None:
    answer = paces_answer(T_PACE_PROFILE, parse_question("what should I run 400s at?"))
    assert not isinstance(answer, str)
    assert answer.headline.startswith("Your 400 m reps at R pace (repetition): 1:27.77 each")
    answer = paces_answer(T_PACE_PROFILE, parse_question("what pace for my 1000m reps"))
    assert not isinstance(answer, str)
    assert answer.headline.startswith("Your 1000 m reps at I pace (interval): 3:54.74 each")


def test_imperial_units_lead_with_per_mile() -> None:
    imperial = Profile(11, T_PACE_PROFILE.race, units="imperial")
    answer = paces_answer(imperial, parse_question("my threshold pace please"))
    assert not isinstance(answer, str)
    assert answer.headline.startswith("Your T pace (threshold, tempo): 6:51.99 per mile (")
    assert answer.body.splitlines()[2].startswith("zone           /mile")
    convert = answers.pace_convert("37.47", "300m", units="imperial")
    assert convert.headline.startswith("37.47 for 300 m = 3:21.01 per mile, 49.96 per 400 m")
    vdot = answers.pace_vdot("20:00", "5k", units="metric")
    assert "zone         /km    /mile     /400" in vdot.body


def test_without_a_race_the_answer_says_how_to_set_one() -> None:
    assert paces_answer(None, parse_question("my training paces")) == NO_PROFILE
    assert "/profile set race_time:20:00" in NO_PROFILE
    no_race = Profile(11, birth_year=1976)
    assert paces_answer(no_race, parse_question("my training paces")) == NO_PROFILE


def test_a_personal_answer_never_shows_birth_year_or_sex() -> None:
    full = Profile(11, T_PACE_PROFILE.race, birth_year=1976, sex="female", units="metric")
    for text in ("my training paces", "what should I run 400s at?", "how fast are my easy runs?"):
        answer = paces_answer(full, parse_question(text))
        assert not isinstance(answer, str)
        shown = " ".join([answer.headline, answer.title, answer.body, answer.footer or ""])
        assert "1976" not in shown and "female" not in shown


def test_agegrade_takes_age_and_sex_from_the_profile() -> None:
    profile = Profile(11, birth_year=1976, sex="female")
    assert answers.agegrade_defaults(None, None, profile, 2026) == (50, "female")
    assert answers.agegrade_defaults(40, "male", profile, 2026) == (40, "male")
    with pytest.raises(InputError, match="`age` and `sex`"):
        answers.agegrade_defaults(None, None, None, 2026)
    with pytest.raises(InputError, match="needs `sex`"):
        answers.agegrade_defaults(None, None, Profile(11, birth_year=1976), 2026)
