"""Strangers, secretaries and the log learn nothing they should not: no answer depends on
whether a phone outside one's cells belongs to a member, and the log holds ids and kinds,
never phones, names, deed texts, invite codes or the bot's token."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.telegram import TelegramChannel
from bot.core.logs import QUIET, configure_logging, redact
from bot.dispatcher.dispatch import Dispatcher
from models import Organisation, OrgKind
from tests import factories
from tests.dialog import Chat, crashing_registry
from tests.factories import Cell, FakeClock
from tests.fake_telegram import TOKEN, FakeTelegram

XIEN = 5001
DEED = "Giúp bà Hoa sửa mái nhà"


async def _member_of_another_cell(
    sessionmaker: async_sessionmaker[AsyncSession], cell: Cell, clock: FakeClock
) -> None:
    async with sessionmaker() as session, session.begin():
        commune = await session.get(Organisation, cell.commune_id)
        other = await factories.org(session, "Chi bộ bản Khác", OrgKind.CELL, commune)
        await factories.member(session, other.id, "Lò Văn Khác", "0913000002", clock.now())


async def test_mamoi_answers_the_same_for_nobody_and_another_cells_member(
    mai: Chat, cell: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    await _member_of_another_cell(sessionmaker, cell, clock)
    nobody = await mai.send("/mamoi 0999999999")
    someone = await mai.send("/mamoi 0913000002")
    assert nobody.replace("0999999999", "X") == someone.replace("0913000002", "X")
    assert "Không có đảng viên nào của chi bộ đồng chí có số" in nobody


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """chibo's own log configuration at DEBUG, into a string; restored afterwards."""
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    levels = {name: logging.getLogger(name).level for name in QUIET}
    stream = io.StringIO()
    configure_logging(logging.DEBUG, [TOKEN], stream)
    yield stream
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in saved[0]:
        root.addHandler(handler)
    root.setLevel(saved[1])
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


async def test_the_log_at_debug_holds_no_phone_token_code_or_deed(
    captured: io.StringIO,
    fake: FakeTelegram,
    dispatcher: Dispatcher,
    cell: Cell,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
) -> None:
    channel = TelegramChannel(TOKEN, dispatcher.handle, api_url=fake.base_url, poll_timeout=1)
    await channel.start()
    try:
        await fake.says(XIEN, "/start XEN234")
        await fake.wait_text(XIEN, "Lò Văn Xiên")
        for said, expect in (
            ("/viectot", "Việc tốt này giúp ai?"),
            ("1", "Đồng chí mô tả ngắn gọn việc tốt đã làm"),
            (DEED, "kiểm tra lại báo cáo"),  # the kind guessed from the words
            ("0912345678 là số của tôi", ""),  # typed at the confirm step: any answer
        ):
            before = len(fake.to(XIEN))
            await fake.says(XIEN, said)
            await fake.wait_text(XIEN, expect, after=before)
    finally:
        await channel.stop()
    crashing = Chat(
        Dispatcher(sessionmaker, dispatcher.settings, clock, crashing_registry()), "chat-mai"
    )
    await crashing.send("/boom " + DEED)  # a handler that fails: its message is in no log
    log = captured.getvalue()
    assert "telegram" in log and "handler failed" in log
    for secret in (TOKEN, TOKEN.split(":")[1], "0912345678", "XEN234", DEED, "Lò Văn Xiên"):
        assert secret not in log, secret


def test_redaction_catches_tokens_and_phones_whoever_logs_them() -> None:
    line = f"POST https://api.telegram.org/bot{TOKEN}/sendMessage to +84 912 345 678, 0987654321"
    assert (
        redact(line) == "POST https://api.telegram.org/bot<token>/sendMessage to <phone>, <phone>"
    )
    assert redact("update 5001 in chat 5001 at 2026-11-30 21:19:36") == (
        "update 5001 in chat 5001 at 2026-11-30 21:19:36"
    )
