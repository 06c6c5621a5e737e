"""Broadcast throughput: N recipients through the outbox and the real Telegram client, against
a fake Bot API (in its own process, as a remote platform is) that enforces the limits —
answering 429 when they are broken — and injects a few 429s of its own. Prints achieved
rate / configured limit, messages lost and duplicated.

Telegram's 30 messages/s and 1/s per chat are multiplied by --scale to keep the run short.
`--processes N` sends with N `chibo run` processes on one database instead (PostgreSQL: they
share one budget per bot token) and prints their combined rate as the fake saw it.

    uv run python -m bench.broadcast --recipients 3000 --scale 5
    uv run python -m bench.broadcast --backend postgresql --processes 2 --inject 0
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import multiprocessing
import os
import random
import sys
import time
from collections import Counter, deque
from datetime import UTC, datetime
from multiprocessing.connection import Connection

from aiohttp import web
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.common import SCHEMA, fresh_database, poll
from bot.channels.telegram.sender import TelegramOut, delivery_bot
from bot.core.clock import SystemClock
from bot.core.db import make_sessionmaker
from bot.delivery.outbox import enqueue
from bot.delivery.pacer import ChannelLimits, Pacer
from bot.delivery.worker import DeliveryWorker
from models import ChatAddress, DeliveryStatus, Member, Organisation, OrgKind, OutboxMessage
from tests.fake_telegram import TOKEN, FakeTelegram, _error, _params

FIRST_USER = 900_000


class EnforcingTelegram(FakeTelegram):
    """Counts every accepted message and refuses (429) any that breaks the limits."""

    def __init__(self, per_second: float, chat_interval: float, injected: int, total: int):
        super().__init__()
        self.per_second = per_second
        self.chat_interval = chat_interval
        self.window: deque[float] = deque()
        self.last_by_chat: dict[int, float] = {}
        self.received: Counter[int] = Counter()
        self.accepted_at: list[float] = []
        self.refused: Counter[str] = Counter()
        self.inject_at = set(random.Random(7).sample(range(total), injected))
        self.requests = 0

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["method"] != "sendMessage":
            return await super()._handle(request)
        data = await _params(request)  # a form or JSON, as the Bot API takes both
        chat_id = int(str(data["chat_id"]))
        now = time.monotonic()
        self.requests += 1
        while self.window and now - self.window[0] >= 1.0:
            self.window.popleft()
        too_fast = len(self.window) >= self.per_second + 1  # one message of tolerance
        too_soon = now - self.last_by_chat.get(chat_id, -1e9) < self.chat_interval * 0.9
        injected = self.requests - 1 in self.inject_at
        if injected or too_fast or too_soon:
            self.refused["injected" if injected else "too_fast" if too_fast else "too_soon"] += 1
            return _error(429, "Too Many Requests: retry after 1", retry_after=1)
        self.window.append(now)
        self.last_by_chat[chat_id] = now
        self.received[chat_id] += 1
        self.accepted_at.append(now)
        result = {
            "message_id": self.requests,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "text": str(data.get("text")),
        }
        return web.json_response({"ok": True, "result": result})


def serve(
    conn: Connection, per_second: float, chat_interval: float, injected: int, total: int
) -> None:
    """Child process: run the enforcing fake until told to stop, then report what it saw."""

    async def main() -> None:
        fake = EnforcingTelegram(per_second, chat_interval, injected, total)
        await fake.start()
        conn.send(fake.port)
        await asyncio.get_running_loop().run_in_executor(None, conn.recv)
        await fake.stop()
        conn.send((dict(fake.received), dict(fake.refused), fake.accepted_at))

    asyncio.run(main())


async def seed(engine: AsyncEngine, recipients: int) -> None:
    """One cell of `recipients` members, each linked on Telegram, one queued message each."""
    now = datetime.now(UTC)
    async with make_sessionmaker(engine)() as session, session.begin():
        cell = Organisation(name="Chi bộ Bench", kind=OrgKind.CELL, path="/1/")
        session.add(cell)
        await session.flush()
        people = [
            Member(full_name=f"Đảng viên {i}", phone=f"07{i:08d}", cell_id=cell.id, created_at=now)
            for i in range(recipients)
        ]
        session.add_all(people)
        await session.flush()
        session.add_all(
            ChatAddress(
                member_id=p.id, channel="telegram", external_id=str(FIRST_USER + i), linked_at=now
            )
            for i, p in enumerate(people)
        )
        await session.flush()
        for person in people:
            await enqueue(
                session,
                cause="broadcast:1",
                member_id=person.id,
                text="Họp chi bộ ngày 24",
                choices=(),
                now=now,
            )


async def open_rows(engine: AsyncEngine) -> int:
    """Outbox rows not yet sent."""
    async with make_sessionmaker(engine)() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.status != DeliveryStatus.SENT)
        )
    return count or 0


async def chibo_run(env: dict[str, str]) -> asyncio.subprocess.Process:
    """A `chibo run` process (its delivery worker does the sending), once it is up."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        env={**os.environ, **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    assert process.stdout is not None
    await asyncio.wait_for(process.stdout.readline(), 60)
    return process


def run_env(engine: AsyncEngine, port: int, limits: ChannelLimits) -> dict[str, str]:
    """The environment of a `chibo run` sending to the fake on `port` from `engine`."""
    url = engine.url.render_as_string(hide_password=False)
    env = {
        "DATABASE_URL": url,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": f"http://127.0.0.1:{port}/bot",
        "TELEGRAM_RATE_PER_SECOND": str(limits.per_second),
        "TELEGRAM_CHAT_INTERVAL": str(limits.chat_interval),
        "DELIVERY_LEASE_SECONDS": "3",
        "LOG_LEVEL": "ERROR",
    }
    schema = (engine.dialect.name == "postgresql" and SCHEMA.get(id(engine))) or ""
    if schema:
        env["DATABASE_SCHEMA"] = schema
    return env


