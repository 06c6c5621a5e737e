"""The roster file's sheets and columns (Vietnamese headings, English accepted) and finding a
sheet's headings; they match without tone marks or case. The words its cells may hold are in
`words`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.core.i18n import N_
from bot.core.text import fold

HEADING_SEARCH_ROWS = 10  # a title or a note may stand above the headings


class SheetKind(StrEnum):
    """What a sheet lists."""

    ORGANISATIONS = "organisations"
    MEMBERS = "members"
    HOUSEHOLDS = "households"
    COMMITTEES = "committees"  # "Cấp ủy": who holds which role in which organisation


@dataclass(frozen=True)
class Column:
    """One column: its key, the template's heading, other headings accepted, an example."""

    key: str
    heading: str
    aliases: tuple[str, ...]
    example: str
    required: bool = False
    label: str = ""  # what the column holds, for messages (a msgid)


# A member's phone, the key of the members sheet and of the committee sheet alike.
_MEMBER_PHONE = Column(
    "phone",
    "Số điện thoại",
    ("so dien thoai", "dien thoai", "sdt", "so dt", "phone", "phone number"),
    "0912 345 678",
    required=True,
    label=N_("phone"),
)

COLUMNS: dict[SheetKind, tuple[Column, ...]] = {
    SheetKind.ORGANISATIONS: (
        Column(
            "name",
            "Tên tổ chức",
            ("ten", "to chuc", "ten to chuc", "organisation", "organization", "name"),
            "Chi bộ bản Nà Lụng",
            required=True,
            label=N_("organisation name"),
        ),
        Column(
            "level",
            "Cấp",
            ("cap", "cap to chuc", "level", "kind"),
            "chi bộ",
            required=True,
            label=N_("level"),
        ),
        Column(
            "parent",
            "Trực thuộc",
            ("truc thuoc", "cap tren", "parent"),
            "Đảng bộ xã Tân Lập",
            label=N_("parent organisation"),
        ),
        Column(
            "cell_type",
            "Loại chi bộ",
            ("loai chi bo", "loai hinh", "loai", "cell type", "type"),
            "nông thôn",
            label=N_("kind of cell"),
        ),
    ),
    SheetKind.MEMBERS: (
        Column(
            "cell",
            "Chi bộ",
            ("chi bo", "cell"),
            "Chi bộ bản Nà Lụng",
            required=True,
            label=N_("cell"),
        ),
        Column(
            "name",
            "Họ và tên",
            (
                "ho va ten",
                "ho ten",
                "ten dang vien",
                "ho ten dang vien",
                "ho va ten dang vien",
                "full name",
                "name",
            ),
            "Lò Văn Xiên",
            required=True,
            label=N_("name"),
        ),
        _MEMBER_PHONE,
        Column(
            "membership",
            "Loại đảng viên",
            ("loai dang vien", "chinh thuc/du bi", "membership"),
            "chính thức",
            label=N_("membership"),
        ),
        Column(
            "status",
            "Tình trạng",
            ("tinh trang", "tinh trang sinh hoat", "status"),
            "đang sinh hoạt",
            label=N_("status"),
        ),
        Column(
            "role",
            "Chức vụ",
            ("chuc vu", "chuc vu dang", "role"),
            "bí thư",
            label=N_("role"),
        ),
    ),
    SheetKind.HOUSEHOLDS: (
        Column(
            "code",
            "Mã hộ",
            ("ma ho", "ma", "household code", "code"),
            "NL-001",
            required=True,
            label=N_("household code"),
        ),
        Column(
            "head",
            "Chủ hộ",
            (
                "chu ho",
                "ten chu ho",
                "ho ten chu ho",
                "ho va ten chu ho",
                "head of household",
                "head",
            ),
            "Đặng Xuân Lợi",
            required=True,
            label=N_("head of household"),
        ),
        Column(
            "cell",
            "Chi bộ",
            ("chi bo", "cell"),
            "Chi bộ bản Nà Lụng",
            required=True,
            label=N_("cell"),
        ),
        Column(
            "village",
            "Thôn, bản",
            ("thon, ban", "thon ban", "thon/ban", "thon", "ban", "village"),
            "Bản Nà Lụng",
            label=N_("village"),
        ),
        Column(
            "categories",
            "Diện",
            ("dien", "dien ho", "phan loai", "categories", "category"),
            "hộ nghèo, nhà ở khó khăn",
            label=N_("categories"),
        ),
        Column(
            "member_phone",
            "SĐT đảng viên phụ trách",
            (
                "sdt dang vien phu trach",
                "sdt nguoi phu trach",
                "dang vien phu trach",
                "nguoi phu trach",
                "phu trach",
                "assigned to",
                "member phone",
            ),
            "0912 345 678",
            label=N_("phone of the member in charge"),
        ),
        Column(
            "phone",
            "SĐT của hộ",
            ("sdt cua ho", "sdt ho", "dien thoai cua ho", "household phone"),
            "",
            label=N_("household's phone"),
        ),
        Column("notes", "Ghi chú", ("ghi chu", "notes", "note"), "", label=N_("notes")),
        Column(
            "progress_toilet",
            "Nhà tiêu, nhà tắm hợp vệ sinh",
            (
                "nha tieu, nha tam hop ve sinh",
                "nha tieu hop ve sinh",
                "nha tieu hvs",
                "nha tieu",
                "hygienic toilet",
                "toilet",
            ),
            "có",
            label=N_("hygienic toilet and bathroom"),
        ),
        Column(
            "progress_incinerator",
            "Lò đốt rác",
            ("lo dot rac", "waste incinerator", "incinerator"),
            "15/10/2026",
            label=N_("waste incinerator"),
        ),
        Column(
            "progress_floor",
            "Nền nhà cứng hóa",
            ("nen nha cung hoa", "nen nha cung", "nen cung", "hardened floor", "floor"),
            "chưa",
            label=N_("hardened floor"),
        ),
    ),
    SheetKind.COMMITTEES: (
        Column(
            "org",
            "Cấp ủy",
            ("cap uy", "ten cap uy", "dang uy", "cap uy cua", "committee"),
            "Đảng bộ xã Tân Lập",
            required=True,
            label=N_("committee"),
        ),
        Column(
            "name",
            "Họ và tên",
            ("ho va ten", "ho ten", "full name", "name"),
            "Lò Văn Xiên",
            label=N_("name"),
        ),
        _MEMBER_PHONE,
        Column(
            "role",
            "Chức vụ",
            ("chuc vu", "chuc vu dang", "role"),
            "đảng ủy viên",
            required=True,
            label=N_("role"),
        ),
        Column(
            "follows",
            "Chi bộ phụ trách",
            (
                "chi bo phu trach",
                "phu trach chi bo",
                "chi bo theo doi",
                "cells followed",
                "follows",
            ),
            "Nà Lụng, Khuổi Hẩu",
            label=N_("cells followed"),
        ),
    ),
}
# The column that tells a sheet's kind apart from the others.
IDENTIFYING = {
    SheetKind.ORGANISATIONS: "level",
    SheetKind.MEMBERS: "phone",
    SheetKind.HOUSEHOLDS: "code",
    SheetKind.COMMITTEES: "org",
}
SHEET_TITLES = {
    SheetKind.ORGANISATIONS: "Tổ chức",
    SheetKind.MEMBERS: "Đảng viên",
    SheetKind.HOUSEHOLDS: "Hộ gia đình",
    SheetKind.COMMITTEES: "Cấp ủy",
}
GUIDE_SHEET = "Hướng dẫn"  # the template's instructions: no table to read
IGNORED_HEADINGS = frozenset({"stt", "tt", "so tt", "no", "#"})


