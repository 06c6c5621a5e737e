"""A cell's report upward (báo cáo kết quả tháng … và phương hướng tháng …): the figures and
lists chibo holds for the period, with marked places for the secretary's own assessment."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from docx.document import Document

from bot.reports.documents import layout as page
from bot.reports.documents.layout import Signer
from bot.reports.documents.sources import Issuer
from bot.reports.export_data import PeriodReport
from bot.reports.export_detail import CellDetail
from bot.reports.export_sheet import PROGRESS_VI
from bot.services.meetings.rules import add_months
from bot.services.pledges import Proposal
from models import AttendanceStatus, MemberStatus

ASSESS = "Bí thư đánh giá"


def subject(report: PeriodReport) -> str:
    """ "Kết quả tháng 11 và phương hướng, nhiệm vụ tháng 12 năm 2026"."""
    if report.first == report.last:
        following = add_months(report.first, 1)
        return (
            f"Kết quả tháng {report.first.month}"
            + ("" if following.year == report.first.year else f" năm {report.first.year}")
            + f" và phương hướng, nhiệm vụ {page.month_words(following)}"
        )
    return f"Kết quả {report.label} và phương hướng, nhiệm vụ kỳ tới"


def render_cell_report(
    report: PeriodReport,
    issuer: Issuer,
    proposals: tuple[Proposal, ...],
    day: date,
    tz: ZoneInfo,
) -> bytes:
    """The cell's report as .docx bytes (pure: runs in a worker thread)."""
    doc = page.document()
    page.heading(doc, issuer.heading("BC", day))
    page.title(doc, "Báo cáo", subject(report))
    figures = report.tree.figures
    people = figures.members
    page.line(doc, "I. TÌNH HÌNH CHUNG", bold=True)
    page.line(
        doc,
        f"Chi bộ có {people.total} đảng viên (miễn sinh hoạt {people.exempt}, đi làm ăn xa "
        f"{people.working_away}); {people.expected} đảng viên phải báo cáo việc tốt; "
        f"{figures.households} hộ được phân công phụ trách.",
        indent=True,
    )
    page.to_fill(doc, ASSESS + " tình hình tư tưởng, đời sống đảng viên và nhân dân")
    page.line(doc, "II. KẾT QUẢ THỰC HIỆN NHIỆM VỤ", bold=True)
    page.line(doc, "1. Sinh hoạt chi bộ", bold=True)
    page.line(
        doc,
        f"Số buổi sinh hoạt: {figures.meetings}. Đảng viên dự họp "
        f"{page.ratio(figures.present, figures.attendance_rows)} lượt; phát biểu "
        f"{page.ratio(figures.spoke, figures.present)} lượt có mặt.",
        indent=True,
    )
    cell = report.cells[0] if report.cells else None
    if cell is not None:
        _absences(doc, cell, tz)
    page.line(doc, '2. Thực hiện "Mỗi tháng một việc tốt"', bold=True)
    page.line(
        doc,
        f"Đảng viên có báo cáo việc tốt: {page.ratio(figures.reporters, people.expected)}"
        + (
            f" (tháng có báo cáo {page.ratio(figures.reported_months, figures.owed_months)})"
            if report.first != report.last
            else ""
        )
        + f"; tổng số {figures.deeds} việc tốt; hộ được giúp "
        f"{page.ratio(figures.helped, figures.households)}; hộ 3 tháng liền chưa được giúp: "
        f"{figures.quiet}.",
        indent=True,
    )
    if cell is not None:
        _deeds(doc, cell, tz)
    page.to_fill(doc, ASSESS + " việc tốt tiêu biểu")
    page.line(doc, "3. Tiến độ các hộ", bold=True)
    progress = figures.progress
    page.line(
        doc,
        "; ".join(f"{name}: {progress.fraction(flag)} hộ" for flag, name in PROGRESS_VI.items())
        + ".",
        indent=True,
    )
    page.line(doc, "III. HẠN CHẾ, KHUYẾT ĐIỂM VÀ NGUYÊN NHÂN", bold=True)
    page.to_fill(doc, ASSESS)
    page.line(doc, "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI", bold=True)
    if proposals:
        page.line(doc, "Đảng viên đăng ký việc tốt:", indent=True)
        for proposal in proposals:
            page.line(doc, f"- Đ/c {proposal.name}: {proposal.text}", indent=True)
    page.to_fill(doc, "Bí thư bổ sung nhiệm vụ")
    page.line(doc, "V. ĐỀ XUẤT, KIẾN NGHỊ", bold=True)
    page.to_fill(doc, ASSESS)
    page.line(doc)
    page.signatures(
        doc,
        (f"{issuer.above} (b/c),", "Lưu chi bộ."),
        (Signer(issuer.on_behalf, "BÍ THƯ", issuer.secretary),),
    )
    return page.to_bytes(doc)


def _absences(doc: Document, cell: CellDetail, tz: ZoneInfo) -> None:
    for number, meeting in enumerate(cell.meetings):
        excused = [
            m.name
            for m in cell.members
            if (mark := m.attendance[number]) and mark.status is AttendanceStatus.EXCUSED
        ]
        unexcused = [
            m.name
            for m in cell.members
            if (mark := m.attendance[number]) and mark.status is AttendanceStatus.UNEXCUSED
        ]
        if excused or unexcused:
            page.line(
                doc,
                f"- Buổi {meeting.starts_at.astimezone(tz):%d/%m/%Y}: vắng có lý do {len(excused)}"
                + (f" ({', '.join(excused)})" if excused else "")
                + f", vắng không lý do {len(unexcused)}"
                + (f" ({', '.join(unexcused)})" if unexcused else "")
                + ".",
                indent=True,
            )


def _deeds(doc: Document, cell: CellDetail, tz: ZoneInfo) -> None:
    rows = []
    on_roll = [m for m in cell.members if m.status is not MemberStatus.TRANSFERRED_OUT]
    for number, member in enumerate(on_roll, start=1):
        done = "\n".join(
            f"{d.created_at.astimezone(tz):%d/%m}: {d.text or '(ghi âm)'}"
            + (f" ({d.household_code})" if d.household_code else " (cộng đồng)")
            for d in member.deeds
        )
        if not done:
            done = "miễn báo cáo" if member.status is MemberStatus.EXEMPT else "chưa báo cáo"
        rows.append((number, member.name, len(member.deeds), done))
    page.grid(doc, ["STT", "Đảng viên", "Số việc", "Việc tốt đã làm"], rows, (12, 45, 18, 90))
