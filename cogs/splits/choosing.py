"""Which workout splits are for, when a day holds several (training groups,
sessions), and how the ``workout`` option names one.

Pure functions: the day's workouts and the athlete's groups in, a decision
out; no database, no Discord. ``/splits submit`` without ``workout`` chooses
by the number of splits typed (:func:`choose_workout`); a watch-file import
chooses the same way by the number of laps it proposes.

A day's submissions are keyed by *slot*: the workout's group and session
(one submission per athlete per slot), so ``/splits delete``, ``chart`` and
``board`` name a slot, through its workout's id (what the autocomplete
sends) or its label typed by hand (``Sprints pm``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from bot.domain import limits
from bot.domain.errors import InputError
from bot.domain.workout import short_summary
from bot.groups import caller_first, slot_label
from bot.replies import code_text, inline_text
from db.groups import TEAM
from db.workouts import StoredWorkout

NO_WORKOUT = "No workout"  # the label of splits logged on a day's main slot with no workout
CHOICE_LIMIT = 100  # Discord: an autocomplete choice's name and value
MAX_CHOICES = 25  # Discord: choices in one autocomplete answer
LISTED = 10  # choices spelt out in a reply (the autocomplete shows them all)
# The ``workout`` option's text: an id or a label, checked like any short option.
WORKOUT_OPTION = limits.TextLimit("`workout`", limits.SHORT_INPUT, "`workout:Sprints`")


@lru_cache(maxsize=512)
def short_date(day: date) -> str:
    """``Sat 28 Nov``: how splits replies name a day."""
    return f"{day:%a} {day.day} {day:%b}"


def loggable(workout: StoredWorkout, today: date, *, coach: bool) -> bool:
    """Whether a person may log splits for ``workout``: once it is public
    (posted, or failed to post), or once its day is over (a past day's
    workout is saved for logging, never posted); a coach, any of them."""
    return coach or workout.public or workout.local_date < today


def candidates_for(
    workouts: Iterable[StoredWorkout], groups: frozenset[int]
) -> list[StoredWorkout]:
    """The workouts an athlete in ``groups`` may mean: their groups' and the
    team's (in no group: the team's only), their own groups' first."""
    return caller_first([w for w in workouts if w.group_id == TEAM or w.group_id in groups], groups)


@dataclass(frozen=True)
class WorkoutChoice:
    """What :func:`choose_workout` decided: ``workout`` (``None`` with no
    ``choices``: there is no candidate, the splits need their distances), or
    the ``choices`` to ask about, which all ``fit`` the count (several do)
    or none does."""

    workout: StoredWorkout | None
    choices: tuple[StoredWorkout, ...] = ()
    fit: bool = False

    @property
    def decided(self) -> bool:
        return not self.choices


def choose_workout(candidates: Sequence[StoredWorkout], count: int) -> WorkoutChoice:
    """One candidate is used; among several, the ones with ``count`` reps;
    exactly one left is used, otherwise the athlete chooses (among those
    that fit, or among every candidate when none does). Whether the athlete
    already submitted to one does not matter: a resubmission replaces."""
    return choose_fitting(candidates, lambda w: len(w.plan.reps) == count)


def choose_fitting(
    candidates: Sequence[StoredWorkout], fits: Callable[[StoredWorkout], bool]
) -> WorkoutChoice:
    """:func:`choose_workout`'s rule with what "fits" left to the caller: the
    number of splits typed, or (a watch file) whether every rep was found
    among the file's laps."""
    if not candidates:
        return WorkoutChoice(None)
    if len(candidates) == 1:
        return WorkoutChoice(candidates[0])
    fitting = [w for w in candidates if fits(w)]
    if len(fitting) == 1:
        return WorkoutChoice(fitting[0])
    return WorkoutChoice(None, tuple(fitting or candidates), fit=bool(fitting))


# ------------------------------------------------------------------ naming slots
@dataclass(frozen=True)
class Slot:
    """One of a day's slots: a workout, or splits of a slot whose workout
    is gone or never was."""

    group_id: int
    session: str
    workout: StoredWorkout | None
    label: str  # "Sprints · pm", "Team", "No workout"

    @property
    def key(self) -> tuple[int, str]:
        return (self.group_id, self.session)

    @property
    def main(self) -> bool:
        """The day's team-wide main slot: all there was before groups."""
        return self.key == (TEAM, "")


def label_of(group_id: int, session: str, names: dict[int, str], *, has_workout: bool) -> str:
    if (group_id, session) == (TEAM, "") and not has_workout:
        return NO_WORKOUT
    return slot_label(group_id, session, names)


