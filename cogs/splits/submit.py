"""Submitting splits: one path for ``/splits submit`` and the workout post's
form.

A submission is one unit of work: read the server's "today" and the day's
workout, match the splits to its reps, store them, as one
:meth:`~db.base.Database.run`; a bad input (an unreadable date, the wrong
number of splits) raises :class:`~bot.domain.errors.InputError` inside the
unit, which rolls back with nothing written, before anything is sent to
Discord."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from bot.clock import epoch_ms
from bot.context import server_today
from bot.domain.dates import parse_date
from bot.domain.limits import ATHLETE_NOTE, SPLITS_TEXT, check_split_date
from bot.domain.splits import MatchedSplit, SplitAnalysis, analyse, match_splits, parse_splits
from bot.permissions import Actor
from db.base import Database, Executor
from db.submissions import NewSubmission, StoredSplit, StoredSubmission, SubmissionQueries
from db.workouts import StoredWorkout, WorkoutQueries


@dataclass(frozen=True)
class PersonalBest:
    distance_m: Decimal
    time_ms: int
    previous_ms: int | None  # None: the first time on record at this distance


@dataclass(frozen=True)
class Outcome:
    day: date
    workout: StoredWorkout | None
    submission: StoredSubmission
    analysis: SplitAnalysis
    replaced: bool
    personal_bests: tuple[PersonalBest, ...]


def match_to_workout(text: str, workout: StoredWorkout | None) -> list[MatchedSplit]:
    """Parse ``text`` and match it to the day's reps; raises ``InputError``
    naming what was expected and what was received."""
    reps = workout.plan.reps if workout is not None else ()
    return match_splits(parse_splits(text), reps)


def analysis_of(submission: StoredSubmission) -> SplitAnalysis:
    return analyse(
        [
            MatchedSplit(split.rep, split.distance_m, split.time_ms, split.target_ms)
            for split in submission.splits
        ]
    )


async def submit_splits(
    db: Database,
    athlete: Actor,
    *,
    text: str,
    note: str | None,
    now: datetime,
    day: date | None = None,
    date_text: str | None = None,
) -> Outcome:
    """Match ``text`` to the day's workout and store it, as one unit of work.

    The day is ``day`` (the form, opened for a workout's date) or ``date_text``
    read looking back from the server's today (``/splits submit date:``;
    blank is today). Raises ``InputError`` with nothing stored when the text
    or note is over its limit, the day is in the future, or the date or the
    splits do not read.
    """
    guild_id = athlete.server()
    text = SPLITS_TEXT.check(text) or ""
    note = (ATHLETE_NOTE.check(note) or "").strip() or None

    async def unit(tx: Executor) -> Outcome:
        _, today = await server_today(db, guild_id, now, tx=tx)
        chosen = day or parse_date(date_text or "today", today, direction="back")
        check_split_date(chosen, today)
        workout = await WorkoutQueries(db).get(guild_id, chosen, tx=tx)
        matched = match_to_workout(text, workout)
        return await _record(
            tx,
            db,
            guild_id=guild_id,
            day=chosen,
            workout=workout,
            athlete_id=athlete.user_id,
            athlete_name=athlete.name.replace("\x00", ""),
            matched=matched,
            note=note,
            now=epoch_ms(now),
        )

    return await db.run(unit)


async def _record(
    tx: Executor,
    db: Database,
    *,
    guild_id: int,
    day: date,
    workout: StoredWorkout | None,
    athlete_id: int,
    athlete_name: str,
    matched: list[MatchedSplit],
    note: str | None,
    now: int,
) -> Outcome:
    """Store the submission inside ``tx`` (replacing the athlete's earlier one
    for the day) and report what it means: analysis, replacement, personal bests."""
    result = await SubmissionQueries(db).save(
        NewSubmission(
            guild_id=guild_id,
            local_date=day,
            workout_id=workout.id if workout else None,
            athlete_id=athlete_id,
            athlete_name=athlete_name,
            note=note,
            splits=[
                StoredSplit(split.index, split.distance_m, split.time_ms, split.target_ms)
                for split in matched
            ],
        ),
        now=now,
        tx=tx,
    )
    analysis = analyse(matched)
    bests = []
    for metres, fastest in analysis.fastest_by_distance.items():
        previous = result.previous_bests.get(metres)
        if previous is None or fastest < previous:
            bests.append(PersonalBest(metres, fastest, previous))
    return Outcome(
        day=day,
        workout=workout,
        submission=result.submission,
        analysis=analysis,
        replaced=result.replaced,
        personal_bests=tuple(bests),
    )


def mismatching(submissions: list[StoredSubmission], distances: tuple[Decimal, ...]) -> int:
    """How many submissions no longer fit a workout's (new) reps."""
    return sum(1 for submission in submissions if submission.distances != distances)
