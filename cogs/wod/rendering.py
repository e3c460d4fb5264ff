"""What a workout-of-the-day post says: content line, the answer it renders
from (so the overflow rule of :mod:`bot.replies` applies to posts too), the form's
placeholder.

A workout of a training group or of a named session carries its label
("Sprints · pm", "Team · am"; :mod:`bot.groups`) in its post and wherever it
is shown, so athletes see whose it is; the team's main workout, alone, shows
none (a server without groups looks as it always did)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from bot.clock import epoch_ms
from bot.domain.dates import end_of_local_day
from bot.domain.workout import parsed_summary, short_summary
from bot.replies import Answer, Field, Rendered, inline_text, literal_text, render
from db.guild_settings import GuildSettings
from db.workouts import StoredWorkout

# The parsed reps fit one embed field, cut between groups if a workout of
# 200 different reps ever needs it (the coach's own text is the whole story).
PARSED_LIMIT = 1000
POST_FOOTER = "Press Submit splits, or use /splits submit, after the workout."


def long_date(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def workout_content(
    workout: StoredWorkout, label: str | None = None, *, mention: int | None = None
) -> str:
    """The post's content line: "Workout of the day for Sprints · pm, Saturday
    28 November 2026: Sprint session"; ``mention``, a role id, goes first (the
    group's ping: the one mention the bot ever makes)."""
    title = f": {inline_text(workout.title)}" if workout.title else ""
    whose = f" for {inline_text(label)}" if label else ""
    ping = f"<@&{mention}> " if mention is not None else ""
    return f"{ping}Workout of the day{whose}, {long_date(workout.local_date)}{title}"


def status_text(
    workout: StoredWorkout, settings: GuildSettings, today: date, *, channel_id: int | None = None
) -> str:
    """Where a workout stands, for coaches (and for anyone, once posted or
    failed). ``channel_id``: its group's channel, where it will post."""
    if workout.message_id is not None:
        return f"Posted in <#{workout.channel_id}>"
    if workout.post_error:
        return f"⚠️ Not posted: {workout.post_error}"
    if workout.local_date < today:
        day_ended = epoch_ms(end_of_local_day(workout.local_date, settings.timezone))
        if workout.updated_at < day_ended:
            return "Not posted: its post time went by while I was not running"
        return "Not posted (its day had passed when it was saved)"
    where = f"<#{channel_id or settings.channel_id or workout.origin_channel_id}>"
    when = "today" if workout.local_date == today else long_date(workout.local_date)
    return f"Scheduled: {when} at {settings.post_time} ({settings.timezone}) in {where}"


def workout_answer(
    workout: StoredWorkout,
    *,
    status: str | None = None,
    headline: str | None = None,
    label: str | None = None,
    mention: int | None = None,
) -> Answer:
    """The workout as an answer (a post, or a /wod reply); ``label`` ("Sprints
    · pm") heads its title, ``mention`` (a role id) its post's content."""
    parsed = workout.plan
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
    title = inline_text(workout.title) if workout.title else "Workout of the day"
    return Answer(
        kind="Workout",
        headline=headline or workout_content(workout, label, mention=mention),
        title=f"{inline_text(label)}: {title}" if label else title,
        body=literal_text(workout.text),
        footer=POST_FOOTER if parsed.reps else None,
        fields=tuple(fields),
        file_name="workout.txt",
    )


def render_workout(
    workout: StoredWorkout,
    *,
    status: str | None = None,
    label: str | None = None,
    mention: int | None = None,
) -> Rendered:
    """The post (or a /wod reply) for ``workout``: within Discord's limits,
    with ``workout.txt`` attached when the coach's text does not fit."""
    return render([workout_answer(workout, status=status, label=label, mention=mention)])


def list_answer(
    workouts: Sequence[StoredWorkout],
    days: int,
    *,
    settings: GuildSettings | None,
    today: date,
    labels: Mapping[int, str] | None = None,
    channels: Mapping[int, int | None] | None = None,
) -> Answer:
    """The coming days, one line each; with ``settings`` (a coach asked), each
    workout's status under it. ``labels`` (by workout id) name whose each
    workout is; ``channels`` (by workout id) are their groups' channels."""
    labels = labels or {}
    channels = channels or {}
    lines = []
    for workout in workouts:
        plan = workout.plan
        # One line per day: the reps (cut between groups) or the start of the
        # text, cut before it is escaped so no escape is cut in half.
        text = workout.text if len(workout.text) <= 200 else workout.text[:199] + "…"
        reps = short_summary(plan, limit=200) if plan.reps else text
        name = f"**{inline_text(workout.title)}**: " if workout.title else ""
        label = labels.get(workout.id)
        whose = f"{inline_text(label)} — " if label else ""
        line = f"`{workout.local_date:%a %d %b}` {whose}{name}{inline_text(reps)}"
        if settings is not None:
            channel = channels.get(workout.id)
            line += f"\n  {status_text(workout, settings, today, channel_id=channel)}"
        lines.append(line)
    return Answer(
        kind="Workout",
        headline=f"{len(workouts)} workout(s) in the next {days} days",
        title=f"Workouts, next {days} days",
        body="\n".join(lines),
        file_name="workouts.txt",
    )


def modal_placeholder(workout: StoredWorkout) -> str:
    return short_summary(workout.plan, limit=100)
