"""The roster file's sheets and columns (Vietnamese headings, English accepted) and the words
its cells may hold. Headings and words match without tone marks or case."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from bot.core.i18n import N_
from bot.core.text import fold
from models import CellType, HouseholdCategory, Membership, MemberStatus, OrgKind, RoleKind

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

# The first spelling of each value is shown in messages; any spelling matches, folded.
MEMBERSHIP_WORDS = {
    Membership.FULL: ("chính thức", "full"),
    Membership.PROBATIONARY: ("dự bị", "probationary"),
}
STATUS_WORDS = {
    MemberStatus.ACTIVE: ("đang sinh hoạt", "sinh hoạt", "bình thường", "active"),
    MemberStatus.WORKING_AWAY: ("đi làm ăn xa", "làm ăn xa", "đi làm xa", "working away"),
    MemberStatus.EXEMPT: ("miễn sinh hoạt", "miễn", "exempt"),
    MemberStatus.TRANSFERRED_OUT: (
        "đã chuyển đi",
        "chuyển đi",
        "chuyển sinh hoạt đi",
        "đã chuyển sinh hoạt",
        "transferred out",
        "transferred",
    ),
}
ROLE_WORDS = {
    RoleKind.SECRETARY: ("bí thư", "bí thư chi bộ", "secretary"),
    RoleKind.DEPUTY_SECRETARY: ("phó bí thư", "deputy secretary", "deputy"),
    RoleKind.STANDING_COMMITTEE_MEMBER: (
        "ủy viên ban thường vụ",
        "ủy viên BTV",
        "UV BTV",
        "thường vụ",
        "ủy viên thường vụ",
        "standing committee member",
        "standing",
    ),
    RoleKind.COMMITTEE_MEMBER: (
        "chi ủy viên",
        "cấp ủy viên",
        "ủy viên",
        "đảng ủy viên",
        "huyện ủy viên",
        "committee member",
    ),
}


class Level(StrEnum):
    """Where a position named in a member's Chức vụ is held, from their cell upwards."""

    CELL = "cell"
    COMMUNE = "commune"  # the grassroots committee (Đảng ủy) above the cell
    DISTRICT = "district"  # the district committee (Huyện ủy) above the cell
    NEAREST = "nearest"  # the first committee above the cell (a standing committee)


