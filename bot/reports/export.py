"""XLSX report of an organisation for a month, quarter or year, in the style of a cell report:
a summary sheet (cells grouped by commune with subtotals, a total row, the speaking rate by
cell type), then per cell: members and their deeds, attendance per meeting, households.
Query (`export_data.period_report`) -> plain aggregate (`PeriodReport`) -> render here, the
rendering in a worker thread so the event loop keeps answering."""

from __future__ import annotations

import asyncio
import io
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.text import fold
from bot.reports.aggregates import Figures, Node, ratio
from bot.reports.documents.sources import Issuer, issuer_of
from bot.reports.export_data import MAX_DETAIL_CELLS, PeriodReport, period_report
from bot.reports.export_print import framed_row, party_header, printable, signature_rows
from bot.reports.export_sheet import BOLD, PROGRESS_VI, TITLE, bold_row, cell_sheet, styled, widths
from bot.reports.period import Period
from bot.reports.xlsx import add_row
from bot.services.audit import record_audit
from models import CellType, Organisation

CELL_TYPE_VI = {
    CellType.RURAL: "Nông thôn",
    CellType.OFFICE: "Cơ quan",
    CellType.PUBLIC_SERVICE: "Đơn vị sự nghiệp",
    CellType.ARMED_FORCES: "Lực lượng vũ trang",
    CellType.SCHOOL: "Trường học",
    CellType.ENTERPRISE: "Doanh nghiệp",
    None: "Chưa phân loại",
}
SIGNATURE_COLUMN = 11  # column L: the right-hand half of a printed summary
HEADINGS = [
    "STT",
    "Chi bộ",
    "Loại hình",
    "Số đảng viên",
    "Miễn sinh hoạt",
    "Đi làm ăn xa",
    "Phải báo cáo",
    "Đã báo cáo việc tốt",
    "Tháng có báo cáo / phải báo cáo",
    "Số việc tốt",
    "Hộ được phân công",
    "Hộ được giúp",
    "Hộ 3 tháng chưa được giúp",
    *PROGRESS_VI.values(),
    "Số buổi họp",
    "Dự họp (lượt có mặt / phải dự)",
    "Phát biểu (lượt / lượt có mặt)",
]


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
    report = await report_data(session, org, period, tz, now)
    audit_export(session, org, period, actor_member_id, now, report)
    return await render_report(report, org, period, tz, await issuer_of(session, org))


async def report_data(
    session: AsyncSession, org: Organisation, period: Period, tz: ZoneInfo, now: datetime
) -> PeriodReport:
    """What the workbook shows, read from the database (reads only)."""
    return await period_report(session, org, period.first, period.last, period.label, tz, now)


def audit_export(
    session: AsyncSession,
    org: Organisation,
    period: Period,
    actor_member_id: int | None,
    now: datetime,
    report: PeriodReport,
) -> None:
    """Write the export to the audit log."""
    record_audit(
        session,
        at=now,
        actor_member_id=actor_member_id,
        action="exported",
        subject_type="organisation",
        subject_id=org.id,
        period=period.slug,
        cells=report.tree.figures.cells,
    )


async def render_report(
    report: PeriodReport,
    org: Organisation,
    period: Period,
    tz: ZoneInfo,
    issuer: Issuer | None = None,
) -> tuple[str, bytes]:
    """The workbook's file name and bytes, rendered in a worker thread (openpyxl takes
    seconds for a district): needs no session, so none is held meanwhile. Not in a worker
    process: pickling a district year's figures there (14 MB) holds the interpreter lock for
    2 s, longer than the thread's share of it costs the event loop (bench/latency.py). With
    `issuer` (`documents.sources.issuer_of`), the Party's header and signature block."""
    content = await asyncio.to_thread(render_workbook, report, tz, issuer)
    safe = re.sub(r"[^a-z0-9]+", "-", fold(org.name)).strip("-")
    return f"bao-cao-{safe or org.id}-{period.slug}.xlsx", content


def figures_row(figures: Figures) -> list[object]:
    """The figure columns of a row (a cell, a subtotal or the total)."""
    people = figures.members
    return [
        people.total,
        people.exempt,
        people.working_away,
        people.expected,
        figures.reporters,
        ratio(figures.reported_months, figures.owed_months),
        figures.deeds,
        figures.households,
        figures.helped,
        figures.quiet,
        *(figures.progress.fraction(flag) for flag in PROGRESS_VI),
        figures.meetings,
        ratio(figures.present, figures.attendance_rows),
        ratio(figures.spoke, figures.present),
    ]


