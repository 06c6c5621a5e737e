"""XLSX report of an organisation for a month, quarter or year, in the style of a cell report:
a summary sheet, then per cell: members and their deeds, attendance per meeting, households."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import N_
from bot.core.text import fold
from bot.reports.export_sheet import BOLD, TITLE, cell_sheet, widths
from bot.reports.xlsx import workbook_bytes
from bot.services.audit import record_audit
from bot.services.errors import InvalidInputError
from bot.services.meetings.rules import add_months
from models import (
    Assignment,
    Attendance,
    AttendanceStatus,
    DeedReport,
    Household,
    HouseholdCategoryLink,
    Meeting,
    MeetingStatus,
    Member,
    MemberStatus,
    Organisation,
    OrgKind,
)

CATEGORY_VI = {
    "poor": "Hộ nghèo",
    "near_poor": "Cận nghèo",
    "policy_family": "Gia đình chính sách",
    "housing_difficulty": "Khó khăn nhà ở",
    "other": "Khác",
}


@dataclass(frozen=True)
class Period:
    """Months [first, last] the report covers, and how to name it."""

    first: date
    last: date
    label: str  # "tháng 11/2026", "quý IV/2026", "năm 2026"
    slug: str  # "2026-11", "2026-Q4", "2026"


def parse_period(text: str) -> Period:
    """ "2026-11" (a month), "2026-Q4" (a quarter) or "2026" (a year)."""
    text = text.strip().upper()
    if match := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
        year, month = int(match[1]), int(match[2])
        if 1 <= month <= 12:
            first = date(year, month, 1)
            return Period(first, first, f"tháng {month:02d}/{year}", f"{year}-{month:02d}")
    if match := re.fullmatch(r"(\d{4})-Q([1-4])", text):
        year, quarter = int(match[1]), int(match[2])
        first = date(year, 3 * quarter - 2, 1)
        roman = ("I", "II", "III", "IV")[quarter - 1]
        return Period(first, add_months(first, 2), f"quý {roman}/{year}", f"{year}-Q{quarter}")
    if re.fullmatch(r"\d{4}", text):
        year = int(text)
        return Period(date(year, 1, 1), date(year, 12, 1), f"năm {year}", str(year))
    raise InvalidInputError(N_("The period must look like 2026-11, 2026-Q4 or 2026."))


def month_start_of(moment: datetime, tz: ZoneInfo) -> date:
    """The first day of `moment`'s month, in local time."""
    return moment.astimezone(tz).date().replace(day=1)


def _sheet_title(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\\\]", "", name.replace("Chi bộ ", ""))[:28] or "Chi bo"
    title, number = base, 2
    while title in used:
        title, number = f"{base[:25]}~{number}", number + 1
    used.add(title)
    return title


