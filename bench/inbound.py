"""Inbound throughput: N members each report a good deed through the real Telegram adapter.

Each member does what a person does — /viectot, tap a household, tap a kind, type the
description, tap "no photo", tap "send" (6 updates) — waiting for each answer before the
next step, all members at once. Each round also runs the same kinds of update through a bare
python-telegram-bot echo bot (same fake Bot API, same concurrency, same per-chat ordering and
connection pool) as the ceiling. Prints updates/s and the ratio of each round.

By default the fake Bot API and the members run in a process of their own (as Telegram is
elsewhere), so the bot's process does only the bot's work; `--layout shared` puts them on
the bot's event loop instead.

chibo's budget is raised to 1,000 messages/s here (the fake enforces no limit, and the echo
bot keeps none): the bench compares the work per update, not Telegram's 30/s. With
`--inject-429 N` the fake answers every Nth send with 429 (retry after 1 s); the echo bot is
not run (python-telegram-bot drops such a reply) and the bench prints the replies chibo lost,
which must be 0.

    uv run python -m bench.inbound --members 100 --rounds 3
    uv run python -m bench.inbound --members 100 --rounds 1 --inject-429 50
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import multiprocessing
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from typing import Any, NamedTuple, Protocol

from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, ContextTypes, MessageHandler
from telegram.ext import filters as tg_filters

from bench.common import QueueingTelegram, fresh_database
from bot.channels.replies import REPLIES
from bot.channels.telegram import TelegramChannel, command_menu
from bot.channels.telegram.channel import CONNECTION_POOL_SIZE
from bot.channels.telegram.ordering import PerChatUpdateProcessor
from bot.core.config import Settings
from bot.core.db import make_sessionmaker
from bot.delivery.pacer import ChannelLimits
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
from tests.fake_telegram import TOKEN, Sent

FIRST_USER = 100_000


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


DONE = "Đã ghi nhận"  # the final confirmation: the report is stored


@dataclass(frozen=True)
class Step:
    """One thing a member sends — a line (`say`) or a tap on the button whose label starts
    with `what` in the bot's last answer — and a phrase the bot's answer must hold."""

    action: str  # "say" or "tap"
    what: str
    expect: str


# The report dialog as a member goes through it today (README, "What members can send"):
# one line naming the household and the kind, then one tap; /viectot alone, then the
# household, the description and "send"; a line naming neither, then three taps.
SCRIPTS: tuple[tuple[Step, ...], ...] = (
    (
        Step("say", "báo cáo ạ, hộ thứ hai: giúp sửa lại nhà tiêu hợp vệ sinh", "kiểm tra lại"),
        Step("tap", "Gửi báo cáo", DONE),
    ),
    (
        Step("say", "/viectot", "Chọn một hộ"),
        Step("tap", "Chủ hộ", "mô tả"),
        Step("say", "Giúp hộ dựng lại nhà tiêu hợp vệ sinh", "kiểm tra lại"),
        Step("tap", "Gửi báo cáo", DONE),
    ),
    (
        Step("say", "bao cao giup do mot viec", "Chọn một hộ"),
        Step("tap", "Chủ hộ", "loại việc gì"),
        Step("tap", "Việc khác", "kiểm tra lại"),
        Step("tap", "Gửi báo cáo", DONE),
    ),
)


def script_of(user: int) -> tuple[Step, ...]:
    """The dialog member `user` goes through (the three kinds in turn)."""
    return SCRIPTS[(user - FIRST_USER) % len(SCRIPTS)]


def updates_of(members: int) -> int:
    """How many updates `members` members send in one run."""
    return sum(len(script_of(FIRST_USER + i)) for i in range(members))


class Stuck(Exception):
    """A member's dialog did not go as a member expects."""


async def member_reports(fake: QueueingTelegram, user: int) -> None:
    """One member's report, each step waiting for the bot's answer and checking it, up to
    the final confirmation."""
    last: Sent | None = None
    for step in script_of(user):
        if step.action == "say":
            await fake.says(user, step.what)
        else:
            assert last is not None
            data = next((d for label, d in last.buttons if label.startswith(step.what)), None)
            if data is None:
                raise Stuck(f"no button {step.what!r} in {last.text!r} {last.buttons}")
            await fake.taps(user, data)
        try:
            last = await fake.next_reply(user)
        except TimeoutError:
            raise Stuck(f"no answer to {step.action} {step.what!r}") from None
        if step.expect not in last.text:
            raise Stuck(
                f"{step.action} {step.what!r}: expected {step.expect!r}, got {last.text!r}"
            )


async def echo_member(fake: QueueingTelegram, user: int) -> None:
    """The same kinds of update as the member's report (lines and taps), with the echo bot."""
    for step in script_of(user):
        if step.action == "say":
            await fake.says(user, "hello")
        else:
            await fake.taps(user, "x")
        await fake.next_reply(user)


WORKLOADS = {"echo": echo_member, "chibo": member_reports}


async def timed(fake: QueueingTelegram, members: int, kind: str) -> tuple[float, int, str]:
    """Updates per second for all members running the `kind` workload at once, how many
    members did not get to the end (an answer lost or a question not expected), and why the
    first of them did not."""
    one = WORKLOADS[kind]
    started = time.perf_counter()
    done = await asyncio.gather(
        *(one(fake, FIRST_USER + i) for i in range(members)), return_exceptions=True
    )
    failed = [result for result in done if isinstance(result, BaseException)]
    why = f"{type(failed[0]).__name__}: {failed[0]}" if failed else ""
    return updates_of(members) / (time.perf_counter() - started), len(failed), why