def _tree_rows(sheet: object, node: Node[Figures], counter: list[int]) -> None:
    """The rows of what is under `node`: cells numbered, each organisation with a heading
    and a subtotal row."""
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

    assert isinstance(sheet, WriteOnlyWorksheet)
    for child in node.children:
        if child.org.is_cell:
            counter[0] += 1
            framed_row(
                sheet,
                [
                    counter[0],
                    child.org.name,
                    CELL_TYPE_VI[child.org.cell_type],
                    *figures_row(child.figures),
                ],
            )
            continue
        framed_row(sheet, ["", child.org.name, *([""] * (len(HEADINGS) - 2))], bold=True)
        _tree_rows(sheet, child, counter)
        framed_row(
            sheet,
            [
                "",
                f"Cộng {child.org.name}",
                f"{child.figures.cells} chi bộ",
                *figures_row(child.figures),
            ],
            bold=True,
        )


def render_workbook(report: PeriodReport, tz: ZoneInfo, issuer: Issuer | None = None) -> bytes:
    """The workbook's bytes (pure: runs in a worker thread); with `issuer`, the summary
    sheet has the Party's header and signature block, as a report sent upward."""
    book = Workbook(write_only=True)
    summary = book.create_sheet("Tổng hợp")
    widths(summary, [5, 34, 14, 10, 10, 10, 10, 12, 16, 9, 11, 16, 12, 14, 11, 11, 9, 16, 16])
    headings = 9 if issuer is not None else 5
    printable(summary, f"{headings}:{headings}", headings)
    day = report.made_at.astimezone(tz).date()
    if issuer is not None:
        party_header(summary, issuer, "BC", day, SIGNATURE_COLUMN)
        add_row(summary, [])
    else:
        add_row(summary, [styled(summary, report.org.name.upper(), TITLE)])
    add_row(
        summary,
        [
            styled(
                summary,
                'BÁO CÁO KẾT QUẢ SINH HOẠT CHI BỘ VÀ THỰC HIỆN "MỖI THÁNG MỘT VIỆC TỐT" '
                f"{report.label.upper()}",
                BOLD,
            )
        ],
    )
    add_row(summary, [f"Lập ngày {day:%d/%m/%Y}"])
    add_row(summary, [])
    framed_row(summary, HEADINGS, heading=True)
    tree = report.tree
    if tree.org.is_cell:
        framed_row(
            summary,
            [1, tree.org.name, CELL_TYPE_VI[tree.org.cell_type], *figures_row(tree.figures)],
        )
    else:
        _tree_rows(summary, tree, [0])
        framed_row(
            summary,
            ["", "TỔNG CỘNG", f"{tree.figures.cells} chi bộ", *figures_row(tree.figures)],
            bold=True,
        )
    add_row(summary, [])
    bold_row(
        summary, ["", "TỶ LỆ ĐẢNG VIÊN PHÁT BIỂU THEO LOẠI HÌNH CHI BỘ (các buổi họp trong kỳ)"]
    )
    framed_row(
        summary,
        ["", "Loại hình", "Số chi bộ", "Lượt có mặt", "Lượt phát biểu", "Tỷ lệ"],
        heading=True,
    )
    for rate in report.by_type:
        framed_row(
            summary,
            [
                "",
                CELL_TYPE_VI[rate.cell_type],
                rate.cells,
                rate.present,
                rate.spoke,
                ratio(rate.spoke, rate.present),
            ],
        )
    if report.detail_left_out:
        add_row(summary, [])
        add_row(
            summary,
            [
                "",
                f"Phạm vi có {tree.figures.cells} chi bộ (quá {MAX_DETAIL_CELLS}): báo cáo "
                "này chỉ có bảng tổng hợp; xuất báo cáo của từng huyện hoặc xã để xem chi "
                "tiết từng chi bộ.",
            ],
        )
    if issuer is not None:
        add_row(summary, [])
        recipients = [f"{issuer.above} (b/c),"]
        if not issuer.is_cell:
            recipients.append("Các chi bộ trực thuộc,")
        signature_rows(summary, issuer, [*recipients, "Lưu."], SIGNATURE_COLUMN)
    used: set[str] = {"Tổng hợp"}
    for cell in report.cells:
        cell_sheet(book.create_sheet(_sheet_title(cell.cell.name, used)), cell, report.label, tz)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