async def build_report(
    session: AsyncSession,
    org: Organisation,
    period: Period,
    tz: ZoneInfo,
    actor_member_id: int | None,
    now: datetime,
) -> tuple[str, bytes]:
    """The workbook's file name and bytes; the export is written to the audit log."""
    cells = list(
        await session.scalars(
            select(Organisation)
            .where(Organisation.path.startswith(org.path), Organisation.kind == OrgKind.CELL)
            .order_by(Organisation.name)
        )
    )
    cell_ids = [c.id for c in cells]
    members = list(
        await session.scalars(
            select(Member).where(Member.cell_id.in_(cell_ids)).order_by(Member.full_name)
        )
    )
    member_ids = [m.id for m in members]
    deeds = list(
        await session.scalars(
            select(DeedReport)
            .where(
                DeedReport.member_id.in_(member_ids),
                DeedReport.month >= period.first,
                DeedReport.month <= period.last,
                DeedReport.withdrawn_at.is_(None),
            )
            .order_by(DeedReport.created_at)
        )
    )
    start = datetime.combine(period.first, datetime.min.time(), tz)
    end = datetime.combine(add_months(period.last, 1), datetime.min.time(), tz)
    meetings = list(
        await session.scalars(
            select(Meeting)
            .where(  # meetings held: not cancelled, not still to come
                Meeting.cell_id.in_(cell_ids),
                Meeting.starts_at >= start,
                Meeting.starts_at < min(end, now),
                Meeting.status == MeetingStatus.PLANNED,
            )
            .order_by(Meeting.starts_at)
        )
    )
    attendance = list(
        await session.scalars(
            select(Attendance).where(Attendance.meeting_id.in_([m.id for m in meetings]))
        )
    )
    assignments = [
        (assignment, household)
        for assignment, household in await session.execute(
            select(Assignment, Household)
            .join(Household, Household.id == Assignment.household_id)
            .where(  # every assignment of the households these members ever looked after
                Assignment.household_id.in_(
                    select(Assignment.household_id).where(Assignment.member_id.in_(member_ids))
                )
            )
            .order_by(Household.code, Assignment.started_on)
        )
    ]
    household_ids = {h.id for _, h in assignments}
    by_member: dict[int, list[tuple[Assignment, Household]]] = defaultdict(list)
    by_household: dict[int, list[tuple[Assignment, Household]]] = defaultdict(list)
    for pair in assignments:
        by_member[pair[0].member_id].append(pair)
        by_household[pair[1].id].append(pair)
    codes = {h.id: h.code for _, h in assignments}
    categories: dict[int, list[str]] = defaultdict(list)
    for link in await session.scalars(
        select(HouseholdCategoryLink).where(HouseholdCategoryLink.household_id.in_(household_ids))
    ):
        categories[link.household_id].append(CATEGORY_VI.get(link.category.value, ""))

    deeds_by_member: dict[int, list[DeedReport]] = defaultdict(list)
    for deed in deeds:
        deeds_by_member[deed.member_id].append(deed)
    present: dict[tuple[int, int], Attendance] = {
        (a.meeting_id, a.member_id): a for a in attendance
    }
    by_cell_members: dict[int, list[Member]] = defaultdict(list)
    for member in members:
        by_cell_members[member.cell_id].append(member)
    names = {m.id: m.full_name for m in members}
    outsiders = {a.member_id for a, _ in assignments} - set(names)
    if outsiders:  # households that moved to members of other cells
        names.update(
            {
                member_id: name
                for member_id, name in await session.execute(
                    select(Member.id, Member.full_name).where(Member.id.in_(outsiders))
                )
            }
        )
    months_in_period = [
        month
        for offset in range(12)
        if (month := add_months(period.first, offset)) <= min(period.last, month_start_of(now, tz))
    ]

    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "Tổng hợp"
    summary.append([org.name.upper()])
    summary["A1"].font = TITLE
    summary.append(
        [
            f'BÁO CÁO KẾT QUẢ SINH HOẠT CHI BỘ VÀ THỰC HIỆN "MỖI THÁNG MỘT VIỆC TỐT" '
            f"{period.label.upper()}"
        ]
    )
    summary["A2"].font = BOLD
    summary.append([f"Lập ngày {now.astimezone(tz):%d/%m/%Y}"])
    summary.append([])
    summary.append(
        [
            "STT",
            "Chi bộ",
            "Số đảng viên",
            "Đã báo cáo việc tốt",
            "Tỷ lệ tháng có báo cáo (%)",
            "Số việc tốt",
            "Hộ được phân công",
            "Hộ được giúp",
            "Số buổi họp",
            "Tỷ lệ dự họp (%)",
        ]
    )
    for heading in summary[5]:
        heading.font = BOLD
    widths(summary, [5, 34, 12, 16, 10, 11, 16, 13, 11, 14])
    used: set[str] = {"Tổng hợp"}
    for number, cell in enumerate(cells, start=1):
        people = by_cell_members[cell.id]
        expected = [
            m for m in people if m.status in (MemberStatus.ACTIVE, MemberStatus.WORKING_AWAY)
        ]
        reporters = {m.id for m in expected if deeds_by_member[m.id]}
        # Over a quarter or a year the rate is of member-months: each month is owed a report.
        reported_months = sum(len({d.month for d in deeds_by_member[m.id]}) for m in expected)
        owed_months = len(expected) * len(months_in_period)
        cell_deeds = [d for m in people for d in deeds_by_member[m.id]]
        cell_meetings = [m for m in meetings if m.cell_id == cell.id]
        rows = [
            present[(mt.id, m.id)]
            for mt in cell_meetings
            for m in people
            if (mt.id, m.id) in present
        ]
        came = sum(1 for a in rows if a.status is AttendanceStatus.PRESENT)
        # Every assignment, past or present and whoever held it, of the households this
        # cell's members have looked after: grouped once, so a district stays linear.
        household_ids_here = {h.id for m in people for _, h in by_member[m.id]}
        cell_assignments = [
            pair
            for hid in sorted(household_ids_here, key=lambda i: codes[i])
            for pair in by_household[hid]
        ]
        current = [(a, h) for m in people for a, h in by_member[m.id] if a.ended_on is None]
        helped = {d.household_id for d in cell_deeds if d.household_id}
        summary.append(
            [
                number,
                cell.name,
                len(people),
                len(reporters),
                round(100 * reported_months / owed_months) if owed_months else None,
                len(cell_deeds),
                len(current),
                len(helped),
                len(cell_meetings),
                round(100 * came / len(rows)) if rows else None,
            ]
        )
        cell_sheet(
            book.create_sheet(_sheet_title(cell.name, used)),
            cell,
            people,
            period.label,
            deeds_by_member,
            cell_meetings,
            present,
            cell_assignments,
            categories,
            names,
            tz,
        )
    record_audit(
        session,
        at=now,
        actor_member_id=actor_member_id,
        action="exported",
        subject_type="organisation",
        subject_id=org.id,
        period=period.slug,
        cells=len(cells),
    )
    content = workbook_bytes(book)
    safe = re.sub(r"[^a-z0-9]+", "-", fold(org.name)).strip("-")
    return f"bao-cao-{safe or org.id}-{period.slug}.xlsx", content
