"""Numbered schema migrations, one folder per back end (``sqlite/``,
``postgresql/``): ``NNNN_name.sql``, applied in order, each once. A change to
the schema is a new file in each folder; ``tests/db`` checks that both back
ends end up with the same tables, columns, keys and indexes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
BACK_ENDS = ("sqlite", "postgresql")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def load_migrations(back_end: str) -> list[Migration]:
    """The numbered ``db/migrations/<back_end>/NNNN_name.sql`` files, in order.

    Raises ``RuntimeError`` when numbers skip or repeat: a gap would leave a
    database that claims a version it never reached.
    """
    if back_end not in BACK_ENDS:
        raise ValueError(f"no migrations for {back_end!r}")
    found: list[Migration] = []
    for entry in (resources.files("db.migrations") / back_end).iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), entry.name, entry.read_text("utf-8")))
    found.sort(key=lambda m: m.version)
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            raise RuntimeError(f"migration {migration.name} should be number {expected:04d}")
    return found
