"""A committee's monthly summary (commune or district): the totals, then per commune and cell,
lagging first, the indicators with their denominators, and the speaking rate by cell type.
Rendered from the same `PeriodReport` as the workbook, so both say the same figures."""

from __future__ import annotations

from datetime import date

from docx.document import Document

from bot.reports.aggregates import Figures, Node
from bot.reports.documents import layout as page
from bot.reports.documents.layout import Signer
from bot.reports.documents.sources import Issuer
from bot.reports.export import CELL_TYPE_VI
from bot.reports.export_data import PeriodReport
from bot.reports.export_sheet import PROGRESS_VI
from bot.reports.summary import lagging_first

HEADINGS = [
    "STT",
    "Chi bộ",
    "Đảng viên báo cáo việc tốt",
    "Dự họp (lượt)",
    "Phát biểu (lượt có mặt)",
    "Hộ được giúp",
    "Hộ 3 tháng chưa được giúp",
    *PROGRESS_VI.values(),
]
WIDTHS = (10, 48, 30, 30, 30, 26, 18, 20, 20, 20)


def indicators(figures: Figures) -> list[object]:
    """The indicator columns of one row, each rate with its denominator."""
    return [
        page.ratio(figures.reporters, figures.members.expected),
        page.ratio(figures.present, figures.attendance_rows),
        page.ratio(figures.spoke, figures.present),
        page.ratio(figures.helped, figures.households),
        figures.quiet,
        *(figures.progress.fraction(flag) for flag in PROGRESS_VI),
    ]


def lagging(node: Node[Figures]) -> list[Node[Figures]]:
    """The children of `node`, the lowest reporting rate first."""
    return sorted(node.children, key=lagging_first)


def _rows(node: Node[Figures], counter: list[int]) -> list[list[object]]:
    rows: list[list[object]] = []
    for child in lagging(node):
        if child.org.is_cell:
            counter[0] += 1
            rows.append([counter[0], child.org.name, *indicators(child.figures)])
            continue
        rows.append(["", child.org.name.upper(), *([""] * (len(HEADINGS) - 2))])
        rows += _rows(child, counter)
        rows.append(["", f"Cộng {child.org.name}", *indicators(child.figures)])
    return rows


def render_committee_summary(report: PeriodReport, issuer: Issuer, day: date) -> bytes:
    """The summary as .docx bytes, A4 landscape (pure: runs in a worker thread)."""
    doc = page.document(landscape=True)
    page.heading(doc, issuer.heading("BC", day))
    page.title(
        doc,
        "Báo cáo",
        'Tổng hợp kết quả sinh hoạt chi bộ và thực hiện "Mỗi tháng một việc tốt" '
        + (page.month_words(report.first) if report.first == report.last else report.label),
    )
    tree = report.tree
    figures = tree.figures
    people = figures.members
    page.line(doc, "I. TÌNH HÌNH CHUNG", bold=True)
    page.line(
        doc,
        f"Toàn {issuer.name} có {figures.cells} chi bộ, {people.total} đảng viên (miễn sinh "
        f"hoạt {people.exempt}, đi làm ăn xa {people.working_away}); {people.expected} đảng "
        f"viên phải báo cáo việc tốt; {figures.households} hộ được phân công phụ trách.",
        indent=True,
    )
    page.line(doc, "II. KẾT QUẢ", bold=True)
    for label, value in (
        ("Đảng viên có báo cáo việc tốt", page.ratio(figures.reporters, people.expected)),
        # Over several months: member-months reported of those owed (one month: the line above).
        *(
            (("Lượt tháng có báo cáo", page.ratio(figures.reported_months, figures.owed_months)),)
            if report.first != report.last
            else ()
        ),
        ("Số việc tốt", str(figures.deeds)),
        ("Số buổi sinh hoạt", str(figures.meetings)),
        ("Đảng viên dự họp (lượt)", page.ratio(figures.present, figures.attendance_rows)),
        ("Đảng viên phát biểu (lượt có mặt)", page.ratio(figures.spoke, figures.present)),
        ("Hộ được giúp", page.ratio(figures.helped, figures.households)),
        ("Hộ 3 tháng liền chưa được giúp", str(figures.quiet)),
        *(
            (f"Hộ có {name.lower()}", figures.progress.fraction(flag))
            for flag, name in PROGRESS_VI.items()
        ),
    ):
        page.labelled(doc, f"- {label}: ", value)
    page.line(doc, "1. Theo từng chi bộ (chi bộ có tỷ lệ báo cáo thấp xếp trước)", bold=True)
    rows = [[1, tree.org.name, *indicators(figures)]] if tree.org.is_cell else _rows(tree, [0])
    if not tree.org.is_cell:
        rows.append(["", "TỔNG CỘNG", *indicators(figures)])
    page.grid(doc, HEADINGS, rows, WIDTHS, size=11)
    _bold_totals(doc)
    page.line(doc, "2. Tỷ lệ đảng viên phát biểu theo loại hình chi bộ", bold=True)
    page.grid(
        doc,
        ["Loại hình", "Số chi bộ", "Lượt có mặt", "Lượt phát biểu", "Tỷ lệ"],
        [
            (
                CELL_TYPE_VI[rate.cell_type],
                rate.cells,
                rate.present,
                rate.spoke,
                page.ratio(rate.spoke, rate.present),
            )
            for rate in report.by_type
        ],
        (60, 30, 35, 35, 50),
    )
    page.to_fill(doc, "Đảng ủy đánh giá")
    page.line(doc, "III. PHƯƠNG HƯỚNG, NHIỆM VỤ", bold=True)
    page.to_fill(doc, "Đảng ủy đề ra")
    page.line(doc)
    page.signatures(
        doc,
        (f"{issuer.above} (b/c),", "Các chi bộ trực thuộc,", "Lưu văn phòng."),
        (Signer(issuer.on_behalf, "BÍ THƯ", issuer.secretary),),
    )
    return page.to_bytes(doc)


def _bold_totals(doc: Document) -> None:
    """Subtotal and total rows in bold, as a reader looks for them."""
    table = doc.tables[-1]
    for row in table.rows[1:]:
        label = row.cells[1].text
        if label.startswith("Cộng ") or label == "TỔNG CỘNG" or label.isupper():
            for cell in row.cells:
                for run in cell.paragraphs[0].runs:
                    run.bold = True
