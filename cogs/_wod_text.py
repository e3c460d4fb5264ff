"""What a workout-of-the-day post says: content line, the answer it renders
from (so the overflow rule of :mod:`bot.ui` applies to posts too), the form's
placeholder."""

from __future__ import annotations

from datetime import date

from bot.answers import Answer, Field
from bot.domain.workout import Workout, parsed_summary, short_summary, workout_from_json
from bot.ui import Rendered, inline_text, literal_text, render
from db.workouts import StoredWorkout

# The parsed reps fit one embed field, cut between groups if a workout of
# 200 different reps ever needs it (the coach's own text is the whole story).
PARSED_LIMIT = 1000
POST_FOOTER = "Press Submit splits, or use /splits submit, after the workout."


def long_date(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def parsed_of(workout: StoredWorkout) -> Workout:
    return workout_from_json(workout.parsed)


def workout_content(workout: StoredWorkout) -> str:
    title = f": {inline_text(workout.title)}" if workout.title else ""
    return f"Workout of the day, {long_date(workout.local_date)}{title}"


def workout_answer(workout: StoredWorkout, *, status: str | None = None) -> Answer:
    parsed = parsed_of(workout)
    fields = [
        Field("Date", long_date(workout.local_date), inline=True),
        Field("Parsed", parsed_summary(parsed, limit=PARSED_LIMIT)),
    ]
    # What the coach typed, shown as typed (escaped), never as markup that
    # could swallow the fields below or restyle the post.
    recovery = workout.recovery or parsed.recovery
    if recovery:
        fields.append(Field("Recovery", literal_text(recovery)))
    if workout.notes:
        fields.append(Field("Notes", literal_text(workout.notes)))
    if status:
        fields.append(Field("Status", status))
    return Answer(
        kind="Workout",
        headline=workout_content(workout),
        title=inline_text(workout.title) if workout.title else "Workout of the day",
        body=literal_text(workout.text),
        footer=POST_FOOTER if parsed.reps else None,
        fields=tuple(fields),
        file_name="workout.txt",
    )


def render_workout(workout: StoredWorkout, *, status: str | None = None) -> Rendered:
    """The post (or a /wod reply) for ``workout``: within Discord's limits,
    with ``workout.txt`` attached when the coach's text does not fit."""
    return render([workout_answer(workout, status=status)])


def modal_placeholder(workout: StoredWorkout) -> str:
    return short_summary(parsed_of(workout), limit=100)
