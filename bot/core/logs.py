"""chibo's log: ids and kinds, never personal data or secrets, at every level; text by
default, one JSON object per line with LOG_FORMAT=json.

Our own messages name chats, members and messages by id (message keys, outbox ids, job names).
As a second line, the handler redacts what must never be written whoever logs it (a library at
DEBUG, a traceback): the configured tokens and secrets, anything shaped like a Telegram bot
token, and Vietnamese phone numbers. Libraries that log message contents (python-telegram-bot's
updates, httpcore's requests, aiosqlite's statements with their parameters) are kept at INFO
or above whatever LOG_LEVEL says; the engine hides SQL parameters from its errors (bot.core.db).
"""

from __future__ import annotations

import json
import logging
import re
import sys
import traceback
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, TextIO

# The inbound message being handled (its source key: channel:chat:message ids).
MESSAGE_KEY: ContextVar[str | None] = ContextVar("chibo_message_key", default=None)

TOKEN = re.compile(r"\d{5,}:[A-Za-z0-9_-]{30,}")
PHONE = re.compile(r"(?<![\d.])(?:\+84|84|0)(?:[\s.-]?\d){9}(?![\d.])")
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Loggers of libraries that write request bodies, updates or URLs with the bot token.
QUIET = {
    "telegram": logging.INFO,
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "hpack": logging.WARNING,
    "aiohttp.access": logging.WARNING,
    "aiohttp.client": logging.WARNING,  # the Bot API client (its URLs hold the token)
    "aiosqlite": logging.WARNING,  # every statement with its parameters, at DEBUG
    "sqlalchemy.engine": logging.WARNING,
    "asyncio": logging.INFO,
    "alembic": logging.WARNING,
}


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with tokens, secrets and phone numbers replaced by placeholders."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "<secret>")
    text = TOKEN.sub("<token>", text)
    return PHONE.sub("<phone>", text)


class Redacting(logging.Filter):
    """Redacts each record's message and traceback before a handler writes it."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = [secret for secret in secrets if secret]

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record in place; always keep it."""
        message = record.getMessage()
        cleaned = redact(message, self.secrets)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self.secrets)
        return True


EXTRA_FIELDS = ("message_key", "outbox_id", "channel", "job")


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time (UTC), level, logger, message, the ids at hand and,
    for an exception, its type, text and traceback (redacted like the message)."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = [secret for secret in secrets if secret]

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        key = getattr(record, "message_key", None) or MESSAGE_KEY.get()
        if key:
            data["message_key"] = key
        for name in EXTRA_FIELDS[1:]:
            value = getattr(record, name, None)
            if value is not None:
                data[name] = value
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            data["error"] = redact(f"{type(error).__name__}: {error}", self.secrets)
            data["traceback"] = redact(
                "".join(traceback.format_tb(record.exc_info[2])), self.secrets
            )
        return json.dumps(data, ensure_ascii=False, default=str)


def configure_logging(
    level: str | int,
    secrets: Iterable[str] = (),
    stream: TextIO | None = None,
    log_format: str = "text",
) -> logging.Handler:
    """Log to `stream` (stderr) at `level` in `log_format` (text or json), through the
    redacting filter; quiet the chatty libraries. Returns the handler."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(
        JsonFormatter(secrets) if log_format == "json" else logging.Formatter(FORMAT)
    )
    handler.addFilter(Redacting(secrets))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    chosen = root.getEffectiveLevel()
    for name, floor in QUIET.items():
        logging.getLogger(name).setLevel(max(floor, chosen))
    return handler


@contextmanager
def shell_logging(level: str | int, secrets: Iterable[str], path: str) -> Iterator[None]:
    """The chat shell's log, while it runs: written to the file `path` (appended), so no
    log line lands in the conversation on the terminal; errors still reach stderr."""
    with open(path, "a", encoding="utf-8") as log_file:
        handler = configure_logging(level, secrets, stream=log_file)
        errors = logging.StreamHandler(sys.stderr)
        errors.setLevel(logging.ERROR)
        errors.setFormatter(logging.Formatter(FORMAT))
        errors.addFilter(Redacting(secrets))
        root = logging.getLogger()
        root.addHandler(errors)
        try:
            yield
        finally:
            root.removeHandler(handler)
            root.removeHandler(errors)
