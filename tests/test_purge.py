"""`chibo purge`: members who left more than N years ago lose their personal data, audited;
the cell's past figures stay; everyone else is untouched."""

from __future__ import annotations

import argparse
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.cli import purge as cli_purge
from bot.core.config import Settings
from bot.core.i18n import translator
from bot.services.kept import keep_file
from models import (
    AuditEntry,
    ChatAddress,
    ConversationState,
    DeedCategory,
    DeedPhoto,
    DeedReport,
    InviteCode,
    KeptFile,
    Member,
    MemberStatus,
    MemberStatusChange,
)
from tests.dialog import Chat
from tests.factories import Cell, FakeClock

T = translator("vi")


async def _leave(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock, member_id: int, on: date
) -> None:
    async with sessionmaker() as session, session.begin():
        member = await session.get(Member, member_id)
        assert member is not None
        member.status = MemberStatus.TRANSFERRED_OUT
        session.add(
            MemberStatusChange(
                member_id=member_id,
                status=MemberStatus.TRANSFERRED_OUT,
                effective_on=on,
                note="chuyển về Hà Giang",
                recorded_at=clock.now(),
            )
        )


async def _purge(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    clock: FakeClock,
    *,
    years: int,
    yes: bool,
) -> str:
    args = argparse.Namespace(years=years, yes=yes)
    async with sessionmaker() as session, session.begin():
        return await cli_purge.run(args, session, settings, T, clock)


async def test_a_member_who_left_long_ago_is_erased_and_audited(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    clock: FakeClock,
    cell: Cell,
    xien: Chat,
) -> None:
    await xien.send("bao cao")  # a report half-written: conversation state kept for the chat
    async with sessionmaker() as session, session.begin():
        deed = DeedReport(
            member_id=cell.members["xien"],
            month=date(2019, 5, 1),
            household_id=cell.households["Lò Văn Pành"],
            category=DeedCategory.HOUSING,
            text="Sửa mái nhà cho ông Pành",
            source_key="telegram:5001:77",
            created_at=clock.now(),
        )
        session.add(deed)
        await session.flush()
        session.add(DeedPhoto(deed_id=deed.id, channel="telegram", file_ref="AgAD-photo"))
        picture = await keep_file(
            session, b"\xff\xd8 a Zalo picture", "image/jpeg", "zalo", clock.now()
        )
        session.add(DeedPhoto(deed_id=deed.id, channel="zalo", file_ref=picture))
    await _leave(sessionmaker, clock, cell.members["xien"], date(2020, 1, 10))
    await _leave(sessionmaker, clock, cell.members["mai"], date(2024, 6, 1))  # too recent

    counted = await _purge(sessionmaker, settings, clock, years=5, yes=False)
    assert "trước ngày 15/11/2021 (tính cả ngày đó): 1 người" in counted and "--yes" in counted
    async with sessionmaker() as session:
        assert (await session.get(Member, cell.members["xien"])).phone == "0912345678"  # type: ignore[union-attr]

    erased = await _purge(sessionmaker, settings, clock, years=5, yes=True)
    assert "Đã xóa dữ liệu cá nhân của 1 đảng viên" in erased
    async with sessionmaker() as session:
        xien_row = await session.get(Member, cell.members["xien"])
        mai_row = await session.get(Member, cell.members["mai"])
        assert xien_row is not None and mai_row is not None
        assert xien_row.phone is None and "Xiên" not in xien_row.full_name
        assert mai_row.full_name == "Hà Thị Mai" and mai_row.phone == "0987654321"
        for model in (ChatAddress, InviteCode):
            left = await session.scalar(
                select(func.count())
                .select_from(model)
                .where(model.member_id == cell.members["xien"])
            )
            assert left == 0
        assert (
            await session.scalar(
                select(func.count())
                .select_from(ConversationState)
                .where(ConversationState.external_chat_id == "chat-1")
            )
            == 0
        )
        report = await session.scalar(select(DeedReport).where(DeedReport.id == deed.id))
        assert report is not None and report.text == "" and report.month == date(2019, 5, 1)
        assert report.household_id == cell.households["Lò Văn Pành"]  # still counted
        assert await session.scalar(select(func.count()).select_from(DeedPhoto)) == 0
        assert await session.scalar(select(func.count()).select_from(KeptFile)) == 0
        notes = await session.scalars(
            select(MemberStatusChange.note).where(
                MemberStatusChange.member_id == cell.members["xien"]
            )
        )
        assert list(notes) == [None]
        audit = (
            await session.scalars(select(AuditEntry).where(AuditEntry.action == "member.purge"))
        ).all()
        assert [(a.subject_id, a.details) for a in audit] == [
            (cell.members["xien"], {"years": 5, "left_on": "2020-01-10"})
        ]
    # The chat is a stranger's now, and a second purge finds nobody left to erase.
    assert "chưa được liên kết" in await xien.send("/toi")
    again = await _purge(sessionmaker, settings, clock, years=5, yes=True)
    assert "1 người" not in again and "0 người" in again
