"""Both back ends' migrations end in the same schema: tables, columns (names in
order, normalised types, NOT NULL, defaults where both have one), primary
keys, unique constraints, foreign keys with their ON DELETE, and indexes
(name, columns in order with their direction, partial or not). SQLite is read
with its PRAGMAs, PostgreSQL with information_schema and its catalogs;
PostgreSQL's own ``schema_migrations`` bookkeeping is left out.

A change to the schema is a new migration in each folder
(``db/migrations/sqlite/``, ``db/migrations/postgresql/``); this test fails
when one is forgotten."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from db import Database, open_database
from tests.conftest import create_postgres_database

# Declared types, as each back end spells them, to what they hold.
_TYPES = {"integer": "integer", "bigint": "integer", "int": "integer", "text": "text"}
# pg_constraint.confdeltype to the words SQLite's foreign_key_list uses.
_ON_DELETE = {
    "a": "NO ACTION",
    "r": "RESTRICT",
    "c": "CASCADE",
    "n": "SET NULL",
    "d": "SET DEFAULT",
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    not_null: bool


@dataclass
class Table:
    columns: list[Column] = field(default_factory=list)
    defaults: dict[str, str] = field(default_factory=dict)
    primary_key: tuple[str, ...] = ()
    unique: set[tuple[str, ...]] = field(default_factory=set)
    # (columns, referenced table, referenced columns, ON DELETE)
    foreign_keys: set[tuple[tuple[str, ...], str, tuple[str, ...], str]] = field(
        default_factory=set
    )
    # name -> (columns with direction, partial)
    indexes: dict[str, tuple[tuple[str, ...], bool]] = field(default_factory=dict)


def _type(declared: str) -> str:
    return _TYPES.get(declared.strip().lower(), declared.strip().lower())


def _default(value: str) -> str:
    """'06:00'::text → '06:00'; 1 → 1."""
    return re.sub(r"::[a-z ]+$", "", value.strip()).strip("()")


# ---------------------------------------------------------------- SQLite
async def sqlite_schema(db: Database) -> dict[str, Table]:
    names = await db.fetch_all(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    schema: dict[str, Table] = {}
    for name in sorted(str(row["name"]) for row in names):
        table = schema[name] = Table()
        info = await db.fetch_all(f"PRAGMA table_info({name})")
        keys = sorted((int(c["pk"]), str(c["name"])) for c in info if int(c["pk"]))
        table.primary_key = tuple(column for _, column in keys)
        for c in info:
            # A primary key is never NULL on PostgreSQL; SQLite only says so
            # for INTEGER PRIMARY KEY (the rowid), so both count it NOT NULL.
            not_null = bool(c["notnull"]) or str(c["name"]) in table.primary_key
            table.columns.append(Column(str(c["name"]), _type(str(c["type"])), not_null))
            if c["dflt_value"] is not None:
                table.defaults[str(c["name"])] = _default(str(c["dflt_value"]))
        for index in await db.fetch_all(f"PRAGMA index_list({name})"):
            columns = [
                (str(k["name"]), bool(k["desc"]))
                for k in await db.fetch_all(f"PRAGMA index_xinfo({index['name']})")
                if int(k["key"])
            ]
            if index["origin"] == "u":
                table.unique.add(tuple(column for column, _ in columns))
            elif index["origin"] == "c":
                shown = tuple(column + (" DESC" if desc else "") for column, desc in columns)
                table.indexes[str(index["name"])] = (shown, bool(index["partial"]))
        references: dict[int, list[dict]] = {}
        for fk in await db.fetch_all(f"PRAGMA foreign_key_list({name})"):
            references.setdefault(int(fk["id"]), []).append(dict(fk))
        for parts in references.values():
            parts.sort(key=lambda part: int(part["seq"]))
            table.foreign_keys.add(
                (
                    tuple(str(part["from"]) for part in parts),
                    str(parts[0]["table"]),
                    tuple(str(part["to"]) for part in parts),
                    str(parts[0]["on_delete"]),
                )
            )
    return schema


# ---------------------------------------------------------------- PostgreSQL
async def postgresql_schema(db: Database) -> dict[str, Table]:
    names = await db.fetch_all(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        " AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations'"
    )
    schema = {str(row["table_name"]): Table() for row in names}
    schema = dict(sorted(schema.items()))
    columns = await db.fetch_all(
        "SELECT table_name, column_name, data_type, is_nullable, column_default"
        " FROM information_schema.columns WHERE table_schema = 'public'"
        " ORDER BY table_name, ordinal_position"
    )
    for c in columns:
        table = schema.get(str(c["table_name"]))
        if table is None:
            continue
        name = str(c["column_name"])
        table.columns.append(Column(name, _type(str(c["data_type"])), c["is_nullable"] == "NO"))
        if c["column_default"] is not None:
            table.defaults[name] = _default(str(c["column_default"]))
    constraints = await db.fetch_all(
        "SELECT c.conname, c.contype::text AS contype, t.relname AS table_name,"
        " r.relname AS referenced,"
        " c.confdeltype::text AS confdeltype,"
        " ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY AS k(n, i)"
        "  JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n"
        "  ORDER BY k.i) AS columns,"
        " ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY AS k(n, i)"
        "  JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n"
        "  ORDER BY k.i) AS referenced_columns"
        " FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid"
        " JOIN pg_namespace n ON n.oid = t.relnamespace"
        " LEFT JOIN pg_class r ON r.oid = c.confrelid"
        " WHERE n.nspname = 'public' AND c.contype IN ('p', 'u', 'f')"
    )
    backing: set[str] = set()
    for c in constraints:
        table = schema.get(str(c["table_name"]))
        if table is None:
            continue
        kind, key = str(c["contype"]), tuple(c["columns"])
        if kind == "p":
            table.primary_key = key
        elif kind == "u":
            table.unique.add(key)
        else:
            table.foreign_keys.add(
                (
                    key,
                    str(c["referenced"]),
                    tuple(c["referenced_columns"]),
                    _ON_DELETE[str(c["confdeltype"])],
                )
            )
        if kind in "pu":
            backing.add(str(c["conname"]))  # the index behind it is the constraint's
    for index in await db.fetch_all(
        "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'"
    ):
        table = schema.get(str(index["tablename"]))
        if table is None or index["indexname"] in backing:
            continue
        definition = str(index["indexdef"])
        inside = re.search(r"USING \w+ \((.*?)\)(?: WHERE |$)", definition)
        assert inside is not None, definition
        shown = tuple(part.strip() for part in inside.group(1).split(","))
        table.indexes[str(index["indexname"])] = (shown, " WHERE " in definition)
    return schema


# ---------------------------------------------------------------- the test
async def test_both_back_ends_migrate_to_the_same_schema(
    tmp_path: Path, postgres_admin_url: str
) -> None:
    sqlite = await open_database(tmp_path / "parity.db")
    postgresql = await open_database(await create_postgres_database(postgres_admin_url))
    try:
        await sqlite.migrate()
        await postgresql.migrate()
        on_sqlite, on_postgresql = await sqlite_schema(sqlite), await postgresql_schema(postgresql)
    finally:
        await sqlite.close()
        await postgresql.close()

    assert list(on_sqlite) == list(on_postgresql), "tables"
    for name, mine in on_sqlite.items():
        theirs = on_postgresql[name]
        assert mine.columns == theirs.columns, f"{name}: columns"
        both = mine.defaults.keys() & theirs.defaults.keys()
        assert {c: mine.defaults[c] for c in both} == {c: theirs.defaults[c] for c in both}, (
            f"{name}: defaults"
        )
        assert mine.primary_key == theirs.primary_key, f"{name}: primary key"
        assert mine.unique == theirs.unique, f"{name}: unique constraints"
        assert mine.foreign_keys == theirs.foreign_keys, f"{name}: foreign keys"
        assert mine.indexes == theirs.indexes, f"{name}: indexes"
    # The comparison saw the whole schema, not two empty readings.
    assert set(on_sqlite) == {
        "app_state",
        "chat_cooldowns",
        "server_members",
        "profiles",
        "guild_settings",
        "pace_answers",
        "splits",
        "submissions",
        "training_groups",
        "workouts",
    }
    assert on_sqlite["workouts"].indexes == {"workouts_unposted": (("local_date",), True)}
    assert on_sqlite["pace_answers"].indexes["pace_answers_by_user"][0] == (
        "user_id",
        "created_at DESC",
        "id DESC",
    )
    assert (("submission_id",), "submissions", ("id",), "CASCADE") in on_sqlite[
        "splits"
    ].foreign_keys
    assert on_sqlite["guild_settings"].defaults == {"post_time": "'06:00'", "timezone": "'UTC'"}
