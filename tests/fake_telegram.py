"""A fake Telegram Bot API on 127.0.0.1: enough of the real protocol for python-telegram-bot's
polling loop and send methods, with helpers to play the users' side."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

TOKEN = "123456789:AAFakeTokenForTestsOnly_abcdefghijk"
# The Bot API's limits: "1-4096 characters after entities parsing" for a text, 0-1024 for a
# caption; longer ones are refused with 400. What a "character" is the docs do not say: the
# fake takes the stricter reading, UTF-16 code units (what entity offsets count), so an emoji
# counts two; chibo's parts fit both readings.
TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
# getUpdates/setWebhook `allowed_updates`: "Specify an empty list to receive all update types
# except chat_member, message_reaction, and message_reaction_count (default). If not
# specified, the previous setting will be used." Updates of other types are not delivered.
NOT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


@dataclass(frozen=True)
class Upload:
    """A file uploaded in a multipart request (sendPhoto, sendDocument)."""

    file_name: str
    content: bytes


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass
class Sent:
    """One message the bot sent."""

    method: str
    chat_id: int
    text: str
    params: dict[str, Any]
    message_id: int = 0  # the id the fake gave it
    at: float = 0.0  # when the fake took it (time.monotonic)

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """(label, callback data) of the inline keyboard, in order."""
        markup = self.params.get("reply_markup") or {}
        return [
            (button["text"], button.get("callback_data", ""))
            for row in markup.get("inline_keyboard", [])
            for button in row
        ]

    @property
    def web_apps(self) -> list[tuple[str, str]]:
        """(label, page URL) of the inline keyboard's Mini App buttons."""
        markup = self.params.get("reply_markup") or {}
        return [
            (button["text"], button["web_app"]["url"])
            for row in markup.get("inline_keyboard", [])
            for button in row
            if "web_app" in button
        ]

    @property
    def asks_for_contact(self) -> bool:
        """Whether it shows a "share my phone number" keyboard."""
        markup = self.params.get("reply_markup") or {}
        return any(b.get("request_contact") for row in markup.get("keyboard", []) for b in row)


@dataclass(frozen=True)
class Fault:
    """What the fake answers instead of sending: an error (status, description, retry_after)
    or a delay longer than the client waits (`delay` seconds, then an ordinary answer); `PASS`
    lets the attempt through."""

    status: int = 0
    description: str = ""
    retry_after: int | None = None
    delay: float = 0.0


PASS = Fault()  # this attempt goes through
TOO_MANY = Fault(429, "Too Many Requests: retry after 1", retry_after=1)
BAD_GATEWAY = Fault(502, "Bad Gateway")
BLOCKED = Fault(403, "Forbidden: bot was blocked by the user")
CHAT_NOT_FOUND = Fault(400, "Bad Request: chat not found")
INTERNAL = Fault(500, "Internal Server Error")


