"""Reading the log back with training groups and sessions, without Discord:
the board (a table per workout), delete and chart with several submissions
a day, the export's group/session/source columns, /splits mine's labels and
the ``workout`` autocompletes. A real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from bot.domain.errors import InputError
from bot.errors import NotAllowed
from cogs.splits import autocomplete, logbook
from cogs.splits.export import export_csv
from cogs.splits.logbook import DayChart, Subject
from cogs.splits.rendering import day_board_answer, delete_prompt, mine_answer
from cogs.splits.submit import submit_splits
from db.copy import digests
from db.submissions import SubmissionQueries
from tests.cogs.splits.groups_world import (
    COACH,
    DEV,
    MILE_SPLITS,
    MILES,
    NED,
    NOW,
    SAM,
    SEED,
    SEED_SPLITS,
    TODAY,
    add_group,
    workout,
)

YESTERDAY = TODAY - timedelta(days=1)
SAM_PM = "29.50 30.00 31.00 31.00 38.00"


async def _ack() -> None:
    return None


@pytest.fixture
async def day(db):
    """Today: the sprinters' am and pm, the distance group's miles and the
    team's (unlogged) tempo; Sam logs am and pm, Dev the miles."""
    sprints = await add_group(db, "Sprints", 501)
    distance = await add_group(db, "Distance", 502)
    am = await workout(db, SEED, group=sprints, session="am", title="Blocks")
    pm = await workout(db, SEED, group=sprints, session="pm")
    miles = await workout(db, MILES, group=distance, title="Mile reps")
    tempo = await workout(db, "5k tempo")
    await submit_splits(db, SAM, text=SEED_SPLITS, note=None, now=NOW, workout_text=str(am.id))
    await submit_splits(db, SAM, text=SAM_PM, note=None, now=NOW, workout_text=str(pm.id))
    await submit_splits(db, DEV, text=MILE_SPLITS, note=None, now=NOW)
    return {
        "sprints": sprints,
        "distance": distance,
        "am": am,
        "pm": pm,
        "miles": miles,
        "tempo": tempo,
    }


# ---------------------------------------------------------------- the board
async def test_the_board_has_a_table_per_workout(db, day) -> None:
    board = await logbook.day_board(db, SAM, None, now=NOW)
    assert [(t.slot.label, [s.athlete_name for s in t.submissions]) for t in board.tables] == [
        ("Sprints · am", ["Sam"]),
        ("Sprints · pm", ["Sam"]),
        ("Distance", ["Dev"]),
    ]
    assert [slot.label for slot in board.waiting] == ["Team"]
    answer = day_board_answer(board)
    assert answer.title == "Board for Sat 28 Nov"
    assert answer.headline == "Board for Sat 28 Nov: 3 workouts, 3 result(s)"
    assert answer.body.split("\n") == [
        "**Sprints · am**: Blocks · 4 × 250 m, 1 × 300 m",
        "```",
        " #  athlete          reps     total   /400 m",
        " 1  Sam                 5   2:39.74    49.15",
        "```",
        "**Sprints · pm** · 4 × 250 m, 1 × 300 m",
        "```",
        " #  athlete          reps     total   /400 m",
        " 1  Sam                 5   2:39.50    49.08",
        "```",
        "**Distance**: Mile reps · 3 × 1 mile",
        "```",
        " #  athlete          reps     total   /400 m",
        " 1  Dev                 3   14:23.0  1:11.50",
        "```",
        "**Team**: no splits yet",
    ]
    # The distance runner sees their own group's table first.
    mine = await logbook.day_board(db, DEV, None, now=NOW)
    assert [t.slot.label for t in mine.tables] == ["Distance", "Sprints · am", "Sprints · pm"]


async def test_the_board_of_one_workout(db, day) -> None:
    board = await logbook.day_board(db, NED, "today", "sprints pm", now=NOW)
    assert [t.slot.label for t in board.tables] == ["Sprints · pm"] and not board.waiting
    answer = day_board_answer(board)
    assert answer.title == "Board for Sat 28 Nov, Sprints · pm"
    assert answer.headline.startswith("Board for Sat 28 Nov, Sprints · pm: 1 athlete(s)")
    by_id = await logbook.day_board(db, NED, None, str(day["miles"].id), now=NOW)
    assert day_board_answer(by_id).title == "Board for Sat 28 Nov, Distance: Mile reps"


@pytest.mark.parametrize("forged", ["garbage", "9" * 80, "tempo-id", "other-day"])
async def test_the_board_refuses_a_workout_it_does_not_show(db, day, forged: str) -> None:
    other = await workout(db, SEED, day=YESTERDAY)
    value = {"tempo-id": str(day["tempo"].id), "other-day": str(other.id)}.get(forged, forged)
    with pytest.raises(InputError) as refused:
        await logbook.day_board(db, SAM, None, value, now=NOW)
    assert refused.value.message.startswith("`workout` must be one of Sat 28 Nov's workouts")
    assert "• **Distance**: 3 × 1 mile" in refused.value.message


