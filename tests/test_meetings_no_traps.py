"""Meetings without traps, as chats: dates without a year, moves and cancels shown old → new
and confirmed, RSVPs asked again after a move, a place in every notice."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.cli.scheduler import planning_tick, reminders_tick
from bot.core.config import Settings
from bot.core.i18n import translator
from bot.dispatcher.dispatch import Dispatcher
from bot.services.errors import InvalidInputError
from bot.services.meetings.calendar import (
    ScheduleRules,
    cancel_meeting,
    set_schedule,
    typed_when,
)
from bot.services.meetings.rules import read_local_datetime
from models import Meeting, OutboxMessage
from tests import factories
from tests.dialog import Chat, verify_dialog
from tests.factories import Cell, FakeClock

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
# 23:59 on 31/12/2026 in Hà Nội.
YEAR_END = datetime(2026, 12, 31, 16, 59, tzinfo=UTC)


@pytest.fixture
async def calendar(
    cell: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> Cell:
    """The cell meets on the 24th at 19:30 at the village hall; Mai is its secretary."""
    async with sessionmaker() as session, session.begin():
        schedule = await set_schedule(
            session,
            cell.cell_id,
            ScheduleRules(24, time(19, 30), place="Nhà văn hóa bản"),
            clock.now(),
        )
        schedule.nudge_days = []
        await factories.role(session, cell.members["mai"], cell.cell_id)
    return cell


@pytest.fixture
def mai(dispatcher: Dispatcher, calendar: Cell) -> Chat:
    """The secretary's chat."""
    return Chat(dispatcher, chat_id="chat-mai")


@pytest.mark.parametrize(
    ("typed", "today", "expected", "year_needed"),
    [
        ("26/11 19:30", date(2026, 11, 22), datetime(2026, 11, 26, 19, 30, tzinfo=HANOI), False),
        # The bot's own example typed after the day: next year's is a year away, so ask.
        ("26/11 19:30", date(2026, 11, 27), datetime(2027, 11, 26, 19, 30, tzinfo=HANOI), True),
        ("2/1 19:30", date(2026, 12, 31), datetime(2027, 1, 2, 19, 30, tzinfo=HANOI), False),
        ("20/3 8:00", date(2026, 12, 1), datetime(2027, 3, 20, 8, 0, tzinfo=HANOI), True),
        ("29/2 8:00", date(2027, 2, 20), datetime(2028, 2, 29, 8, 0, tzinfo=HANOI), True),
        (
            "26/11/2027 19:30",
            date(2026, 11, 27),
            datetime(2027, 11, 26, 19, 30, tzinfo=HANOI),
            False,
        ),
        ("26/11 25:30", date(2026, 11, 22), None, False),
        ("31/11 19:30", date(2026, 11, 22), None, False),
    ],
)
def test_a_date_without_a_year_is_the_next_one_within_weeks(
    typed: str, today: date, expected: datetime | None, year_needed: bool
) -> None:
    read = read_local_datetime(typed, today, HANOI)
    assert (read.at, read.year_needed) == (expected, year_needed)


def test_at_the_year_end_tomorrow_is_next_year_and_today_is_past() -> None:
    assert typed_when("2/1 19:30", YEAR_END, HANOI) == datetime(2027, 1, 2, 19, 30, tzinfo=HANOI)
    with pytest.raises(InvalidInputError) as past:
        typed_when("31/12 23:00", YEAR_END, HANOI)
    assert "tương lai" in past.value.render(translator("vi"))
    with pytest.raises(InvalidInputError) as asked:
        typed_when("30/12 19:30", YEAR_END, HANOI)
    assert "ghi cả năm, ví dụ 30/12/2027 19:30" in asked.value.render(translator("vi"))


async def _outbox(
    sessionmaker: async_sessionmaker[AsyncSession], part: str
) -> list[OutboxMessage]:
    async with sessionmaker() as session:
        return list(
            await session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.cause.contains(part))
                .order_by(OutboxMessage.id)
            )
        )


async def test_the_bots_example_after_the_day_asks_for_the_year_and_changes_nothing(
    mai: Chat, clock: FakeClock, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    clock.current = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)  # 10:00 on 27/11
    await verify_dialog(
        mai,
        [
            ("/lich", "Dời một buổi họp"),
            ("Dời một buổi họp", "Buổi họp nào?"),
            ("1", "26/11 19:30"),  # the example the bot gives
            ("26/11 19:30", "ghi cả năm, ví dụ 26/11/2027 19:30"),
            ("/huy", ""),
        ],
    )
    assert "19:30 24/12/2026" in await mai.send("/lich")  # December keeps its meeting
    assert await _outbox(sessionmaker, ":moved:") == []


