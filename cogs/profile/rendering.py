"""What ``/profile`` says: the profile as its owner sees it (private)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from bot.domain import predict
from bot.domain.distance import format_distance
from bot.domain.times import format_time
from bot.replies import Answer
from cogs.profile.profiles import EXAMPLE, ShownProfile, age_and_sex
from db.profiles import Race

NO_PROFILE = (
    "You have no profile yet. Set a recent race or time trial and your training "
    f"paces follow: {EXAMPLE}"
)
NOT_SET = "not set"


def vdot_text(vdot: float) -> str:
    """VDOT to one decimal, half up (as ``/pace vdot`` shows it)."""
    return str(Decimal(repr(vdot)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def race_text(race: Race) -> str:
    """``5K 20:00 on 2026-11-14``: the reference performance as answers name it."""
    name = format_distance(race.distance_m)
    name = {"5000 m": "5K", "10000 m": "10K"}.get(name, name)
    return f"{name} {format_time(race.time_ms)} on {race.day.isoformat()}"


def race_vdot(race: Race) -> float:
    return predict.vdot_from_performance(race.time_ms, race.distance_m)


def profile_answer(shown: ShownProfile, *, saved: bool = False) -> Answer:
    """Every field, set or not, and what each is used for."""
    profile, today = shown.profile, shown.today
    if profile.race is not None:
        race = f"{race_text(profile.race)} (VDOT {vdot_text(race_vdot(profile.race))})"
    else:
        race = NOT_SET
    age, _ = age_and_sex(None, None, profile, today.year)
    born = NOT_SET if profile.birth_year is None else f"{profile.birth_year} (age {age} this year)"
    units = {
        "metric": "metric: paces lead with per km",
        "imperial": "imperial: paces lead with per mile",
    }.get(profile.units or "", NOT_SET)
    lines = [
        f"**Reference performance:** {race}",
        f"**Birth year:** {born}",
        f"**Sex:** {profile.sex or NOT_SET}",
        f"**Units:** {units}",
    ]
    return Answer(
        kind="Settings",
        headline=("Saved. " if saved else "") + "Your profile (only you see it)",
        title="Your profile",
        body="\n".join(lines),
        footer=(
            "Used for your training paces (/ask, or ask me in chat), /pace agegrade's "
            "defaults and the units of pace answers. The same in every server; "
            "/profile delete removes it all."
        ),
    )