class Users(Protocol):
    """The Telegram side: a fake Bot API and the members typing into it."""

    async def start(self, inject_429: int = 0) -> str:
        """A fresh fake server (answering every `inject_429`th send 429); its base URL."""

    async def run(self, kind: str) -> tuple[float, int, str]:
        """All members through the `kind` workload; updates/s, members stuck and why."""

    async def stop(self) -> None:
        """Stop the fake server."""


class SharedUsers:
    """The fake server and the members on the bot's own event loop (costs the bot's CPU)."""

    def __init__(self, members: int) -> None:
        self.members = members
        self.fake = QueueingTelegram()

    async def start(self, inject_429: int = 0) -> str:
        self.fake = QueueingTelegram(inject_429)
        await self.fake.start()
        return self.fake.base_url

    async def run(self, kind: str) -> tuple[float, int, str]:
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

    async def start(self, inject_429: int = 0) -> str:
        return str(await self._call("start", inject_429))

    async def run(self, kind: str) -> tuple[float, int, str]:
        rate, stuck, why = await self._call("run", kind)
        return float(rate), int(stuck), str(why)

    async def stop(self) -> None:
        await self._call("stop")

    def close(self) -> None:
        self.conn.send("quit")
        self.process.join()


class Run(NamedTuple):
    """One bot's run: updates/s, CPU time of the bot's process per update (ms; with the
    split layout, the bot's work alone), members stuck, replies lost, why the first stuck."""

    rate: float
    cpu_ms: float
    stuck: int = 0
    lost: int = 0
    why: str = ""


async def timed_cpu(users: Users, kind: str, members: int) -> tuple[float, float, int, str]:
    """`users.run(kind)` and the CPU time this process spent per update meanwhile."""
    cpu = time.process_time()
    rate, stuck, why = await users.run(kind)
    return rate, (time.process_time() - cpu) * 1000 / updates_of(members), stuck, why


async def run_chibo(
    users: Users, backend: str, members: int, workers: int = 1, inject_429: int = 0
) -> Run:
    """chibo's Telegram channel on `backend`."""
    async with fresh_database(backend) as engine:
        await seed(engine, members)
        settings = Settings(_env_file=None, database_url="sqlite+aiosqlite://")
        dispatcher = Dispatcher(make_sessionmaker(engine), settings, workers=workers)
        channel = TelegramChannel(
            TOKEN,
            dispatcher.handle,
            api_url=await users.start(inject_429),
            poll_timeout=1,
            menu=command_menu(dispatcher.registry),
            limits=ChannelLimits(per_second=1000, chat_interval=0),
        )
        lost = REPLIES.lost
        await channel.start()
        try:
            rate, cpu_ms, stuck, why = await timed_cpu(users, "chibo", members)
            return Run(rate, cpu_ms, stuck, REPLIES.lost - lost, why)
        finally:
            await channel.stop()
            await users.stop()


async def run_echo(users: Users, members: int) -> Run:
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
        rate, cpu_ms, stuck, why = await timed_cpu(users, "echo", members)
        if stuck:
            raise SystemExit(f"echo bot: {stuck} members stuck ({why})")
        return Run(rate, cpu_ms)
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
    parser.add_argument(
        "--inject-429", type=int, default=0, help="answer every Nth send 429 (chibo only)"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    backends = args.backend or ["sqlite", "postgresql"]
    users: Users = (
        SplitUsers(args.members) if args.layout == "split" else SharedUsers(args.members)
    )
    ratios: dict[str, list[float]] = {backend: [] for backend in backends}
    cpu_ratios: dict[str, list[float]] = {backend: [] for backend in backends}
    print(f"members={args.members} updates={updates_of(args.members)} layout={args.layout}")
    failures: list[str] = []
    try:
        for number in range(1, args.rounds + 1):
            echo = Run(0.0, 0.0) if args.inject_429 else await run_echo(users, args.members)
            if args.inject_429:
                line = f"round {number}, a 429 every {args.inject_429} sends:"
            else:
                line = f"round {number}: echo {echo.rate:6.1f}/s {echo.cpu_ms:.2f} ms CPU/update"
            for backend in backends:
                run = await run_chibo(users, backend, args.members, args.workers, args.inject_429)
                line += f"  {backend} {run.rate:6.1f}/s"
                if echo.rate:
                    ratios[backend].append(run.rate / echo.rate)
                    cpu_ratios[backend].append(echo.cpu_ms / run.cpu_ms)
                    line += f" ({run.rate / echo.rate:.2f})"
                line += f" {run.cpu_ms:.2f} ms CPU/update"
                if echo.rate:
                    line += f" ({echo.cpu_ms / run.cpu_ms:.2f})"
                line += f" [replies lost {run.lost}, confirmed {args.members - run.stuck}]"
                if run.stuck or run.lost:
                    failures.append(
                        f"round {number}, {backend}: {run.stuck} stuck, {run.lost} lost {run.why}"
                    )
            print(line, flush=True)
    finally:
        if isinstance(users, SplitUsers):
            users.close()
    for backend, found in ratios.items():
        if found:
            cpu = sorted(cpu_ratios[backend])
            print(
                f"chibo on {backend:10s}: ratio to echo best {max(found):.2f}, "
                f"spread {min(found):.2f}-{max(found):.2f}; "
                f"echo's CPU per update / chibo's: median {cpu[len(cpu) // 2]:.2f}"
            )
    if failures:
        raise SystemExit(
            "FAILED: not every member got the final confirmation, or a reply "
            "was lost:\n" + "\n".join(failures)
        )


if __name__ == "__main__":
    asyncio.run(main())
