"""Unit tests for cogs.splits.rendering: the submission reply, the board, an
athlete's history and the delete texts, as plain data (no Discord)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from bot.clock import epoch_ms
from bot.domain.workout import parse_workout
from bot.permissions import Actor
from cogs.splits.rendering import (
    board_answer,
    board_rows,
    delete_prompt,
    deleted_text,
    export_text,
    mine_answer,
    short_date,
    submission_answer,
)
from cogs.splits.submit import submit_splits
from db.submissions import StoredSplit, StoredSubmission
from db.workouts import NewWorkout, WorkoutQueries

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
TODAY = NOW.date()
GUILD = 1001
SEED = "4 x 250m sprint + 1 x 300m"
SEED_SPLITS = "29.78 / 29.98 31.31 / 31.20 37.47"
SEED_TABLE = [
    "rep  dist      time   /400 m",
    "  1  250 m    29.78    47.65",
    "  2  250 m    29.98    47.97",
    "  3  250 m    31.31    50.10",
    "  4  250 m    31.20    49.92",
    "  5  300 m    37.47    49.96",
]
ANA = Actor(user_id=11, name="Ana", guild_id=GUILD, manage_guild=False)


async def _workout(db, text: str, title: str | None) -> None:
    await WorkoutQueries(db).save(
        NewWorkout(
            guild_id=GUILD,
            local_date=TODAY,
            title=title,
            text=text,
            plan=parse_workout(text),
            recovery=None,
            notes=None,
            author_id=1,
            origin_channel_id=500,
        ),
        now=epoch_ms(NOW),
    )


def _submission(
    athlete_id: int,
    name: str,
    reps: list[tuple[int, int]],
    *,
    day: date = TODAY,
    title: str | None = "Sprint session",
    sid: int | None = None,
) -> StoredSubmission:
    splits = tuple(
        StoredSplit(index, Decimal(metres), ms) for index, (metres, ms) in enumerate(reps, 1)
    )
    return StoredSubmission(
        id=sid or athlete_id,
        guild_id=GUILD,
        local_date=day,
        workout_id=1,
        athlete_id=athlete_id,
        athlete_name=name,
        note=None,
        total_ms=sum(ms for _, ms in reps),
        total_m=Decimal(sum(metres for metres, _ in reps)),
        created_at=0,
        updated_at=0,
        splits=splits,
        workout_title=title,
        workout_text=SEED,
    )


SEED_REPS = [(250, 29780), (250, 29980), (250, 31310), (250, 31200), (300, 37470)]


def test_short_date() -> None:
    assert short_date(date(2026, 11, 28)) == "Sat 28 Nov"
    assert short_date(date(2017, 6, 5)) == "Mon 5 Jun"


# ---------------------------------------------------------------- submission
async def test_the_seed_reply_has_one_balanced_table_and_the_summary(db) -> None:
    await _workout(db, SEED, "Sprint session")
    outcome = await submit_splits(db, ANA, text=SEED_SPLITS, note=None, now=NOW)
    answer = submission_answer(outcome)

    assert answer.kind == "Splits"
    assert answer.file_name == "splits.txt"
    assert answer.title == "Ana: splits for Sat 28 Nov, Sprint session"
    assert answer.headline == "Ana logged splits for Sat 28 Nov: 29.78, 29.98, 31.31, 31.20, 37.47"
    assert answer.footer is None
    lines = answer.body.split("\n")
    assert answer.body.count("```") == 2
    assert lines[0] == "```"
    assert lines[1:7] == SEED_TABLE
    assert lines[7] == "```"
    assert lines[8:] == [
        "**250 m** ×4: average 30.57 (48.91 per 400 m) · fastest 29.78 · slowest 31.31"
        " · fade +4.8 %",
        "**300 m**: 37.47 (49.96 per 400 m)",
        "Overall: 2:39.74 for 1300 m, 49.15 per 400 m",
        "🏅 Personal best at 250 m: 29.78 (first on record)",
        "🏅 Personal best at 300 m: 37.47 (first on record)",
    ]


async def test_targets_add_a_column_and_the_on_target_count(db) -> None:
    await _workout(db, "4 x 400m @ 68", None)
    outcome = await submit_splits(db, ANA, text="67.5 68.2 68.9 70.1", note=None, now=NOW)
    answer = submission_answer(outcome)
    assert answer.title == "Ana: splits for Sat 28 Nov"  # no title, nothing appended
    table = answer.body.split("```")[1].strip("\n").splitlines()
    assert table == [
        "rep  dist      time   /400 m vs target",
        "  1  400 m  1:07.50  1:07.50      -0.5",
        "  2  400 m  1:08.20  1:08.20      +0.2",
        "  3  400 m  1:08.90  1:08.90      +0.9",
        "  4  400 m  1:10.10  1:10.10      +2.1",
    ]
    assert "2 of 4 reps on target (within 1 %)" in answer.body.split("\n")


async def test_user_text_in_the_reply_is_shown_as_typed(db) -> None:
    await _workout(db, SEED, "**Sprint** `session`")
    athlete = Actor(user_id=12, name="Ben_*x*", guild_id=GUILD, manage_guild=False)
    outcome = await submit_splits(
        db, athlete, text=SEED_SPLITS, note="  ```\n# loud **note**  ", now=NOW
    )
    answer = submission_answer(outcome)
    assert answer.title == "Ben\\_\\*x\\*: splits for Sat 28 Nov, \\*\\*Sprint\\*\\* \\`session\\`"
    assert answer.headline.startswith("Ben\\_\\*x\\* logged splits")
    # The note is the last line, on one line, escaped: it opens no code block.
    assert answer.body.split("\n")[-1] == "Note: \\`\\`\\` # loud \\*\\*note\\*\\*"
    assert answer.body.count("```") == 2


# ---------------------------------------------------------------- board
def test_the_board_ranks_by_overall_pace_not_total_time() -> None:
    # Cleo ran one 300 m (smallest total) but slower per 400 m than Ana.
    ana = _submission(11, "Ana", SEED_REPS)
    cleo = _submission(13, "cleo", [(300, 40000)])
    ben = _submission(12, "Ben", [(250, 30000)] * 4 + [(300, 36000)])
    ranked = board_rows([cleo, ana, ben])
    assert [s.athlete_name for s, _ in ranked] == ["Ben", "Ana", "cleo"]

    answer = board_answer(TODAY, "Sprint session", [cleo, ana, ben])
    assert answer.kind == "Board"
    assert answer.file_name == "board.txt"
    assert answer.title == "Board for Sat 28 Nov: Sprint session"
    assert answer.headline == (
        "Board for Sat 28 Nov: Sprint session: 3 athlete(s); fastest overall Ben (48.00 per 400 m)"
    )
    assert answer.body.count("```") == 2
    rows = answer.body.split("```")[1].strip("\n").splitlines()
    assert rows == [
        " #  athlete          reps     total   /400 m",
        " 1  Ben                 5   2:36.00    48.00",
        " 2  Ana                 5   2:39.74    49.15",
        " 3  cleo                1     40.00    53.33",
    ]


def test_board_ties_go_by_name_ignoring_case() -> None:
    same = [(400, 60000)]
    rows = board_rows(
        [_submission(1, "zed", same), _submission(2, "Amy", same), _submission(3, "bob", same)]
    )
    assert [s.athlete_name for s, _ in rows] == ["Amy", "bob", "zed"]


def test_board_names_cannot_break_its_code_block() -> None:
    sly = _submission(1, "```evil```\nname*", [(400, 60000)])
    long = _submission(2, "A very long display name indeed", [(400, 61000)])
    answer = board_answer(TODAY, None, [sly, long])
    assert answer.title == "Board for Sat 28 Nov"
    assert answer.body.count("```") == 2
    rows = answer.body.split("```")[1].strip("\n").splitlines()
    assert rows[1].startswith(" 1  ˋˋˋevilˋˋˋ name*")
    assert rows[2].startswith(" 2  A very long dis… ")
    # Outside the code block the leader's name is escaped markdown.
    assert "fastest overall \\`\\`\\`evil\\`\\`\\` name\\*" in answer.headline


# ---------------------------------------------------------------- mine
def test_mine_lists_days_and_personal_bests() -> None:
    recent = [
        _submission(11, "Ana", SEED_REPS, sid=2, title="*Sprints*"),
        _submission(11, "Ana", [(400, 62000), (400, 63000)], day=date(2026, 11, 27), title=None),
    ]
    bests = {Decimal(300): 37470, Decimal(250): 29780, Decimal(400): 62000}
    answer = mine_answer(recent, bests)
    assert answer.headline == "Your last 2 day(s) of splits"
    assert answer.title == "Your recent splits"
    assert answer.file_name == "my-splits.txt"
    assert answer.body.split("\n") == [
        "`Sat 28 Nov` \\*Sprints\\*: 250 m ×4 avg 30.57; 300 m 37.47 · 49.15 per 400 m",
        "`Fri 27 Nov` 400 m ×2 avg 1:02.50 · 1:02.50 per 400 m",
    ]
    [field] = answer.fields
    assert field.name == "Personal bests"
    assert field.value == "250 m 29.78 · 300 m 37.47 · 400 m 1:02.00"  # by distance


def test_mine_without_bests_says_none_yet() -> None:
    answer = mine_answer([_submission(11, "Ana", SEED_REPS)], {})
    assert answer.fields[0].value == "none yet"


# ---------------------------------------------------------------- delete, export
def test_delete_prompt_and_deleted_text_escape_the_name() -> None:
    found = _submission(12, "**Ben**\n_the_ `fast`", SEED_REPS)
    assert delete_prompt(found) == (
        "Delete \\*\\*Ben\\*\\* \\_the\\_ \\`fast\\`'s splits for Sat 28 Nov "
        "(29.78, 29.98, 31.31, 31.20, 37.47)?"
    )
    assert (
        deleted_text(found)
        == "Deleted \\*\\*Ben\\*\\* \\_the\\_ \\`fast\\`'s splits for Sat 28 Nov."
    )
    assert deleted_text(None) == "Those splits were already deleted."


def test_delete_prompt_shows_ten_reps_at_most() -> None:
    found = _submission(11, "Ana", [(200, 30000 + i * 10) for i in range(12)])
    prompt = delete_prompt(found)
    assert prompt.endswith(
        "(30.00, 30.01, 30.02, 30.03, 30.04, 30.05, 30.06, 30.07, 30.08, 30.09, …)?"
    )
    assert prompt.count(",") == 10


def test_export_text() -> None:
    first, last = date(2026, 11, 1), date(2026, 11, 28)
    assert export_text(10, team=True, first=first, last=last, since_given=True) == (
        "10 split(s): the team's splits from 2026-11-01 to 2026-11-28."
    )
    assert export_text(5, team=False, first=first, last=last, since_given=False) == (
        "5 split(s): your splits from the beginning to 2026-11-28."
    )
