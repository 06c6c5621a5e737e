"""Proofs of who is looking: Telegram Mini App `initData` and the session cookie.

`initData` is checked exactly as Telegram documents it
(https://core.telegram.org/bots/webapps#validating-data-received-via-the-mini-app): the
data-check-string is every field but `hash`, sorted by key, as `key=value` lines; the secret
key is HMAC-SHA256 of the bot token keyed with "WebAppData"; `hash` must be the hex
HMAC-SHA256 of the data-check-string under that key, and `auth_date` recent.

A session is a signed cookie (member id and expiry, HMAC-SHA256 under the server's key): no
table to fill, and nothing in it a reader could change without the key."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from urllib.parse import parse_qsl

INIT_DATA_SECONDS = 600  # initData older than this is refused (replayed or stale)
SESSION_SECONDS = 30 * 60  # a dashboard session lasts half an hour
COOKIE = "chibo_session"


@dataclass(frozen=True)
class TelegramUser:
    """The Telegram user a valid initData names."""

    id: int
    auth_date: int


def check_init_data(
    init_data: str, bot_token: str, now: float, max_age: float = INIT_DATA_SECONDS
) -> TelegramUser | None:
    """The user of a Mini App's `initData` signed with `bot_token`, issued at most `max_age`
    seconds before `now`; None when anything is wrong (no hash, wrong hash, too old, no
    user)."""
    if not init_data or len(init_data) > 10_000:
        return None
    try:
        fields = dict(parse_qsl(init_data, keep_blank_values=True, strict_parsing=True))
    except ValueError:
        return None
    given = fields.pop("hash", "")
    check_string = "\n".join(f"{key}={value}" for key, value in sorted(fields.items()))
    secret = hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()
    expected = hmac.new(secret, check_string.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(given.encode(), expected.encode()):
        return None
    try:
        auth_date = int(fields.get("auth_date", ""))
        user = json.loads(fields.get("user", ""))
        user_id = int(user["id"])
    except (ValueError, TypeError, KeyError, RecursionError):
        return None
    if not 0 <= now - auth_date <= max_age:
        return None
    return TelegramUser(user_id, auth_date)


def sign_init_data(fields: dict[str, str], bot_token: str) -> str:
    """`fields` as Telegram would send them signed for `bot_token` (for tests and the demo)."""
    from urllib.parse import urlencode

    check_string = "\n".join(f"{key}={value}" for key, value in sorted(fields.items()))
    secret = hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()
    digest = hmac.new(secret, check_string.encode(), hashlib.sha256).hexdigest()
    return urlencode({**fields, "hash": digest})


class Sessions:
    """Signed session cookies under `key`, lasting `seconds`."""

    def __init__(self, key: bytes, seconds: float = SESSION_SECONDS) -> None:
        self.key = key
        self.seconds = seconds

    def _sign(self, body: str) -> str:
        return hmac.new(self.key, body.encode(), hashlib.sha256).hexdigest()

    def issue(self, member_id: int, now: float | None = None) -> str:
        """A cookie value naming `member_id` until the session ends."""
        until = int((time.time() if now is None else now) + self.seconds)
        body = f"{member_id}.{until}"
        return f"{body}.{self._sign(body)}"

    def member(self, value: str | None, now: float | None = None) -> int | None:
        """The member a cookie value names, if it is genuine and not expired."""
        if not value or len(value) > 200:
            return None
        body, _, signature = value.rpartition(".")
        if not hmac.compare_digest(signature.encode(), self._sign(body).encode()):
            return None
        member_text, _, until_text = body.partition(".")
        try:
            member_id, until = int(member_text), int(until_text)
        except ValueError:
            return None
        if (time.time() if now is None else now) > until:
            return None
        return member_id
