"""The workout-of-the-day use cases: prescribe (post now, schedule, or save a
past day), show, list, delete. Discord-free: who acts is an
:class:`~bot.permissions.Actor`, and posting goes through a
:class:`~cogs.wod.posting.Poster`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.clock import epoch_ms
from bot.context import server_today
from bot.domain import limits
from bot.domain.dates import parse_date
from bot.domain.errors import InputError
from bot.domain.workout import parse_workout, parsed_summary
from bot.permissions import Actor
from bot.replies import Answer
from cogs.splits.submit import mismatching
from cogs.wod.posting import ALREADY_POSTING, Poster
from cogs.wod.rendering import PARSED_LIMIT, list_answer, long_date, status_text, workout_answer
from db.base import Database
from db.submissions import SubmissionQueries
from db.workouts import NewWorkout, WorkoutQueries

LIST_DAYS = limits.IntRange("days", 1, 60, "`/wod list days:7`")


@dataclass(frozen=True)
class Prescription:
    """What a coach typed in ``/wod post``."""

    workout: str
    date_text: str | None
    title: str | None
    recovery: str | None
    notes: str | None
    origin_channel_id: int  # where /wod post was used: the fallback channel


async def prescribe(
    db: Database,
    poster: Poster,
    coach: Actor,
    asked: Prescription,
    *,
    now: datetime,
    acknowledge: Callable[[], Awaitable[object]],
) -> str:
    """Save the day's workout (replacing one already there) and post it now
    (today), schedule it (a later day) or keep it (a past day); the answer
    says which, and what was parsed. ``acknowledge`` is awaited once the input
    is valid, before the slower work: an error before it stays private."""
    guild_id = coach.server()
    settings, today = await server_today(db, guild_id, now)
    coach.require_coach(settings, "post workouts")
    text = limits.WORKOUT_TEXT.check(asked.workout) or ""
    title = limits.TITLE.check(asked.title)
    recovery = limits.RECOVERY.check(asked.recovery)
    notes = limits.WORKOUT_NOTES.check(asked.notes)
    day = parse_date(asked.date_text or "today", today, direction="forward")
    limits.check_workout_date(day, today)
    plan = parse_workout(text)
    await acknowledge()

    stored, replaced = await WorkoutQueries(db).save(
        NewWorkout(
            guild_id=guild_id,
            local_date=day,
            title=title,
            text=text,
            plan=plan,
            recovery=recovery,
            notes=notes,
            author_id=coach.user_id,
            origin_channel_id=asked.origin_channel_id,
        ),
        now=epoch_ms(now),
    )
    verb = "Replaced" if replaced else "Saved"
    if stored.posted and await poster.refresh(stored):
        outcome = f"{verb} and edited the post in <#{stored.channel_id}>"
    elif day == today:
        posted, what = await poster.publish(stored, settings.channel_id or asked.origin_channel_id)
        if posted:
            outcome = f"{verb} and {what}"
        elif what == ALREADY_POSTING:
            # Whoever is posting it compares revisions once Discord has the
            # message, and edits it to show this version.
            outcome = f"{verb}; its post is going out right now and will show this version"
        else:
            outcome = f"{verb}, but not posted: {what}"
    elif day < today:
        outcome = f"{verb}; not posted, since that day has passed"
    else:
        where = settings.channel_id or asked.origin_channel_id
        outcome = (
            f"{verb}; scheduled for {settings.post_time} ({settings.timezone}) "
            f"that day in <#{where}>"
        )
    text = (
        f"{outcome}: workout for {long_date(day)}.\n"
        f"Parsed: {parsed_summary(plan, limit=PARSED_LIMIT)}"
    )
    if replaced:
        submitted = await SubmissionQueries(db).for_workout(stored.id)
        stale = mismatching(submitted, plan.distances)
        if stale:
            text += (
                f"\n{stale} of {len(submitted)} submission(s) no longer match the new "
                "reps; they keep their own distances."
            )
    return text


async def show(
    db: Database, reader: Actor, date_text: str | None, *, now: datetime
) -> Answer | str:
    """A day's workout (today when ``date_text`` is ``None``): athletes see it
    once posted (or when its post failed, so they learn why); coaches also
    see scheduled ones."""
    guild_id = reader.server()
    settings, today = await server_today(db, guild_id, now)
    day = parse_date(date_text, today, direction="back") if date_text else today
    workout = await WorkoutQueries(db).get(guild_id, day)
    if workout is None:
        raise InputError(f"No workout for {long_date(day)}.", "`/wod list` shows the coming days")
    if not (workout.public or reader.is_coach(settings)):
        if day < today:  # saved for a day already over: never posted
            return f"The workout for {long_date(day)} was not posted."
        return (
            f"The workout for {long_date(day)} is not posted yet: it goes out at "
            f"{settings.post_time} ({settings.timezone})."
        )
    return workout_answer(
        workout,
        status=status_text(workout, settings, today),
        headline=f"Workout for {long_date(day)}",
    )


async def coming(db: Database, reader: Actor, days: int, *, now: datetime) -> Answer | str:
    """The next ``days`` days' workouts (coaches: with their status)."""
    days = LIST_DAYS.check(days)
    guild_id = reader.server()
    settings, today = await server_today(db, guild_id, now)
    coach = reader.is_coach(settings)
    workouts = await WorkoutQueries(db).between(
        guild_id, today, today + timedelta(days=days - 1), posted_only=not coach
    )
    if not workouts:
        return f"No workouts for the next {days} days."
    return list_answer(workouts, days, settings=settings if coach else None, today=today)


async def remove(
    db: Database, poster: Poster, coach: Actor, date_text: str, *, now: datetime
) -> str:
    """Delete a day's workout and its post; its submissions stay the
    athletes' logs."""
    guild_id = coach.server()
    settings, today = await server_today(db, guild_id, now)
    coach.require_coach(settings, "delete workouts")
    day = parse_date(date_text, today, direction="back")
    workouts = WorkoutQueries(db)
    workout = await workouts.get(guild_id, day)
    if workout is None:
        raise InputError(f"No workout for {long_date(day)}.", "`/wod list`")
    kept = len(await SubmissionQueries(db).for_workout(workout.id))
    await workouts.delete(workout.id)
    await poster.remove(workout)
    text = f"Deleted the workout for {long_date(day)}."
    if kept:
        text += f" Its {kept} submission(s) stay in the athletes' logs."
    return text
