"""The words a roster file's cells may hold (membership, status, roles, positions above a
cell, levels, kinds of cell, household categories) and reading them: tone marks and case
ignored, the first spelling of each shown in messages."""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum
from typing import TypeVar

from bot.core.text import fold
from models import CellType, HouseholdCategory, Membership, MemberStatus, OrgKind, RoleKind

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