def day_slots(
    workouts: Iterable[StoredWorkout],
    keys: Iterable[tuple[int, str]],
    names: dict[int, str],
    groups: frozenset[int] = frozenset(),
) -> list[Slot]:
    """The slots of ``workouts`` and of ``keys`` (submissions' slots) that
    have no workout: the caller's groups first, then the team's, then the
    others', each group's main session first; a slot with no workout last."""
    by_key = {(w.group_id, w.session): w for w in workouts}
    ordered = caller_first(by_key.values(), groups)
    slots = [
        Slot(w.group_id, w.session, w, label_of(w.group_id, w.session, names, has_workout=True))
        for w in ordered
    ]
    loose = sorted({key for key in keys if key not in by_key}, key=lambda k: (k != (TEAM, ""), k))
    slots += [Slot(g, s, None, label_of(g, s, names, has_workout=False)) for g, s in loose]
    return slots


def normalised(text: str) -> str:
    """A label as typed and as shown compare equal: case, the ``·`` and
    spacing ignored (``sprints pm`` is ``Sprints · pm``)."""
    return " ".join(text.casefold().replace("·", " ").split())


def find_slot(value: str, slots: Sequence[Slot]) -> Slot | None:
    """The slot a ``workout`` value names: a workout's id (what the
    autocomplete sends), or a label typed by hand; ``None`` when it names
    none of them (another server's or another day's workout, one this person
    may not see, or anything else: the caller refuses without saying which)."""
    text = value.strip()
    if text.isascii() and text.isdigit():
        return next((s for s in slots if s.workout is not None and str(s.workout.id) == text), None)
    wanted = normalised(text)
    if wanted in ("none", normalised(NO_WORKOUT)):
        return next((s for s in slots if s.workout is None and s.main), None)
    found = [s for s in slots if normalised(s.label) == wanted]
    return found[0] if len(found) == 1 else None


def summary_of(workout: StoredWorkout, limit: int) -> str:
    """The reps understood (``4 × 250 m, 1 × 300 m``), or for a workout
    without reps its title or text, on one line within ``limit``."""
    if workout.plan.reps:
        return short_summary(workout.plan, limit=limit)
    text = " ".join((workout.title or workout.text).split())
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + "…"


def choice_name(slot: Slot, limit: int = CHOICE_LIMIT) -> str:
    """An autocomplete choice: ``Sprints · pm: 4 × 250 m, 1 × 300 m`` (raw
    text: Discord shows choice names as typed)."""
    label = slot.label[:limit]
    if slot.workout is None:
        return label
    room = limit - len(label) - 2
    return f"{label}: {summary_of(slot.workout, room)}" if room > 8 else label


def choice_value(slot: Slot) -> str:
    """What the autocomplete sends for ``slot``: its workout's id, else its label."""
    return str(slot.workout.id) if slot.workout is not None else slot.label[:CHOICE_LIMIT]


def matching_choices(slots: Sequence[Slot], typed: str) -> list[tuple[str, str]]:
    """(name, value) of the slots whose name contains what was typed (its
    words in any order), at most 25."""
    words = normalised(typed).split()
    found = []
    for slot in slots:
        name = choice_name(slot)
        if all(word in normalised(name) for word in words) or typed.strip() == choice_value(slot):
            found.append((name, choice_value(slot)))
    return found[:MAX_CHOICES]


def choice_lines(slots: Sequence[Slot]) -> str:
    """The choices in a reply, one per line (user text escaped), at most ten."""
    lines = [
        f"• **{inline_text(slot.label)}**"
        + (f": {inline_text(summary_of(slot.workout, 60))}" if slot.workout else "")
        for slot in slots[:LISTED]
    ]
    if len(slots) > LISTED:
        lines.append(f"• … and {len(slots) - LISTED} more (type `workout:` to see them all)")
    return "\n".join(lines)


def typed_label(slot: Slot) -> str:
    """How to name ``slot`` by hand in an example: ``Sprints pm``."""
    return code_text(slot.label.replace(" · ", " "))


def named_workout(
    value: str,
    visible: Sequence[StoredWorkout],
    names: dict[int, str],
    mine: frozenset[int],
    day: date,
    *,
    no_workout: tuple[str, str],
) -> StoredWorkout:
    """The workout the ``workout`` option names: one of that day's that this
    person may log. Anything else (another server's or day's, one not posted
    yet, garbage) is refused the same way, listing the day's choices; with
    no workout to choose, ``no_workout`` (what to do instead, its example)."""
    slots = day_slots(visible, (), names, mine)
    found = find_slot(value, slots)
    if found is not None and found.workout is not None:
        return found.workout
    if not slots:
        what, example = no_workout
        raise InputError(f"There is no workout to choose on {short_date(day)}, so {what}.", example)
    raise InputError(
        f"`workout` must be one of {short_date(day)}'s workouts; nothing was stored. "
        f"Pick one from the list as you type `workout:`:\n{choice_lines(slots)}",
        f"`workout:{typed_label(slots[0])}`",
    )
