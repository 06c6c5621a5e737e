"""The page of a Party document (Hướng dẫn 36-HD/VPTW, 2018) in python-docx: A4, Times New
Roman, the issuing body at top left with its asterisk, "ĐẢNG CỘNG SẢN VIỆT NAM" at top right
with its rule, number and symbol, place and date in italics, the title, and at the bottom
"Nơi nhận" and the signature block. Pure functions of plain values: they run in a thread."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from docx import Document as new_document
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from bot.reports.aggregates import ratio as ratio  # the documents' rates

FONT = "Times New Roman"
BODY_SIZE = 14
PARTY = "ĐẢNG CỘNG SẢN VIỆT NAM"
BLANK = "……"  # a place the secretary fills in by hand


@dataclass(frozen=True)
class Heading:
    """What the top of a document says: the body above the issuer, the issuer, the symbol
    ("BC/CB"), the place and the date."""

    parent: str  # "ĐẢNG BỘ XÃ TÂN LẬP" ("" for none)
    issuer: str  # "CHI BỘ BẢN NÀ LỤNG"
    symbol: str  # "BC/CB", "BB/CB"
    place: str  # "Tân Lập"
    day: date | None  # None: left blank to fill


@dataclass(frozen=True)
class Signer:
    """One signature: "T/M CHI BỘ" (or ""), the function ("BÍ THƯ") and the name (or "")."""

    on_behalf: str
    function: str
    name: str


def place_name(org_name: str) -> str:
    """ "Đảng bộ xã Tân Lập" -> "Tân Lập": the place a commune's documents are dated at."""
    words = org_name.split()
    lowered = [w.lower() for w in words]
    for prefix in ("đảng", "bộ", "ủy", "uỷ", "xã", "phường", "thị", "trấn", "huyện", "quận"):
        if lowered and lowered[0] == prefix:
            words, lowered = words[1:], lowered[1:]
    return " ".join(words) or org_name


def date_line(place: str, day: date | None) -> str:
    """ "Tân Lập, ngày 24 tháng 11 năm 2026" (dots to fill when there is no date)."""
    if day is None:
        return f"{place}, ngày {BLANK} tháng {BLANK} năm {BLANK}"
    return f"{place}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def document(landscape: bool = False) -> Document:
    """An empty A4 document in Times New Roman 14, margins per 36-HD/VPTW (top and bottom
    20 mm, left 30 mm, right 15 mm)."""
    doc = new_document()
    style = doc.styles["Normal"]
    font = style.font
    font.name = FONT
    font.size = Pt(BODY_SIZE)
    # East Asian and complex scripts too, or Word shows Vietnamese in another font.
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)
    style.paragraph_format.space_after = Pt(3)
    section = doc.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    else:
        section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    return doc


def line(
    where: Document | _Cell,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    size: int | None = None,
    centred: bool = False,
    underline: bool = False,
    indent: bool = False,
) -> Paragraph:
    """A paragraph of one run."""
    paragraph = where.add_paragraph()
    run = paragraph.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    if size is not None:
        run.font.size = Pt(size)
    if centred:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif indent:
        paragraph.paragraph_format.first_line_indent = Mm(10)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    return paragraph


def labelled(where: Document | _Cell, label: str, text: str) -> Paragraph:
    """ "Label: text", the label in bold, indented like body text."""
    paragraph = where.add_paragraph()
    paragraph.paragraph_format.first_line_indent = Mm(10)
    paragraph.add_run(label).bold = True
    paragraph.add_run(text)
    return paragraph


def to_fill(where: Document | _Cell, note: str) -> Paragraph:
    """A marked place for the secretary's own words: "[Bí thư đánh giá: …]"."""
    paragraph: Paragraph = line(where, f"[{note}: {BLANK}]", italic=True, indent=True)
    return paragraph


