"""Settings from the environment and `.env`, through one `get_settings()` factory."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.core.i18n import N_

Language = Literal["vi", "en"]

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./chibo.db"
_TELEGRAM_TOKEN = re.compile(r"\d{5,}:[A-Za-z0-9_-]{30,}")
_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{16,256}")
_ZALO_TOKEN = re.compile(r"[A-Za-z0-9]+:[A-Za-z0-9_.-]{8,}")
_ZALO_SECRET = re.compile(r"[A-Za-z0-9_-]{8,256}")


def async_database_url(url: str) -> str:
    """Return `url` with the async driver SQLAlchemy needs (`postgresql://` -> asyncpg)."""
    for plain, driver in (
        ("postgresql://", "postgresql+asyncpg://"),
        ("postgres://", "postgresql+asyncpg://"),
        ("postgresql+psycopg2://", "postgresql+asyncpg://"),
        ("sqlite://", "sqlite+aiosqlite://"),
    ):
        if url.startswith(plain):
            return driver + url[len(plain) :]
    return url


class Settings(BaseSettings):
    """Every setting chibo reads; `.env.example` documents each key."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    timezone: str = "Asia/Ho_Chi_Minh"
    language: Language = "vi"
    log_level: str = "INFO"
    max_text_length: int = Field(default=2000, ge=100, le=4000)

    telegram_bot_token: SecretStr | None = None
    telegram_api_url: str | None = None
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: SecretStr | None = None
    telegram_bot_username: str | None = Field(
        default=None, pattern=r"^[A-Za-z][A-Za-z0-9_]{3,31}$"
    )
    zalo_bot_token: SecretStr | None = None
    zalo_api_url: str | None = None
    zalo_webhook_url: str | None = None
    zalo_webhook_secret: SecretStr | None = None
    public_url: str | None = None
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8080, ge=1, le=65535)

    database_schema: str | None = Field(default=None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    telegram_rate_per_second: float = Field(default=30.0, gt=0, le=1000)
    telegram_chat_interval: float = Field(default=1.0, ge=0)
    telegram_group_per_minute: float = Field(default=20.0, gt=0)
    zalo_rate_per_second: float = Field(default=5.0, gt=0, le=1000)
    zalo_chat_interval: float = Field(default=1.0, ge=0)
    zalo_quota_pause: float = Field(default=10.0, gt=0, le=3600)
    delivery_lease_seconds: float = Field(default=60.0, gt=0)
    delivery_max_attempts: int = Field(default=8, ge=1)
    reminder_grace_hours: float = Field(default=12.0, ge=0)
    digest_weekday: Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"] = "mon"
    digest_time: str = Field(default="07:00", pattern=r"^([01]?\d|2[0-3]):[0-5]\d$")

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        return async_database_url(value)

    @field_validator("language", mode="before")
    @classmethod
    def _posix_language(cls, value: object) -> object:
        # LANGUAGE is also GNU gettext's variable ("en_US:en", "vi_VN"): take the first of its
        # languages that chibo speaks, and Vietnamese when none is.
        if not isinstance(value, str) or value in ("vi", "en"):
            return value
        for part in value.split(":"):
            code = part.split("_")[0].split(".")[0].lower()
            if code in ("vi", "en"):
                return code
        return "vi"

    @field_validator("telegram_bot_username", mode="before")
    @classmethod
    def _bare_username(cls, value: object) -> object:
        if isinstance(value, str):
            return value.strip().lstrip("@") or None
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(N_("TIMEZONE is not a known time zone")) from exc
        return value

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        if not _TELEGRAM_TOKEN.fullmatch(value.get_secret_value().strip()):
            raise ValueError(
                N_(
                    "TELEGRAM_BOT_TOKEN does not look like a token from @BotFather "
                    "(digits, a colon, then letters)"
                )
            )
        return SecretStr(value.get_secret_value().strip())

    @field_validator("zalo_bot_token")
    @classmethod
    def _zalo_token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        if not _ZALO_TOKEN.fullmatch(value.get_secret_value().strip()):
            raise ValueError(
                N_(
                    "ZALO_BOT_TOKEN does not look like a Zalo bot token (the bot's id, a colon, "
                    "then the access key, as Zalo Bot Manager shows it)"
                )
            )
        return SecretStr(value.get_secret_value().strip())

    @model_validator(mode="after")
    def _zalo_webhook_needs_secret(self) -> Settings:
        if self.zalo_webhook_url:
            secret = self.zalo_webhook_secret
            if secret is None or not _ZALO_SECRET.fullmatch(secret.get_secret_value()):
                raise ValueError(
                    N_(
                        "ZALO_WEBHOOK_URL is set, so ZALO_WEBHOOK_SECRET must be 8-256 "
                        "characters of A-Z, a-z, 0-9, _ and -"
                    )
                )
            if not self.zalo_webhook_url.startswith("https://"):
                raise ValueError(N_("ZALO_WEBHOOK_URL must start with https://"))
        if self.public_url and not self.public_url.startswith("https://"):
            raise ValueError(N_("PUBLIC_URL must start with https://"))
        return self

    @property
    def media_url(self) -> str | None:
        """Where chibo's HTTP server is reached from outside, for pictures and files sent by
        link: PUBLIC_URL, else the scheme and host of a webhook URL."""
        if self.public_url:
            return self.public_url.rstrip("/")
        for url in (self.zalo_webhook_url, self.telegram_webhook_url):
            if url:
                parts = urlsplit(url)
                return f"{parts.scheme}://{parts.netloc}"
        return None

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if self.telegram_webhook_url:
            secret = self.telegram_webhook_secret
            if secret is None or not _WEBHOOK_SECRET.fullmatch(secret.get_secret_value()):
                raise ValueError(
                    N_(
                        "TELEGRAM_WEBHOOK_URL is set, so TELEGRAM_WEBHOOK_SECRET must be 16-256 "
                        "characters of A-Z, a-z, 0-9, _ and -"
                    )
                )
            if not self.telegram_webhook_url.startswith("https://"):
                raise ValueError(N_("TELEGRAM_WEBHOOK_URL must start with https://"))
        return self

    def secrets(self) -> list[str]:
        """Every token and webhook secret set, for the log to redact."""
        values = (
            self.telegram_bot_token,
            self.telegram_webhook_secret,
            self.zalo_bot_token,
            self.zalo_webhook_secret,
        )
        return [value.get_secret_value() for value in values if value is not None]

    @property
    def tz(self) -> ZoneInfo:
        """The zone in which people read times."""
        return ZoneInfo(self.timezone)


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings; tests build `Settings(...)` directly instead."""
    return Settings()
