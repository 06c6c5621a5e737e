"""Inbound throughput: N members each report a good deed through the real Telegram adapter.

Each member does what a person does — /viectot, tap a household, tap a kind, type the
description, tap "no photo", tap "send" (6 updates) — waiting for each answer before the
next step, all members at once. Each round also runs the same kinds of update through a bare
python-telegram-bot echo bot (same fake Bot API, same concurrency, same per-chat ordering and
connection pool) as the ceiling. Prints updates/s and the ratio of each round.

By default the fake Bot API and the members run in a process of their own (as Telegram is
elsewhere), so the bot's process does only the bot's work; `--layout shared` puts them on
the bot's event loop instead.

    uv run python -m bench.inbound --members 100 --rounds 3
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import multiprocessing
import time
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, ContextTypes, MessageHandler
from telegram.ext import filters as tg_filters

from bench.common import QueueingTelegram, fresh_database
from bot.channels.telegram import TelegramChannel, command_menu
from bot.channels.telegram.channel import CONNECTION_POOL_SIZE
from bot.channels.telegram.ordering import PerChatUpdateProcessor
from bot.core.config import Settings
from bot.core.db import make_sessionmaker
from bot.dispatcher.dispatch import Dispatcher
from models import (
    Assignment,
    Channel,
    ChatAddress,
    Household,
    Member,
    Organisation,
    OrgKind,
)
from tests.fake_telegram import TOKEN

FIRST_USER = 100_000
STEPS = 6


async def seed(engine: AsyncEngine, members: int) -> None:
    """One commune, one cell per 20 members, each member with 5 households and a linked chat."""
    now = datetime.now(UTC)
    async with make_sessionmaker(engine)() as session, session.begin():
        commune = Organisation(name="Xã Bench", kind=OrgKind.GRASSROOTS_COMMITTEE, path="/1/")
        session.add(commune)
        await session.flush()
        cells: list[Organisation] = []
        for number in range((members + 19) // 20):
            cell = Organisation(name=f"Chi bộ {number}", kind=OrgKind.CELL, parent_id=commune.id)
            session.add(cell)
            cells.append(cell)
        await session.flush()
        people = [
            Member(
                full_name=f"Đảng viên {i}",
                phone=f"09{i:08d}",
                cell_id=cells[i // 20].id,
                created_at=now,
            )
            for i in range(members)
        ]
        session.add_all(people)
        homes = [
            Household(
                commune_id=commune.id,
                code=f"H{i:06d}",
                head_name=f"Chủ hộ {i}",
                village="Bản",
                created_at=now,
            )
            for i in range(members * 5)
        ]
        session.add_all(homes)
        await session.flush()
        session.add_all(
            Assignment(member_id=people[i // 5].id, household_id=home.id, started_on=now.date())
            for i, home in enumerate(homes)
        )
        session.add_all(
            ChatAddress(
                member_id=person.id,
                channel=Channel.TELEGRAM,
                external_id=str(FIRST_USER + i),
                linked_at=now,
            )
            for i, person in enumerate(people)
        )


async def member_reports(fake: QueueingTelegram, user: int) -> None:
    """One member's six steps, each waiting for the bot's answer."""
    await fake.says(user, "/viectot")
    households = await fake.next_reply(user)
    await fake.taps(user, households.buttons[0][1])
    kinds = await fake.next_reply(user)
    await fake.taps(user, kinds.buttons[0][1])
    await fake.next_reply(user)
    await fake.says(user, "Giúp hộ dựng lại nhà tiêu hợp vệ sinh")
    photo = await fake.next_reply(user)
    await fake.taps(user, photo.buttons[0][1])
    confirm = await fake.next_reply(user)
    await fake.taps(user, confirm.buttons[0][1])
    done = await fake.next_reply(user)
    assert "Đã ghi nhận" in done.text, done.text


async def echo_member(fake: QueueingTelegram, user: int) -> None:
    """The same kinds of update as a report (text, tap, tap, text, tap, tap), with the echo bot."""
    for step in range(STEPS):
        if step % 3 == 0:
            await fake.says(user, "hello")
        else:
            await fake.taps(user, "x")
        await fake.next_reply(user)


WORKLOADS = {"echo": echo_member, "chibo": member_reports}


async def timed(fake: QueueingTelegram, members: int, kind: str) -> float:
    """Updates per second for all members running the `kind` workload at once."""
    one = WORKLOADS[kind]
    started = time.perf_counter()
    await asyncio.gather(*(one(fake, FIRST_USER + i) for i in range(members)))
    return members * STEPS / (time.perf_counter() - started)


class Users(Protocol):
    """The Telegram side: a fake Bot API and the members typing into it."""

    async def start(self) -> str:
        """A fresh fake server; its base URL."""

    async def run(self, kind: str) -> float:
        """All members through the `kind` workload; updates/s."""

    async def stop(self) -> None:
        """Stop the fake server."""


class SharedUsers:
    """The fake server and the members on the bot's own event loop (costs the bot's CPU)."""

    def __init__(self, members: int) -> None:
        self.members = members
        self.fake = QueueingTelegram()

    async def start(self) -> str:
        self.fake = QueueingTelegram()
        await self.fake.start()
        return self.fake.base_url

    async def run(self, kind: str) -> float:
        return await timed(self.fake, self.members, kind)

    async def stop(self) -> None:
        await self.fake.stop()


def users_process(conn: Connection, members: int) -> None:
    """Child process: serves SharedUsers' three calls over `conn` until told "quit"."""

    async def main() -> None:
        users = SharedUsers(members)
        loop = asyncio.get_running_loop()
        while (command := await loop.run_in_executor(None, conn.recv)) != "quit":
            action, *args = command
            conn.send(await getattr(users, action)(*args))

    asyncio.run(main())