@dataclass
class FakeTelegram:
    """The server and its recorded state. `faults[chat_id]` lists what the next sends to that
    chat meet, one fault per attempt, before an attempt succeeds."""

    token: str = TOKEN
    updates: list[dict[str, Any]] = field(default_factory=list)
    sent: list[Sent] = field(default_factory=list)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    port: int = 0
    faults: dict[int, list[Fault]] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)  # file_id -> content users sent
    kinds: dict[str, str] = field(default_factory=dict)  # file_id -> "voice" / "audio"
    attempts: dict[int, list[float]] = field(default_factory=dict)  # send times per chat
    allowed_updates: list[str] = field(default_factory=list)  # [] = Telegram's default
    blocked_by: set[int] = field(default_factory=set)  # users who blocked the bot
    # What the next calls of a method meet (e.g. "getMe": [INTERNAL]), one per call.
    method_faults: dict[str, list[Fault]] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    _runner: web.AppRunner | None = None

    @property
    def base_url(self) -> str:
        """What to give `ApplicationBuilder.base_url` (the token is appended)."""
        return f"http://127.0.0.1:{self.port}/bot"

    async def start(self) -> None:
        """Serve on a free loopback port."""
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/documents/{file_id}", self._download)
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
            self._changed.notify_all()
        if self._runner is not None:
            await self._runner.cleanup()

    # --- the users' side -------------------------------------------------------------------

    async def push(self, update: dict[str, Any]) -> None:
        """Queue an update for the bot's next getUpdates."""
        update["update_id"] = next(self._ids)
        async with self._changed:
            self.updates.append(update)
            self._changed.notify_all()

    def message(self, user_id: int, **content: Any) -> dict[str, Any]:
        """A private message from `user_id` with the given fields (text, photo, contact...)."""
        message = {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private", "first_name": f"U{user_id}"},
            "from": {"id": user_id, "is_bot": False, "first_name": f"U{user_id}"},
            **content,
        }
        text = content.get("text", "")
        if text.startswith("/"):
            message["entities"] = [
                {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}
            ]
        return {"message": message}

    async def blocks(self, user_id: int, blocked: bool = True) -> None:
        """The user blocks (or unblocks) the bot: sends to them are refused with 403 from
        now on, and a my_chat_member update says so (if the bot asked for those)."""
        (self.blocked_by.add if blocked else self.blocked_by.discard)(user_id)
        user = {"id": user_id, "is_bot": False, "first_name": f"U{user_id}"}
        bot = {"id": 999, "is_bot": True, "first_name": "Chibo", "username": "chibo_test_bot"}
        kicked = {"user": bot, "status": "kicked", "until_date": 0}  # until_date: always there
        member = {"user": bot, "status": "member"}
        change = {
            "chat": {"id": user_id, "type": "private", "first_name": f"U{user_id}"},
            "from": user,
            "date": int(time.time()),
            "old_chat_member": member if blocked else kicked,
            "new_chat_member": kicked if blocked else member,
        }
        await self.push({"my_chat_member": change})

    async def says(self, user_id: int, text: str) -> None:
        """The user types `text`."""
        await self.push(self.message(user_id, text=text))

    async def taps(self, user_id: int, data: str) -> None:
        """The user presses an inline button carrying `data`."""
        await self.push(
            {
                "callback_query": {
                    "id": str(next(self._ids)),
                    "from": {"id": user_id, "is_bot": False, "first_name": f"U{user_id}"},
                    "chat_instance": "ci",
                    "data": data,
                    "message": {
                        "message_id": next(self._ids),
                        "date": int(time.time()),
                        "chat": {"id": user_id, "type": "private"},
                        "text": "…",
                    },
                }
            }
        )

    async def sends_photo(self, user_id: int, file_id: str, caption: str = "") -> None:
        """The user sends a photo (Telegram sends several sizes; the largest is last)."""
        sizes = [
            {"file_id": f"{file_id}-small", "file_unique_id": "s", "width": 90, "height": 67},
            {"file_id": file_id, "file_unique_id": "b", "width": 1280, "height": 960},
        ]
        content: dict[str, Any] = {"photo": sizes}
        if caption:
            content["caption"] = caption
        await self.push(self.message(user_id, **content))

    async def sends_voice(self, user_id: int, file_id: str, seconds: int = 12) -> None:
        """The user records a voice message (OGG/Opus); its file id can be sent back only
        as a voice (sendVoice), as Telegram's file ids keep their type."""
        self.kinds[file_id] = "voice"
        voice = {
            "file_id": file_id,
            "file_unique_id": f"u-{file_id}",
            "duration": seconds,
            "mime_type": "audio/ogg",
            "file_size": 4000 * seconds,
        }
        await self.push(self.message(user_id, voice=voice))

    async def sends_audio(self, user_id: int, file_id: str, file_name: str) -> None:
        """The user sends an audio file (a recording made with another app)."""
        self.kinds[file_id] = "audio"
        audio = {
            "file_id": file_id,
            "file_unique_id": f"u-{file_id}",
            "duration": 30,
            "mime_type": "audio/mpeg",
            "file_name": file_name,
        }
        await self.push(self.message(user_id, audio=audio))

    async def shares_contact(self, user_id: int, phone: str, contact_user_id: int | None) -> None:
        """The user sends a contact card (their own via the button, or somebody's)."""
        contact: dict[str, Any] = {"phone_number": phone, "first_name": "X"}
        if contact_user_id is not None:
            contact["user_id"] = contact_user_id
        await self.push(self.message(user_id, contact=contact))

    async def sends_document(self, user_id: int, file_name: str, content: bytes) -> None:
        """The user attaches a file; the bot may download it with getFile."""
        file_id = f"doc-{next(self._ids)}"
        self.files[file_id] = content
        document = {
            "file_id": file_id,
            "file_unique_id": file_id,
            "file_name": file_name,
            "file_size": len(content),
        }
        await self.push(self.message(user_id, document=document))

    async def wait_sent(self, chat_id: int, count: int, within: float = 10) -> list[Sent]:
        """The first `count` messages sent to `chat_id`, waiting for them to arrive."""

        def ready() -> bool:
            return len([s for s in self.sent if s.chat_id == chat_id]) >= count

        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(ready), within)
        return [s for s in self.sent if s.chat_id == chat_id][:count]

    async def wait_attempts(self, chat_id: int, count: int, within: float = 10) -> None:
        """Wait until `count` sends to `chat_id` have reached the server (answered or not)."""
        async with self._changed:
            await asyncio.wait_for(
                self._changed.wait_for(lambda: len(self.attempts.get(chat_id, ())) >= count),
                within,
            )

    async def wait_text(
        self, chat_id: int, fragment: str, after: int = 0, within: float = 10
    ) -> Sent:
        """The first message to `chat_id`, from index `after` on, containing `fragment`."""

        def found() -> Sent | None:
            return next((s for s in self.to(chat_id)[after:] if fragment in s.text), None)

        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: found() is not None), within)
        sent = found()
        assert sent is not None
        return sent

    def to(self, chat_id: int) -> list[Sent]:
        """Everything sent to `chat_id` so far."""
        return [s for s in self.sent if s.chat_id == chat_id]

    # --- the Bot API side ------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        params = await _params(request)
        self.calls.append((method, params))
        pending_call = self.method_faults.get(method)
        if pending_call:
            fault = pending_call.pop(0)
            return _error(fault.status, fault.description, fault.retry_after)
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            return _error(404, "Not Found: method not found")
        if method.startswith("send") and "chat_id" in params:
            chat_id = int(params["chat_id"])
            async with self._changed:
                self.attempts.setdefault(chat_id, []).append(time.monotonic())
                self._changed.notify_all()
            pending = self.faults.get(chat_id)
            fault = pending.pop(0) if pending else PASS
            if fault == PASS and chat_id in self.blocked_by:
                fault = BLOCKED
            if fault != PASS:
                if fault.delay:  # the client gives up first; the message was never taken
                    await asyncio.sleep(fault.delay)
                    return _error(504, "Gateway Timeout")
                return _error(fault.status, fault.description, fault.retry_after)
        if _markup_too_big(params.get("reply_markup")):
            return _error(400, "Bad Request: REPLY_MARKUP_TOO_LONG")
        result = await handler(params)
        if isinstance(result, web.Response):  # the method refused its parameters
            return result
        return web.json_response({"ok": True, "result": result})

    async def _download(self, request: web.Request) -> web.Response:
        content = self.files.get(request.match_info["file_id"])
        if request.match_info["token"] != self.token or content is None:
            return web.Response(status=404)
        return web.Response(body=content)

    async def _api_getFile(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = str(params["file_id"])
        return {
            "file_id": file_id,
            "file_unique_id": file_id,
            "file_size": len(self.files.get(file_id, b"")),
            "file_path": f"documents/{file_id}",
        }

    async def _api_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": 999,
            "is_bot": True,
            "first_name": "Chibo",
            "username": "chibo_test_bot",
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def _allow(self, params: dict[str, Any]) -> None:
        if "allowed_updates" in params:
            self.allowed_updates = list(params["allowed_updates"] or [])

    def _wanted(self, update: dict[str, Any]) -> bool:
        kind = next(key for key in update if key != "update_id")
        if self.allowed_updates:
            return kind in self.allowed_updates
        return kind not in NOT_BY_DEFAULT

    async def _api_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        self._allow(params)
        async with self._changed:
            self.updates = [
                u for u in self.updates if u["update_id"] >= offset and self._wanted(u)
            ]
            if not self.updates and timeout:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), timeout)
            self.updates = [u for u in self.updates if self._wanted(u)]
            return list(self.updates[: int(params.get("limit") or 100)])

    async def _record(
        self, method: str, params: dict[str, Any], text: str
    ) -> dict[str, Any] | web.Response:
        markup = params.get("reply_markup") or {}
        for row in markup.get("inline_keyboard", []) if isinstance(markup, dict) else []:
            for button in row:
                # A Mini App button opens an https page only ("Web App URL ... is invalid:
                # Only HTTPS links are allowed").
                url = str((button.get("web_app") or {}).get("url", "https://"))
                if not url.startswith("https://"):
                    return _error(
                        400,
                        f"Bad Request: inline keyboard button Web App URL '{url}' is invalid: "
                        "Only HTTPS links are allowed",
                    )
        chat_id = int(params["chat_id"])
        message_id = next(self._ids)
        async with self._changed:
            self.sent.append(Sent(method, chat_id, text, params, message_id, time.monotonic()))
            self._changed.notify_all()
        return {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "text": text,
        }

    async def _api_sendMessage(self, params: dict[str, Any]) -> dict[str, Any] | web.Response:
        text = str(params.get("text", ""))
        if not text.strip():
            return _error(400, "Bad Request: message text is empty")
        if _utf16_length(text) > TEXT_LIMIT:
            return _error(400, "Bad Request: message is too long")
        return await self._record("sendMessage", params, text)

    async def _api_sendPhoto(self, params: dict[str, Any]) -> dict[str, Any] | web.Response:
        if not params.get("photo"):
            return _error(400, "Bad Request: there is no photo in the request")
        caption = str(params.get("caption", ""))
        if _utf16_length(caption) > CAPTION_LIMIT:
            return _error(400, "Bad Request: message caption is too long")
        return await self._record("sendPhoto", params, caption)

    async def _api_sendDocument(self, params: dict[str, Any]) -> dict[str, Any] | web.Response:
        if not params.get("document"):
            return _error(400, "Bad Request: there is no document in the request")
        caption = str(params.get("caption", ""))
        if _utf16_length(caption) > CAPTION_LIMIT:
            return _error(400, "Bad Request: message caption is too long")
        return await self._record("sendDocument", params, caption)

    async def _resend(
        self, method: str, kind: str, params: dict[str, Any]
    ) -> dict[str, Any] | web.Response:
        """A voice or audio file sent again by its file id: refused, as Telegram does, when
        the id names a file of another type; captions up to 1024 characters."""
        field = params.get(kind)
        if isinstance(field, str) and self.kinds.get(field, kind) != kind:
            return _error(400, "Bad Request: type of file mismatch")
        caption = str(params.get("caption", ""))
        if _utf16_length(caption) > CAPTION_LIMIT:
            return _error(400, "Bad Request: message caption is too long")
        return await self._record(method, params, caption)

    async def _api_sendVoice(self, params: dict[str, Any]) -> dict[str, Any] | web.Response:
        return await self._resend("sendVoice", "voice", params)

    async def _api_sendAudio(self, params: dict[str, Any]) -> dict[str, Any] | web.Response:
        return await self._resend("sendAudio", "audio", params)

    async def _api_answerCallbackQuery(self, params: dict[str, Any]) -> bool:
        return True

    async def _api_setMyCommands(self, params: dict[str, Any]) -> bool:
        return True

    async def _api_deleteWebhook(self, params: dict[str, Any]) -> bool:
        return True

    async def _api_setWebhook(self, params: dict[str, Any]) -> bool:
        self._allow(params)
        return True


