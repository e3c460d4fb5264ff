"""Discord's payload limits and permission resolution as the fake enforces them."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loopback import (
    ADMINISTRATOR,
    ATTACH_FILES,
    EMBED_LINKS,
    MANAGE_GUILD,
    SEND_MESSAGES,
    VIEW_CHANNEL,
    FakeDiscord,
)
from loopback.limits import (
    FormErrors,
    validate_choices,
    validate_commands,
    validate_message,
    validate_modal,
)


def message_errors(data: dict[str, Any], files: int = 0) -> dict[str, Any]:
    errors = FormErrors()
    validate_message(data, errors, file_count=files)
    return errors.tree()


def modal_errors(data: dict[str, Any]) -> dict[str, Any]:
    errors = FormErrors()
    validate_modal(data, errors, ("data",))
    return errors.tree().get("data", {})


def error_codes(tree: dict[str, Any]) -> list[str]:
    codes = [e["code"] for e in tree.get("_errors", [])]
    for key, child in tree.items():
        if key != "_errors":
            codes += error_codes(child)
    return codes


@given(st.integers(min_value=0, max_value=2100))
def test_content_limit(length: int) -> None:
    tree = message_errors({"content": "x" * length})
    assert bool(tree) == (length > 2000)


@pytest.mark.parametrize(
    ("embed", "path"),
    [
        ({"title": "t" * 257}, ["embeds", "0", "title"]),
        ({"description": "d" * 4097}, ["embeds", "0", "description"]),
        ({"fields": [{"name": "n", "value": "v"}] * 26}, ["embeds", "0", "fields"]),
        ({"fields": [{"name": "n" * 257, "value": "v"}]}, ["embeds", "0", "fields", "0", "name"]),
        ({"fields": [{"name": "n", "value": "v" * 1025}]}, ["embeds", "0", "fields", "0", "value"]),
        ({"fields": [{"name": "n", "value": ""}]}, ["embeds", "0", "fields", "0", "value"]),
        ({"footer": {"text": "f" * 2049}}, ["embeds", "0", "footer", "text"]),
        ({"author": {"name": "a" * 257}}, ["embeds", "0", "author", "name"]),
    ],
)
def test_embed_field_limits(embed: dict[str, Any], path: list[str]) -> None:
    node = message_errors({"embeds": [embed]})
    for part in path:
        node = node[part]
    assert node["_errors"]


def test_embed_count_and_total_size() -> None:
    assert error_codes(message_errors({"embeds": [{"title": "x"}] * 11})) == [
        "BASE_TYPE_MAX_LENGTH"
    ]
    big = [{"description": "d" * 4000}, {"description": "d" * 2001}]
    assert error_codes(message_errors({"embeds": big})) == ["MAX_EMBED_SIZE_EXCEEDED"]
    assert message_errors({"embeds": [{"description": "d" * 4000}, {"title": "t" * 256}]}) == {}


def button(custom_id: str, label: str = "Go") -> dict[str, Any]:
    return {"type": 2, "style": 1, "custom_id": custom_id, "label": label}


def test_component_limits() -> None:
    rows = [{"type": 1, "components": [button(str(i))]} for i in range(6)]
    assert message_errors({"content": "x", "components": rows[:5]}) == {}
    assert error_codes(message_errors({"content": "x", "components": rows})) == [
        "BASE_TYPE_MAX_LENGTH"
    ]
    wide = {"type": 1, "components": [button(str(i)) for i in range(6)]}
    assert message_errors({"components": [wide]})["components"]["0"]["components"]
    long_id = message_errors({"components": [{"type": 1, "components": [button("i" * 101)]}]})
    assert long_id["components"]["0"]["components"]["0"]["custom_id"]
    long_label = message_errors(
        {"components": [{"type": 1, "components": [button("a", "l" * 81)]}]}
    )
    assert long_label["components"]["0"]["components"]["0"]["label"]
    duplicated = message_errors({"components": [{"type": 1, "components": [button("a")] * 2}]})
    assert "COMPONENT_CUSTOM_ID_DUPLICATED" in error_codes(duplicated)
    select = {"type": 3, "custom_id": "s", "options": [{"label": "a", "value": "a"}]}
    crowded = message_errors({"components": [{"type": 1, "components": [select, button("b")]}]})
    assert "COMPONENT_LAYOUT_WIDTH_EXCEEDED" in error_codes(crowded)
    bare = message_errors({"components": [button("a")]})
    assert "UNION_TYPE_CHOICES" in error_codes(bare)


def text_input(**overrides: Any) -> dict[str, Any]:
    return {"type": 4, "custom_id": "time", "style": 1, "label": "Time", **overrides}


def modal(*inputs: dict[str, Any], title: str = "Log") -> dict[str, Any]:
    rows = [{"type": 1, "components": [i]} for i in inputs]
    return {"custom_id": "m", "title": title, "components": rows}


def test_modal_limits() -> None:
    assert modal_errors(modal(text_input())) == {}
    assert modal_errors(modal(text_input(), title="t" * 46))["title"]
    assert modal_errors(modal(*[text_input(custom_id=str(i)) for i in range(6)]))["components"]
    row = modal_errors(modal(text_input(label="l" * 46)))["components"]["0"]["components"]["0"]
    assert row["label"]
    assert error_codes(modal_errors(modal(text_input(placeholder="p" * 101))))
    assert error_codes(modal_errors(modal(text_input(value="v" * 4001))))
    assert error_codes(modal_errors(modal(text_input(min_length=10, max_length=5))))
    assert error_codes(modal_errors(modal(text_input(max_length=5, value="123456"))))
    labelled = {
        "custom_id": "m",
        "title": "Log",
        "components": [{"type": 18, "label": "Time", "component": text_input(label=None)}],
    }
    assert modal_errors(labelled) == {}


def test_autocomplete_choice_limits() -> None:
    errors = FormErrors()
    validate_choices({"choices": [{"name": "a", "value": "a"}] * 26}, errors, ("data",))
    assert errors
    errors = FormErrors()
    validate_choices({"choices": [{"name": "", "value": "a" * 101}]}, errors, ("data",))
    assert error_codes(errors.tree()) == ["BASE_TYPE_BAD_LENGTH", "BASE_TYPE_MAX_LENGTH"]


def test_command_definition_rules() -> None:
    def check(commands: list[dict[str, Any]]) -> list[str]:
        errors = FormErrors()
        validate_commands(commands, errors)
        return error_codes(errors.tree())

    ok = {"name": "pace", "description": "Pace tools", "options": []}
    assert check([ok]) == []
    assert check([{**ok, "name": "Pace"}]) == ["APPLICATION_COMMAND_INVALID_NAME"]
    assert check([{**ok, "description": ""}]) == ["BASE_TYPE_BAD_LENGTH"]
    assert check([ok, ok]) == ["APPLICATION_COMMANDS_DUPLICATE_NAME"]
    options = [
        {"name": "a", "description": "a", "type": 3},
        {"name": "b", "description": "b", "type": 3, "required": True},
    ]
    assert check([{**ok, "options": options}]) == ["APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID"]
    many = [{"name": f"o{i}", "description": "d", "type": 3} for i in range(26)]
    assert check([{**ok, "options": many}]) == ["BASE_TYPE_MAX_LENGTH"]


def test_permission_resolution() -> None:
    fake = FakeDiscord()
    guild = fake.create_guild("Club")
    channel = fake.create_channel(guild, "results")
    coach_role = fake.create_role(guild, "Coach", permissions=MANAGE_GUILD)
    coach = fake.create_member(guild, "Kim", roles=[coach_role])
    athlete = fake.create_member(guild, "Ana")
    admin = fake.create_member(guild, "Root", permissions=ADMINISTRATOR)
    bot = fake.bot_user

    assert fake.permissions_for(bot, channel) & SEND_MESSAGES
    assert fake.guild_permissions(coach) & MANAGE_GUILD
    assert not fake.guild_permissions(athlete) & MANAGE_GUILD

    fake.set_overwrite(channel, guild, deny=VIEW_CHANNEL)  # @everyone cannot see
    fake.set_overwrite(channel, coach_role, allow=VIEW_CHANNEL)
    assert fake.permissions_for(athlete, channel) == 0
    assert fake.permissions_for(coach, channel) & VIEW_CHANNEL
    assert fake.permissions_for(admin, channel) & VIEW_CHANNEL  # admin bypasses overwrites
    owner = guild.members[guild.owner_id]
    assert fake.permissions_for(owner, channel) & VIEW_CHANNEL

    fake.set_overwrite(channel, guild)
    fake.set_overwrite(channel, bot, deny=SEND_MESSAGES)
    perms = fake.permissions_for(bot, channel)
    assert perms & VIEW_CHANNEL
    assert not perms & (SEND_MESSAGES | EMBED_LINKS | ATTACH_FILES)  # implicit denial
