"""Members who cannot report themselves: the secretary reports for them, a voice message
tells the deed and the secretary listens to it from /tonghop, next month's proposals."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.telegram import TelegramChannel
from bot.core.messages import Attachment, OutboundMessage
from bot.delivery.worker import Delivered
from bot.dispatcher.dispatch import Dispatcher
from models import AuditEntry, DeedPhoto, EvidenceKind, OutboxMessage, Pledge
from tests.dialog import Chat, verify_dialog
from tests.factories import Cell, stored_reports
from tests.fake_telegram import TOKEN, FakeTelegram


async def test_the_secretary_reports_for_a_member_who_is_told(
    mai: Chat, xien: Chat, cell: Cell, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await verify_dialog(
        mai,
        [
            ("báo cáo thay", "Đồng chí báo cáo việc tốt thay cho đảng viên nào?"),
            ("Lò Văn Xiên", "Việc tốt của đồng chí Lò Văn Xiên giúp ai?"),
            ("bà Ún", "mô tả ngắn gọn việc tốt"),  # Xiên's households, not Mai's
            ("Giúp chị Ún dựng lại nhà tiêu", "của đồng chí Lò Văn Xiên, do đồng chí nhập thay"),
            ("gui", "Đã báo tin cho đảng viên đó."),
        ],
    )
    [report] = await stored_reports(sessionmaker)
    assert report.member_id == cell.members["xien"]
    assert report.entered_by_member_id == cell.members["mai"]
    assert report.household_id == cell.households["Quàng Thị Ún"]
    async with sessionmaker() as session:
        audit = await session.scalar(
            select(AuditEntry).where(AuditEntry.action == "deed_reported_on_behalf")
        )
        told = await session.scalar(
            select(OutboxMessage).where(OutboxMessage.member_id == cell.members["xien"])
        )
    assert audit is not None and audit.actor_member_id == cell.members["mai"]
    assert audit.details["member_id"] == cell.members["xien"]
    assert told is not None and "Đồng chí Hà Thị Mai đã báo cáo thay đồng chí" in told.text
    assert "Giúp chị Ún dựng lại nhà tiêu" in await xien.send("/toi")  # it counts for Xiên
    summary = await mai.send("/tonghop")
    assert "Chi ủy nhập thay cho đảng viên: 1 báo cáo" in summary
    await mai.tap("Xuất báo cáo Excel tháng 11/2026")
    [workbook] = [r.document for r in mai.last if r.document is not None]
    assert workbook is not None and workbook.content is not None
    sheet = load_workbook(io.BytesIO(workbook.content))["bản Test"]
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert any("[đ/c Hà Thị Mai nhập thay]" in c for c in cells)


async def test_a_member_cannot_report_for_another(xien: Chat) -> None:
    reply = await xien.send("/baocaothay")
    assert "Chỉ bí thư hoặc phó bí thư" in reply


async def test_a_voice_message_tells_the_deed_and_the_secretary_confirms_it(
    xien: Chat, mai: Chat, cell: Cell, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    assert "Chọn một hộ" in await xien.send(voice="voice-xien-1")
    assert "loại việc gì" in await xien.send("Lò Văn Pành")  # no text needed after the voice
    confirm = await xien.send("nha o")
    assert "Nội dung: (kể bằng ghi âm)" in confirm and "số ghi âm: 1" in confirm
    assert "Đã ghi nhận" in await xien.send("1")
    [report] = await stored_reports(sessionmaker)
    async with sessionmaker() as session:
        [kept] = list(await session.scalars(select(DeedPhoto)))
    assert (kept.file_ref, kept.kind) == ("voice-xien-1", EvidenceKind.VOICE)
    summary = await mai.send("/tonghop")
    assert "Báo cáo bằng ghi âm: 1 (1 chưa xác nhận)" in summary
    listing = await mai.tap("Nghe báo cáo ghi âm")
    assert "Lò Văn Xiên, 15/11/2026 (Lò Văn Pành)" in listing
    await mai.tap("Lò Văn Xiên")
    [played] = [r.voice for r in mai.last if r.voice is not None]
    assert played.file_ref == "voice-xien-1"
    assert "Đã xác nhận" in await mai.tap("Xác nhận báo cáo này")
    assert "✓ Lò Văn Xiên" in mai.transcript[-1][1]
    [report] = await stored_reports(sessionmaker)
    assert report.confirmed_by_member_id == cell.members["mai"]


async def test_next_months_proposals_reach_the_secretary_before_the_meeting(
    xien: Chat, mai: Chat, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    saved = await xien.send("đăng ký tháng sau làm nhà tắm cho bà Ún")
    assert "Đã lưu đăng ký tháng 12/2026: làm nhà tắm cho bà Ún" in saved
    assert "Cho tháng 12/2026" in await xien.send("/dangky")  # both months are offered
    await xien.send("/huy")
    async with sessionmaker() as session:
        [pledge] = list(await session.scalars(select(Pledge)))
    assert pledge.month.isoformat() == "2026-12-01"
    assert "Đề xuất việc tháng 12/2026 (1)" in await mai.send("/tonghop")
    proposals = await mai.tap("Đề xuất việc tháng 12/2026")
    assert "1. Lò Văn Xiên: làm nhà tắm cho bà Ún" in proposals


async def test_telegram_voice_messages_come_in_and_go_back_out_as_voice(
    fake: FakeTelegram,
    dispatcher: Dispatcher,
    cell: Cell,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    channel = TelegramChannel(TOKEN, dispatcher.handle, api_url=fake.base_url, poll_timeout=1)
    await channel.start()
    try:
        await fake.says(5001, "/start XEN234")
        await fake.wait_text(5001, "Các lệnh")
        before = len(fake.to(5001))
        await fake.sends_voice(5001, "AwACAgIAAxkBvoice")
        await fake.wait_text(5001, "Chọn một hộ", after=before)
        await fake.sends_audio(5001, "CQACAgIAAxkBaudio", "ghi-am.mp3")  # kept, like photos
        await fake.wait_text(5001, "Đã nhận: 0 ảnh, 2 ghi âm", after=before)
        for kind, file_id in (("voice", "AwACAgIAAxkBvoice"), ("audio", "CQACAgIAAxkBaudio")):
            voice = Attachment(file_id, kind=kind)
            await channel.deliver("6001", OutboundMessage("Lò Văn Xiên", voice=voice))
        wrong = Attachment("CQACAgIAAxkBaudio", kind="voice")  # an audio file id as a voice
        refused = await channel.deliver("6001", OutboundMessage("Lò Văn Xiên", voice=wrong))
        assert not isinstance(refused, Delivered)
    finally:
        await channel.stop()
    sent = [(s.method, s.params.get("voice") or s.params.get("audio")) for s in fake.to(6001)]
    assert sent == [("sendVoice", "AwACAgIAAxkBvoice"), ("sendAudio", "CQACAgIAAxkBaudio")]
