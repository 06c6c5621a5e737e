"""Settings read from the environment as people really have it."""

from __future__ import annotations

import os
import re
from pathlib import Path
from unittest import mock

import pytest
from pydantic import BaseModel, ValidationError

from bot.cli import main
from bot.core.config import Settings, get_settings


def _settings(**values: str) -> Settings:
    """Settings as chibo reads them: from environment variables named like `values`' keys
    (`telegram_bot_token` is TELEGRAM_BOT_TOKEN)."""
    with mock.patch.dict(os.environ, {key.upper(): value for key, value in values.items()}):
        return Settings(_env_file=None)


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
    assert _settings(telegram_bot_token="  ").telegram.bot_token is None


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
    assert ok.telegram.webhook_secret is not None


def test_channel_settings_keep_their_flat_names_and_other_keys_are_not_split() -> None:
    settings = _settings(
        telegram_rate_per_second="12",
        telegram_bot_username="@chibo_tanlap_bot",
        zalo_quota_pause="3",
        zalo_webhook_url="https://bot.example.vn/zalo",
        zalo_webhook_secret="zalo-secret",
        database_url="postgresql://u@h/db",
        digest_time="08:30",
        max_text_length="1500",
        http_port="9000",
    )
    assert settings.telegram.rate_per_second == 12
    assert settings.telegram.bot_username == "chibo_tanlap_bot"
    assert settings.zalo.quota_pause == 3
    assert settings.media_url == "https://bot.example.vn"
    assert settings.database_url == "postgresql+asyncpg://u@h/db"
    assert (settings.digest_time, settings.max_text_length, settings.http_port) == (
        "08:30",
        1500,
        9000,
    )


def test_a_channel_key_in_env_joins_the_others_from_the_env_file(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("TELEGRAM_RATE_PER_SECOND=25\nTELEGRAM_BOT_TOKEN=\n", encoding="utf-8")
    with mock.patch.dict(os.environ, {"TELEGRAM_CHAT_INTERVAL": "2"}):
        settings = Settings(_env_file=env_file)
    assert (settings.telegram.rate_per_second, settings.telegram.chat_interval) == (25, 2)
    assert settings.telegram.bot_token is None  # an empty line means "not configured"


def _env_names(model: type[BaseModel], prefix: str = "") -> set[str]:
    names: set[str] = set()
    for name, field in model.model_fields.items():
        kind = field.annotation
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            names |= _env_names(kind, f"{prefix}{name}_")
        else:
            names.add(f"{prefix}{name}".upper())
    return names


def test_env_example_names_exactly_the_settings_chibo_reads() -> None:
    example = Path(__file__).parent.parent / ".env.example"
    keys = {
        line.split("=", 1)[0]
        for line in example.read_text(encoding="utf-8").splitlines()
        if re.match(r"[A-Z_]+=", line)
    }
    assert keys == _env_names(Settings)


def test_a_bad_channel_setting_is_named_as_the_operator_wrote_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    get_settings.cache_clear()
    try:
        with mock.patch.dict(os.environ, {"TELEGRAM_RATE_PER_SECOND": "-1", "LANGUAGE": "en"}):
            assert main(["migrate"]) == 2
    finally:
        get_settings.cache_clear()
    assert "  TELEGRAM_RATE_PER_SECOND: Input should be greater than 0" in capsys.readouterr().err
