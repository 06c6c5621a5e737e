"""python-telegram-bot's requests to the Bot API sent through aiohttp instead of httpx.

python-telegram-bot sends through any `BaseRequest`; its default, `HTTPXRequest`, costs about
1.9 ms of CPU per request under load against aiohttp's 0.3 ms (bench/README.md, issue 13: httpx
and httpcore look through every pooled connection, through anyio, whenever a request starts or
ends). aiohttp is already chibo's web server, so the Bot API client costs no new dependency.

The contract is python-telegram-bot's: `do_request` answers the HTTP status and body, and
raises `TimedOut` or `NetworkError` when no answer came; PTB turns the status into its errors
(`RetryAfter`, `Forbidden`, `BadRequest`...), so everything above this class is unchanged.
Timeouts mean what they mean in `HTTPXRequest`:
- pool: waiting for one of the `connection_pool_size` connections (the request was not sent);
- connect: opening a new connection; read: waiting for each piece of the answer;
- write: aiohttp has no timeout for writing the request alone, so the whole request is bounded
  by connect + write + read instead (uploads use `media_write_timeout` as the write part).
Proxies come from the environment, as with httpx (bot/channels/proxies.py).
Parameters go as JSON, one of the Bot API's documented encodings ("application/json (except for
uploading files)"); uploads as multipart/form-data.
"""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.channels.proxies import EnvironmentProxies, UnsupportedProxy
from bot.core.logs import redact

POOL_TIMEOUT_MESSAGE = (
    "Pool timeout: all connections in the connection pool are occupied. "
    "The request was not sent to Telegram."
)


class AiohttpRequest(BaseRequest):
    """A `BaseRequest` on one aiohttp session of `connection_pool_size` connections."""

    __slots__ = ("_media_write_timeout", "_pool", "_proxies", "_session", "_size", "_timeouts")

    def __init__(
        self,
        connection_pool_size: int = 1,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        if connection_pool_size < 1:
            raise ValueError("connection_pool_size must be at least 1")
        self._size = connection_pool_size
        # read, write, connect, pool: HTTPXRequest's defaults and meaning
        self._timeouts = (read_timeout, write_timeout, connect_timeout, pool_timeout)
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None
        self._proxies = EnvironmentProxies()
        # Waiting for a connection is ours to time (aiohttp's own "connect" timeout would mix
        # it with opening the connection): the connector never has more requests than this.
        # Made again with each session (`initialize`), on the event loop that will use it.
        self._pool = asyncio.Semaphore(connection_pool_size)

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout, in seconds (PTB adds it to getUpdates' long poll)."""
        return self._timeouts[0]

    async def initialize(self) -> None:
        """Open the session (again, after `shutdown`)."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._size),
                headers={"User-Agent": self.USER_AGENT},
            )
            self._pool = asyncio.Semaphore(self._size)
            self._proxies = EnvironmentProxies()  # read again after a restart

    async def shutdown(self) -> None:
        """Close the session and its connections."""
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Send one request; its status and body."""
        session, pool_of = self._session, self._pool
        if session is None or session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data is not None else None
        read, write, connect, pool = self._timeouts
        read = read if isinstance(read_timeout, DefaultValue) else read_timeout
        connect = connect if isinstance(connect_timeout, DefaultValue) else connect_timeout
        pool = pool if isinstance(pool_timeout, DefaultValue) else pool_timeout
        if isinstance(write_timeout, DefaultValue):
            write = self._media_write_timeout if files else write
        else:
            write = write_timeout
        try:
            proxy = self._proxies.for_url(url)
        except UnsupportedProxy as error:
            raise NetworkError(str(error)) from None
        try:
            async with asyncio.timeout(pool):
                await pool_of.acquire()
        except TimeoutError as error:
            raise TimedOut(POOL_TIMEOUT_MESSAGE) from error
        try:
            # Up to the answer's headers, the whole request is bounded (aiohttp has no write
            # timeout); the body then only by `read` for each piece, as httpx does, so a 2 MB
            # roster downloads on a slow line.
            async with asyncio.timeout(_total(connect, write, read)):
                response = await session.request(
                    method,
                    url,
                    proxy=proxy,
                    **_body(request_data, files),
                    timeout=aiohttp.ClientTimeout(
                        total=None, connect=None, sock_connect=connect, sock_read=read
                    ),
                )
            try:
                return response.status, await response.read()
            finally:
                response.release()
        except TimeoutError as error:  # aiohttp's own timeouts are TimeoutErrors too
            raise TimedOut from error
        except aiohttp.ClientError as error:
            # The class name too (some aiohttp errors have an empty message); never the URL,
            # which holds the bot token (the text may be kept as a delivery's last error).
            text = str(error).replace(url, "<Bot API URL>")
            if proxy:
                text = text.replace(proxy, "<proxy>")
            raise NetworkError(f"aiohttp.{type(error).__name__}: {redact(text)}") from error
        finally:
            pool_of.release()


def _total(*parts: float | None) -> float | None:
    """The whole request's bound: the sum of its parts, none if any part has none."""
    if any(part is None for part in parts):
        return None
    return sum(part for part in parts if part is not None)


def _body(request_data: RequestData | None, files: dict[str, Any] | None) -> dict[str, Any]:
    """The request's body, as `session.request` arguments: JSON, or a multipart form when it
    uploads files (the other parameters as fields, their values JSON-encoded as httpx sends
    them)."""
    if request_data is None:
        return {}
    if not files:
        parameters = request_data.parameters
        if not parameters:
            return {}
        return {
            # UTF-8; a lone surrogate (half an emoji cut from hostile input) becomes "?" rather
            # than an error the sender would retry for nothing
            "data": json.dumps(parameters, ensure_ascii=False).encode("utf-8", "replace"),
            "headers": {"Content-Type": "application/json"},
        }
    form = aiohttp.FormData(quote_fields=False)  # names in UTF-8, as httpx sends them
    for name, value in request_data.json_parameters.items():
        form.add_field(name, _utf8(value))
    for name, (file_name, content, mime_type) in files.items():
        form.add_field(
            name,
            content,
            filename=None if file_name is None else _FILE_NAME.sub(_escape, _utf8(file_name)),
            content_type=mime_type,
        )
    return {"data": form}


def _utf8(text: str) -> str:
    """`text` as UTF-8 can carry it: a lone surrogate becomes "?"."""
    return text.encode("utf-8", "replace").decode("utf-8")


# A file name's quotes and control characters, percent-encoded as httpx does (HTML5 forms):
# Telegram does not unescape aiohttp's backslashes, and a line break would end the header.
_FILE_NAME = re.compile(r'["\x00-\x1a\x1c-\x1f]')


def _escape(match: re.Match[str]) -> str:
    return f"%{ord(match.group(0)):02X}"
