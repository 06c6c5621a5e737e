"""The "Chức vụ" column: a filled cell replaces the member's role in the cell, "đảng viên"
ends it, an empty cell keeps it; every change is in the history and the audit log."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.i18n import translator
from bot.services.roster.importer import import_roster
from bot.services.roster.plan import ImportPlan
from bot.services.roster.report import plan_text
from models import AuditEntry, Role, RoleKind
from tests.factories import Cell, FakeClock
from tests.roster_files import csv_text
from tests.roster_files import roster as read

VI = translator("vi")
TODAY = date(2026, 11, 15)
HEADINGS = ["Chi bộ", "Họ và tên", "Số điện thoại", "Chức vụ"]


async def _import(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock, xien: str, mai: str
) -> ImportPlan:
    rows: list[list[object]] = [
        ["Test", "Lò Văn Xiên", "0912345678", xien],
        ["Test", "Hà Thị Mai", "0987654321", mai],
    ]
    roster = read(("dv.csv", csv_text(HEADINGS, rows).encode()))
    async with sessionmaker() as session, session.begin():
        plan = await import_roster(
            session, roster=roster, actor_member_id=None, now=clock.now(), today=TODAY, note=""
        )
    assert not plan.problems
    return plan


async def _roles(sessionmaker: async_sessionmaker[AsyncSession]) -> list[tuple[int, str, bool]]:
    async with sessionmaker() as session:
        return [
            (member_id, kind.value, ended_on is None)
            for member_id, kind, ended_on in await session.execute(
                select(Role.member_id, Role.kind, Role.ended_on).order_by(Role.id)
            )
        ]


async def test_a_role_cell_replaces_the_role_and_dang_vien_ends_it(
    cell: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    xien, mai = cell.members["xien"], cell.members["mai"]
    first = await _import(sessionmaker, clock, "bí thư", "chi ủy viên")
    assert "Cập nhật đảng viên (2): Lò Văn Xiên (chức vụ), Hà Thị Mai (chức vụ)" in plan_text(
        VI, first, applied=True
    )
    changed = await _import(sessionmaker, clock, "phó bí thư", "")
    assert "Cập nhật đảng viên (1): Lò Văn Xiên (chức vụ)" in plan_text(VI, changed, applied=True)
    assert await _roles(sessionmaker) == [
        (xien, RoleKind.SECRETARY.value, False),
        (mai, RoleKind.COMMITTEE_MEMBER.value, True),  # an empty cell keeps the role
        (xien, RoleKind.DEPUTY_SECRETARY.value, True),
    ]
    ended = await _import(sessionmaker, clock, "đảng viên", "chi ủy viên")
    assert "Cập nhật đảng viên (1): Lò Văn Xiên (chức vụ)" in plan_text(VI, ended, applied=True)
    assert [current for *_, current in await _roles(sessionmaker)] == [False, True, False]
    again = await _import(sessionmaker, clock, "đảng viên", "chi ủy viên")
    assert plan_text(VI, again, applied=True).startswith("Không có gì thay đổi")
    async with sessionmaker() as session:
        audit = [
            (entry.subject_id, entry.action, entry.details["role"])
            for entry in await session.scalars(
                select(AuditEntry)
                .where(AuditEntry.action.in_(("role_started", "role_ended")))
                .order_by(AuditEntry.id)
            )
        ]
    assert audit == [
        (xien, "role_started", "secretary"),
        (mai, "role_started", "committee_member"),
        (xien, "role_ended", "secretary"),
        (xien, "role_started", "deputy_secretary"),
        (xien, "role_ended", "deputy_secretary"),
    ]