async def test_a_move_at_the_year_end_is_shown_old_to_new_and_confirmed(
    xien: Chat, mai: Chat, clock: FakeClock, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    clock.current = YEAR_END
    await verify_dialog(
        mai,
        [
            ("/lich", "Dời một buổi họp"),
            ("Dời một buổi họp", "Buổi họp nào?"),
            ("1", "Viết ngày giờ"),  # the meeting of 24/01/2027
            (
                "5/1 19:30",
                "Dời Họp chi bộ thường kỳ: 19:30 24/01/2027 → 19:30 05/01/2027. Báo cho 2",
            ),
        ],
    )
    assert await _outbox(sessionmaker, ":moved:") == []  # nobody told before the tap
    assert "Đã dời: 19:30 24/01/2027 → 19:30 05/01/2027" in await mai.send("ok")
    told = await _outbox(sessionmaker, ":moved:")
    assert len(told) == 2
    assert "lúc 19:30 24/01/2027 nay chuyển sang 19:30 05/01/2027" in told[0].text
    assert "Địa điểm: Nhà văn hóa bản" in told[0].text


async def test_no_at_the_confirmation_changes_nothing(
    mai: Chat, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    for said in ("/lich", "Dời một buổi họp", "1", "26/11 19:30"):
        await mai.send(said)
    assert "không có gì thay đổi" in await mai.send("khong")
    assert "19:30 24/11/2026" in await mai.send("/lich")
    assert await _outbox(sessionmaker, ":moved:") == []


async def test_a_moved_meeting_asks_members_again(
    xien: Chat, mai: Chat, calendar: Cell, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await xien.send("/lich")
    assert "sẽ tham dự" in await xien.tap("Sẽ tham dự")
    for said in ("/lich", "Dời một buổi họp", "1", "26/11 19:30", "co"):
        await mai.send(said)
    told = await _outbox(sessionmaker, ":moved:")
    to_xien = next(m for m in told if m.member_id == calendar.members["xien"])
    assert "Câu trả lời cho giờ cũ không còn tính" in to_xien.text
    assert [label for _, label in to_xien.choices] == ["Sẽ tham dự", "Không tham dự được"]
    mine = await xien.send("/lich")
    assert "đã trả lời cho giờ cũ 19:30 24/11/2026; xin trả lời lại" in mine
    for said in ("/lich", "Xem ai sẽ tham dự", "1"):
        listing = await mai.send(said)
    assert "Sẽ tham dự (0)" in listing
    assert (
        "Đã trả lời cho giờ cũ, trước khi dời:\n• Lò Văn Xiên: sẽ tham dự (19:30 24/11/2026)"
        in (listing)
    )
    await xien.send(choice=to_xien.choices[0][0])  # answers the new notice
    for said in ("/lich", "Xem ai sẽ tham dự", "1"):
        listing = await mai.send(said)
    assert "Sẽ tham dự (1): Lò Văn Xiên" in listing and "giờ cũ" not in listing


async def test_cancelling_twice_tells_members_once(
    mai: Chat, calendar: Cell, clock: FakeClock, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await verify_dialog(
        mai,
        [
            ("/lich", "Hủy một buổi họp"),
            ("Hủy một buổi họp", "Buổi họp nào?"),
            ("1", "19:30 24/11/2026 → hủy. Báo cho 2 đảng viên?"),
            ("co", "Đã hủy. Đang báo cho 2"),
        ],
    )
    assert len(await _outbox(sessionmaker, ":cancelled:")) == 2
    async with sessionmaker() as session, session.begin():
        meeting = await session.scalar(select(Meeting).where(Meeting.status == "cancelled"))
        assert meeting is not None
        with pytest.raises(InvalidInputError) as again:
            await cancel_meeting(session, None, meeting.id, clock.now())
    assert "đã hủy rồi; không báo lại" in again.value.render(translator("vi"))
    assert len(await _outbox(sessionmaker, ":cancelled:")) == 2


async def test_the_place_is_in_every_reminder_and_set_from_the_chat(
    xien: Chat, mai: Chat, clock: FakeClock, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await verify_dialog(
        mai,
        [
            ("/lich", "Đặt địa điểm"),
            ("Đặt địa điểm", "Buổi họp nào?"),
            ("1", "Họp ở đâu?"),
            ("Nhà ông Pành", "Địa điểm: Nhà ông Pành"),
        ],
    )
    assert "Địa điểm: Nhà ông Pành" in await xien.send("/lich")
    assert "Địa điểm: Nhà văn hóa bản" in await xien.send("/lich")  # the next one: usual place
    ykien = await xien.send("/ykien")
    assert ykien.startswith("Họp chi bộ thường kỳ, 19:30 24/11/2026. Địa điểm: Nhà ông Pành.")
    await xien.send("/huy")
    settings = Settings(_env_file=None)
    await planning_tick(sessionmaker, clock, settings)
    for day, hour in ((21, 1), (23, 1), (24, 0)):  # notice, the day before, the morning
        clock.current = datetime(2026, 11, day, hour, 0, tzinfo=UTC)
        await reminders_tick(sessionmaker, clock, settings)
    async with sessionmaker() as session:
        texts = list(
            await session.scalars(
                select(OutboxMessage.text).where(OutboxMessage.cause.like("meeting:%"))
            )
        )
        kinds = await session.scalar(
            select(func.count(func.distinct(OutboxMessage.cause))).where(
                OutboxMessage.cause.like("meeting:%")
            )
        )
    assert kinds == 3
    assert texts and all("Địa điểm: Nhà ông Pành" in text for text in texts)


async def test_a_new_meeting_at_the_usual_place_or_not_decided_yet(
    mai: Chat, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    for said in ("/lich", "Thêm buổi họp", "28/11 8:00", "Bàn làm đường"):
        asked = await mai.send(said)
    assert "Họp ở đâu?" in asked and "1. Nhà văn hóa bản" in asked
    assert "Đã thêm" in await mai.tap("Nhà văn hóa bản")
    for said in ("/lich", "Thêm buổi họp", "29/11 8:00", "Bàn trồng rừng"):
        await mai.send(said)
    assert "Đã thêm" in await mai.tap("Chưa quyết định")
    async with sessionmaker() as session:
        places = dict(
            (m.agenda, m.place) for m in await session.scalars(select(Meeting)) if m.agenda
        )
    assert places == {"Bàn làm đường": "Nhà văn hóa bản", "Bàn trồng rừng": None}
    told = await _outbox(sessionmaker, ":added:")
    assert any("Địa điểm: chi ủy sẽ thông báo sau" in m.text for m in told)
