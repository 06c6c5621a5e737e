"""Inbound throughput: N members each report a good deed through the real Telegram adapter.

Each member does what a person does — /viectot, tap a household, tap a kind, type the
description, tap "no photo", tap "send" (6 updates) — waiting for each answer before the
next step, all members at once. The same loop is then run against a bare python-telegram-bot
echo bot (same fake Bot API, same concurrency) as the ceiling. Prints updates/s and the ratio.

    uv run python -m bench.inbound --members 200 --backend sqlite --backend postgresql
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import time
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, ContextTypes, MessageHandler
from telegram.ext import filters as tg_filters

from bench.common import QueueingTelegram, fresh_database
from bot.app import command_menu
from bot.channels.telegram import TelegramChannel
from bot.channels.telegram.ordering import PerChatUpdateProcessor
from bot.config import Settings
from bot.db import make_sessionmaker
from bot.dispatcher import Dispatcher
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
    """The same six exchanges with the echo bot."""
    for step in range(STEPS):
        if step % 2:
            await fake.taps(user, "x")
        else:
            await fake.says(user, "hello")
        await fake.next_reply(user)


async def timed(fake: QueueingTelegram, members: int, one: object) -> float:
    """Updates per second for all members running `one` at once."""
    started = time.perf_counter()
    await asyncio.gather(*(one(fake, FIRST_USER + i) for i in range(members)))  # type: ignore[operator]
    return members * STEPS / (time.perf_counter() - started)


async def run_chibo(backend: str, members: int) -> float:
    """updates/s through chibo's Telegram channel on `backend`."""
    async with fresh_database(backend) as engine:
        await seed(engine, members)
        settings = Settings(_env_file=None, database_url="sqlite+aiosqlite://")  # type: ignore[call-arg]
        dispatcher = Dispatcher(make_sessionmaker(engine), settings)
        fake = QueueingTelegram()
        await fake.start()
        channel = TelegramChannel(
            TOKEN,
            dispatcher.handle,
            api_url=fake.base_url,
            poll_timeout=1,
            menu=command_menu(dispatcher.registry),
        )
        await channel.start()
        try:
            return await timed(fake, members, member_reports)
        finally:
            await channel.stop()
            await fake.stop()


async def run_echo(members: int) -> float:
    """updates/s through a bare python-telegram-bot echo bot with the same concurrency."""
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

    fake = QueueingTelegram()
    await fake.start()
    application = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(fake.base_url)
        .concurrent_updates(PerChatUpdateProcessor())
        .connection_pool_size(64)
        .build()
    )
    application.add_handler(MessageHandler(tg_filters.TEXT, echo))
    application.add_handler(CallbackQueryHandler(tapped))
    await application.initialize()
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling(timeout=1)
    try:
        return await timed(fake, members, echo_member)
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()
        await fake.stop()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--backend", action="append", choices=["sqlite", "postgresql"])
    parser.add_argument("--rounds", type=int, default=3, help="best of this many runs each")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    backends = args.backend or ["sqlite", "postgresql"]
    echo = max([await run_echo(args.members) for _ in range(args.rounds)])
    print(f"members={args.members} updates={args.members * STEPS} rounds={args.rounds} (best)")
    print(f"bare PTB echo bot: {echo:8.1f} updates/s")
    for backend in backends:
        rate = max([await run_chibo(backend, args.members) for _ in range(args.rounds)])
        print(f"chibo on {backend:10s}: {rate:8.1f} updates/s  ratio to echo {rate / echo:.2f}")


if __name__ == "__main__":
    asyncio.run(main())