# A member's Chức vụ may name positions above their cell (several, comma-separated):
# "Bí thư chi bộ, Đảng ủy viên". Spelled as people write them, English accepted.
POSITION_WORDS: dict[tuple[Level, RoleKind], tuple[str, ...]] = {
    (Level.CELL, RoleKind.SECRETARY): ("bí thư", "bí thư chi bộ", "secretary"),
    (Level.CELL, RoleKind.DEPUTY_SECRETARY): (
        "phó bí thư",
        "phó bí thư chi bộ",
        "deputy secretary",
        "deputy",
    ),
    (Level.CELL, RoleKind.COMMITTEE_MEMBER): (
        "chi ủy viên",
        "cấp ủy viên",
        "ủy viên",
        "ủy viên chi ủy",
        "committee member",
    ),
    (Level.COMMUNE, RoleKind.SECRETARY): (
        "bí thư đảng ủy",
        "bí thư đảng ủy xã",
        "bí thư đảng bộ",
        "commune secretary",
    ),
    (Level.COMMUNE, RoleKind.DEPUTY_SECRETARY): (
        "phó bí thư đảng ủy",
        "phó bí thư đảng ủy xã",
        "phó bí thư đảng bộ",
        "commune deputy secretary",
    ),
    (Level.COMMUNE, RoleKind.STANDING_COMMITTEE_MEMBER): (
        "ủy viên ban thường vụ đảng ủy",
        "ủy viên BTV đảng ủy",
        "UV BTV đảng ủy",
        "commune standing committee member",
    ),
    (Level.COMMUNE, RoleKind.COMMITTEE_MEMBER): (
        "đảng ủy viên",
        "ủy viên đảng ủy",
        "đảng ủy viên xã",
        "commune committee member",
    ),
    (Level.NEAREST, RoleKind.STANDING_COMMITTEE_MEMBER): (
        "ủy viên ban thường vụ",
        "ủy viên BTV",
        "UV BTV",
        "ủy viên thường vụ",
        "thường vụ",
        "standing committee member",
    ),
    (Level.DISTRICT, RoleKind.SECRETARY): (
        "bí thư huyện ủy",
        "bí thư quận ủy",
        "bí thư thị ủy",
        "district secretary",
    ),
    (Level.DISTRICT, RoleKind.DEPUTY_SECRETARY): (
        "phó bí thư huyện ủy",
        "phó bí thư quận ủy",
        "phó bí thư thị ủy",
        "district deputy secretary",
    ),
    (Level.DISTRICT, RoleKind.STANDING_COMMITTEE_MEMBER): (
        "ủy viên ban thường vụ huyện ủy",
        "ủy viên BTV huyện ủy",
        "UV BTV huyện ủy",
        "ủy viên thường vụ huyện ủy",
        "district standing committee member",
    ),
    (Level.DISTRICT, RoleKind.COMMITTEE_MEMBER): (
        "huyện ủy viên",
        "ủy viên huyện ủy",
        "quận ủy viên",
        "thị ủy viên",
        "district committee member",
    ),
}
_POSITIONS = {fold(word): key for key, words in POSITION_WORDS.items() for word in words}
NO_ROLE_WORDS = ("", "dang vien", "member", "-")
LEVEL_WORDS = {
    OrgKind.DISTRICT_COMMITTEE: ("huyện", "đảng bộ huyện", "district"),
    OrgKind.GRASSROOTS_COMMITTEE: ("xã", "đảng bộ xã", "đảng bộ cơ sở", "cơ sở", "commune"),
    OrgKind.CELL: ("chi bộ", "chi bộ cơ sở", "cell"),
}
CELL_TYPE_WORDS = {
    CellType.RURAL: ("nông thôn", "thôn", "bản", "thôn, bản", "rural"),
    CellType.OFFICE: ("cơ quan", "office"),
    CellType.PUBLIC_SERVICE: ("đơn vị sự nghiệp", "sự nghiệp", "public service"),
    CellType.ARMED_FORCES: ("lực lượng vũ trang", "quân đội", "công an", "armed forces"),
    CellType.SCHOOL: ("trường học", "trường", "school"),
    CellType.ENTERPRISE: ("doanh nghiệp", "enterprise"),
}
CATEGORY_WORDS = {
    HouseholdCategory.POOR: ("hộ nghèo", "nghèo", "poor"),
    HouseholdCategory.NEAR_POOR: ("cận nghèo", "hộ cận nghèo", "near poor", "near-poor"),
    HouseholdCategory.POLICY_FAMILY: (
        "gia đình chính sách",
        "chính sách",
        "người có công",
        "policy family",
    ),
    HouseholdCategory.HOUSING_DIFFICULTY: (
        "nhà ở khó khăn",
        "khó khăn nhà ở",
        "khó khăn về nhà ở",
        "nhà tạm",
        "nhà dột nát",
        "housing difficulty",
    ),
    HouseholdCategory.OTHER: ("khác", "other"),
}
_LIST_SEPARATORS = re.compile(r"[,;/\n]+")
E = TypeVar("E", bound=StrEnum)


def word_value(words: Mapping[E, tuple[str, ...]], text: str) -> E | None:
    """The value a cell's word stands for (tone marks and case ignored); None if unknown."""
    folded = fold(text).strip(" .")
    return next(
        (value for value, spelled in words.items() if folded in {fold(w) for w in spelled}),
        None,
    )


def position_value(text: str) -> tuple[Level, RoleKind] | None:
    """The position one part of a Chức vụ names (tone marks, case and "uỷ"/"ủy" ignored)."""
    return _POSITIONS.get(" ".join(fold(text).strip(" .").split()))


def positions(text: str) -> tuple[list[tuple[Level, RoleKind]], list[str]]:
    """The positions of a Chức vụ cell (comma-separated), and the parts that are none."""
    found: list[tuple[Level, RoleKind]] = []
    unknown: list[str] = []
    for part in _LIST_SEPARATORS.split(text):
        if not part.strip():
            continue
        value = position_value(part)
        if value is None:
            unknown.append(part.strip())
        elif value not in found:
            found.append(value)
    return found, unknown


def list_values(words: Mapping[E, tuple[str, ...]], text: str) -> tuple[list[E], list[str]]:
    """The values of a comma-separated cell, and the parts that are no known word."""
    values: list[E] = []
    unknown: list[str] = []
    for part in _LIST_SEPARATORS.split(text):
        if not part.strip():
            continue
        value = word_value(words, part)
        if value is None:
            unknown.append(part.strip())
        elif value not in values:
            values.append(value)
    return values, unknown


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