async def deliver_with_crash(
    engine: AsyncEngine, port: int, limits: ChannelLimits, recipients: int, crash_at: float
) -> float:
    """Send through `chibo run`, SIGKILL it when `crash_at` of the rows are sent, start a new
    one, wait for the rest. Returns the seconds the delivery took, the restart included."""
    env = run_env(engine, port, limits)
    started = time.perf_counter()
    first = await chibo_run(env)

    async def crash_point() -> bool:
        return recipients - await open_rows(engine) >= crash_at * recipients

    async def all_sent() -> bool:
        return await open_rows(engine) == 0

    await poll(crash_point, 0.02)
    first.kill()
    await first.wait()
    second = await chibo_run(env)
    await poll(all_sent)
    elapsed = time.perf_counter() - started
    second.terminate()
    await second.wait()
    return elapsed


async def deliver_with_processes(
    engine: AsyncEngine, port: int, limits: ChannelLimits, processes: int
) -> None:
    """Send through `processes` `chibo run` at once, until every row is sent."""
    env = {**run_env(engine, port, limits), "DELIVERY_LEASE_SECONDS": "60"}
    running = await asyncio.gather(*(chibo_run(env) for _ in range(processes)))

    async def all_sent() -> bool:
        return await open_rows(engine) == 0

    await poll(all_sent)
    for process in running:
        process.terminate()
        await process.wait()


def busiest_second(times: list[float]) -> int:
    """The most messages accepted in any rolling second."""
    times = sorted(times)
    most, start = 0, 0
    for end, at in enumerate(times):
        while at - times[start] >= 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


async def run(
    backend: str,
    recipients: int,
    scale: float,
    injected: int,
    crash_at: float | None,
    processes: int = 0,
) -> None:
    """One broadcast on `backend`; prints one line of figures."""
    limits = ChannelLimits(per_second=30 * scale, chat_interval=1 / scale)
    spawn = multiprocessing.get_context("spawn")
    parent, child = spawn.Pipe()
    server = spawn.Process(
        target=serve, args=(child, limits.per_second, limits.chat_interval, injected, recipients)
    )
    server.start()
    port = parent.recv()
    async with fresh_database(backend) as engine:
        await seed(engine, recipients)
        if processes:
            await deliver_with_processes(engine, port, limits, processes)
            parent.send("stop")
            received, refused, accepted_at = parent.recv()
            server.join()
            span = max(accepted_at) - min(accepted_at)
            rate = (len(accepted_at) - 1) / span
            print(
                f"{backend:10s} processes={processes} recipients={recipients} "
                f"limit={limits.per_second:g}/s combined={rate:.1f}/s "
                f"ratio={rate / limits.per_second:.3f} "
                f"busiest_second={busiest_second(accepted_at)} 429s={refused} "
                f"lost={recipients - len(received)} "
                f"duplicated={sum(n - 1 for n in received.values())}"
            )
            return
        if crash_at is not None:
            elapsed = await deliver_with_crash(engine, port, limits, recipients, crash_at)
            parent.send("stop")
            received, refused, _ = parent.recv()
            server.join()
            print(
                f"{backend:10s} crash at {crash_at:.0%}: recipients={recipients} "
                f"elapsed={elapsed:.2f}s (with restart) 429s={refused} "
                f"lost={recipients - len(received)} "
                f"duplicated={sum(n - 1 for n in received.values())}"
            )
            return
        sender = TelegramOut(
            delivery_bot(TOKEN, f"http://127.0.0.1:{port}/bot"), budget=Pacer(limits)
        )
        await sender.start()
        worker = DeliveryWorker(make_sessionmaker(engine), {"telegram": sender}, SystemClock())
        started = time.perf_counter()
        stop = asyncio.Event()
        task = asyncio.create_task(worker.run(stop))

        async def all_sent() -> bool:
            return await open_rows(engine) == 0

        await poll(all_sent)
        unsent = await open_rows(engine)
        elapsed = time.perf_counter() - started
        stop.set()
        await task
        await sender.stop()
    parent.send("stop")
    received, refused, _ = parent.recv()
    server.join()
    duplicated = sum(n - 1 for n in received.values())
    rate = recipients / elapsed
    paused = sender.budget.paused_seconds
    allowed = recipients / max(elapsed - paused, 1e-9) / limits.per_second
    print(
        f"{backend:10s} recipients={recipients} limit={limits.per_second:g}/s "
        f"elapsed={elapsed:.2f}s achieved={rate:.1f}/s ratio={rate / limits.per_second:.3f} "
        f"429s={refused} paused_by_429={paused:.2f}s "
        f"ratio_while_allowed={allowed:.3f} "
        f"lost={recipients - len(received)} unsent_rows={unsent} duplicated={duplicated}"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=3000)
    parser.add_argument("--scale", type=float, default=5.0, help="multiply Telegram's limits")
    parser.add_argument("--inject", type=int, default=3, help="extra 429s the fake answers")
    parser.add_argument("--backend", action="append", choices=["sqlite", "postgresql"])
    parser.add_argument(
        "--crash-at", type=float, help="send with chibo run and SIGKILL it at this fraction"
    )
    parser.add_argument(
        "--processes", type=int, default=0, help="send with this many chibo run at once"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    for backend in args.backend or ["sqlite", "postgresql"]:
        await run(backend, args.recipients, args.scale, args.inject, args.crash_at, args.processes)


if __name__ == "__main__":
    asyncio.run(main())
