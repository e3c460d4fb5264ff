"""What a workout-of-the-day post says: content line, embed, form placeholder."""

from __future__ import annotations

from datetime import date

import discord

from bot.domain.workout import Workout, short_summary, summarise, workout_from_json
from bot.ui import inline_text, literal_text
from db.workouts import StoredWorkout


def long_date(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def parsed_of(workout: StoredWorkout) -> Workout:
    return workout_from_json(workout.parsed)


def workout_content(workout: StoredWorkout) -> str:
    title = f": {inline_text(workout.title)}" if workout.title else ""
    return f"Workout of the day, {long_date(workout.local_date)}{title}"


def workout_embed(workout: StoredWorkout, *, status: str | None = None) -> discord.Embed:
    parsed = parsed_of(workout)
    embed = discord.Embed(
        title=(inline_text(workout.title) if workout.title else "Workout of the day")[:256],
        # What the coach typed, shown as typed (escaped), never as markup that
        # could swallow the fields below or restyle the post.
        description=literal_text(workout.text)[:4096],
        colour=discord.Colour.green(),
    )
    embed.add_field(name="Date", value=long_date(workout.local_date), inline=True)
    embed.add_field(
        name="Parsed",
        value=summarise(parsed)[:1024] if parsed.reps else "no structured reps",
        inline=False,
    )
    recovery = workout.recovery or parsed.recovery
    if recovery:
        embed.add_field(name="Recovery", value=literal_text(recovery)[:1024], inline=False)
    if workout.notes:
        embed.add_field(name="Notes", value=literal_text(workout.notes)[:1024], inline=False)
    if status:
        embed.add_field(name="Status", value=status[:1024], inline=False)
    if parsed.reps:
        embed.set_footer(text="Press Submit splits, or use /splits submit, after the workout.")
    return embed


def modal_placeholder(workout: StoredWorkout) -> str:
    return short_summary(parsed_of(workout), limit=100)
