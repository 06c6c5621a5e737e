"""The HTTP server of webhook mode: one POST route per channel, secret-checked, and /healthz."""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.web.media import ROUTE as MEDIA_ROUTE
from bot.web.media import MediaShelf

log = logging.getLogger(__name__)

Feed = Callable[[dict[str, Any]], Awaitable[None]]
MAX_BODY = 1024 * 1024  # Telegram updates are a few KB; refuse anything absurd


@dataclass(frozen=True)
class WebhookRoute:
    """Where a channel receives its updates, and how it proves they are genuine."""

    path: str
    secret_header: str
    secret: str
    feed: Feed


def _secret_matches(given: str | None, expected: str) -> bool:
    # Constant-time comparison, so timing does not reveal how much of a guess was right.
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


# What /healthz is told: healthy or not, or the verdict of each part checked by name.
Health = Callable[[], Awaitable[bool | Mapping[str, bool]]]
# /metrics: the page's body and content type.
Metrics = Callable[[], Awaitable[tuple[bytes, str]]]


def build_app(
    routes: list[WebhookRoute],
    health: Health,
    media: MediaShelf | None = None,
    *,
    metrics: Metrics | None = None,
) -> web.Application:
    """An aiohttp application serving the given webhook routes, GET /healthz, GET /metrics
    with a `metrics` source and, with a `media` shelf, the files on it."""
    app = web.Application(client_max_size=MAX_BODY)

    def receiver(route: WebhookRoute) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def receive(request: web.Request) -> web.Response:
            if not _secret_matches(request.headers.get(route.secret_header), route.secret):
                log.warning(
                    "webhook %s: request with a wrong or missing secret refused", route.path
                )
                return web.json_response({"ok": False}, status=403)
            try:
                payload = await request.json()
            except (json.JSONDecodeError, UnicodeDecodeError):
                return web.json_response({"ok": False, "error": "not JSON"}, status=400)
            if not isinstance(payload, dict):
                return web.json_response({"ok": False, "error": "not an object"}, status=400)
            await route.feed(payload)
            return web.json_response({"ok": True})

        return receive

    async def healthz(request: web.Request) -> web.Response:
        verdict = await health()
        if isinstance(verdict, bool):
            body: dict[str, Any] = {"status": "ok" if verdict else "unhealthy"}
            healthy = verdict
        else:
            healthy = all(verdict.values())
            body = {
                "status": "ok" if healthy else "unhealthy",
                "checks": {part: "ok" if fine else "failing" for part, fine in verdict.items()},
            }
        return web.json_response(body, status=200 if healthy else 503)

    async def metrics_page(request: web.Request) -> web.Response:
        assert metrics is not None
        body, content_type = await metrics()
        response = web.Response(body=body)
        response.headers["Content-Type"] = content_type
        return response

    async def shelved(request: web.Request) -> web.Response:
        found = media.get(request.match_info["token"]) if media is not None else None
        if found is None:
            return web.Response(status=404, text="not found")
        # Reports hold names: no cache on the way may keep a copy.
        return web.Response(
            body=found.content,
            content_type=found.mime_type,
            headers={"Cache-Control": "no-store"},
        )

    for route in routes:
        app.router.add_post(route.path, receiver(route))
    app.router.add_get("/healthz", healthz)
    if metrics is not None:
        app.router.add_get("/metrics", metrics_page)
    if media is not None:
        app.router.add_get(MEDIA_ROUTE, shelved)
    return app


class WebServer:
    """Runs an aiohttp application on host:port until stopped."""

    def __init__(self, app: web.Application, host: str, port: int) -> None:
        self.runner = web.AppRunner(app, access_log=None)
        self.host = host
        self.port = port

    async def start(self) -> None:
        """Bind and serve."""
        await self.runner.setup()
        site = web.TCPSite(self.runner, self.host, self.port)
        await site.start()
        log.info("http: listening on %s:%s", self.host, self.port)

    async def stop(self) -> None:
        """Stop serving."""
        await self.runner.cleanup()
