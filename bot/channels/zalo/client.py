"""A small async client of the Zalo Bot Platform API (https://bot.zapps.me/docs).

Every method answers `{"ok": true, "result": ...}` or `{"ok": false, "error_code": N,
"description": ...}`; errors become `ZaloError` with the code, network trouble
`ZaloNetworkError`. The token is part of every URL, so it never appears in our logs.
Requests go through aiohttp (as Telegram's do: bot/channels/telegram/transport.py), each step
of a call (connecting, sending, each piece of the answer) within the call's timeout; the proxy
comes from the environment (bot/channels/proxies.py).
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import aiohttp

from bot.channels.proxies import EnvironmentProxies, UnsupportedProxy

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://bot-api.zaloplatforms.com/bot"
TEXT_LIMIT = 2000  # sendMessage takes 1-2000 characters
# Zalo's error codes as its docs list them (docs/platforms.md says what is documented and
# what is guessed).
BAD_REQUEST = 400
INVALID_TOKEN = 401
INTERNAL_ERROR = 403  # documented as "Internal server error", NOT as "blocked"
NOT_FOUND = 404
NO_UPDATE = 408  # getUpdates' long poll ended with nothing new
QUOTA_EXCEEDED = 429
TOO_BIG = 413  # (ours) a download over the size limit
# Zalo fetches the picture of sendPhoto from its URL (a chart on chibo's media shelf) before it
# answers: 10 s is too short for that; another Zalo client allows 150 s.
PHOTO_SECONDS = 150.0


class ZaloError(Exception):
    """Zalo refused a call; `code` is Zalo's error code (an HTTP-like number)."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(f"{code}: {description}")
        self.code = code
        self.description = description


class ZaloNetworkError(ZaloError):
    """Zalo could not be reached, or did not answer in time."""

    def __init__(self, description: str) -> None:
        super().__init__(0, description)


