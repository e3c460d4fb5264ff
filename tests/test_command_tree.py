"""The command tree as Discord will receive it: names and options are part of
the product contract (PRODUCT.md), every command has a help example, no two
commands share a name."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings
from bot.core import EXTENSIONS, Trackside
from cogs.meta import command_examples
from db import open_database

TOKEN = "MTAxMjM0NTY3ODkwMTIzNDU2Nzg.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789AB"

# Option names in order, "?" marking optional ones: the contract.
CONTRACT = {
    "pace convert": ["time", "distance"],
    "pace laps": ["time", "distance", "lap?"],
    "pace predict": ["time", "distance", "target?", "sex?"],
    "pace vdot": ["time", "distance"],
    "pace history": [],
    "help": [],
    "wod post": ["workout", "date?", "title?", "recovery?", "notes?"],
    "wod today": [],
    "wod show": ["date"],
    "wod list": ["days?"],
    "wod delete": ["date"],
    "splits submit": ["splits", "date?", "note?"],
    "splits mine": ["limit?"],
    "splits board": ["date?"],
    "splits delete": ["date?", "athlete?"],
    "splits chart": ["date?", "athlete?"],
    "splits export": ["since?", "until?"],
    "config channel": ["channel"],
    "config post-time": ["time"],
    "config timezone": ["timezone"],
    "config coach-role": ["role"],
    "config show": [],
}


@pytest.fixture
async def tree_bot(tmp_path: Path):
    database = await open_database(tmp_path / "t.db")
    await database.migrate()
    bot = Trackside(settings=Settings(_env_file=None, discord_token=TOKEN), database=database)
    async with bot:  # initialised as for a start, without logging in
        for extension in EXTENSIONS:
            await bot.load_extension(extension)
        yield bot
    await database.close()


def _flatten(payloads: list[dict], prefix: str = "") -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for payload in payloads:
        name = f"{prefix}{payload['name']}"
        options = payload.get("options", [])
        if options and all(option["type"] in (1, 2) for option in options):
            found.update(_flatten(options, f"{name} "))
        else:
            found[name] = options
    return found


async def test_command_names_and_options_match_the_contract(tree_bot: Trackside) -> None:
    payload = [command.to_dict(tree_bot.tree) for command in tree_bot.tree.get_commands()]
    commands = _flatten(payload)
    for name, expected in CONTRACT.items():
        assert name in commands, f"/{name} missing"
        got = [o["name"] + ("" if o.get("required") else "?") for o in commands[name]]
        assert got == expected, f"/{name} options"


async def test_pace_and_help_work_in_dms(tree_bot: Trackside) -> None:
    for command in tree_bot.tree.get_commands():
        if command.name in {"pace", "help"}:
            payload = command.to_dict(tree_bot.tree)
            assert set(payload["contexts"]) == {0, 1, 2}, command.name


async def test_every_command_has_an_example_and_names_are_unique(tree_bot: Trackside) -> None:
    examples = command_examples(tree_bot.tree)
    names = [name for name, _, _ in examples]
    assert len(names) == len(set(names))
    for name, description, example in examples:
        assert description, name
        assert example.startswith(f"`/{name}"), (name, example)


async def test_tree_hash_is_stable_and_changes_with_the_tree(tree_bot: Trackside) -> None:
    first = tree_bot.command_tree_hash()
    assert first == tree_bot.command_tree_hash()
    tree_bot.tree.remove_command("help")
    assert tree_bot.command_tree_hash() != first
