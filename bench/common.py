"""Shared bench helpers: fresh databases on SQLite or PostgreSQL, and a faster fake server."""

from __future__ import annotations

import asyncio
import itertools
import os
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from aiohttp import web
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core.config import async_database_url
from bot.core.db import make_engine, migrate
from tests.fake_telegram import FakeTelegram, Sent, _error

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"
SCHEMA: dict[int, str] = {}  # id(engine) -> its PostgreSQL schema, for child processes


def postgres_url() -> str:
    """TEST_DATABASE_URL, or the local PostgreSQL CI machines have."""
    return async_database_url(os.environ.get("TEST_DATABASE_URL", DEFAULT_PG))


@asynccontextmanager
async def fresh_database(backend: str) -> AsyncIterator[AsyncEngine]:
    """A migrated, empty database: a temporary SQLite file or a throwaway PostgreSQL schema."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            engine = make_engine(f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}")
            await migrate(engine)
            yield engine
            await engine.dispose()
        return
    schema = f"chibo_bench_{uuid.uuid4().hex[:8]}"
    admin = make_engine(postgres_url())
    async with admin.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(
        postgres_url(),
        connect_args={"server_settings": {"search_path": schema}},
        pool_size=20,
        max_overflow=20,
    )
    SCHEMA[id(engine)] = schema
    try:
        await migrate(engine)
        yield engine
    finally:
        SCHEMA.pop(id(engine), None)
        await engine.dispose()
        async with admin.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()


async def poll(
    check: Callable[[], Awaitable[bool]], interval: float = 0.05, within: float = 600.0
) -> bool:
    """Ask `check` every `interval` seconds until it says yes (True) or `within` runs out."""
    deadline = time.perf_counter() + within
    for _ in itertools.count():
        if await check():
            return True
        if time.perf_counter() > deadline:
            return False
        await asyncio.sleep(interval)
    return False


class QueueingTelegram(FakeTelegram):
    """The fake Bot API with a queue per chat, so thousands of waiting users stay cheap;
    `inject_429` > 0 answers every so many sends with 429 (retry after 1 s) instead."""

    def __init__(self, inject_429: int = 0) -> None:
        super().__init__()
        self.inbox: dict[int, asyncio.Queue[Sent]] = defaultdict(asyncio.Queue)
        self.inject_429 = inject_429
        self.sends = 0
        self.refused = 0

    async def _handle(self, request: web.Request) -> web.Response:
        if self.inject_429 and request.match_info["method"].startswith("send"):
            self.sends += 1
            if self.sends % self.inject_429 == 0:
                self.refused += 1
                return _error(429, "Too Many Requests: retry after 1", retry_after=1)
        return await super()._handle(request)

    async def _record(self, method: str, params: dict[str, Any], text: str) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        sent = Sent(method, chat_id, text, params)
        self.inbox[chat_id].put_nowait(sent)
        return {
            "message_id": 1,
            "date": 0,
            "chat": {"id": chat_id, "type": "private"},
            "text": text,
        }

    async def next_reply(self, chat_id: int, within: float = 60) -> Sent:
        """The next message the bot sends to `chat_id`."""
        return await asyncio.wait_for(self.inbox[chat_id].get(), within)
