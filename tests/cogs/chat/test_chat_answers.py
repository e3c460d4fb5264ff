"""Unit tests for cogs.chat.answers.reply: plain-chat questions answered with
the same use cases as the commands (pace answers stored in the history,
workouts and logs per shared server), with a real database (SQLite and PostgreSQL)
and no Discord."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

from bot.clock import epoch_ms
from bot.domain.workout import parse_workout
from bot.permissions import Actor
from cogs.chat.answers import HELP_TEXT, Server, reply
from cogs.splits.submit import submit_splits
from db.history import PaceHistory
from db.workouts import NewWorkout, StoredWorkout, WorkoutQueries

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)  # Saturday 28 November 2026
TODAY = NOW.date()
CLUB, OTHER = 1001, 2002
SEED = "4 x 250m sprint + 1 x 300m"
ANA = Actor(user_id=11, name="Ana", guild_id=CLUB, manage_guild=False)
ANA_IN_DM = Actor(user_id=11, name="Ana", guild_id=None, manage_guild=False)
TRY = "Try “what's 37.47 for 300m per 400?” or “3:56.13 mile, what 1500 is that?”"


class Shared:
    """The asker's shared servers, counting how often they were looked up."""

    def __init__(self, *servers: Server) -> None:
        self.servers = list(servers)
        self.calls = 0

    async def __call__(self) -> Sequence[Server]:
        self.calls += 1
        return self.servers


async def _workout(
    db, guild_id: int, *, title: str | None, day: date = TODAY, posted: bool = True
) -> StoredWorkout:
    queries = WorkoutQueries(db)
    stored, _ = await queries.save(
        NewWorkout(
            guild_id=guild_id,
            local_date=day,
            title=title,
            text=SEED,
            plan=parse_workout(SEED),
            recovery=None,
            notes=None,
            author_id=1,
            origin_channel_id=500,
        ),
        now=epoch_ms(NOW),
    )
    if posted:
        marked = await queries.mark_posted(
            stored.id, channel_id=500, message_id=9000 + stored.id, revision=1, now=epoch_ms(NOW)
        )
        assert marked is not None
        stored = marked
    return stored


# ---------------------------------------------------------------- pace
async def test_a_pace_question_is_answered_and_stored(db) -> None:
    shared = Shared()
    text = "what's 37.47 for 300m per 400?"
    line, found = await reply(db, ANA, text, shared, now=NOW)
    assert line == (
        "37.47 for 300 m = 49.96 per 400 m, 2:04.90 per km, 3:21.01 per mile (same pace)"
    )
    [answer] = found
    assert answer.kind == "Same pace"
    assert "per 400 m   49.96" in answer.body
    assert shared.calls == 0  # a pace question needs no server
    [stored] = await PaceHistory(db).recent(ANA.user_id)
    assert stored.command == "chat"
    assert stored.inputs == text
    assert stored.summary == line
    assert stored.guild_id == CLUB
    assert stored.created_at == epoch_ms(NOW)


async def test_a_pace_question_is_stored_as_shown(db) -> None:
    await reply(
        db,
        ANA_IN_DM,
        "<@42> 3:56.13 mile, what 1500 is that?",
        Shared(),
        now=NOW,
        shown_as="@Trackside 3:56.13 mile, what 1500 is that?",
    )
    [stored] = await PaceHistory(db).recent(ANA.user_id)
    assert stored.inputs == "@Trackside 3:56.13 mile, what 1500 is that?"
    assert stored.guild_id is None
    assert "3:39.16 Riegel" in stored.summary


async def test_a_question_with_a_missing_slot_asks_for_it(db) -> None:
    line, found = await reply(db, ANA, "vdot for 10k", Shared(), now=NOW)
    assert line == "I need a race time and distance for that, like “vdot for 10k 40:00”."
    [answer] = found
    assert (answer.kind, answer.title, answer.body) == ("Help", "Almost", HELP_TEXT)
    assert await PaceHistory(db).count() == 0


async def test_a_convert_question_without_a_distance_asks_for_one(db) -> None:
    line, _ = await reply(db, ANA, "what's 37.47 for 0m per 400?", Shared(), now=NOW)
    assert line == "I need a time and a distance for that, like “37.47 for 300m per 400”."


async def test_an_understood_question_out_of_range_gets_its_reason(db) -> None:
    line, found = await reply(db, ANA, "vdot for 100m 1:00:00", Shared(), now=NOW)
    assert line == (
        "That is slower than walking pace; VDOT only describes running efforts. "
        "For example `20:00` for `5k`."
    )
    assert found == []
    assert await PaceHistory(db).count() == 0