async def test_splits_without_a_workout_get_their_own_table(db, day) -> None:
    await submit_splits(db, NED, text="300m 40.00", note=None, now=NOW, date_text="yesterday")
    await workout(db, SEED, group=day["sprints"], day=YESTERDAY)
    await submit_splits(db, SAM, text=SEED_SPLITS, note=None, now=NOW, date_text="yesterday")
    board = await logbook.day_board(db, NED, "yesterday", now=NOW)
    assert [t.slot.label for t in board.tables] == ["Sprints", "No workout"]
    answer = day_board_answer(board)
    assert "**No workout**" in answer.body.split("\n")
    only = await logbook.day_board(db, NED, "yesterday", "none", now=NOW)
    assert [t.slot.label for t in only.tables] == ["No workout"]
    # Alone, the day's main slot reads as a board did before groups.
    assert day_board_answer(only).title == "Board for Fri 27 Nov"


async def test_a_server_without_groups_has_the_board_it_had(db) -> None:
    await workout(db, SEED, title="Sprint session")
    await submit_splits(db, SAM, text=SEED_SPLITS, note=None, now=NOW)
    await submit_splits(db, NED, text="30 30 30 30 36", note=None, now=NOW)
    board = await logbook.day_board(db, NED, None, now=NOW)
    answer = day_board_answer(board)
    assert answer.title == "Board for Sat 28 Nov: Sprint session"
    assert answer.headline == (
        "Board for Sat 28 Nov: Sprint session: 2 athlete(s); fastest overall Ned (48.00 per 400 m)"
    )
    assert answer.body.count("```") == 2 and "**" not in answer.body


# ---------------------------------------------------------------- delete and chart
async def test_several_submissions_a_day_are_listed_and_nothing_deleted(db, day) -> None:
    before = await digests(db)
    with pytest.raises(InputError) as asked:
        await logbook.delete_request(db, SAM, None, None, now=NOW)
    assert asked.value.message == (
        "You have 2 submissions for Sat 28 Nov, so nothing was deleted. Choose one with "
        "`workout:` (the list appears as you type):\n"
        "• **Sprints · am**: 4 × 250 m, 1 × 300 m\n"
        "• **Sprints · pm**: 4 × 250 m, 1 × 300 m"
    )
    assert asked.value.example == "`/splits delete date:2026-11-28 workout:Sprints am`"
    with pytest.raises(InputError, match=r"^Sam has 2 submissions for Sat 28 Nov"):
        await logbook.delete_request(db, COACH, None, Subject(SAM.user_id, "Sam"), now=NOW)
    assert await digests(db) == before


async def test_the_workout_option_picks_the_submission_to_delete(db, day) -> None:
    picked = await logbook.delete_request(db, SAM, "today", None, "Sprints PM", now=NOW)
    assert picked.submission.session == "pm" and picked.label == "Sprints · pm"
    assert delete_prompt(picked.submission, picked.label) == (
        "Delete Sam's splits for Sat 28 Nov, Sprints · pm (29.50, 30.00, 31.00, 31.00, 38.00)?"
    )
    by_id = await logbook.delete_request(db, SAM, None, None, str(day["am"].id), now=NOW)
    assert by_id.submission.session == "am"
    deleted = await logbook.delete_clicked(db, SAM, by_id.submission.id)
    assert deleted is not None and deleted.label == "Sprints · am"
    left = await SubmissionQueries(db).of_athlete_on(1001, TODAY, SAM.user_id)
    assert [s.session for s in left] == ["pm"]
    # One left: no need to say which.
    only = await logbook.delete_request(db, SAM, None, None, now=NOW)
    assert only.submission.session == "pm"


@pytest.mark.parametrize("forged", ["miles", "garbage", "9" * 80])
async def test_the_workout_option_must_name_ones_own_submission(db, day, forged: str) -> None:
    value = str(day["miles"].id) if forged == "miles" else forged  # Dev's, not Sam's
    with pytest.raises(InputError, match=r"^`workout` must name one of your submissions"):
        await logbook.delete_request(db, SAM, None, None, value, now=NOW)
    with pytest.raises(NotAllowed):
        await logbook.delete_request(
            db, SAM, None, Subject(DEV.user_id, "Dev"), "Distance", now=NOW
        )


async def test_a_days_chart_of_one_of_several(db, day) -> None:
    with pytest.raises(InputError, match="so nothing was drawn"):
        await logbook.chart(db, SAM, "today", None, now=NOW)
    drawn = await logbook.chart(db, SAM, None, None, now=NOW, workout_text="sprints am")
    assert isinstance(drawn, DayChart)
    assert drawn.title == "Sam: Sat 28 Nov, Sprints · am, Blocks"
    assert [bar.time_ms for bar in drawn.bars] == [29780, 29980, 31310, 31200, 37470]
    one = await logbook.chart(db, COACH, "today", Subject(DEV.user_id, "Dev"), now=NOW)
    assert isinstance(one, DayChart) and one.title == "Dev: Sat 28 Nov, Distance, Mile reps"


