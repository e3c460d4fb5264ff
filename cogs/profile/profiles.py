"""The ``/profile`` use cases: set (only the fields given), show, delete, and
the profile as other features read it (pace defaults and units, personal
answers in chat and ``/ask``).

A profile is per person, across every server: the same in each server and in
DMs. It is private: only its owner sees it (``/profile`` answers
ephemerally), and answers shown in a channel never show the birth year or sex.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from bot.clock import epoch_ms
from bot.context import server_today
from bot.domain import predict
from bot.domain.dates import parse_date
from bot.domain.distance import parse_distance
from bot.domain.errors import InputError
from bot.domain.times import parse_time
from bot.permissions import Actor
from db.base import Database
from db.profiles import Profile, ProfileChanges, Profiles, Race

EXAMPLE = "`/profile set race_time:20:00 race_distance:5k race_date:2026-11-14`"
SEXES = ("male", "female")
UNITS = ("metric", "imperial")
#: Ages the age-grading tables cover: a birth year makes an age in this range.
YOUNGEST, OLDEST = 5, 110
#: The oldest reference performance taken: paces from a race run long ago
#: describe someone else.
OLDEST_RACE = timedelta(days=10 * 366)
#: VDOT values the training-pace tables cover (as for ``/pace vdot``).
VDOT_RANGE = (10.0, 100.0)


@dataclass(frozen=True)
class ProfileInput:
    """``/profile set``'s options as typed (untrusted)."""

    race_time: str | None = None
    race_distance: str | None = None
    race_date: str | None = None
    birth_year: int | None = None
    sex: str | None = None
    units: str | None = None


async def person_today(db: Database, person: Actor, now: datetime) -> date:
    """Today for ``person``: the server's calendar day, or UTC's in a DM."""
    if person.guild_id is None:
        return now.astimezone(UTC).date()
    return (await server_today(db, person.guild_id, now))[1]


def check_reference(time_ms: int, metres: object) -> float:
    """The VDOT of a reference performance, refused outside the tables' range."""
    vdot = predict.vdot_from_performance(time_ms, metres)  # type: ignore[arg-type]
    low, high = VDOT_RANGE
    if not low <= vdot <= high:
        raise InputError(
            f"That performance gives a VDOT of {vdot:.1f}, outside the {low:.0f}–{high:.0f} "
            "range the training-pace tables cover; nothing was changed.",
            EXAMPLE,
        )
    return vdot


def read_changes(given: ProfileInput, today: date) -> ProfileChanges:
    """The fields ``/profile set`` was given, checked (a modified client
    ignores the options' ranges and choices). Raises ``InputError`` naming
    the first problem; nothing is changed then."""
    changed: set[str] = set()
    race = None
    if given.race_time is not None or given.race_distance is not None:
        if given.race_time is None or given.race_distance is None:
            raise InputError(
                "A reference performance needs both `race_time` and `race_distance`; "
                "nothing was changed.",
                EXAMPLE,
            )
        time_ms = parse_time(given.race_time)
        distance = parse_distance(given.race_distance)
        check_reference(time_ms, distance.metres)
        day = today
        if given.race_date is not None:
            day = parse_date(given.race_date, today, direction="back")
        if day > today:
            raise InputError(
                f"`race_date` {day.isoformat()} is in the future; give the day you ran it.",
                "`race_date:2026-11-14`",
            )
        if today - day > OLDEST_RACE:
            raise InputError(
                f"`race_date` {day.isoformat()} is more than 10 years ago: training paces "
                "come from a recent race or time trial.",
                "`race_date:last saturday`",
            )
        race = Race(time_ms=time_ms, distance_m=distance.metres, day=day)
        changed.add("race")
    elif given.race_date is not None:
        raise InputError(
            "`race_date` is the day of a reference performance: give `race_time` and "
            "`race_distance` with it; nothing was changed.",
            EXAMPLE,
        )
    if given.birth_year is not None:
        youngest, oldest = today.year - YOUNGEST, today.year - OLDEST
        if not isinstance(given.birth_year, int) or not oldest <= given.birth_year <= youngest:
            raise InputError(
                f"`birth_year` must be between {oldest} and {youngest} (ages {YOUNGEST} to "
                f"{OLDEST}); nothing was changed.",
                "`/profile set birth_year:1980`",
            )
        changed.add("birth_year")
    for name, value, allowed in (("sex", given.sex, SEXES), ("units", given.units, UNITS)):
        if value is None:
            continue
        if value not in allowed:
            raise InputError(
                f"`{name}` must be {' or '.join(allowed)}; nothing was changed.",
                f"`/profile set {name}:{allowed[0]}`",
            )
        changed.add(name)
    if not changed:
        raise InputError(
            "Give at least one field to set: a race (`race_time` and `race_distance`), "
            "`birth_year`, `sex` or `units`.",
            EXAMPLE,
        )
    return ProfileChanges(
        given=frozenset(changed),
        race=race,
        birth_year=given.birth_year,
        sex=given.sex,
        units=given.units,
    )


@dataclass(frozen=True)
class ShownProfile:
    """A profile and the owner's today (their age this year)."""

    profile: Profile
    today: date


async def set_profile(
    db: Database, person: Actor, given: ProfileInput, *, now: datetime
) -> ShownProfile:
    """Change the fields given, keep the others: the profile as stored."""
    today = await person_today(db, person, now)
    changes = read_changes(given, today)
    profile = await Profiles(db).update(person.user_id, changes, now=epoch_ms(now))
    return ShownProfile(profile, today)


async def show_profile(db: Database, person: Actor, *, now: datetime) -> ShownProfile | None:
    """The person's profile; ``None`` when they have none."""
    profile = await Profiles(db).get(person.user_id)
    if profile is None:
        return None
    return ShownProfile(profile, await person_today(db, person, now))


async def profile_of(db: Database, user_id: int) -> Profile | None:
    return await Profiles(db).get(user_id)


async def delete_profile(db: Database, person: Actor) -> bool:
    """Remove every field at once; whether there was a profile."""
    return await Profiles(db).delete(person.user_id)


def age_and_sex(
    age: int | None, sex: str | None, profile: Profile | None, year: int
) -> tuple[int | None, str | None]:
    """Age grading's ``age`` and ``sex`` as given, else the profile's (age =
    ``year`` − birth year); ``None`` where neither says."""
    if profile is None:
        return age, sex
    if age is None and profile.birth_year is not None:
        age = year - profile.birth_year
    return age, sex or profile.sex
