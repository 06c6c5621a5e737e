"""A fake Zalo Bot Platform API on 127.0.0.1, as PLATFORMS.md describes it: getUpdates hands
out one update per answer with no offset (408 when the long poll ends empty), sendMessage takes
1-2000 characters, sendPhoto takes a URL; with helpers to play the users' side."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

TOKEN = "1234567890123:FakeZaloAccessKey_for-tests"


@dataclass
class ZaloSent:
    """One message the bot sent."""

    method: str
    chat_id: str
    text: str
    params: dict[str, Any]


@dataclass(frozen=True)
class ZaloFault:
    """What the fake answers a send instead of taking it."""

    code: int
    description: str


OK = ZaloFault(0, "")  # this attempt goes through
QUOTA = ZaloFault(429, "Quota exceeded")
BROKEN = ZaloFault(500, "Internal error")
# Zalo's docs list 403 as "Internal server error" (not as a block); 404 as "not found".
INTERNAL = ZaloFault(403, "Internal server error")
NOT_FOUND = ZaloFault(404, "Not found")


def user_id(name: str) -> str:
    """A stable opaque hex id for a test user, the way Zalo's ids look."""
    return name.encode().hex().ljust(16, "0")[:16]


@dataclass
class FakeZalo:
    """The server and what it recorded. `faults[chat_id]` lists what the next sends to that
    chat meet, one per attempt, before an attempt succeeds."""

    token: str = TOKEN
    updates: list[dict[str, Any]] = field(default_factory=list)
    sent: list[ZaloSent] = field(default_factory=list)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    faults: dict[str, list[ZaloFault]] = field(default_factory=dict)
    # What the next calls of a method meet (e.g. "getMe": [BROKEN]), one per call.
    method_faults: dict[str, list[ZaloFault]] = field(default_factory=dict)
    webhook: dict[str, str] = field(default_factory=dict)
    pictures: dict[str, bytes] = field(default_factory=dict)  # Zalo's CDN: name -> JPEG
    port: int = 0
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    _runner: web.AppRunner | None = None
    _closing: bool = False

    @property
    def base_url(self) -> str:
        """What to give ZaloClient as api_url (the token is appended)."""
        return f"http://127.0.0.1:{self.port}/bot"

    async def start(self) -> None:
        """Serve on a free loopback port."""
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/cdn/{name}", self._cdn)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]

    async def stop(self) -> None:
        """Release long polls and close."""
        async with self._changed:
            self._closing = True
            self._changed.notify_all()
        if self._runner is not None:
            await self._runner.cleanup()

    # --- the users' side -------------------------------------------------------------------

    @staticmethod
    def update(user: str, event: str, **content: Any) -> dict[str, Any]:
        """An update from `user` in their private chat, as Zalo shapes it."""
        return {
            "event_name": event,
            "message": {
                "from": {"id": user, "display_name": f"U{user[:4]}", "is_bot": False},
                "chat": {"id": user, "chat_type": "PRIVATE"},
                "message_id": secrets.token_hex(16),
                "date": int(time.time() * 1000),
                **content,
            },
        }

    async def push(self, update: dict[str, Any]) -> None:
        """Queue an update for the bot's next getUpdates."""
        async with self._changed:
            self.updates.append(update)
            self._changed.notify_all()

    async def says(self, user: str, text: str) -> None:
        """The user types `text`."""
        await self.push(self.update(user, "message.text.received", text=text))

    async def sends_image(
        self, user: str, url: str, caption: str = "", *, key: str = "photo", event: bool = True
    ) -> None:
        """The user sends a picture (Zalo gives the bot its URL, as `photo` in the docs or
        `photo_url`); without `event`, shaped as the docs' getUpdates sample (no event_name)."""
        update = self.update(user, "message.image.received", **{key: url}, caption=caption)
        if not event:
            del update["event_name"]
        await self.push(update)

    def picture(self, name: str, content: bytes) -> str:
        """Put a picture on the fake's CDN; its URL (as Zalo gives pictures to the bot)."""
        self.pictures[name] = content
        return f"http://127.0.0.1:{self.port}/cdn/{name}"

    async def _cdn(self, request: web.Request) -> web.Response:
        content = self.pictures.get(request.match_info["name"])
        if content is None:
            return web.Response(status=404)
        return web.Response(body=content, content_type="image/jpeg")

    async def sends_sticker(self, user: str) -> None:
        """The user sends a sticker."""
        await self.push(self.update(user, "message.sticker.received", sticker="abc"))

    async def wait_text(self, chat_id: str, fragment: str, after: int = 0) -> ZaloSent:
        """The first message to `chat_id`, from index `after` on, containing `fragment`."""

        def found() -> ZaloSent | None:
            return next((s for s in self.to(chat_id)[after:] if fragment in s.text), None)

        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: found() is not None), 10)
        sent = found()
        assert sent is not None
        return sent

    def to(self, chat_id: str) -> list[ZaloSent]:
        """Everything sent to `chat_id` so far."""
        return [s for s in self.sent if s.chat_id == chat_id]

    # --- the Bot API side ------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        params: dict[str, Any] = await request.json() if request.can_read_body else {}
        self.calls.append((method, params))
        pending_call = self.method_faults.get(method)
        if pending_call:
            fault = pending_call.pop(0)
            return _error(fault.code, fault.description)
        if method.startswith("send") and method != "sendChatAction":
            pending = self.faults.get(str(params.get("chat_id")))
            fault = pending.pop(0) if pending else OK
            if fault.code:
                return _error(fault.code, fault.description)
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            return _error(404, "Method not found")
        result = await handler(params)
        if isinstance(result, web.Response):
            return result
        return web.json_response({"ok": True, "result": result})

    async def _api_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"id": "1234567890123", "account_name": "bot.chibo", "display_name": "Chibo"}

    async def _api_getUpdates(self, params: dict[str, Any]) -> dict[str, Any] | web.Response:
        if self.webhook:
            return _error(400, "Webhook is set; getUpdates is not available")
        async with self._changed:
            if not self.updates:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(
                        self._changed.wait_for(lambda: bool(self.updates) or self._closing),
                        min(float(params.get("timeout") or 30), 2),
                    )
            if not self.updates:
                return web.json_response(
                    {"ok": False, "error_code": 408, "description": "Request timeout"}
                )
            return self.updates.pop(0)

    async def _api_setWebhook(self, params: dict[str, Any]) -> dict[str, Any]:
        self.webhook = {"url": params["url"], "secret_token": params["secret_token"]}
        return {"url": params["url"], "updated_at": int(time.time() * 1000)}

    async def _api_deleteWebhook(self, params: dict[str, Any]) -> dict[str, Any] | web.Response:
        if not self.webhook:  # guessed (docs/platforms.md): another client tolerates this 404
            return _error(404, "Webhook not found")
        self.webhook = {}
        return {"url": "", "updated_at": int(time.time() * 1000)}

    async def _api_getWebhookInfo(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"url": self.webhook.get("url", "")}

    async def _record(self, method: str, params: dict[str, Any], text: str) -> dict[str, Any]:
        async with self._changed:
            self.sent.append(ZaloSent(method, str(params["chat_id"]), text, params))
            self._changed.notify_all()
        return {"message_id": secrets.token_hex(16), "date": int(time.time() * 1000)}

    async def _api_sendMessage(self, params: dict[str, Any]) -> dict[str, Any] | web.Response:
        text = params.get("text")
        if not isinstance(text, str) or not 1 <= len(text) <= 2000:
            return _error(400, "text must be 1-2000 characters")
        return await self._record("sendMessage", params, text)

    async def _api_sendPhoto(self, params: dict[str, Any]) -> dict[str, Any] | web.Response:
        if not str(params.get("photo", "")).startswith(("http://", "https://")):
            return _error(400, "photo must be a URL")
        return await self._record("sendPhoto", params, str(params.get("caption", "")))

    async def _api_sendChatAction(self, params: dict[str, Any]) -> bool:
        return True


def _error(code: int, description: str) -> web.Response:
    return web.json_response(
        {"ok": False, "error_code": code, "description": description}, status=code
    )
