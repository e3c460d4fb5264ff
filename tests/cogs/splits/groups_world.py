"""A server with training groups for the /splits unit tests: Sprints (role
501) and Distance (role 502), workouts saved and posted through the query
classes, and the athletes of the stories (no Discord)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.clock import epoch_ms
from bot.domain.workout import parse_workout
from bot.permissions import Actor
from db.groups import GroupQueries, TrainingGroup
from db.workouts import NewWorkout, StoredWorkout, WorkoutQueries

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)  # a Saturday
TODAY = NOW.date()
GUILD = 1001
OTHER_GUILD = 2002
SPRINTS_ROLE, DISTANCE_ROLE = 501, 502
SEED = "4 x 250m sprint + 1 x 300m"  # 5 reps
SEED_SPLITS = "29.78 / 29.98 31.31 / 31.20 37.47"
TEMPO = "5 x 1k"  # 5 reps too: the rep count cannot tell them apart
LADDER = "200-400-600-400-200"  # 5 reps
MILES = "3 x 1 mile"  # 3 reps
MILE_SPLITS = "4:50 4:48 4:45"
KM_SPLITS = "3:20 3:18 3:17 3:15 3:12"


def athlete(user_id: int, name: str, *roles: int, coach: bool = False) -> Actor:
    return Actor(
        user_id=user_id,
        name=name,
        guild_id=GUILD,
        manage_guild=coach,
        role_ids=frozenset(roles),
    )


SAM = athlete(21, "Sam", SPRINTS_ROLE)  # a sprinter
DEV = athlete(22, "Dev", DISTANCE_ROLE)  # a distance runner
BO = athlete(23, "Bo", SPRINTS_ROLE, DISTANCE_ROLE)  # in both groups
NED = athlete(24, "Ned")  # in no group
COACH = athlete(1, "Coach", coach=True)


async def add_group(db, name: str, role_id: int | None, guild_id: int = GUILD) -> TrainingGroup:
    return await GroupQueries(db).add(
        guild_id, name, role_id=role_id, channel_id=None, ping=False, now=epoch_ms(NOW)
    )


async def workout(
    db,
    text: str,
    *,
    group: TrainingGroup | None = None,
    session: str = "",
    day: date = TODAY,
    title: str | None = None,
    posted: bool = True,
    guild_id: int = GUILD,
) -> StoredWorkout:
    """A workout saved (and, by default, posted) for ``group`` and ``session``."""
    queries = WorkoutQueries(db)
    stored, _ = await queries.save(
        NewWorkout(
            guild_id=guild_id,
            local_date=day,
            title=title,
            text=text,
            plan=parse_workout(text),
            recovery=None,
            notes=None,
            author_id=COACH.user_id,
            origin_channel_id=500,
            group_id=group.id if group else 0,
            session=session,
        ),
        now=epoch_ms(NOW),
    )
    if not posted:
        return stored
    marked = await queries.mark_posted(
        stored.id, channel_id=500, message_id=9000 + stored.id, revision=1, now=epoch_ms(NOW)
    )
    assert marked is not None
    return marked
