"""A secretary sends the cell's list as a Telegram document: the real client downloads it from
the fake Bot API, the bot answers with the check, and "Áp dụng" writes it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.dispatcher.dispatch import Dispatcher
from models import ChatAddress, Household, Member
from tests.dialog import Chat
from tests.factories import Cell, FakeClock
from tests.fake_telegram import FakeTelegram
from tests.roster_files import HOUSEHOLDS, MEMBERS, Rows, cell_workbook
from tests.test_telegram import _start

MAI = 6001


async def test_secretary_uploads_the_list_and_applies_it(
    fake: FakeTelegram,
    dispatcher: Dispatcher,
    cell: Cell,
    mai: Chat,  # Mai is the cell's secretary
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
) -> None:
    async with sessionmaker() as session, session.begin():
        session.add(
            ChatAddress(
                member_id=cell.members["mai"],
                channel="telegram",
                external_id=str(MAI),
                linked_at=clock.now(),
            )
        )
    members: Rows = [*MEMBERS, [3, "", "Nguyễn Văn Đức", "0901 23", "", ""]]
    channel = await _start(fake, dispatcher)
    try:
        await fake.sends_document(MAI, "chi-bo.xlsx", cell_workbook(members=members))
        refusal = await fake.wait_text(MAI, "Tệp có 1 lỗi")
        assert "Trang “Đảng viên”, dòng 4, cột D (Số điện thoại)" in refusal.text
        members[2][3] = "0901 234 567"
        households: Rows = [*HOUSEHOLDS, ["PK-08", "Hoàng Thị Lý", "", "", "", "0901234567"]]
        before = len(fake.to(MAI))
        await fake.sends_document(
            MAI, "chi-bo.xlsx", cell_workbook(members=members, households=households)
        )
        summary = await fake.wait_text(MAI, "Tệp hợp lệ", after=before)
        assert "Đảng viên mới (1): Nguyễn Văn Đức" in summary.text
        assert [label for label, _ in summary.buttons] == ["Áp dụng", "Hủy"]
        before = len(fake.to(MAI))
        await fake.taps(MAI, summary.buttons[0][1])
        await fake.wait_text(MAI, "Xong. Đã ghi các thay đổi", after=before)
    finally:
        await channel.stop()
    assert len([method for method, _ in fake.calls if method == "getFile"]) == 2
    async with sessionmaker() as session:
        assert await session.scalar(select(Member).where(Member.phone == "0901234567"))
        assert await session.scalar(select(Household).where(Household.code == "PK-08"))
