"""The command tree as Discord will receive it: names and options are part of
the product contract, every command has a help example, no two
commands share a name."""

from __future__ import annotations

from bot.app import Trackside
from cogs.help._cog import command_examples

# Option names in order, "?" marking optional ones: the contract.
CONTRACT = {
    "pace convert": ["time", "distance"],
    "pace laps": ["time", "distance", "lap?"],
    "pace predict": ["time", "distance", "target?", "sex?"],
    "pace vdot": ["time", "distance"],
    "pace score": ["time", "event", "sex?", "indoor?"],
    "pace agegrade": ["time", "distance", "age?", "sex?", "venue?"],
    "pace history": [],
    "help": [],
    "profile set": ["race_time?", "race_distance?", "race_date?", "birth_year?", "sex?", "units?"],
    "profile show": [],
    "profile delete": [],
    "ask": ["question"],
    "wod post": ["workout", "date?", "title?", "recovery?", "notes?", "group?", "session?"],
    "wod today": [],
    "wod show": ["date"],
    "wod list": ["days?"],
    "wod delete": ["date", "group?", "session?"],
    "splits submit": ["splits", "date?", "note?", "workout?"],
    "splits import": ["file", "date?", "workout?"],
    "splits mine": ["limit?"],
    "splits board": ["date?", "workout?"],
    "splits delete": ["date?", "athlete?", "workout?"],
    "splits chart": ["date?", "athlete?", "workout?"],
    "splits export": ["since?", "until?"],
    "config channel": ["channel"],
    "config post-time": ["time"],
    "config timezone": ["timezone"],
    "config coach-role": ["role"],
    "config show": [],
    "config group add": ["name", "role?", "channel?", "ping?"],
    "config group remove": ["name"],
}


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


async def test_command_names_and_options_match_the_contract(loaded_bot: Trackside) -> None:
    payload = [command.to_dict(loaded_bot.tree) for command in loaded_bot.tree.get_commands()]
    commands = _flatten(payload)
    for name, expected in CONTRACT.items():
        assert name in commands, f"/{name} missing"
        got = [o["name"] + ("" if o.get("required") else "?") for o in commands[name]]
        assert got == expected, f"/{name} options"


async def test_pace_and_help_work_in_dms(loaded_bot: Trackside) -> None:
    for command in loaded_bot.tree.get_commands():
        if command.name in {"pace", "help"}:
            payload = command.to_dict(loaded_bot.tree)
            assert set(payload["contexts"]) == {0, 1, 2}, command.name


async def test_every_command_has_an_example_and_names_are_unique(loaded_bot: Trackside) -> None:
    examples = command_examples(loaded_bot.tree)
    names = [name for name, _, _ in examples]
    assert len(names) == len(set(names))
    for name, description, example in examples:
        assert description, name
        assert example.startswith(f"`/{name}"), (name, example)


async def test_tree_hash_is_stable_and_changes_with_the_tree(loaded_bot: Trackside) -> None:
    first = loaded_bot.command_tree_hash()
    assert first == loaded_bot.command_tree_hash()
    loaded_bot.tree.remove_command("help")
    assert loaded_bot.command_tree_hash() != first