class ZaloClient:
    """Calls Zalo Bot API methods with JSON bodies over one pool of HTTP connections."""

    def __init__(self, token: str, api_url: str | None = None, timeout: float = 10.0) -> None:
        self._base = f"{(api_url or DEFAULT_API_URL).rstrip('/')}{token}/"
        self._timeout = timeout
        self._session: aiohttp.ClientSession | None = None
        self._proxies = EnvironmentProxies()

    def _http(self) -> aiohttp.ClientSession:
        """The session, opened on first use (on the running event loop) and after `close`."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
            self._proxies = EnvironmentProxies()
        return self._session

    async def close(self) -> None:
        """Close the connection pool (a later call opens a new one: a channel whose start
        failed is stopped, then started again)."""
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def _open(
        self, method: str, url: str, seconds: float, body: bytes | None = None
    ) -> aiohttp.ClientResponse:
        """The answer to one request, its headers read (release it once read): connecting,
        sending and each piece of the answer within `seconds`, as httpx times a request. API
        calls follow no redirect (a POST redirected would go on as a GET without its body);
        a picture follows up to 3 (a CDN's)."""
        headers = {"Content-Type": "application/json"} if body is not None else None
        async with asyncio.timeout(3 * seconds):  # connect + write + read, bounded together
            return await self._http().request(
                method,
                url,
                data=body,
                headers=headers,
                allow_redirects=body is None,
                max_redirects=3,
                proxy=self._proxies.for_url(url),
                timeout=aiohttp.ClientTimeout(total=None, sock_connect=seconds, sock_read=seconds),
            )

    async def call(
        self, method: str, params: dict[str, Any] | None = None, *, wait: float | None = None
    ) -> Any:
        """Call `method` with `params` (None values left out) and return its result; `wait`
        is how long to wait for the answer (default: the client's timeout)."""
        body = {key: value for key, value in (params or {}).items() if value is not None}
        # UTF-8; a lone surrogate (half an emoji) becomes "?" rather than a failed call
        data = json.dumps(body, ensure_ascii=False).encode("utf-8", "replace")
        try:
            response = await self._open("POST", self._base + method, wait or self._timeout, data)
            try:
                status, raw = response.status, await response.read()
            finally:
                response.release()
        except UnsupportedProxy as error:
            raise ZaloNetworkError(f"{method}: {error}") from None
        except (aiohttp.ClientError, TimeoutError) as error:
            # str(error) can hold the URL, and the URL holds the token: name the kind only.
            raise ZaloNetworkError(f"{method}: {type(error).__name__}") from None
        except ValueError:  # an address nothing can use (ZALO_API_URL), unnamed
            raise ZaloError(BAD_REQUEST, f"{method}: not a usable web address") from None
        try:
            answer = json.loads(raw)
        except ValueError:
            raise ZaloError(status, f"{method}: answer is not JSON") from None
        if not isinstance(answer, dict):
            raise ZaloError(status, f"{method}: answer is not an object")
        if answer.get("ok") is True:
            return answer.get("result")
        code = answer.get("error_code")
        description = str(answer.get("description") or answer.get("message") or "")
        raise ZaloError(int(code) if isinstance(code, int) else status, description)

    async def get_me(self) -> dict[str, Any]:
        """The bot's own account (checks the token)."""
        result = await self.call("getMe")
        return result if isinstance(result, dict) else {}

    async def get_updates(self, seconds: int = 30) -> dict[str, Any] | None:
        """Wait up to `seconds` for the next update: one update, or None if there was nothing
        new. Zalo has no offset: an update it answered with counts as delivered."""
        try:
            result = await self.call("getUpdates", {"timeout": seconds}, wait=seconds + 10)
        except ZaloError as error:
            if error.code == NO_UPDATE:
                return None
            raise
        if isinstance(result, list):  # not documented, but harmless to accept
            return result[0] if result and isinstance(result[0], dict) else None
        return result if isinstance(result, dict) and result else None

    async def set_webhook(self, url: str, secret_token: str) -> None:
        """Have Zalo post updates to `url` with `secret_token` in X-Bot-Api-Secret-Token."""
        await self.call("setWebhook", {"url": url, "secret_token": secret_token})

    async def delete_webhook(self) -> None:
        """Back to getUpdates."""
        await self.call("deleteWebhook")

    async def get_webhook_info(self) -> dict[str, Any]:
        """The webhook Zalo has for the bot (url, updated_at)."""
        result = await self.call("getWebhookInfo")
        return result if isinstance(result, dict) else {}

    async def send_message(self, chat_id: str, text: str) -> str:
        """Send a text of 1-2000 characters; the platform's message id."""
        return _message_id(await self.call("sendMessage", {"chat_id": chat_id, "text": text}))

    async def send_photo(self, chat_id: str, photo_url: str, caption: str = "") -> str:
        """Send the picture at `photo_url` (Zalo fetches it) with an optional caption."""
        result = await self.call(
            "sendPhoto",
            {"chat_id": chat_id, "photo": photo_url, "caption": caption or None},
            wait=PHOTO_SECONDS,
        )
        return _message_id(result)

    async def download(self, url: str, max_bytes: int, wait: float = 30.0) -> tuple[bytes, str]:
        """The file at `url` (a picture on Zalo's CDN) and its MIME type, if at most
        `max_bytes`; ZaloError otherwise (413 too big, the CDN's status, or no network)."""
        if not url.startswith(("https://", "http://")):
            raise ZaloError(BAD_REQUEST, "download: not a web address")
        chunks: list[bytes] = []
        size = 0
        try:
            response = await self._open("GET", url, wait)
            try:
                if response.status != 200:
                    raise ZaloError(response.status, "download refused")
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > max_bytes:
                    raise ZaloError(TOO_BIG, "download: too big")
                async for chunk in response.content.iter_chunked(64 * 1024):
                    size += len(chunk)
                    if size > max_bytes:
                        raise ZaloError(TOO_BIG, "download: too big")
                    chunks.append(chunk)
                mime_type = response.headers.get("content-type", "").split(";")[0].strip()
            finally:
                response.release()
        except UnsupportedProxy as error:
            raise ZaloNetworkError(f"download: {error}") from None
        except (aiohttp.ClientError, TimeoutError) as error:
            raise ZaloNetworkError(f"download: {type(error).__name__}") from None
        except ValueError:  # "http://[::1/x", a host name too long to look up...
            raise ZaloError(BAD_REQUEST, "download: not a usable web address") from None
        return b"".join(chunks), mime_type or "image/jpeg"

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> None:
        """Show "typing…" in the chat for a few seconds."""
        await self.call("sendChatAction", {"chat_id": chat_id, "action": action})


def _message_id(result: Any) -> str:
    if isinstance(result, dict):
        return str(result.get("message_id", ""))
    return ""