def match_heading(kind: SheetKind, heading: str) -> str | None:
    """The key of `kind`'s column this heading names; a "?" (a letter lost by a Windows-1252
    export) matches any letter."""
    folded = fold(heading).strip(" .:*")
    if not folded:
        return None
    pattern = re.compile(re.escape(folded).replace(r"\?", "."))
    for column in COLUMNS[kind]:
        if folded in column.aliases or fold(column.heading) == folded:
            return column.key
    if "?" in folded:
        for column in COLUMNS[kind]:
            if any(pattern.fullmatch(alias) for alias in column.aliases):
                return column.key
    return None


@dataclass(frozen=True)
class Headings:
    """Where a sheet's headings are: the sheet's kind, the row (0-based) and key -> column."""

    kind: SheetKind
    row: int
    columns: dict[str, int]
    unknown: dict[int, str]  # column index -> heading not understood


def find_headings(rows: Sequence[Sequence[str]]) -> Headings | None:
    """The first row near the top that names a sheet kind's identifying column, read as that
    kind's headings (the kind matching most headings wins)."""
    for index, row in enumerate(rows[:HEADING_SEARCH_ROWS]):
        best: Headings | None = None
        for kind in SheetKind:
            columns: dict[str, int] = {}
            unknown: dict[int, str] = {}
            for position, heading in enumerate(row):
                key = match_heading(kind, heading)
                if key is not None and key not in columns:
                    columns[key] = position
                elif heading.strip() and fold(heading).strip(" .") not in IGNORED_HEADINGS:
                    unknown[position] = heading
            if IDENTIFYING[kind] in columns and (best is None or len(columns) > len(best.columns)):
                best = Headings(kind, index, columns, unknown)
        if best is not None:
            return best
    return None
