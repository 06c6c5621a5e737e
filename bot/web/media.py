"""Files the bot made (charts, workbooks) served at short-lived unguessable URLs, for
messengers that take a link instead of an upload (Zalo's sendPhoto fetches a URL)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import mimetypes
import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass
from urllib.parse import quote

ROUTE = "/media/{token}/{name}"

# Python's own table only, not the host's /etc/mime.types, so every server answers the same;
# plus the Office formats the bot writes, which that table lacks.
_TYPES = mimetypes.MimeTypes(filenames=())
_TYPES.add_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx")
_TYPES.add_type("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx")


@dataclass(frozen=True)
class Shelved:
    """One file on the shelf."""

    content: bytes
    name: str
    mime_type: str
    until: float


class MediaShelf:
    """Keeps the newest files in memory for `ttl` seconds under `base_url` (the public address
    of chibo's HTTP server). At most `capacity` files; the oldest go first."""

    def __init__(self, base_url: str, ttl: float = 24 * 3600, capacity: int = 500) -> None:
        self.base_url = base_url.rstrip("/")
        self.ttl = ttl
        self.capacity = capacity
        self._files: OrderedDict[str, Shelved] = OrderedDict()
        self._key = secrets.token_bytes(32)

    def put(self, content: bytes, name: str, mime_type: str = "") -> str:
        """Shelve `content`; the URL where it can be fetched until it expires. The same file
        (a chart sent to a whole cell) is kept once, under one unguessable token."""
        self._expire()
        digest = hmac.new(self._key, content, hashlib.sha256).digest()
        token = base64.urlsafe_b64encode(digest[:24]).decode()
        self._files.pop(token, None)
        safe_name = name or "file.bin"
        self._files[token] = Shelved(
            content, safe_name, mime_type or _guess(safe_name), time.monotonic() + self.ttl
        )
        while len(self._files) > self.capacity:
            self._files.popitem(last=False)
        return self.base_url + ROUTE.format(token=token, name=quote(safe_name))

    def get(self, token: str) -> Shelved | None:
        """The file under `token`, if it is still kept."""
        self._expire()
        return self._files.get(token)

    def _expire(self) -> None:
        now = time.monotonic()
        for token in [t for t, f in self._files.items() if f.until < now]:
            del self._files[token]


def _guess(name: str) -> str:
    return _TYPES.guess_type(name)[0] or "application/octet-stream"
