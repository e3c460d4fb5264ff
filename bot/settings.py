"""Typed settings read from the environment or ``.env``.

Validation happens once at start-up; :class:`ConfigError` carries a single line
a person can act on, and ``python -m bot`` prints it instead of a traceback.
The token is a ``SecretStr`` so it never appears in a repr or a log line.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Annotated, Literal, TypeVar

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from pydantic_settings.exceptions import SettingsError

# Bot tokens are three dot-separated base64url parts (user id, timestamp, HMAC).
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{18,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}$")
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


_SHARD_COUNT_SHAPE = "SHARD_COUNT must be a whole number of shards (1 or more) or auto"
_PORT_SHAPE = "HEALTH_PORT must be a port number, 0 to 65535 (0: any free port), or unset"


class ConfigError(Exception):
    """A configuration problem, explained in one line."""


class StorageSettings(BaseSettings):
    """What the database command line needs: no token required."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_path: Path = Path("data/trackside.db")
    # postgresql://user:password@host:port/name selects PostgreSQL; unset, SQLite.
    database_url: SecretStr | None = None
    database_pool_size: int = Field(default=10, ge=1, le=1000)

    @field_validator("database_url", mode="before")
    @classmethod
    def _postgresql_url(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None  # `.env.example` lists it empty
        if isinstance(value, str) and not value.startswith(("postgresql://", "postgres://")):
            raise ValueError("DATABASE_URL must be a postgresql:// URL (unset it for SQLite)")
        return value

    @property
    def database(self) -> str | Path:
        """What ``db.open_database`` opens: the PostgreSQL URL, else the SQLite file."""
        return self.database_url.get_secret_value() if self.database_url else self.database_path

    @property
    def database_shown(self) -> str:
        """The database for messages and logs: a URL without its password."""
        if self.database_url is None:
            return str(self.database_path)
        return re.sub(r"//([^:/@]+):[^@/]*@", r"//\1:***@", self.database_url.get_secret_value())


class Settings(StorageSettings):
    """Everything the running bot needs."""

    discord_token: SecretStr
    dev_guild_id: int | None = None
    discord_api_url: str | None = None
    discord_gateway_url: str | None = None
    log_level: str = "INFO"
    # "text" (readable) or "json" (one object per line, for a log collector).
    log_format: Literal["text", "json"] = "text"
    # GET /healthz and /metrics (bot.health): unset, no server; 0 picks a free port.
    health_port: int | None = None
    health_host: str = "127.0.0.1"
    # Who may force a command sync (comma-separated ids); unset: the application owner.
    owner_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    # Discord shards: how many in all (an integer, or "auto": Discord's
    # recommendation, one process running them all), and which this process
    # runs ("0-3" or "0,1,2,3"; unset: all of them).
    shard_count: Annotated[int | Literal["auto"], NoDecode] = 1
    shard_ids: Annotated[list[int] | None, NoDecode] = None
    # Seconds between two IDENTIFYs in one max_concurrency bucket, across every
    # process: Discord's 5; 0 behind a gateway proxy that paces them itself
    # (and on the loopback Discord, which does not enforce it unless told to).
    identify_interval: float = Field(default=5.0, ge=0, le=60)
    # Requests a second the scheduler's posts may make, for the whole bot (each
    # process takes its shards' share): under Discord's global limit of 50,
    # leaving room for everything else; 0 turns pacing off (bot.pacing).
    post_rate: float = Field(default=45.0, ge=0, le=1000)

    @field_validator("dev_guild_id", "discord_api_url", "discord_gateway_url", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        # `.env.example` lists optional keys with empty values.
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("shard_count", mode="before")
    @classmethod
    def _shard_count(cls, value: object) -> object:
        if isinstance(value, str):
            text = value.strip().lower()
            if text == "auto":
                return "auto"
            if not text.isdigit():
                raise ValueError(_SHARD_COUNT_SHAPE)
            value = int(text)
        # Given in code (the loopback harness passes integers) as from the environment.
        if isinstance(value, int) and value < 1:
            raise ValueError(_SHARD_COUNT_SHAPE)
        return value

    @field_validator("shard_ids", mode="before")
    @classmethod
    def _shard_list(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        text = value.strip()
        if not text:
            return None
        ids: list[int] = []
        for part in text.split(","):
            first, dash, last = part.strip().partition("-")
            if not first.isdigit() or (dash and not last.isdigit()):
                raise ValueError(f"SHARD_IDS reads like 0-3 or 0,1,2,3, not {text!r}")
            low, high = int(first), int(last) if dash else int(first)
            if high < low:
                raise ValueError(f"SHARD_IDS: the range {part.strip()} runs backwards")
            ids.extend(range(low, high + 1))
        return ids

    @field_validator("shard_ids")
    @classmethod
    def _distinct_shards(cls, ids: list[int] | None) -> list[int] | None:
        # After parsing, for a list given in code too: the checks below and
        # every user of shard_ids (SQLite's "every shard", the launch order)
        # rely on distinct shards in increasing order.
        if not ids:
            return None
        if min(ids) < 0:
            raise ValueError(f"SHARD_IDS names shard {min(ids)}, but shards are numbered from 0")
        if len(set(ids)) != len(ids):
            raise ValueError("SHARD_IDS names a shard twice")
        return sorted(ids)

    @model_validator(mode="after")
    def _shards_agree(self) -> Settings:
        if self.shard_ids is None:
            return self
        if "shard_count" not in self.model_fields_set:
            raise ValueError("SHARD_IDS needs SHARD_COUNT (how many shards in all)")
        if self.shard_count == "auto":
            raise ValueError("SHARD_COUNT=auto works only without SHARD_IDS (one process)")
        beyond = [shard for shard in self.shard_ids if shard >= self.shard_count]
        if beyond:
            raise ValueError(
                f"SHARD_IDS names shard {beyond[0]}, but SHARD_COUNT={self.shard_count} "
                f"numbers them 0 to {self.shard_count - 1}"
            )
        return self

    @property
    def runs_every_shard(self) -> bool:
        """This process runs all shards (the only way SQLite is allowed)."""
        return self.shard_ids is None or (
            self.shard_count != "auto" and self.shard_ids == list(range(self.shard_count))
        )

    @field_validator("owner_ids", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("discord_token")
    @classmethod
    def _token_shape(cls, value: SecretStr) -> SecretStr:
        token = value.get_secret_value().strip()
        if token.lower().startswith("bot "):
            token = token[4:].strip()
        if not token:
            raise ValueError("DISCORD_TOKEN is empty")
        if not _TOKEN_SHAPE.match(token):
            raise ValueError("DISCORD_TOKEN is malformed")
        return SecretStr(token)

    @field_validator("discord_api_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("DISCORD_API_URL must be an http(s) URL")
        return value.rstrip("/") if value else value

    @field_validator("discord_gateway_url")
    @classmethod
    def _ws_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^wss?://[^\s/]+", value):
            raise ValueError("DISCORD_GATEWAY_URL must be a ws(s) URL")
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in _LOG_LEVELS:
            raise ValueError(f"LOG_LEVEL must be one of {', '.join(_LOG_LEVELS)}")
        return level

    @field_validator("log_format", mode="before")
    @classmethod
    def _known_format(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        text = value.strip().lower() or "text"
        if text not in ("text", "json"):
            raise ValueError("LOG_FORMAT must be text or json")
        return text

    @field_validator("health_port", mode="before")
    @classmethod
    def _port(cls, value: object) -> object:
        if isinstance(value, str):
            text = value.strip()
            if not text:
                return None  # `.env.example` lists it empty: no health server
            if not text.isdigit():
                raise ValueError(_PORT_SHAPE)
            value = int(text)
        if isinstance(value, int) and not 0 <= value <= 65535:
            raise ValueError(_PORT_SHAPE)
        return value

    @field_validator("health_host", mode="before")
    @classmethod
    def _default_host(cls, value: object) -> object:
        # Blank in `.env.example`: only this machine may ask.
        return "127.0.0.1" if isinstance(value, str) and not value.strip() else value

    @property
    def token(self) -> str:
        return self.discord_token.get_secret_value()

    @property
    def log_level_number(self) -> int:
        return logging.getLevelName(self.log_level)


_S = TypeVar("_S", bound=StorageSettings)

_FRIENDLY = {
    "DISCORD_TOKEN is empty": (
        "DISCORD_TOKEN is empty: paste your bot's token into .env (see .env.example)."
    ),
    "DISCORD_TOKEN is malformed": (
        "DISCORD_TOKEN does not look like a bot token (three dot-separated parts); copy it "
        "again from the Developer Portal, Bot page, Reset Token."
    ),
}


def load_settings(kind: type[_S] = Settings, **overrides: object) -> _S:  # type: ignore[assignment]
    """Read and validate settings, raising :class:`ConfigError` with one line."""
    try:
        return kind(**overrides)
    except SettingsError as exc:
        raise ConfigError(f"configuration could not be read: {exc}") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]).upper() or "settings"
        if first["type"] == "missing":
            raise ConfigError(
                f"{field} is not set: put it in .env or the environment (see .env.example)."
            ) from None
        if first["type"].startswith("int_"):
            raise ConfigError(f"{field} must be a whole number (a Discord id).") from None
        message = str(first.get("ctx", {}).get("error", first["msg"]))
        message = message.removeprefix("Value error, ")
        # A check across fields (loc empty) names its fields itself.
        if first["loc"] and not message.startswith(field):
            message = f"{field}: {message}"
        raise ConfigError(_FRIENDLY.get(message, message)) from None