def _borderless(table: Table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _rule(paragraph: Paragraph) -> None:
    """A short rule under `paragraph` (the line under "ĐẢNG CỘNG SẢN VIỆT NAM")."""
    properties = paragraph._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (
        ("w:val", "single"),
        ("w:sz", "6"),
        ("w:space", "1"),
        ("w:color", "000000"),
    ):
        bottom.set(qn(key), value)
    border.append(bottom)
    properties.append(border)
    paragraph.paragraph_format.left_indent = Mm(22)
    paragraph.paragraph_format.right_indent = Mm(22)


def _cell_line(
    cell: _Cell, text: str, *, bold: bool = False, italic: bool = False, size: int = BODY_SIZE
) -> Paragraph:
    first = cell.paragraphs[0]
    paragraph: Paragraph = first if not first.runs else cell.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(0)
    run = paragraph.add_run(text)
    run.bold, run.italic = bold, italic
    run.font.size = Pt(size)
    return paragraph


def _halves(doc: Document, left: float) -> tuple[float, float]:
    """The text width in mm, split `left` : the rest."""
    section = doc.sections[0]
    width = (
        (section.page_width or 0) - (section.left_margin or 0) - (section.right_margin or 0)
    ) / Mm(1)
    return width * left, width * (1 - left)


def heading(doc: Document, top: Heading) -> None:
    """The header table: issuing body and number at left, the Party's name and the place and
    date at right."""
    table = doc.add_table(rows=2, cols=2)
    _borderless(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, _halves(doc, 0.4))
    left, right = table.rows[0].cells
    if top.parent:
        _cell_line(left, top.parent.upper())
    _cell_line(left, top.issuer.upper(), bold=True)
    _cell_line(left, "*")
    _cell_line(right, PARTY, bold=True, size=15)
    _rule(_cell_line(right, "", size=2))
    number, dated = table.rows[1].cells
    _cell_line(number, f"Số      -{top.symbol}")
    _cell_line(dated, date_line(top.place, top.day), italic=True)
    line(doc)


def title(doc: Document, name: str, subject: str = "") -> None:
    """The document's name in capitals ("BÁO CÁO") and its subject below, both bold."""
    line(doc, name.upper(), bold=True, size=16, centred=True)
    if subject:
        line(doc, subject, bold=True, centred=True)
    line(doc, "-----", centred=True)


def signatures(doc: Document, recipients: Sequence[str], signers: Sequence[Signer]) -> None:
    """ "Nơi nhận" at bottom left (when there are recipients) and the signature block(s) at
    right; with two signers (minutes: chair and secretary) one on each side."""
    table = doc.add_table(rows=1, cols=2)
    _borderless(table)
    _widths(table, _halves(doc, 0.5))
    left, right = table.rows[0].cells
    blocks: list[tuple[_Cell, Signer]]
    if len(signers) == 2:
        blocks = [(left, signers[0]), (right, signers[1])]
    else:
        blocks = [(right, signer) for signer in signers]
        if recipients:
            paragraph = left.paragraphs[0]
            run = paragraph.add_run("Nơi nhận:")
            run.underline = True
            run.font.size = Pt(BODY_SIZE)
            for recipient in recipients:
                paragraph = left.add_paragraph()
                paragraph.paragraph_format.space_after = Pt(0)
                paragraph.add_run(f"- {recipient}").font.size = Pt(12)
    for cell, signer in blocks:
        if signer.on_behalf:
            _cell_line(cell, signer.on_behalf, bold=True)
        _cell_line(cell, signer.function, bold=True)
        for _ in range(3):
            _cell_line(cell, "")
        _cell_line(cell, signer.name or "…………………………", bold=bool(signer.name))


def grid(
    where: Document,
    headings: Sequence[str],
    rows: Sequence[Sequence[object]],
    widths_mm: Sequence[float] | None = None,
    size: int = 12,
) -> Table:
    """A bordered table with a bold heading row (repeated on each page)."""
    table: Table = where.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    header = table.rows[0]
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    header._tr.get_or_add_trPr().append(flag)
    for cell, text in zip(header.cells, headings, strict=True):
        _cell_line(cell, text, bold=True, size=size)
    for values in rows:
        cells = table.add_row().cells  # type: ignore[no-untyped-call]
        for cell, value in zip(cells, values, strict=True):
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.space_after = Pt(0)
            run = paragraph.add_run("" if value is None else str(value))
            run.font.size = Pt(size)
            if isinstance(value, int | float):
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if widths_mm is not None:
        _widths(table, widths_mm)
    return table


def _widths(table: Table, widths_mm: Sequence[float]) -> None:
    """Column widths that Word (cell widths) and LibreOffice (the grid) both keep."""
    table.autofit = False
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)


def page_break(doc: Document) -> None:
    """Start a new page."""
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def to_bytes(doc: Document) -> bytes:
    """The .docx file's bytes."""
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def month_words(month: date) -> str:
    """ "tháng 11 năm 2026"."""
    return f"tháng {month.month} năm {month.year}"
