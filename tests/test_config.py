"""Settings read from the environment as people really have it."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.core.config import Settings


def _settings(**values: str) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "language"),
    [("vi", "vi"), ("en", "en"), ("en_US:en", "en"), ("vi_VN.UTF-8", "vi"), ("fr:de", "vi")],
)
def test_language_accepts_posix_forms(raw: str, language: str) -> None:
    assert _settings(language=raw).language == language


def test_plain_postgres_url_gets_the_async_driver() -> None:
    url = _settings(database_url="postgresql://u@h/db").database_url
    assert url == "postgresql+asyncpg://u@h/db"


def test_unknown_time_zone_is_refused() -> None:
    with pytest.raises(ValidationError, match="TIMEZONE"):
        _settings(timezone="Mars/Olympus")


def test_malformed_token_is_refused_but_empty_means_none() -> None:
    with pytest.raises(ValidationError, match="BotFather"):
        _settings(telegram_bot_token="abc")
    assert _settings(telegram_bot_token="  ").telegram_bot_token is None


def test_webhook_needs_https_and_a_strong_secret() -> None:
    with pytest.raises(ValidationError, match="SECRET"):
        _settings(telegram_webhook_url="https://bot.example.vn/tg", telegram_webhook_secret="x")
    with pytest.raises(ValidationError, match="https"):
        _settings(
            telegram_webhook_url="http://bot.example.vn/tg", telegram_webhook_secret="s" * 20
        )
    ok = _settings(
        telegram_webhook_url="https://bot.example.vn/tg", telegram_webhook_secret="s" * 20
    )
    assert ok.telegram_webhook_secret is not None
