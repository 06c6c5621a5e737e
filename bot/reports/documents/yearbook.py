"""Each member's year for the year-end rating (xếp loại đảng viên): deeds per month, pledges
and whether they were kept, households helped, meetings attended or missed (with the reason
given) and times spoken; one page per member. Filled from the year's `PeriodReport`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from docx.document import Document
from sqlalchemy.ext.asyncio import AsyncSession

from bot.reports.documents import layout as page
from bot.reports.documents.sources import Issuer, absence_reasons, issuer_of, pledged_months
from bot.reports.export_data import period_report
from bot.reports.export_detail import CellDetail, MemberLine
from bot.reports.export_sheet import ATTENDANCE_VI, STATUS_VI
from bot.reports.scope import load_scope
from models import AttendanceStatus, MemberStatus, Organisation

MONTHS = 12


@dataclass(frozen=True)
class Yearbook:
    """The year records of every member under an organisation."""

    issuer: Issuer
    year: int
    day: date  # when it was made
    cells: tuple[CellDetail, ...]
    pledges: dict[int, dict[date, str]]  # member -> month -> what they pledged
    reasons: dict[tuple[int, int], str]  # (meeting, member) -> reason given for missing it


async def load_yearbook(
    session: AsyncSession, org: Organisation, year: int, tz: ZoneInfo, now: datetime
) -> Yearbook:
    """The year records under `org` for `year`."""
    first, last = date(year, 1, 1), date(year, 12, 1)
    report = await period_report(session, org, first, last, f"năm {year}", tz, now)
    scope = await load_scope(session, [org])
    meetings = [meeting.id for cell in report.cells for meeting in cell.meetings]
    return Yearbook(
        await issuer_of(session, org),
        year,
        now.astimezone(tz).date(),
        report.cells,
        await pledged_months(session, scope, first, last),
        await absence_reasons(session, meetings),
    )


def _members(book: Yearbook) -> Iterator[tuple[CellDetail, MemberLine]]:
    for cell in book.cells:
        for member in cell.members:
            if member.status is not MemberStatus.TRANSFERRED_OUT:
                yield cell, member


def render_yearbook(book: Yearbook, tz: ZoneInfo) -> bytes:
    """The records as .docx bytes, one page per member (pure: runs in a worker thread)."""
    doc = page.document()
    members = list(_members(book))
    if not members:
        page.heading(doc, book.issuer.heading("TD", book.day))
        page.title(doc, "Sổ theo dõi đảng viên", f"Năm {book.year}")
        page.line(doc, "Không có đảng viên nào.", indent=True)
    for number, (cell, member) in enumerate(members):
        if number:
            page.page_break(doc)
        _member_page(doc, book, cell, member, tz)
    return page.to_bytes(doc)


def _member_page(
    doc: Document, book: Yearbook, cell: CellDetail, member: MemberLine, tz: ZoneInfo
) -> None:
    page.heading(doc, book.issuer.heading("TD", book.day))
    page.title(
        doc,
        "Phiếu theo dõi đảng viên",
        f"Năm {book.year} (phục vụ đánh giá, xếp loại chất lượng đảng viên)",
    )
    page.labelled(doc, "Họ và tên: ", f"{member.name}. ")
    page.labelled(doc, "Chi bộ: ", f"{cell.cell.name}; tình trạng: {STATUS_VI[member.status]}.")
    page.labelled(doc, "Hộ đang phụ trách: ", ", ".join(member.households) or "không có.")
    pledges = book.pledges.get(member.id, {})
    rows = []
    months_with_deeds = {deed.month for deed in member.deeds}
    for index in range(MONTHS):
        month = date(book.year, index + 1, 1)
        deeds = [d for d in member.deeds if d.month == month]
        pledge = pledges.get(month)
        marks = []
        for meeting, mark in zip(cell.meetings, member.attendance, strict=True):
            local = meeting.starts_at.astimezone(tz)
            if local.month != month.month:
                continue
            if mark is None:
                marks.append(f"{local:%d/%m}: chưa ghi")
                continue
            said = ATTENDANCE_VI[mark.status].lower()
            reason = book.reasons.get((meeting.id, member.id))
            if mark.status is AttendanceStatus.EXCUSED and reason:
                said += f" ({reason})"
            marks.append(f"{local:%d/%m}: {said}" + (", phát biểu" if mark.spoke else ""))
        rows.append(
            (
                index + 1,
                _pledge(pledge, month, month in months_with_deeds, book.day),
                "\n".join(d.text or "(ghi âm)" for d in deeds),
                ", ".join(sorted({d.household_code or "cộng đồng" for d in deeds})),
                "\n".join(marks),
            )
        )
    page.grid(
        doc,
        ["Tháng", "Đăng ký", "Việc tốt đã làm", "Hộ được giúp", "Sinh hoạt chi bộ"],
        rows,
        (14, 36, 55, 25, 35),
        size=10,
    )
    held = [mark for mark in member.attendance if mark is not None]
    present = [m for m in held if m.status is AttendanceStatus.PRESENT]
    excused = [m for m in held if m.status is AttendanceStatus.EXCUSED]
    helped = sorted({d.household_code for d in member.deeds if d.household_code})
    due = [month for month in pledges if month <= book.day]  # not next month's yet
    kept = [month for month in due if month in months_with_deeds]
    page.line(doc, "Tổng hợp cả năm", bold=True)
    page.line(
        doc,
        f"Việc tốt: {len(member.deeds)}, trong {len(months_with_deeds)}/{MONTHS} tháng; hộ "
        f"được giúp: {len(helped)}" + (f" ({', '.join(helped)})" if helped else "") + ".",
        indent=True,
    )
    page.line(
        doc,
        f"Dự sinh hoạt: {page.ratio(len(present), len(held))} buổi; vắng có lý do "
        f"{len(excused)}, vắng không lý do {len(held) - len(present) - len(excused)}; "
        f"phát biểu {len([m for m in present if m.spoke])} lần.",
        indent=True,
    )
    page.line(
        doc,
        f"Đăng ký việc tốt đã thực hiện: {page.ratio(len(kept), len(due))} tháng.",
        indent=True,
    )
    page.to_fill(doc, "Chi bộ nhận xét, đề xuất mức xếp loại")


def _pledge(pledge: str | None, month: date, done: bool, today: date) -> str:
    """What a member pledged for `month` and whether they did it (once the month has come)."""
    if not pledge:
        return ""
    if month > today:
        return pledge
    return pledge + (" (đã làm)" if done else " (chưa làm)")
