"""How a parsed workout is stored: JSON with metres as decimal strings, so the
round trip is exact. The domain's :class:`~bot.domain.workout.Workout` knows
nothing of storage; this module is the only place that reads or writes the
``workouts.parsed`` column."""

from __future__ import annotations

import functools
import json
from decimal import Decimal, InvalidOperation
from typing import Any

from bot.domain.workout import Rep, RepGroup, Workout

_JSON_VERSION = 1


def _group_to_dict(group: RepGroup) -> dict[str, Any]:
    return {
        "count": group.count,
        "distance_m": None if group.distance_m is None else str(group.distance_m),
        "label": group.label,
        "target_ms": group.target_ms,
        "note": group.note,
        "groups": [_group_to_dict(child) for child in group.groups],
    }


def workout_to_json(workout: Workout) -> str:
    """Serialise for storage: metres as decimal strings, so the round trip is exact."""
    data = {
        "version": _JSON_VERSION,
        "text": workout.text,
        "recovery": workout.recovery,
        "groups": [_group_to_dict(group) for group in workout.groups],
        "reps": [
            {
                "distance_m": str(rep.distance_m),
                "target_ms": rep.target_ms,
                "set_index": rep.set_index,
                "group_index": rep.group_index,
            }
            for rep in workout.reps
        ],
    }
    return json.dumps(data, separators=(",", ":"))


def _decimal(value: Any) -> Decimal:
    if not isinstance(value, str):
        raise ValueError(f"expected metres as a string, got {value!r}")
    try:
        result = Decimal(value)
    except InvalidOperation as error:
        raise ValueError(f"bad metres {value!r}") from error
    if not result.is_finite():
        raise ValueError(f"bad metres {value!r}")
    return result


def _optional_int(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected an integer, got {value!r}")
    return value


def _optional_str(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise ValueError(f"expected text, got {value!r}")


def _group_from_dict(data: Any) -> RepGroup:
    if not isinstance(data, dict):
        raise ValueError("a stored group must be an object")
    count = _optional_int(data.get("count"))
    if count is None:
        raise ValueError("a stored group needs a count")
    metres = data.get("distance_m")
    children = data.get("groups", [])
    if not isinstance(children, list):
        raise ValueError("stored groups must be a list")
    return RepGroup(
        count=count,
        distance_m=None if metres is None else _decimal(metres),
        label=_optional_str(data.get("label")),
        target_ms=_optional_int(data.get("target_ms")),
        note=_optional_str(data.get("note")),
        groups=tuple(_group_from_dict(child) for child in children),
    )


def workout_from_json(text: str) -> Workout:
    """Read back what :func:`workout_to_json` wrote; ``ValueError`` on anything else."""
    # Cached by its text: every submission for a day reads the same stored
    # workout, and a Workout is immutable (frozen dataclasses and tuples).
    return _workout_from_json(text)


@functools.lru_cache(maxsize=256)
def _workout_from_json(text: str) -> Workout:
    data = json.loads(text)
    if not isinstance(data, dict) or data.get("version") != _JSON_VERSION:
        raise ValueError("not a stored workout (or an unknown version)")
    workout_text = data.get("text")
    if not isinstance(workout_text, str):
        raise ValueError("a stored workout needs its text")
    groups = data.get("groups", [])
    reps = data.get("reps", [])
    if not isinstance(groups, list) or not isinstance(reps, list):
        raise ValueError("stored groups and reps must be lists")
    parsed_reps: list[Rep] = []
    for rep in reps:
        if not isinstance(rep, dict):
            raise ValueError("a stored rep must be an object")
        group_index = _optional_int(rep.get("group_index", 0))
        parsed_reps.append(
            Rep(
                distance_m=_decimal(rep.get("distance_m")),
                target_ms=_optional_int(rep.get("target_ms")),
                set_index=_optional_int(rep.get("set_index")),
                group_index=0 if group_index is None else group_index,
            )
        )
    return Workout(
        text=workout_text,
        reps=tuple(parsed_reps),
        groups=tuple(_group_from_dict(group) for group in groups),
        recovery=_optional_str(data.get("recovery")),
    )
