"""Settings: validated once, explained in one line, token never shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import ConfigError, Settings, StorageSettings, load_settings

GOOD_TOKEN = "MTAxMjM0NTY3ODkwMTIzNDU2Nzg.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789AB"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in (
        "DISCORD_TOKEN",
        "DATABASE_PATH",
        "DEV_GUILD_ID",
        "DISCORD_API_URL",
        "DISCORD_GATEWAY_URL",
        "LOG_LEVEL",
        "OWNER_IDS",
        "SHARD_COUNT",
        "SHARD_IDS",
        "IDENTIFY_INTERVAL",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env from the developer's checkout


def test_defaults_and_secret_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", GOOD_TOKEN)
    settings = load_settings(Settings)
    assert settings.token == GOOD_TOKEN
    assert settings.database_path == Path("data/trackside.db")
    assert settings.dev_guild_id is None
    assert settings.identify_interval == 5.0  # Discord's window per bucket
    assert GOOD_TOKEN not in repr(settings)
    assert GOOD_TOKEN not in str(settings.model_dump())


def test_reads_dot_env_with_blank_optional_values(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        f"DISCORD_TOKEN={GOOD_TOKEN}\nDEV_GUILD_ID=\nDISCORD_API_URL=\nLOG_LEVEL=debug\n"
        "OWNER_IDS=1, 2\nDATABASE_PATH=x/y.db\n"
    )
    settings = load_settings(Settings)
    assert settings.dev_guild_id is None
    assert settings.log_level == "DEBUG"
    assert settings.owner_ids == [1, 2]
    assert settings.database_path == Path("x/y.db")


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "DISCORD_TOKEN is not set"),
        ({"DISCORD_TOKEN": "  "}, "DISCORD_TOKEN is empty"),
        ({"DISCORD_TOKEN": "not-a-token"}, "does not look like a bot token"),
        ({"DISCORD_TOKEN": GOOD_TOKEN, "DEV_GUILD_ID": "abc"}, "DEV_GUILD_ID must be a whole"),
        ({"DISCORD_TOKEN": GOOD_TOKEN, "DISCORD_API_URL": "ftp://x"}, "http(s) URL"),
        ({"DISCORD_TOKEN": GOOD_TOKEN, "DISCORD_GATEWAY_URL": "http://x"}, "ws(s) URL"),
        ({"DISCORD_TOKEN": GOOD_TOKEN, "LOG_LEVEL": "loud"}, "LOG_LEVEL must be one of"),
        (
            {"DISCORD_TOKEN": GOOD_TOKEN, "IDENTIFY_INTERVAL": "-1"},
            "IDENTIFY_INTERVAL: Input should be greater than or equal to 0",
        ),
        (
            {"DISCORD_TOKEN": GOOD_TOKEN, "IDENTIFY_INTERVAL": "61"},
            "IDENTIFY_INTERVAL: Input should be less than or equal to 60",
        ),
    ],
)
def test_bad_settings_give_one_clear_line(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], expected: str
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as caught:
        load_settings(Settings)
    message = str(caught.value)
    assert expected in message
    assert "\n" not in message
    assert GOOD_TOKEN not in message


def test_storage_settings_need_no_token() -> None:
    assert load_settings(StorageSettings).database_path == Path("data/trackside.db")


# ---------------------------------------------------------------- shards
@pytest.mark.parametrize(
    ("env", "count", "ids", "every"),
    [
        ({}, 1, None, True),
        ({"SHARD_COUNT": "4"}, 4, None, True),
        ({"SHARD_COUNT": " AUTO "}, "auto", None, True),
        ({"SHARD_COUNT": "12", "SHARD_IDS": "0-3,8"}, 12, [0, 1, 2, 3, 8], False),
        ({"SHARD_COUNT": "12", "SHARD_IDS": " 2, 0 ,1 "}, 12, [0, 1, 2], False),
        ({"SHARD_COUNT": "12", "SHARD_IDS": "11"}, 12, [11], False),
        ({"SHARD_COUNT": "12", "SHARD_IDS": "4-4,9-10"}, 12, [4, 9, 10], False),
        # Naming every shard is running every shard (SQLite allows it).
        ({"SHARD_COUNT": "4", "SHARD_IDS": "0-3"}, 4, [0, 1, 2, 3], True),
        ({"SHARD_COUNT": "4", "SHARD_IDS": "3,0-2"}, 4, [0, 1, 2, 3], True),
        # Blank, as .env.example lists optional keys: unset (all shards).
        ({"SHARD_COUNT": "4", "SHARD_IDS": ""}, 4, None, True),
        ({"SHARD_IDS": "   "}, 1, None, True),
    ],
)
def test_shard_settings_accepted(
    monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str],
    count: int | str,
    ids: list[int] | None,
    every: bool,
) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", GOOD_TOKEN)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = load_settings(Settings)
    assert settings.shard_count == count
    assert settings.shard_ids == ids
    assert settings.runs_every_shard is every


COUNT_SHAPE = "SHARD_COUNT must be a whole number of shards (1 or more) or auto"


def _unreadable(text: str) -> str:
    return f"SHARD_IDS reads like 0-3 or 0,1,2,3, not {text!r}"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"SHARD_COUNT": "0"}, COUNT_SHAPE),
        ({"SHARD_COUNT": "-1"}, COUNT_SHAPE),
        ({"SHARD_COUNT": "two"}, COUNT_SHAPE),
        ({"SHARD_COUNT": "1.5"}, COUNT_SHAPE),
        ({"SHARD_COUNT": ""}, COUNT_SHAPE),
        ({"SHARD_IDS": "0-1"}, "SHARD_IDS needs SHARD_COUNT (how many shards in all)"),
        (
            {"SHARD_COUNT": "auto", "SHARD_IDS": "0-1"},
            "SHARD_COUNT=auto works only without SHARD_IDS (one process)",
        ),
        (
            {"SHARD_COUNT": "4", "SHARD_IDS": "0-4"},
            "SHARD_IDS names shard 4, but SHARD_COUNT=4 numbers them 0 to 3",
        ),
        (
            {"SHARD_COUNT": "12", "SHARD_IDS": "0-3,8,12"},
            "SHARD_IDS names shard 12, but SHARD_COUNT=12 numbers them 0 to 11",
        ),
        ({"SHARD_COUNT": "4", "SHARD_IDS": "3-1"}, "SHARD_IDS: the range 3-1 runs backwards"),
        ({"SHARD_COUNT": "4", "SHARD_IDS": "0-2,2"}, "SHARD_IDS names a shard twice"),
        ({"SHARD_COUNT": "4", "SHARD_IDS": "1,1"}, "SHARD_IDS names a shard twice"),
        ({"SHARD_COUNT": "4", "SHARD_IDS": "0,,1"}, _unreadable("0,,1")),
        ({"SHARD_COUNT": "4", "SHARD_IDS": "0,1,"}, _unreadable("0,1,")),
        ({"SHARD_COUNT": "4", "SHARD_IDS": "a"}, _unreadable("a")),
        ({"SHARD_COUNT": "4", "SHARD_IDS": "-1"}, _unreadable("-1")),
        ({"SHARD_COUNT": "4", "SHARD_IDS": "1-"}, _unreadable("1-")),
        ({"SHARD_COUNT": "4", "SHARD_IDS": "0-1-2"}, _unreadable("0-1-2")),
    ],
)
def test_bad_shard_settings_give_their_line(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], expected: str
) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", GOOD_TOKEN)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as caught:
        load_settings(Settings)
    assert str(caught.value) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"shard_count": 0}, COUNT_SHAPE),
        ({"shard_count": -3}, COUNT_SHAPE),
        ({"shard_count": 2, "shard_ids": [0, 0]}, "SHARD_IDS names a shard twice"),
        (
            {"shard_count": 2, "shard_ids": [-1]},
            "SHARD_IDS names shard -1, but shards are numbered from 0",
        ),
        (
            {"shard_count": 2, "shard_ids": [5]},
            "SHARD_IDS names shard 5, but SHARD_COUNT=2 numbers them 0 to 1",
        ),
    ],
)
def test_shard_values_given_in_code_are_checked_alike(
    given: dict[str, object], expected: str
) -> None:
    """The loopback harness passes settings as Python values, not text."""
    with pytest.raises(ConfigError) as caught:
        load_settings(Settings, _env_file=None, discord_token=GOOD_TOKEN, **given)
    assert str(caught.value) == expected


def test_shards_given_in_code_come_out_in_order() -> None:
    settings = load_settings(
        Settings, _env_file=None, discord_token=GOOD_TOKEN, shard_count=4, shard_ids=[3, 1, 0, 2]
    )
    assert settings.shard_ids == [0, 1, 2, 3]
    assert settings.runs_every_shard
    unset = load_settings(
        Settings, _env_file=None, discord_token=GOOD_TOKEN, shard_count=4, shard_ids=[]
    )
    assert unset.shard_ids is None