# ---------------------------------------------------------------- export and mine
async def test_the_export_names_group_session_and_source(db, day) -> None:
    await submit_splits(db, NED, text="300m 40.00", note=None, now=NOW, date_text="yesterday")
    done = await logbook.export(db, COACH, None, None, now=NOW, acknowledge=_ack)
    rows = list(csv.DictReader(io.StringIO(export_csv(done.rows))))
    seen = {
        (r["date"], r["athlete"], r["group"], r["session"], r["source"], r["workout"]) for r in rows
    }
    assert seen == {
        ("2026-11-27", "Ned", "", "", "typed", ""),
        ("2026-11-28", "Sam", "Sprints", "am", "typed", "Blocks"),
        ("2026-11-28", "Sam", "Sprints", "pm", "typed", SEED),
        ("2026-11-28", "Dev", "Distance", "", "typed", "Mile reps"),
    }
    assert len(rows) == 1 + 5 + 5 + 3


async def test_a_removed_group_keeps_its_name_in_the_export(db, day) -> None:
    from db.groups import GroupQueries

    await GroupQueries(db).remove(1001, day["distance"].id, now=0, cancel_from="2026-11-29")
    done = await logbook.export(db, DEV, None, None, now=NOW, acknowledge=_ack)
    assert {row.group for row in done.rows} == {"Distance"}


async def test_mine_labels_group_and_session_and_counts_days(db, day) -> None:
    await workout(db, SEED, day=YESTERDAY, title="Sprint session")
    await submit_splits(db, SAM, text=SEED_SPLITS, note=None, now=NOW, date_text="yesterday")
    found = await logbook.mine(db, SAM, 10)
    answer = mine_answer(found.found, found.bests, found.names)
    assert answer.headline == "Your last 2 day(s) of splits"
    assert [line.split(": ")[0] for line in answer.body.split("\n")] == [
        "`Sat 28 Nov` Sprints · am, Blocks",
        "`Sat 28 Nov` Sprints · pm",
        "`Fri 27 Nov` Sprint session",
    ]
    one_day = await logbook.mine(db, SAM, 1)
    assert [s.session for s in one_day.found] == ["am", "pm"]


# ---------------------------------------------------------------- autocompletes
async def test_submit_offers_the_days_workouts_own_groups_first(db, day) -> None:
    offered = await autocomplete.submit_choices(db, DEV, None, "", now=NOW)
    assert offered == [
        ("Distance: 3 × 1 mile", str(day["miles"].id)),
        ("Team: 1 × 5 km", str(day["tempo"].id)),
        ("Sprints · am: 4 × 250 m, 1 × 300 m", str(day["am"].id)),
        ("Sprints · pm: 4 × 250 m, 1 × 300 m", str(day["pm"].id)),
    ]
    assert await autocomplete.submit_choices(db, DEV, "today", "pm", now=NOW) == [
        ("Sprints · pm: 4 × 250 m, 1 × 300 m", str(day["pm"].id))
    ]
    for date_text in ("someday", "tomorrow"):
        assert await autocomplete.submit_choices(db, DEV, date_text, "", now=NOW) == []


async def test_submit_offers_no_workout_that_is_not_out_yet(db, day) -> None:
    hidden = await workout(db, SEED, session="late", posted=False)
    athletes = await autocomplete.submit_choices(db, SAM, None, "", now=NOW)
    assert str(hidden.id) not in {value for _, value in athletes}
    coaches = await autocomplete.submit_choices(db, COACH, None, "late", now=NOW)
    assert coaches == [("Team · late: 4 × 250 m, 1 × 300 m", str(hidden.id))]


async def test_board_delete_and_chart_offer_what_has_splits(db, day) -> None:
    await submit_splits(db, NED, text="300m 40.00", note=None, now=NOW, date_text="yesterday")
    today = await autocomplete.board_choices(db, NED, None, "", now=NOW)
    assert [name for name, _ in today] == [
        "Distance: 3 × 1 mile",
        "Sprints · am: 4 × 250 m, 1 × 300 m",
        "Sprints · pm: 4 × 250 m, 1 × 300 m",
    ]
    assert await autocomplete.board_choices(db, NED, "yesterday", "", now=NOW) == [
        ("No workout", "No workout")
    ]
    own = await autocomplete.own_choices(db, SAM, None, None, "", now=NOW)
    assert [value for _, value in own] == [str(day["am"].id), str(day["pm"].id)]
    assert await autocomplete.own_choices(db, SAM, None, DEV.user_id, "", now=NOW) == []
    coach = await autocomplete.own_choices(db, COACH, None, DEV.user_id, "", now=NOW)
    assert coach == [("Distance: 3 × 1 mile", str(day["miles"].id))]
