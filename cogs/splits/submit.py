"""Submitting splits: one path for ``/splits submit`` and the workout post's
form.

A submission is one unit of work: read the server's "today" and the day's
workout, match the splits to its reps, store them, as one
:meth:`~db.base.Database.run`; a bad input (an unreadable date, the wrong
number of splits) raises :class:`~bot.domain.errors.InputError` inside the
unit, which rolls back with nothing written, before anything is sent to
Discord."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal

from bot.clock import epoch_ms
from bot.context import server_today
from bot.domain.dates import parse_date
from bot.domain.errors import InputError
from bot.domain.limits import ATHLETE_NOTE, SPLITS_TEXT, check_split_date
from bot.domain.splits import MatchedSplit, SplitAnalysis, analyse, match_splits, parse_splits
from bot.groups import member_group_ids, workout_label
from bot.permissions import Actor
from cogs.splits.choosing import (
    WORKOUT_OPTION,
    candidates_for,
    choice_lines,
    choose_workout,
    day_slots,
    loggable,
    named_workout,
    short_date,
    typed_label,
)
from db.base import Database, Executor
from db.groups import TEAM, GroupQueries
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
    # The workout's group and session ("Sprints · pm"); None for the team's
    # main workout or none: all there was before groups.
    label: str | None = None


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
    workout_text: str | None = None,
    workout_id: int | None = None,
    source: str = "typed",
) -> Outcome:
    """Match ``text`` to the day's workout and store it, as one unit of work.

    The day is ``day`` (the form, opened for a workout's date) or ``date_text``
    read looking back from the server's today (``/splits submit date:``;
    blank is today). The workout is ``workout_id`` (the form's, already
    checked), the one ``workout_text`` names (``/splits submit workout:``:
    untrusted, it must be one of that day's workouts this person may log),
    or else chosen by :func:`~cogs.splits.choosing.choose_workout` among that
    day's workouts of the athlete's groups and the team's. Raises
    ``InputError`` with nothing stored when the text or note is over its
    limit, the day is in the future, the date, the workout or the splits do
    not read, or several workouts fit (the reply lists them). ``source`` is
    stored with the submission: ``typed`` (the command, the form) or ``file``
    (a watch file's laps, :mod:`cogs.splits.importing`).
    """
    guild_id = athlete.server()
    text = SPLITS_TEXT.check(text) or ""
    note = (ATHLETE_NOTE.check(note) or "").strip() or None
    named = WORKOUT_OPTION.check(workout_text)

    async def unit(tx: Executor) -> Outcome:
        settings, today = await server_today(db, guild_id, now, tx=tx)
        chosen = day or parse_date(date_text or "today", today, direction="back")
        check_split_date(chosen, today)
        workouts = await WorkoutQueries(db).for_day(guild_id, chosen, tx=tx)
        coach = athlete.is_coach(settings)
        visible = [w for w in workouts if loggable(w, today, coach=coach)]
        # A server without groups never reads them.
        grouped = any(w.group_id != TEAM for w in visible)
        groups = await GroupQueries(db).current(guild_id, tx=tx) if grouped else []
        mine = member_group_ids(groups, athlete.role_ids)
        if workout_id is not None:
            workout = next((w for w in workouts if w.id == workout_id), None)
            if workout is None:
                raise InputError("This workout has been deleted, so there is nothing to submit to.")
        elif named is not None:
            names = await _names(db, guild_id, visible, tx)
            workout = named_workout(
                named,
                visible,
                names,
                mine,
                chosen,
                no_workout=(
                    "leave `workout` out and give each time its distance",
                    "`/splits submit splits:300m 37.47, 300m 38.10`",
                ),
            )
        else:
            workout = await _chosen_workout(db, guild_id, text, visible, workouts, mine, tx)
        matched = match_to_workout(text, workout)
        outcome = await _record(
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
            source=source,
        )
        if workout is not None and (workout.group_id, workout.session) != (TEAM, ""):
            names = await _names(db, guild_id, [workout], tx)
            outcome = replace(outcome, label=workout_label(workout, names))
        return outcome

    return await db.run(unit)


async def _names(
    db: Database, guild_id: int, workouts: Sequence[StoredWorkout], tx: Executor
) -> dict[int, str]:
    """The names of ``workouts``' groups, removed ones included."""
    ids = {w.group_id for w in workouts if w.group_id != TEAM}
    if not ids:
        return {}
    return {gid: g.name for gid, g in (await GroupQueries(db).by_ids(guild_id, ids, tx=tx)).items()}


async def _chosen_workout(
    db: Database,
    guild_id: int,
    text: str,
    visible: Sequence[StoredWorkout],
    workouts: Sequence[StoredWorkout],
    mine: frozenset[int],
    tx: Executor,
) -> StoredWorkout | None:
    """The workout chosen for splits logged without ``workout``.

    Before its post goes out, today's team workout is still the one the
    day's splits are for, as it was before groups: with no workout this
    person may log, the day's team-wide main workout is used if there is one.
    """
    count = len(parse_splits(text))
    choice = choose_workout(candidates_for(visible, mine), count)
    if choice.decided:
        if choice.workout is None:
            return next((w for w in workouts if (w.group_id, w.session) == (TEAM, "")), None)
        return choice.workout
    names = await _names(db, guild_id, choice.choices, tx)
    slots = day_slots(choice.choices, (), names, mine)
    day = choice.choices[0].local_date
    why = (
        f"{count} split(s) fit more than one of your workouts on {short_date(day)}"
        if choice.fit
        else f"None of your workouts on {short_date(day)} has {count} rep(s)"
    )
    raise InputError(
        f"{why}, so nothing was stored. Choose one with `workout:` (the list appears as you "
        f"type):\n{choice_lines(slots)}",
        f"`/splits submit splits:… workout:{typed_label(slots[0])}`",
    )


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
    source: str = "typed",
) -> Outcome:
    """Store the submission inside ``tx`` (replacing the athlete's earlier one
    for that workout, or for the day without one) and report what it means:
    analysis, replacement, personal bests."""
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
            # The workout's slot is the key: one submission per athlete per
            # workout (am and pm are two); with no workout, one per day.
            group_id=workout.group_id if workout else TEAM,
            session=workout.session if workout else "",
            source=source,
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
