"""/lich, RSVPs, /ykien and the secretary's calendar actions, as chats."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.cli.scheduler import planning_tick, reminders_tick
from bot.core.config import Settings
from bot.dispatcher.dispatch import Dispatcher
from bot.services.meetings.calendar import ScheduleRules, set_schedule
from models import (
    Attendance,
    AttendanceStatus,
    DeliveryStatus,
    OutboxMessage,
    Rsvp,
)
from tests import factories
from tests.dialog import Chat, verify_dialog
from tests.factories import Cell, FakeClock

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
async def calendar(
    cell: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> Cell:
    """The cell meets on the 24th at 19:30; Mai is its secretary."""
    async with sessionmaker() as session, session.begin():
        schedule = await set_schedule(
            session, cell.cell_id, ScheduleRules(24, time(19, 30)), clock.now()
        )
        schedule.nudge_days = []
        await factories.role(session, cell.members["mai"], cell.cell_id)
    return cell


@pytest.fixture
def mai(dispatcher: Dispatcher, calendar: Cell) -> Chat:
    """The secretary's chat."""
    return Chat(dispatcher, chat_id="chat-mai")


async def test_member_sees_the_next_meeting_and_answers(
    xien: Chat, mai: Chat, calendar: Cell
) -> None:
    reply = await xien.send("lich hop")
    assert "1. Họp chi bộ thường kỳ, 19:30 24/11/2026" in reply
    assert "Nội dung dự kiến: chi ủy sẽ thông báo sau" in reply
    assert "Đồng chí: chưa trả lời" in reply
    assert "Dời một buổi họp" not in reply  # members do not manage the calendar
    assert "Đã ghi nhận đồng chí sẽ tham dự" in await xien.tap("Sẽ tham dự")
    await mai.send("/lich")
    await mai.tap("Xem ai sẽ tham dự")
    listing = await mai.send("1")
    assert "Sẽ tham dự (1): Lò Văn Xiên" in listing
    assert "Chưa trả lời (1): Hà Thị Mai" in listing


async def test_cannot_attend_asks_for_the_reason(xien: Chat, mai: Chat, calendar: Cell) -> None:
    await verify_dialog(
        xien,
        [
            ("/lich", "Đồng chí: chưa trả lời"),
            ("khong tham du duoc", "cho biết lý do"),
            ("Đi viện thăm mẹ", "bí thư sẽ xem lý do"),
            ("/lich", "Đồng chí: không tham dự"),
        ],
    )
    for said in ("/lich", "Xem ai sẽ tham dự", "1"):
        listing = await mai.send(said)
    assert "• Lò Văn Xiên: Đi viện thăm mẹ" in listing


