"""/splits with training groups and sessions, without Discord: the choosing
rule (pure), submitting by the rule, by ``workout`` and by a post's form,
one submission per workout (am and pm), forged ``workout`` values, and the
labels of the reply. A real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest

from bot.domain.errors import InputError
from bot.domain.workout import parse_workout
from cogs.splits.choosing import (
    NO_WORKOUT,
    Slot,
    candidates_for,
    choice_name,
    choose_workout,
    day_slots,
    find_slot,
    loggable,
    matching_choices,
    normalised,
)
from cogs.splits.rendering import submission_answer
from cogs.splits.submit import PersonalBest, submit_splits
from db.copy import digests
from db.submissions import SubmissionQueries
from db.workouts import StoredWorkout
from tests.cogs.splits.groups_world import (
    BO,
    COACH,
    DEV,
    KM_SPLITS,
    LADDER,
    MILE_SPLITS,
    MILES,
    NED,
    NOW,
    OTHER_GUILD,
    SAM,
    SEED,
    SEED_SPLITS,
    TEMPO,
    TODAY,
    add_group,
    workout,
)

YESTERDAY = TODAY - timedelta(days=1)


# ================================================================ the pure rule
def _w(wid: int, text: str, group_id: int = 0, session: str = "", **changes) -> StoredWorkout:
    base = StoredWorkout(
        id=wid,
        guild_id=1001,
        local_date=TODAY,
        title=None,
        text=text,
        parsed="",
        recovery=None,
        notes=None,
        author_id=1,
        origin_channel_id=500,
        channel_id=500,
        message_id=9000 + wid,
        posted_at=0,
        post_claimed_at=None,
        post_error=None,
        created_at=0,
        updated_at=0,
        group_id=group_id,
        session=session,
    )
    stored = replace(base, **changes)
    stored.__dict__["plan"] = parse_workout(text)  # cached_property, without the codec
    return stored


SPRINTS, DISTANCE = 7, 8
TEAM_5 = _w(1, TEMPO)
SPRINTS_5 = _w(2, SEED, SPRINTS)
DISTANCE_3 = _w(3, MILES, DISTANCE)
DISTANCE_PM = _w(4, LADDER, DISTANCE, "pm")


def test_no_candidate_means_no_workout() -> None:
    choice = choose_workout([], 5)
    assert choice.decided and choice.workout is None


def test_one_candidate_is_used_whatever_the_count() -> None:
    assert choose_workout([SPRINTS_5], 3).workout == SPRINTS_5


def test_among_several_the_rep_count_decides() -> None:
    assert choose_workout([SPRINTS_5, DISTANCE_3], 3).workout == DISTANCE_3
    assert choose_workout([SPRINTS_5, DISTANCE_3], 5).workout == SPRINTS_5


def test_several_that_fit_are_listed() -> None:
    choice = choose_workout([SPRINTS_5, TEAM_5, DISTANCE_3], 5)
    assert not choice.decided and choice.workout is None
    assert choice.choices == (SPRINTS_5, TEAM_5) and choice.fit


def test_none_that_fits_lists_every_candidate() -> None:
    choice = choose_workout([SPRINTS_5, DISTANCE_3], 4)
    assert choice.choices == (SPRINTS_5, DISTANCE_3) and not choice.fit


def test_candidates_are_ones_groups_and_the_team_own_groups_first() -> None:
    day = [TEAM_5, SPRINTS_5, DISTANCE_3, DISTANCE_PM]
    assert candidates_for(day, frozenset()) == [TEAM_5]
    assert candidates_for(day, frozenset({SPRINTS})) == [SPRINTS_5, TEAM_5]
    assert candidates_for(day, frozenset({DISTANCE})) == [DISTANCE_3, DISTANCE_PM, TEAM_5]
    both = candidates_for(day, frozenset({SPRINTS, DISTANCE}))
    assert both == [SPRINTS_5, DISTANCE_3, DISTANCE_PM, TEAM_5]


def test_who_may_log_what() -> None:
    scheduled = _w(9, SEED, message_id=None)
    failed = replace(scheduled, post_error="channel gone")
    past = replace(scheduled, local_date=YESTERDAY)
    assert loggable(SPRINTS_5, TODAY, coach=False)
    assert not loggable(scheduled, TODAY, coach=False)
    assert loggable(scheduled, TODAY, coach=True)
    assert loggable(failed, TODAY, coach=False)  # public: athletes see why it is missing
    assert loggable(past, TODAY, coach=False)  # saved for a day already over


def test_slots_are_named_by_id_or_by_label() -> None:
    names = {SPRINTS: "Sprints", DISTANCE: "Distance"}
    slots = day_slots([TEAM_5, SPRINTS_5, DISTANCE_PM], {(0, ""), (9, "am")}, names)
    assert [s.label for s in slots] == ["Team", "Sprints", "Distance · pm", "group 9 · am"]
    assert find_slot(str(SPRINTS_5.id), slots).workout == SPRINTS_5
    assert find_slot(" 4 ", slots).workout == DISTANCE_PM
    assert find_slot("distance PM", slots).workout == DISTANCE_PM
    assert find_slot("Distance · pm", slots).workout == DISTANCE_PM
    assert find_slot("team", slots).workout == TEAM_5
    for forged in ("99", "9" * 80, "0", "-2", "Sprints; DROP TABLE", "", "pm", "none"):
        assert find_slot(forged, slots) is None, forged
    loose = day_slots([SPRINTS_5], {(0, "")}, names)
    assert [s.label for s in loose] == ["Sprints", NO_WORKOUT]
    assert find_slot("none", loose) == Slot(0, "", None, NO_WORKOUT)
    assert find_slot("No workout", loose) == Slot(0, "", None, NO_WORKOUT)


def test_choice_names_show_the_label_and_the_parsed_reps() -> None:
    names = {SPRINTS: "Sprints", DISTANCE: "Distance"}
    slots = day_slots([SPRINTS_5, DISTANCE_PM, _w(5, "Rest day", title="Rest")], (), names)
    ladder = "1 × 200 m, 1 × 400 m, 1 × 600 m, 1 × 400 m, 1 × 200 m"
    # No group of the reader's: the team's first, then the groups'.
    assert [choice_name(s) for s in slots] == [
        "Team: Rest",
        "Sprints: 4 × 250 m, 1 × 300 m",
        f"Distance · pm: {ladder}",
    ]
    assert matching_choices(slots, "pm") == [(f"Distance · pm: {ladder}", "4")]
    assert matching_choices(slots, "SPRINTS 250") == [("Sprints: 4 × 250 m, 1 × 300 m", "2")]
    assert len(matching_choices(slots, "")) == 3
    long = {SPRINTS: "S" * 32}
    named = day_slots(
        [_w(6, "1 x 100m + 2 x 150m + " * 20 + "1 x 100m", SPRINTS, "x" * 20)], (), long
    )
    [name] = [choice_name(s) for s in named]
    assert len(name) <= 100 and name.startswith("S" * 32 + " · " + "x" * 20 + ": ")


def test_labels_compare_as_typed() -> None:
    assert normalised("  Sprints  ·  PM ") == normalised("sprints pm") == "sprints pm"


# ================================================================ submitting
@pytest.fixture
async def groups(db):
    sprints = await add_group(db, "Sprints", 501)
    distance = await add_group(db, "Distance", 502)
    return sprints, distance


async def _stored(db, who) -> list[tuple[int, str, int | None, str]]:
    found = await SubmissionQueries(db).of_athlete_on(1001, TODAY, who.user_id)
    return [(s.group_id, s.session, s.workout_id, s.source) for s in found]


async def test_each_athlete_gets_their_groups_workout(db, groups) -> None:
    sprints, distance = groups
    sprint = await workout(db, SEED, group=sprints, title="Sprint session")
    miles = await workout(db, MILES, group=distance)
    by_sam = await submit_splits(db, SAM, text=SEED_SPLITS, note=None, now=NOW)
    assert by_sam.workout == sprint and by_sam.label == "Sprints"
    by_dev = await submit_splits(db, DEV, text=MILE_SPLITS, note=None, now=NOW)
    assert by_dev.workout == miles and by_dev.label == "Distance"
    assert await _stored(db, SAM) == [(sprints.id, "", sprint.id, "typed")]
    assert await _stored(db, DEV) == [(distance.id, "", miles.id, "typed")]
    answer = submission_answer(by_sam)
    assert answer.title == "Sam: splits for Sat 28 Nov, Sprints, Sprint session"
    assert answer.headline.startswith("Sam logged splits for Sat 28 Nov, Sprints: 29.78, 29.98")


async def test_the_team_workout_is_everyones_candidate(db, groups) -> None:
    sprints, _ = groups
    await workout(db, SEED, group=sprints)
    team = await workout(db, MILES)
    # Ned is in no group: the team's workout only, even with 5 splits that
    # would fit the sprinters' reps (and so the count error names the team's).
    with pytest.raises(InputError, match=re.escape("Expected 3 × 1 mile — 3 reps")):
        await submit_splits(db, NED, text=SEED_SPLITS, note=None, now=NOW)
    outcome = await submit_splits(db, NED, text=MILE_SPLITS, note=None, now=NOW)
    assert outcome.workout == team and outcome.label is None
    assert submission_answer(outcome).title == "Ned: splits for Sat 28 Nov"
    # Sam has both: 3 splits are the team's, 5 the sprinters'.
    assert (await submit_splits(db, SAM, text=MILE_SPLITS, note=None, now=NOW)).workout == team


async def test_an_athlete_in_both_groups_is_asked_when_the_count_fits_both(db, groups) -> None:
    sprints, distance = groups
    await workout(db, SEED, group=sprints)
    await workout(db, TEMPO, group=distance)
    before = await digests(db)
    with pytest.raises(InputError) as asked:
        await submit_splits(db, BO, text=SEED_SPLITS, note=None, now=NOW)
    assert asked.value.message == (
        "5 split(s) fit more than one of your workouts on Sat 28 Nov, so nothing was stored. "
        "Choose one with `workout:` (the list appears as you type):\n"
        "• **Sprints**: 4 × 250 m, 1 × 300 m\n"
        "• **Distance**: 5 × 1 km"
    )
    assert asked.value.example == "`/splits submit splits:… workout:Sprints`"
    assert await digests(db) == before
    with pytest.raises(InputError, match=r"^None of your workouts on Sat 28 Nov has 2 rep"):
        await submit_splits(db, BO, text="30.1 30.2", note=None, now=NOW)
    assert await digests(db) == before


async def test_the_rep_count_decides_for_an_athlete_in_both(db, groups) -> None:
    sprints, distance = groups
    await workout(db, SEED, group=sprints)
    miles = await workout(db, MILES, group=distance)
    outcome = await submit_splits(db, BO, text=MILE_SPLITS, note=None, now=NOW)
    assert outcome.workout == miles


async def test_the_workout_option_picks_one_by_id_or_label(db, groups) -> None:
    sprints, distance = groups
    sprint = await workout(db, SEED, group=sprints)
    tempo = await workout(db, TEMPO, group=distance)
    by_id = await submit_splits(
        db, BO, text=KM_SPLITS, note=None, now=NOW, workout_text=str(tempo.id)
    )
    assert by_id.workout == tempo
    by_label = await submit_splits(
        db, BO, text=SEED_SPLITS, note=None, now=NOW, workout_text="sprints"
    )
    assert by_label.workout == sprint
    assert sorted(await _stored(db, BO)) == sorted(
        [(sprints.id, "", sprint.id, "typed"), (distance.id, "", tempo.id, "typed")]
    )
    # Any group's workout may be named, as its post's button submits to it.
    outcome = await submit_splits(
        db, DEV, text=SEED_SPLITS, note=None, now=NOW, workout_text="Sprints"
    )
    assert outcome.workout == sprint


async def test_a_resubmission_to_a_candidate_replaces_it(db, groups) -> None:
    sprints, distance = groups
    await workout(db, SEED, group=sprints)
    await workout(db, MILES, group=distance)
    await submit_splits(db, BO, text=SEED_SPLITS, note=None, now=NOW)
    again = await submit_splits(db, BO, text="30 30 30 30 37", note=None, now=NOW)
    assert again.replaced
    assert submission_answer(again).footer == (
        "Updated: this replaces the earlier splits for Sprints."
    )
    assert len(await _stored(db, BO)) == 1


async def test_am_and_pm_are_two_submissions_and_a_pb_counts_the_morning(db, groups) -> None:
    sprints, _ = groups
    am = await workout(db, SEED, group=sprints, session="am")
    pm = await workout(db, SEED, group=sprints, session="pm")
    morning = await submit_splits(
        db, SAM, text=SEED_SPLITS, note=None, now=NOW, workout_text="sprints am"
    )
    assert morning.workout == am and morning.label == "Sprints · am"
    evening = await submit_splits(
        db, SAM, text="29.50 30.00 31.00 31.00 38.00", note=None, now=NOW, workout_text=str(pm.id)
    )
    assert not evening.replaced and evening.label == "Sprints · pm"
    # The morning's 29.78 was the best 250 until the evening's 29.50; its
    # 37.47 for 300 m still stands.
    assert evening.personal_bests == (PersonalBest(Decimal(250), 29500, 29780),)
    assert sorted(await _stored(db, SAM)) == [
        (sprints.id, "am", am.id, "typed"),
        (sprints.id, "pm", pm.id, "typed"),
    ]
    # Two sessions of one group, same reps: the athlete says which.
    with pytest.raises(InputError, match="fit more than one"):
        await submit_splits(db, SAM, text=SEED_SPLITS, note=None, now=NOW)


async def test_the_forms_workout_is_used_whatever_the_groups(db, groups) -> None:
    sprints, distance = groups
    await workout(db, SEED, group=sprints)
    tempo = await workout(db, TEMPO, group=distance)
    # Sam is a sprinter, but pressed the distance group's post's button.
    outcome = await submit_splits(
        db, SAM, text=KM_SPLITS, note=None, now=NOW, day=TODAY, workout_id=tempo.id
    )
    assert outcome.workout == tempo and outcome.label == "Distance"
    assert await _stored(db, SAM) == [(distance.id, "", tempo.id, "typed")]


@pytest.mark.parametrize(
    "forged",
    [
        "other-server",
        "tomorrow",
        "yesterday",
        "unposted",
        "9" * 80,
        "0",
        "-1",
        "garbage",
        "x" * 100,
    ],
)
async def test_a_forged_workout_value_is_refused_and_nothing_stored(
    db, groups, forged: str
) -> None:
    sprints, _ = groups
    await workout(db, SEED, group=sprints)
    other = await workout(db, SEED, guild_id=OTHER_GUILD)
    tomorrow = await workout(db, SEED, day=TODAY + timedelta(days=1), posted=False)
    yesterday = await workout(db, SEED, day=YESTERDAY)
    unposted = await workout(db, SEED, session="pm", posted=False, title="Secret pm")
    ids = {
        "other-server": other.id,
        "tomorrow": tomorrow.id,
        "yesterday": yesterday.id,
        "unposted": unposted.id,
    }
    value = str(ids.get(forged, forged))
    before = await digests(db)
    with pytest.raises(InputError) as refused:
        await submit_splits(db, SAM, text=SEED_SPLITS, note=None, now=NOW, workout_text=value)
    assert refused.value.message.startswith("`workout` must be one of Sat 28 Nov's workouts")
    assert "• **Sprints**: 4 × 250 m, 1 × 300 m" in refused.value.message
    assert "pm" not in refused.value.message and "Secret" not in refused.value.message
    assert refused.value.example == "`workout:Sprints`"
    assert await digests(db) == before


async def test_a_coach_may_log_a_workout_not_posted_yet(db, groups) -> None:
    scheduled = await workout(db, SEED, session="pm", posted=False)
    outcome = await submit_splits(
        db, COACH, text=SEED_SPLITS, note=None, now=NOW, workout_text=str(scheduled.id)
    )
    assert outcome.workout == scheduled and outcome.label == "Team · pm"


async def test_a_workout_option_over_its_limit_is_refused(db, groups) -> None:
    with pytest.raises(InputError, match="101 characters long; the limit is 100"):
        await submit_splits(db, SAM, text=SEED_SPLITS, note=None, now=NOW, workout_text="1" * 101)


async def test_no_workout_that_day_needs_distances_and_names_none(db, groups) -> None:
    with pytest.raises(InputError, match="give each time its distance"):
        await submit_splits(db, SAM, text=SEED_SPLITS, note=None, now=NOW)
    outcome = await submit_splits(db, SAM, text="300m 37.47, 300m 38.10", note=None, now=NOW)
    assert outcome.workout is None and outcome.label is None
    assert await _stored(db, SAM) == [(0, "", None, "typed")]
    with pytest.raises(InputError, match="no workout to choose on Sat 28 Nov"):
        await submit_splits(db, SAM, text=SEED_SPLITS, note=None, now=NOW, workout_text="Sprints")


async def test_only_other_groups_workouts_leaves_the_athlete_without_one(db, groups) -> None:
    sprints, _ = groups
    await workout(db, SEED, group=sprints)
    # Ned is in no group and the team has no workout: explicit distances.
    with pytest.raises(InputError, match="give each time its distance"):
        await submit_splits(db, NED, text=SEED_SPLITS, note=None, now=NOW)


async def test_a_groups_workout_not_posted_yet_is_no_candidate(db, groups) -> None:
    sprints, _ = groups
    team = await workout(db, SEED)
    await workout(db, MILES, group=sprints, posted=False)  # not out yet
    outcome = await submit_splits(db, SAM, text=SEED_SPLITS, note=None, now=NOW)
    assert outcome.workout == team
