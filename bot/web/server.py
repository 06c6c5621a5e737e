"""The HTTP server of webhook mode: one POST route per channel, secret-checked, and /healthz.

A webhook is answered only once its update has been handled (and committed): a platform
never sends again an update it got 200 for. Updates in hand are bounded; past the bound the
answer is 503 with Retry-After, and the platform sends the update again later. A body that
is not an update is answered 200 (valid secret, unusable content: sending it again would not
help) or 400 (not JSON), never 500, and logged without its content. Refused requests are
counted and logged once a minute, so an unauthenticated caller cannot fill the disk; clients
that send their headers or body too slowly are disconnected."""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.web.dashboard.routes import Dashboard
from bot.web.media import ROUTE as MEDIA_ROUTE
from bot.web.media import MediaShelf

log = logging.getLogger(__name__)

Feed = Callable[[dict[str, Any]], Awaitable[None]]
MAX_BODY = 1024 * 1024  # Telegram updates are a few KB; refuse anything absurd
MAX_PENDING = 64  # updates of one route in hand at once (Telegram opens 40 connections)
BODY_SECONDS = 10.0  # to receive a body once its headers are in
HEADER_SECONDS = 10.0  # an idle or half-sent connection is closed after this
LOG_EVERY = 60.0  # seconds between two lines about refused or unusable requests


class UnusableUpdate(Exception):
    """A body with the right secret that is no update the channel can handle."""


@dataclass(frozen=True)
class WebhookRoute:
    """Where a channel receives its updates, and how it proves they are genuine."""

    path: str
    secret_header: str
    secret: str
    feed: Feed


class Tally:
    """Counts events of one kind and logs them at most once every LOG_EVERY seconds."""

    def __init__(self, what: str, clock: Callable[[], float] = time.monotonic) -> None:
        self.what = what
        self.clock = clock
        self.count = 0
        self.logged_at: float | None = None

    def add(self, path: str) -> None:
        """Count one; log the count if the last line is a minute old (or there was none)."""
        self.count += 1
        now = self.clock()
        if self.logged_at is None or now - self.logged_at >= LOG_EVERY:
            log.warning("webhook %s: %d %s since the last report", path, self.count, self.what)
            self.count = 0
            self.logged_at = now


def _secret_matches(given: str | None, expected: str) -> bool:
    # Constant-time comparison, so timing does not reveal how much of a guess was right.
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


# What /healthz is told: healthy or not, or the verdict of each part checked by name: True /
# False, or a channel's state ("up" is healthy; "starting", "retrying", "down" are not).
Health = Callable[[], Awaitable[bool | Mapping[str, bool | str]]]
UP = "up"
# /metrics: the page's body and content type.
Metrics = Callable[[], Awaitable[tuple[bytes, str]]]


def _receiver(
    route: WebhookRoute, max_pending: int
) -> Callable[[web.Request], Awaitable[web.Response]]:
    refused = Tally("requests refused (wrong or missing secret)")
    unusable = Tally("bodies that are no update (answered without handling)")
    pending = 0

    async def receive(request: web.Request) -> web.Response:
        nonlocal pending
        if not _secret_matches(request.headers.get(route.secret_header), route.secret):
            refused.add(route.path)
            return web.json_response({"ok": False}, status=403)
        if pending >= max_pending:
            # Full: the platform keeps the update and sends it again (Telegram retries).
            return web.json_response(
                {"ok": False, "error": "busy"}, status=503, headers={"Retry-After": "1"}
            )
        pending += 1
        try:
            return await _handle(request, route, unusable)
        finally:
            pending -= 1

    return receive


async def _handle(request: web.Request, route: WebhookRoute, unusable: Tally) -> web.Response:
    try:
        body = await asyncio.wait_for(request.read(), BODY_SECONDS)
    except TimeoutError:
        return web.json_response({"ok": False, "error": "too slow"}, status=408)
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested absurdly deep
        unusable.add(route.path)
        return web.json_response({"ok": False, "error": "not JSON"}, status=400)
    if not isinstance(payload, dict):
        unusable.add(route.path)
        return web.json_response({"ok": False, "error": "not an object"}, status=400)
    try:
        await route.feed(payload)
    except UnusableUpdate:
        unusable.add(route.path)
    return web.json_response({"ok": True})


def _shown(verdict: bool | str) -> str:
    if isinstance(verdict, str):
        return verdict
    return "ok" if verdict else "failing"


def build_app(
    routes: list[WebhookRoute],
    health: Health,
    media: MediaShelf | None = None,
    *,
    metrics: Metrics | None = None,
    max_pending: int = MAX_PENDING,
    dashboard: Dashboard | None = None,
) -> web.Application:
    """An aiohttp application serving the given webhook routes, GET /healthz, GET /metrics
    with a `metrics` source, with a `media` shelf the files on it and, with a `dashboard`,
    its pages under /web/."""
    app = web.Application(client_max_size=MAX_BODY)

    async def healthz(request: web.Request) -> web.Response:
        verdict = await health()
        if isinstance(verdict, bool):
            body: dict[str, Any] = {"status": "ok" if verdict else "unhealthy"}
            healthy = verdict
        else:
            checks = {part: _shown(fine) for part, fine in verdict.items()}
            core = [fine for fine in verdict.values() if isinstance(fine, bool)]
            states = [fine for fine in verdict.values() if isinstance(fine, str)]
            # One channel down while another serves: "degraded" but 200, so that a load
            # balancer keeps sending the working channel's webhooks here.
            healthy = all(core) and (not states or UP in states)
            status = "ok" if healthy and all(s == UP for s in states) else "degraded"
            body = {"status": status if healthy else "unhealthy", "checks": checks}
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
        app.router.add_post(route.path, _receiver(route, max_pending))
    app.router.add_get("/healthz", healthz)
    if metrics is not None:
        app.router.add_get("/metrics", metrics_page)
    if media is not None:
        app.router.add_get(MEDIA_ROUTE, shelved)
    if dashboard is not None:
        dashboard.mount(app)
    return app


class WebServer:
    """Runs an aiohttp application on host:port until stopped; a connection that sends no
    complete request within `header_seconds` (none at all, or headers one byte at a time) is
    closed."""

    def __init__(
        self, app: web.Application, host: str, port: int, header_seconds: float = HEADER_SECONDS
    ) -> None:
        # No access log: it would write every refused request (and the caller's address).
        self.runner = web.AppRunner(app, access_log=None, keepalive_timeout=header_seconds)
        self.host = host
        self.port = port

    async def start(self) -> None:
        """Bind and serve."""
        await self.runner.setup()
        site = web.TCPSite(self.runner, self.host, self.port)
        await site.start()
        log.info("http: listening on %s:%s", self.host, self.port)

    def port_bound(self) -> int | None:
        """The port listened on (the one the system chose for port 0)."""
        addresses = self.runner.addresses
        return int(addresses[0][1]) if addresses else None

    async def stop(self) -> None:
        """Stop serving."""
        await self.runner.cleanup()
