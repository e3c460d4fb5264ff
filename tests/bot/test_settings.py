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
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env from the developer's checkout


def test_defaults_and_secret_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", GOOD_TOKEN)
    settings = load_settings(Settings)
    assert settings.token == GOOD_TOKEN
    assert settings.database_path == Path("data/trackside.db")
    assert settings.dev_guild_id is None
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
