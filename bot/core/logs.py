"""Logging for operators: text by default, one JSON object per line with LOG_FORMAT=json.

Log lines carry ids (message keys, outbox ids, job names), never phones, names or texts; the
engine hides SQL parameters from its errors (bot.core.db) so an exception cannot carry them.
"""

from __future__ import annotations

import json
import logging
import sys
import traceback
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

# The inbound message being handled (its source key: channel:chat:message ids).
MESSAGE_KEY: ContextVar[str | None] = ContextVar("chibo_message_key", default=None)

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
EXTRA_FIELDS = ("message_key", "outbox_id", "channel", "job")


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time (UTC), level, logger, message, the ids at hand and,
    for an exception, its type, text and traceback."""

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
            data["error"] = f"{type(error).__name__}: {error}"
            data["traceback"] = "".join(traceback.format_tb(record.exc_info[2]))
        return json.dumps(data, ensure_ascii=False, default=str)


def configure_logging(level: str, log_format: str) -> None:
    """Send chibo's log to stderr in the chosen format; quiet the chatty libraries."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)
    )
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # httpx logs every request's URL at INFO, and Bot API URLs carry the bot's token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
