"""chibo's log: ids and kinds, never personal data or secrets, at every level.

Our own messages name chats, members and messages by id. As a second line, the handler
redacts what must never be written whoever logs it (a library at DEBUG, a traceback): the
configured tokens and secrets, anything shaped like a Telegram bot token, and Vietnamese phone
numbers. Libraries that log message contents (python-telegram-bot's updates, httpcore's
requests, aiosqlite's statements with their parameters) are kept at INFO or above whatever
LOG_LEVEL says."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable
from typing import TextIO

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


def configure_logging(
    level: str | int, secrets: Iterable[str] = (), stream: TextIO | None = None
) -> logging.Handler:
    """Log to `stream` (stderr) at `level`, through the redacting filter; returns the handler."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
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
