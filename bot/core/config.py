"""Settings from the environment and `.env`, through one `get_settings()` factory."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.core.channel_settings import TelegramSettings, ZaloSettings
from bot.core.i18n import N_

Language = Literal["vi", "en"]

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./chibo.db"


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

    # One model per messenger, still read from the flat names people have in .env: the first
    # "_" of TELEGRAM_BOT_TOKEN splits it into `telegram` and `bot_token`, and only there
    # (max split 1), so TELEGRAM_WEBHOOK_URL is `telegram.webhook_url`. Only the nested
    # models' names are split: DATABASE_URL stays `database_url`.
    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        env_nested_delimiter="_",
        env_nested_max_split=1,
    )

    database_url: str = DEFAULT_DATABASE_URL
    timezone: str = "Asia/Ho_Chi_Minh"
    language: Language = "vi"
    log_level: str = "INFO"
    log_format: Literal["text", "json"] = "text"
    max_text_length: int = Field(default=2000, ge=100, le=4000)

    # TELEGRAM_BOT_TOKEN, TELEGRAM_RATE_PER_SECOND, ZALO_WEBHOOK_URL...: see model_config.
    telegram: TelegramSettings = Field(default_factory=TelegramSettings)
    zalo: ZaloSettings = Field(default_factory=ZaloSettings)
    public_url: str | None = None
    # Signs the web dashboard's session cookies; empty: a new random key at each start (every
    # session then ends with the process). Set it when several processes serve the dashboard.
    web_session_key: SecretStr | None = Field(default=None, min_length=32)
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8080, ge=1, le=65535)
    migrate_on_start: bool = False
    serve_http: bool = False
    operator_chat_id: str | None = Field(
        default=None, pattern=r"^((telegram|zalo):)?-?[A-Za-z0-9_.]{1,128}$"
    )

    database_schema: str | None = Field(default=None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
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

    @field_validator("database_schema", "operator_chat_id", "web_session_key", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        # `.env.example` lists every key, optional ones empty: empty means "not set".
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(N_("TIMEZONE is not a known time zone")) from exc
        return value

    @model_validator(mode="after")
    def _public_url_is_https(self) -> Settings:
        if self.public_url and not self.public_url.startswith("https://"):
            raise ValueError(N_("PUBLIC_URL must start with https://"))
        return self

    @property
    def media_url(self) -> str | None:
        """Where chibo's HTTP server is reached from outside, for pictures and files sent by
        link: PUBLIC_URL, else the scheme and host of a webhook URL."""
        if self.public_url:
            return self.public_url.rstrip("/")
        for url in (self.zalo.webhook_url, self.telegram.webhook_url):
            if url:
                parts = urlsplit(url)
                return f"{parts.scheme}://{parts.netloc}"
        return None

    def secrets(self) -> list[str]:
        """Every token and webhook secret set, for the log to redact."""
        values = (
            self.telegram.bot_token,
            self.telegram.webhook_secret,
            self.zalo.bot_token,
            self.zalo.webhook_secret,
            self.web_session_key,
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