async def _params(request: web.Request) -> dict[str, Any]:
    raw: dict[str, Any]
    if request.content_type == "application/json":
        raw = await request.json()
    else:
        form = await request.post()
        raw = {}
        for key, value in form.items():
            if isinstance(value, web.FileField):  # an upload: kept with its name
                raw[key] = Upload(value.filename, value.file.read())
            else:
                raw[key] = value
    params: dict[str, Any] = {}
    for key, value in raw.items():
        if isinstance(value, str) and value[:1] in "[{":
            try:
                params[key] = json.loads(value)
                continue
            except json.JSONDecodeError:
                pass
        params[key] = value
    return params


# Telegram refuses an inline keyboard of more than 100 buttons or about 10 KB of markup
# (measured by its users; the Bot API docs are silent), with REPLY_MARKUP_TOO_LONG.
MAX_BUTTONS = 100
MAX_MARKUP_BYTES = 10 * 1024


def _markup_too_big(markup: object) -> bool:
    if not isinstance(markup, dict):
        return False
    rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
    buttons = sum(len(row) for row in rows if isinstance(row, list))
    size = len(json.dumps(markup, ensure_ascii=False).encode())
    return buttons > MAX_BUTTONS or size > MAX_MARKUP_BYTES


def _error(code: int, description: str, retry_after: int | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return web.json_response(body, status=code)