async def test_typed_answer_without_buttons(
    xien: Chat, calendar: Cell, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    assert "sẽ tham dự" in await xien.send("Có tham dự")
    async with sessionmaker() as session:
        rsvp = await session.scalar(select(Rsvp))
    assert rsvp is not None and rsvp.attending


async def test_reminder_button_mid_report_keeps_the_report(
    xien: Chat,
    calendar: Cell,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
) -> None:
    await planning_tick(sessionmaker, clock, Settings(_env_file=None))  # as at start
    clock.current = datetime(2026, 11, 21, 1, 0, tzinfo=UTC)  # 08:00 on the 21st: the notice
    await reminders_tick(sessionmaker, clock, Settings(_env_file=None))
    async with sessionmaker() as session:
        notice = await session.scalar(
            select(OutboxMessage).where(OutboxMessage.member_id == calendar.members["xien"])
        )
    assert notice is not None
    assert "Thông báo: họp chi bộ thường kỳ sẽ được tổ chức lúc 19:30 24/11/2026." in notice.text
    assert "Địa điểm: chi ủy sẽ thông báo sau" in notice.text  # no place in the rules yet
    assert [label for _, label in notice.choices] == ["Sẽ tham dự", "Không tham dự được"]
    await xien.send("/viectot")
    await xien.send("1")
    reply = await xien.send(choice=notice.choices[1][0])  # "cannot attend", from the notice
    assert "không tham dự" in reply
    assert "mô tả ngắn gọn" in reply  # the report goes on where it was


async def test_typed_answer_to_a_reminder_mid_question_keeps_the_question(
    xien: Chat,
    calendar: Cell,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
) -> None:
    # On Zalo the notice's choices are a numbered list: the member types one of them while
    # the report asks its own numbered question.
    await planning_tick(sessionmaker, clock, Settings(_env_file=None))
    clock.current = datetime(2026, 11, 21, 1, 0, tzinfo=UTC)
    await reminders_tick(sessionmaker, clock, Settings(_env_file=None))
    async with sessionmaker() as session, session.begin():
        await session.execute(
            update(OutboxMessage).values(status=DeliveryStatus.SENT, sent_at=clock.now())
        )
    await xien.send("/viectot")
    reply = await xien.send("khong tham du duoc")  # the notice's label, without tone marks
    assert "không tham dự" in reply
    assert "Chọn một hộ" in reply  # asked again
    async with sessionmaker() as session:
        rsvp = await session.scalar(select(Rsvp))
    assert rsvp is not None and not rsvp.attending
    assert "mô tả ngắn gọn" in await xien.send("1")  # a bare number answers the question


async def test_opinions_are_gathered_for_the_secretary(
    xien: Chat, mai: Chat, calendar: Cell
) -> None:
    await verify_dialog(
        mai,
        [
            ("/lich", "Đặt nội dung dự kiến"),
            ("Đặt nội dung dự kiến", "Buổi họp nào?"),
            ("1", "Viết nội dung dự kiến"),
            ("Bàn việc làm đường vào bản", "Thông báo trước họp chi bộ thường kỳ"),
        ],
    )
    await verify_dialog(
        xien,
        [
            ("/ykien", "Nội dung dự kiến: Bàn việc làm đường vào bản"),
            ("Đề nghị mỗi hộ góp 2 ngày công", "Ý kiến sẽ được tổng hợp"),
        ],
    )
    for said in ("/lich", "Xem ý kiến đóng góp", "1"):
        gathered = await mai.send(said)
    assert "(1):" in gathered and "1. Lò Văn Xiên: Đề nghị mỗi hộ góp 2 ngày công" in gathered


async def test_secretary_moves_a_meeting_and_members_are_told(
    xien: Chat, mai: Chat, calendar: Cell, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await verify_dialog(
        mai,
        [
            ("/lich", "Dời một buổi họp"),
            ("Dời một buổi họp", "Buổi họp nào?"),
            ("1", "Viết ngày giờ"),
            ("mai họp", "chưa đọc được ngày giờ"),
            (
                "26/11 19h30",
                "Dời Họp chi bộ thường kỳ: 19:30 24/11/2026 → 19:30 26/11/2026. Báo cho 2 đảng "
                "viên và hỏi lại ai sẽ tham dự?",
            ),
            ("co", "Đã dời: 19:30 24/11/2026 → 19:30 26/11/2026. Đang báo cho 2 đảng viên."),
        ],
    )
    async with sessionmaker() as session:
        told = list(
            await session.scalars(
                select(OutboxMessage).where(OutboxMessage.cause.contains(":moved:"))
            )
        )
    assert len(told) == 2
    assert "lúc 19:30 24/11/2026 nay chuyển sang 19:30 26/11/2026" in told[0].text
    assert "19:30 26/11/2026 (đã dời)" in await xien.send("/lich")


async def test_secretary_cancels_and_adds_meetings(mai: Chat, calendar: Cell) -> None:
    await verify_dialog(
        mai,
        [
            ("/lich", "Hủy một buổi họp"),
            ("Hủy một buổi họp", "Buổi họp nào?"),
            ("1", "Hủy Họp chi bộ thường kỳ: 19:30 24/11/2026 → hủy. Báo cho 2 đảng viên?"),
            ("co", "Đã hủy. Đang báo cho"),
            ("/lich", "Thêm buổi họp"),
            ("Thêm buổi họp", "Buổi họp mới vào lúc nào?"),
            ("28/11 8:00", "Viết nội dung dự kiến"),
            ("Bàn phòng chống rét cho trâu bò", "Họp ở đâu?"),
            ("Nhà ông Pành", "Đã thêm: họp chi bộ bất thường, 08:00 28/11/2026"),
        ],
    )
    reply = await mai.send("/lich")
    assert "24/11/2026" not in reply  # cancelled
    assert "1. Họp chi bộ bất thường, 08:00 28/11/2026\n" in reply  # not "moved"
    assert "Địa điểm: Nhà ông Pành" in reply


async def test_attendance_in_a_few_taps_feeds_the_absent_audience(
    xien: Chat,
    mai: Chat,
    calendar: Cell,
    clock: FakeClock,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await xien.send("/lich")  # plans the meeting of the 24th
    clock.current = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)  # 21:00 that evening
    await verify_dialog(
        mai,
        [
            ("/lich", "Điểm danh buổi họp vừa qua"),
            ("Điểm danh buổi họp vừa qua", "Điểm danh buổi họp nào?"),
            ("1", "Ai vắng mặt?"),
            ("2", "✓ Lò Văn Xiên"),  # tap Xiên (number 2 in alphabetical order)
            ("xong", "ai có lý do?"),
            ("xong", "Ai đã phát biểu?"),
            ("1", "✓ Hà Thị Mai"),
            ("xong", "có mặt 1/2, vắng 1 (0 có lý do), 1 người phát biểu (100% số có mặt)"),
        ],
    )
    async with sessionmaker() as session:
        rows = {
            (a.member_id, a.status, a.spoke) for a in await session.scalars(select(Attendance))
        }
    assert rows == {
        (calendar.members["xien"], AttendanceStatus.UNEXCUSED, False),
        (calendar.members["mai"], AttendanceStatus.PRESENT, True),
    }
    for said in ("/thongbao", "vang buoi hop", "Đồng chí vắng họp, mời đến gặp chi ủy"):
        await mai.send(said)
    assert "Người nhận: 1 (Đảng viên vắng buổi họp gần nhất)" in await mai.send("khong")


async def test_cannot_attend_button_in_the_calendar_asks_the_reason(
    xien: Chat, calendar: Cell
) -> None:
    await xien.send("/lich")
    assert "cho biết lý do" in await xien.tap("Không tham dự được")
    assert "bí thư sẽ xem lý do" in await xien.send("Đi làm nương xa")


async def test_a_number_answers_the_last_reminder_without_buttons(
    xien: Chat,
    calendar: Cell,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
) -> None:
    await planning_tick(sessionmaker, clock, Settings(_env_file=None))
    clock.current = datetime(2026, 11, 21, 1, 0, tzinfo=UTC)
    await reminders_tick(sessionmaker, clock, Settings(_env_file=None))
    async with sessionmaker() as session, session.begin():  # as the delivery worker would
        for message in await session.scalars(select(OutboxMessage)):
            message.status, message.sent_at = DeliveryStatus.SENT, clock.now()
    assert "sẽ tham dự" in await xien.send("1")


async def test_adding_a_meeting_in_the_past_asks_for_the_time_again(mai: Chat) -> None:
    await verify_dialog(
        mai,
        [
            ("/lich", "Thêm buổi họp"),
            ("Thêm buổi họp", "Buổi họp mới vào lúc nào?"),
            ("10/11/2026 8:00", "Thời gian mới phải ở tương lai"),
            ("28/11 8:00", "Viết nội dung dự kiến"),
        ],
    )
