"""/thongbao and /dagui as secretaries and committee members use them."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.messages import Choice, OutboundMessage
from bot.delivery.worker import Delivered, DeliveryWorker, Outcome, Progress, Undeliverable
from bot.dispatcher.dispatch import Dispatcher
from models import (
    Broadcast,
    CellType,
    ChatAddress,
    FailureReason,
    Organisation,
    OrgKind,
    OutboxMessage,
    RoleKind,
)
from tests import factories
from tests.dialog import Chat, verify_dialog
from tests.factories import Cell, FakeClock


class RecordingSender:
    """Delivers to an in-memory inbox; chats listed in `blocked` have blocked the bot."""

    def __init__(self, blocked: tuple[str, ...] = ()) -> None:
        self.inbox: list[tuple[str, str, tuple[Choice, ...]]] = []
        self.blocked = blocked

    async def deliver(
        self,
        chat_id: str,
        message: OutboundMessage,
        *,
        sent_before: Sequence[str] = (),
        progress: Progress | None = None,
    ) -> Outcome:
        if chat_id in self.blocked:
            return Undeliverable(FailureReason.BLOCKED, "403")
        self.inbox.append((chat_id, message.text, message.choices))
        return Delivered(str(len(self.inbox)))


@pytest.fixture
async def secretary(
    cell: Cell,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
    dispatcher: Dispatcher,
) -> Chat:
    """Mai, the cell's secretary; Xiên is linked on "chat-1"; a third member, Ún, never
    linked a chat."""
    async with sessionmaker() as session, session.begin():
        await factories.role(session, cell.members["mai"], cell.cell_id)
        await factories.link(session, cell.members["xien"], "chat-1", clock.now())
        await factories.member(session, cell.cell_id, "Quàng Văn Ún", "0966000001", clock.now())
    return Chat(dispatcher, chat_id="chat-mai")


def _worker(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock, sender: RecordingSender
) -> DeliveryWorker:
    return DeliveryWorker(sessionmaker, {"console": sender}, clock)


async def test_secretary_broadcasts_with_preview_and_sees_delivery(
    secretary: Chat,
    xien: Chat,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
) -> None:
    await verify_dialog(
        secretary,
        [
            ("/thongbao", "Thông báo tới Chi bộ bản Test. Gửi cho ai?"),
            ("tat ca", "viết nội dung thông báo"),
            ("Họp chi bộ 19h30 ngày 24/11 tại nhà văn hóa.", 'bấm "Đã nhận"'),
            ("co", "Người nhận: 3 (Tất cả đảng viên)"),
        ],
    )
    preview = secretary.transcript[-1][1]
    assert "Thông báo của Chi bộ bản Test (Hà Thị Mai):\nHọp chi bộ 19h30" in preview
    assert "1 người không nhận được vì chưa liên kết tài khoản: Quàng Văn Ún" in preview
    assert "đang được gửi tới 2/3 đảng viên" in await secretary.send("gui")
    sender = RecordingSender()
    await _worker(sessionmaker, clock, sender).drain()
    assert sorted(chat for chat, _, _ in sender.inbox) == ["chat-1", "chat-mai"]
    [(_, text, choices)] = [m for m in sender.inbox if m[0] == "chat-1"]
    assert text.startswith("Thông báo của Chi bộ bản Test (Hà Thị Mai):")
    assert [c.label for c in choices] == ["Đã nhận"]
    assert "đã ghi nhận xác nhận" in await xien.send(choice=choices[0].key)
    report = await secretary.send("/dagui")
    assert "Đã gửi tới: 2/3. Đang gửi: 0." in report
    assert 'Đã bấm "Đã nhận": 1/2.' in report
    assert "Chưa xác nhận: Hà Thị Mai." in report
    assert "• Quàng Văn Ún: chưa liên kết tài khoản với trợ lý" in report


async def test_blocked_member_is_reported_with_the_reason(
    secretary: Chat, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    for said in ("/thongbao", "1", "Nộp đảng phí", "khong", "1"):
        await secretary.send(said)
    await _worker(sessionmaker, clock, RecordingSender(blocked=("chat-1",))).drain()
    report = await secretary.send("/dagui")
    assert "• Lò Văn Xiên: đã chặn trợ lý" in report
    assert "Đã bấm" not in report  # no confirmation was asked for


async def test_not_reported_filter_skips_members_who_reported(secretary: Chat, xien: Chat) -> None:
    for said in ("/viectot", "1", "1", "Giúp", "1", "1"):
        await xien.send(said)
    for said in ("/thongbao", "chua bao cao", "Nhắc báo cáo việc tốt", "khong"):
        reply = await secretary.send(said)
    assert "Người nhận: 2 (Đảng viên chưa báo cáo việc tốt tháng này)" in reply


async def test_double_confirmation_creates_one_broadcast(
    secretary: Chat, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    for said in ("/thongbao", "1", "Họp lúc 19 giờ", "khong"):
        await secretary.send(said)
    key = secretary.choice_key("Gửi thông báo")
    await secretary.send(choice=key)
    assert "thuộc câu hỏi trước" in await secretary.send(choice=key)
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Broadcast)) == 1
        assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == 3


async def test_committee_member_chooses_an_organisation_under_them(
    cell: Cell,
    dispatcher: Dispatcher,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
) -> None:
    async with sessionmaker() as session, session.begin():
        commune = await session.get(Organisation, cell.commune_id)
        assert commune is not None
        other = await factories.org(
            session, "Chi bộ thôn Hai", OrgKind.CELL, commune, CellType.RURAL
        )
        uy = await factories.member(session, other.id, "Trần Văn Ủy", "0900000001", clock.now())
        await factories.role(session, uy.id, commune.id, RoleKind.COMMITTEE_MEMBER)
        await factories.link(session, uy.id, "chat-uy", clock.now())
    uy_chat = Chat(dispatcher, chat_id="chat-uy")
    reply = await uy_chat.send("/thongbao")
    assert "Thông báo gửi tới tổ chức nào?" in reply
    for name in ("Đảng bộ xã Test", "Chi bộ bản Test", "Chi bộ thôn Hai"):
        assert name in reply
    assert "Đảng bộ huyện Test" not in reply  # above them: not theirs to write to
    await uy_chat.send("Đảng bộ xã Test")
    await uy_chat.send("1")
    await uy_chat.send("Triển khai nghị quyết")
    assert "Người nhận: 3" in await uy_chat.send("khong")  # Xiên, Mai and Ủy himself


async def test_members_cannot_broadcast(xien: Chat) -> None:
    assert "dành cho bí thư chi bộ và cấp ủy" in await xien.send("/thongbao")


async def test_acknowledging_someone_elses_notice_does_nothing(
    secretary: Chat,
    dispatcher: Dispatcher,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
    cell: Cell,
) -> None:
    for said in ("/thongbao", "1", "Họp lúc 19 giờ", "co", "1"):
        await secretary.send(said)
    async with sessionmaker() as session, session.begin():
        stranger = await factories.member(
            session, cell.cell_id, "Người Khác", "0955000000", clock.now()
        )
        session.add(
            ChatAddress(
                member_id=stranger.id,
                channel="console",
                external_id="chat-x",
                linked_at=clock.now(),
            )
        )
    other = Chat(dispatcher, chat_id="chat-x")  # joined after the notice: not a recipient
    broadcast_id = 1
    assert "thuộc câu hỏi trước" in await other.send(choice=f"ack:b{broadcast_id}")
