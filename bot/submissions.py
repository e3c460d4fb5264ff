"""Submitting splits: one path for ``/splits submit`` and the workout post's
form. Parsing and matching happen first (so errors are reported before
anything is deferred or stored); storing is one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bot.domain.splits import MatchedSplit, SplitAnalysis, analyse, match_splits, parse_splits
from bot.domain.workout import workout_from_json
from db.base import Database
from db.submissions import NewSubmission, StoredSplit, StoredSubmission, SubmissionQueries
from db.workouts import StoredWorkout


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
    reps = workout_from_json(workout.parsed).reps if workout is not None else ()
    return match_splits(parse_splits(text), reps)


def analysis_of(submission: StoredSubmission) -> SplitAnalysis:
    return analyse(
        [
            MatchedSplit(split.rep, split.distance_m, split.time_ms, split.target_ms)
            for split in submission.splits
        ]
    )


async def record(
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
    """Store the submission (replacing the athlete's earlier one for the day)
    and report what it means: analysis, replacement, personal bests."""
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