async def test_unknown_text_gets_the_help(db) -> None:
    shared = Shared()
    line, found = await reply(db, ANA, "blorp zzz", shared, now=NOW)
    assert line == f"I didn't catch that. {TRY}"
    [answer] = found
    assert answer.kind == "Help"
    assert answer.title == "What I can answer"
    assert answer.body == HELP_TEXT
    assert shared.calls == 0
    assert await PaceHistory(db).count() == 0


async def test_a_greeting_gets_the_help_without_a_complaint(db) -> None:
    line, _ = await reply(db, ANA, "hello", Shared(), now=NOW)
    assert line == TRY


# ---------------------------------------------------------------- workouts and logs
async def test_a_workout_question_across_two_servers_is_labelled_by_server(db) -> None:
    await _workout(db, CLUB, title="Sprint session")
    shared = Shared(Server(CLUB, "Track *Club*"), Server(OTHER, "Other_club\n`x`"))
    line, found = await reply(db, ANA_IN_DM, "what's today's workout?", shared, now=NOW)
    assert shared.calls == 1
    assert line.split("\n") == [
        "Track \\*Club\\*: Workout for Saturday 28 November 2026",
        "Other\\_club \\`x\\`: No workout posted for Saturday 28 November 2026.",
    ]
    [answer] = found
    assert answer.kind == "Workout"
    assert answer.title == "Track \\*Club\\*: Sprint session"
    assert answer.body == SEED


async def test_both_servers_workouts_come_back_labelled(db) -> None:
    await _workout(db, CLUB, title=None)
    await _workout(db, OTHER, title="Hills")
    shared = Shared(Server(CLUB, "Club"), Server(OTHER, "Other"))
    _, found = await reply(db, ANA_IN_DM, "what's today's workout?", shared, now=NOW)
    assert [answer.title for answer in found] == ["Club: Workout of the day", "Other: Hills"]


async def test_one_server_needs_no_label(db) -> None:
    await _workout(db, CLUB, title="Sprint session")
    line, found = await reply(
        db, ANA, "what's today's workout?", Shared(Server(CLUB, "Club")), now=NOW
    )
    assert line == "Workout for Saturday 28 November 2026"
    assert [answer.title for answer in found] == ["Sprint session"]


async def test_a_scheduled_workout_is_not_revealed_in_chat(db) -> None:
    await _workout(db, CLUB, title="Secret", day=date(2026, 11, 29), posted=False)
    line, found = await reply(
        db, ANA, "what's tomorrow's workout?", Shared(Server(CLUB, "Club")), now=NOW
    )
    assert line == "No workout posted for Sunday 29 November 2026."
    assert found == []


async def test_no_shared_server(db) -> None:
    line, found = await reply(db, ANA_IN_DM, "what's today's workout?", Shared(), now=NOW)
    assert line == (
        "We don't share a server that uses Trackside, so I have no workouts or logs for you."
    )
    assert found == []


async def test_log_and_best_questions_read_the_askers_splits(db) -> None:
    await _workout(db, CLUB, title="Sprint session")
    await submit_splits(db, ANA, text="29.78 / 29.98 31.31 / 31.20 37.47", note=None, now=NOW)
    club = Shared(Server(CLUB, "Club"))

    line, found = await reply(db, ANA, "what did I run today?", club, now=NOW)
    assert line == "Your splits for Sat 28 Nov"
    [answer] = found
    assert answer.title == "Your splits for Sat 28 Nov, Sprint session"
    assert answer.body.count("```") == 2
    assert "  5  300 m    37.47    49.96" in answer.body
    assert "Overall: 2:39.74 for 1300 m, 49.15 per 400 m" in answer.body

    assert await reply(db, ANA, "my best 300", club, now=NOW) == (
        "Your best 300 m rep: 37.47",
        [],
    )
    assert await reply(db, ANA, "my best 400", club, now=NOW) == (
        "No 400 m reps logged yet.",
        [],
    )
    assert await reply(db, ANA, "my best", club, now=NOW) == (
        "Your bests: 250 m 29.78, 300 m 37.47",
        [],
    )
    someone_else = Actor(user_id=99, name="Zoe", guild_id=CLUB, manage_guild=False)
    assert await reply(db, someone_else, "what did I run today?", club, now=NOW) == (
        "You logged no splits for Saturday 28 November 2026.",
        [],
    )
