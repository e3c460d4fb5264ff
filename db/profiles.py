"""``profiles``: one row per person, across every server (``/profile``).

A profile is the person's, not a server's: the same answers in every server
and in DMs. Every field may be unset; :meth:`Profiles.update` changes only
the groups of fields it is given (the reference performance is one group:
time, distance and day together), and :meth:`Profiles.delete` removes the
row, so nothing of it is left.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from db.base import Database, Executor, Row
from db.submissions import metres_text

#: The fields ``update`` may leave as they are, each group changed as one.
GROUPS = ("race", "birth_year", "sex", "units")

_COLUMNS = "race_time_ms, race_distance_m, race_date, birth_year, sex, units, updated_at"

# One statement whatever is given: a group not given keeps the stored value
# (``keep_*`` = 1). On a new row the kept fields are NULL anyway.
_UPSERT = (
    f"INSERT INTO profiles (user_id, {_COLUMNS})"
    " VALUES (:user_id, :race_time_ms, :race_distance_m, :race_date, :birth_year, :sex,"
    " :units, :now)"
    " ON CONFLICT (user_id) DO UPDATE SET"
    " race_time_ms = CASE WHEN :keep_race = 1 THEN profiles.race_time_ms"
    " ELSE excluded.race_time_ms END,"
    " race_distance_m = CASE WHEN :keep_race = 1 THEN profiles.race_distance_m"
    " ELSE excluded.race_distance_m END,"
    " race_date = CASE WHEN :keep_race = 1 THEN profiles.race_date ELSE excluded.race_date END,"
    " birth_year = CASE WHEN :keep_birth_year = 1 THEN profiles.birth_year"
    " ELSE excluded.birth_year END,"
    " sex = CASE WHEN :keep_sex = 1 THEN profiles.sex ELSE excluded.sex END,"
    " units = CASE WHEN :keep_units = 1 THEN profiles.units ELSE excluded.units END,"
    " updated_at = excluded.updated_at"
    f" RETURNING user_id, {_COLUMNS}"
)
_GET = f"SELECT user_id, {_COLUMNS} FROM profiles WHERE user_id = :user_id"
_DELETE = "DELETE FROM profiles WHERE user_id = :user_id"


@dataclass(frozen=True)
class Race:
    """The reference performance: a recent race or time trial."""

    time_ms: int
    distance_m: Decimal
    day: date


@dataclass(frozen=True)
class Profile:
    user_id: int
    race: Race | None = None
    birth_year: int | None = None
    sex: str | None = None  # "male" | "female"
    units: str | None = None  # "metric" | "imperial"
    updated_at: int = 0  # epoch ms

    @property
    def empty(self) -> bool:
        return (self.race, self.birth_year, self.sex, self.units) == (None, None, None, None)


@dataclass(frozen=True)
class ProfileChanges:
    """What ``/profile set`` was given: ``given`` names the groups to change
    (:data:`GROUPS`); the others' values are ignored."""

    given: frozenset[str]
    race: Race | None = None
    birth_year: int | None = None
    sex: str | None = None
    units: str | None = None


def _profile(row: Row) -> Profile:
    race = None
    if row["race_time_ms"] is not None and row["race_distance_m"] is not None:
        race = Race(
            time_ms=int(row["race_time_ms"]),
            distance_m=Decimal(row["race_distance_m"]),
            day=date.fromisoformat(row["race_date"]),
        )
    return Profile(
        user_id=int(row["user_id"]),
        race=race,
        birth_year=None if row["birth_year"] is None else int(row["birth_year"]),
        sex=row["sex"],
        units=row["units"],
        updated_at=int(row["updated_at"]),
    )


class Profiles:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, user_id: int, *, tx: Executor | None = None) -> Profile | None:
        row = await (tx or self._db).fetch_one(_GET, {"user_id": user_id})
        return None if row is None else _profile(row)

    async def update(
        self, user_id: int, changes: ProfileChanges, *, now: int, tx: Executor | None = None
    ) -> Profile:
        """Change the groups ``changes`` names, keep the rest; the profile as stored."""
        unknown = changes.given - set(GROUPS)
        if unknown:
            raise ValueError(f"not profile fields: {sorted(unknown)}")
        race = changes.race
        params = {
            "user_id": user_id,
            "race_time_ms": race.time_ms if race else None,
            "race_distance_m": metres_text(race.distance_m) if race else None,
            "race_date": race.day.isoformat() if race else None,
            "birth_year": changes.birth_year,
            "sex": changes.sex,
            "units": changes.units,
            "now": now,
            **{f"keep_{group}": int(group not in changes.given) for group in GROUPS},
        }

        async def unit(own: Executor) -> Profile:
            row = await own.fetch_one(_UPSERT, params)
            assert row is not None  # an upsert with RETURNING returns its row
            return _profile(row)

        return await unit(tx) if tx is not None else await self._db.run(unit)

    async def delete(self, user_id: int, *, tx: Executor | None = None) -> bool:
        """Remove the whole profile; whether there was one."""

        async def unit(own: Executor) -> bool:
            row = await own.fetch_one(_DELETE + " RETURNING user_id", {"user_id": user_id})
            return row is not None

        return await unit(tx) if tx is not None else await self._db.run(unit)
