"""Each messenger's settings, a nested model of `Settings` read from flat environment names:
`Settings.telegram.bot_token` is TELEGRAM_BOT_TOKEN (the part before the first "_" names the
channel, the rest the field; see `Settings.model_config`)."""

from __future__ import annotations

import re

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator

from bot.core.i18n import N_

_TELEGRAM_TOKEN = re.compile(r"\d{5,}:[A-Za-z0-9_-]{30,}")
_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{16,256}")
_ZALO_TOKEN = re.compile(r"[A-Za-z0-9]+:[A-Za-z0-9_.-]{8,}")
_ZALO_SECRET = re.compile(r"[A-Za-z0-9_-]{8,256}")


def _stripped(value: SecretStr | None) -> SecretStr | None:
    """None for an empty token (an empty line in .env means "not configured")."""
    if value is None or not value.get_secret_value().strip():
        return None
    return SecretStr(value.get_secret_value().strip())


def _check_webhook(
    url: str | None, secret: SecretStr | None, shape: re.Pattern[str], weak: str, plain: str
) -> None:
    """Webhook mode needs a secret of `shape` (else `weak`) and an https URL (else `plain`)."""
    if not url:
        return
    if secret is None or not shape.fullmatch(secret.get_secret_value()):
        raise ValueError(weak)
    if not url.startswith("https://"):
        raise ValueError(plain)


class TelegramSettings(BaseModel):
    """TELEGRAM_*: the bot token, webhook mode and the Bot API's rate limits."""

    bot_token: SecretStr | None = None
    api_url: str | None = None
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    bot_username: str | None = Field(default=None, pattern=r"^[A-Za-z][A-Za-z0-9_]{3,31}$")
    rate_per_second: float = Field(default=30.0, gt=0, le=1000)
    chat_interval: float = Field(default=1.0, ge=0)
    group_per_minute: float = Field(default=20.0, gt=0)

    @property
    def configured(self) -> bool:
        """Whether `chibo run` serves Telegram."""
        return self.bot_token is not None

    @field_validator("bot_username", mode="before")
    @classmethod
    def _bare_username(cls, value: object) -> object:
        if isinstance(value, str):
            return value.strip().lstrip("@") or None
        return value

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        value = _stripped(value)
        if value is not None and not _TELEGRAM_TOKEN.fullmatch(value.get_secret_value()):
            raise ValueError(
                N_(
                    "TELEGRAM_BOT_TOKEN does not look like a token from @BotFather "
                    "(digits, a colon, then letters)"
                )
            )
        return value

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> TelegramSettings:
        _check_webhook(
            self.webhook_url,
            self.webhook_secret,
            _WEBHOOK_SECRET,
            N_(
                "TELEGRAM_WEBHOOK_URL is set, so TELEGRAM_WEBHOOK_SECRET must be 16-256 "
                "characters of A-Z, a-z, 0-9, _ and -"
            ),
            N_("TELEGRAM_WEBHOOK_URL must start with https://"),
        )
        return self


class ZaloSettings(BaseModel):
    """ZALO_*: the bot token, webhook mode and conservative rate limits (Zalo publishes none)."""

    bot_token: SecretStr | None = None
    api_url: str | None = None
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    # The name members find the bot (or Official Account) by in Zalo, printed on invite sheets.
    bot_name: str | None = Field(default=None, max_length=100)
    rate_per_second: float = Field(default=5.0, gt=0, le=1000)
    chat_interval: float = Field(default=1.0, ge=0)
    quota_pause: float = Field(default=10.0, gt=0, le=3600)

    @property
    def configured(self) -> bool:
        """Whether `chibo run` serves Zalo."""
        return self.bot_token is not None

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        value = _stripped(value)
        if value is not None and not _ZALO_TOKEN.fullmatch(value.get_secret_value()):
            raise ValueError(
                N_(
                    "ZALO_BOT_TOKEN does not look like a Zalo bot token (the bot's id, a colon, "
                    "then the access key, as Zalo Bot Manager shows it)"
                )
            )
        return value

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> ZaloSettings:
        _check_webhook(
            self.webhook_url,
            self.webhook_secret,
            _ZALO_SECRET,
            N_(
                "ZALO_WEBHOOK_URL is set, so ZALO_WEBHOOK_SECRET must be 8-256 "
                "characters of A-Z, a-z, 0-9, _ and -"
            ),
            N_("ZALO_WEBHOOK_URL must start with https://"),
        )
        return self