class SplitUsers:
    """The fake server and the members in a process of their own, as Telegram is."""

    def __init__(self, members: int) -> None:
        spawn = multiprocessing.get_context("spawn")
        self.conn, child = spawn.Pipe()
        self.process = spawn.Process(target=users_process, args=(child, members), daemon=True)
        self.process.start()

    async def _call(self, *command: object) -> Any:
        self.conn.send(command)
        return await asyncio.get_running_loop().run_in_executor(None, self.conn.recv)

    async def start(self) -> str:
        return str(await self._call("start"))

    async def run(self, kind: str) -> float:
        return float(await self._call("run", kind))

    async def stop(self) -> None:
        await self._call("stop")

    def close(self) -> None:
        self.conn.send("quit")
        self.process.join()


async def run_chibo(users: Users, backend: str, members: int, workers: int = 1) -> float:
    """updates/s through chibo's Telegram channel on `backend`."""
    async with fresh_database(backend) as engine:
        await seed(engine, members)
        settings = Settings(_env_file=None, database_url="sqlite+aiosqlite://")  # type: ignore[call-arg]
        dispatcher = Dispatcher(make_sessionmaker(engine), settings, workers=workers)
        channel = TelegramChannel(
            TOKEN,
            dispatcher.handle,
            api_url=await users.start(),
            poll_timeout=1,
            menu=command_menu(dispatcher.registry),
        )
        await channel.start()
        try:
            return await users.run("chibo")
        finally:
            await channel.stop()
            await users.stop()


async def run_echo(users: Users) -> float:
    """updates/s through a bare python-telegram-bot echo bot: the same per-chat ordering and
    connection pool as chibo's channel."""
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="x")]])

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_chat is not None and update.message is not None
        await context.bot.send_message(
            update.effective_chat.id, update.message.text or "", reply_markup=keyboard
        )

    async def tapped(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.callback_query is not None and update.effective_chat is not None
        await update.callback_query.answer()
        await context.bot.send_message(update.effective_chat.id, "ok", reply_markup=keyboard)

    application = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(await users.start())
        .concurrent_updates(PerChatUpdateProcessor())
        .connection_pool_size(CONNECTION_POOL_SIZE)
        .build()
    )
    application.add_handler(MessageHandler(tg_filters.TEXT, echo))
    application.add_handler(CallbackQueryHandler(tapped))
    await application.initialize()
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling(timeout=1)
    try:
        return await users.run("echo")
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()
        await users.stop()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--backend", action="append", choices=["sqlite", "postgresql"])
    parser.add_argument("--rounds", type=int, default=3, help="each round runs every bot once")
    parser.add_argument(
        "--layout",
        choices=["split", "shared"],
        default="split",
        help="fake Bot API and members in their own process (split) or on the bot's loop",
    )
    parser.add_argument(
        "--workers", type=int, default=1, help="batches under way at once (chibo's default: 1)"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    backends = args.backend or ["sqlite", "postgresql"]
    users: Users = (
        SplitUsers(args.members) if args.layout == "split" else SharedUsers(args.members)
    )
    ratios: dict[str, list[float]] = {backend: [] for backend in backends}
    print(f"members={args.members} updates={args.members * STEPS} layout={args.layout}")
    try:
        for number in range(1, args.rounds + 1):
            echo = await run_echo(users)
            line = f"round {number}: echo {echo:6.1f}/s"
            for backend in backends:
                rate = await run_chibo(users, backend, args.members, args.workers)
                ratios[backend].append(rate / echo)
                line += f"  {backend} {rate:6.1f}/s ({rate / echo:.2f})"
            print(line, flush=True)
    finally:
        if isinstance(users, SplitUsers):
            users.close()
    for backend, found in ratios.items():
        print(
            f"chibo on {backend:10s}: ratio to echo best {max(found):.2f}, "
            f"spread {min(found):.2f}-{max(found):.2f}"
        )


if __name__ == "__main__":
    asyncio.run(main())
