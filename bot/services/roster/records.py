"""The typed records a roster file's rows are read into (organisations, members, committee
roles, households), where each is in the file, and the problems found in it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.core.i18n import Translator
from bot.services.roster.progress import Reading
from bot.services.roster.words import Level
from models import (
    CellType,
    HouseholdCategory,
    Membership,
    MemberStatus,
    OrgKind,
    ProgressFlag,
    RoleKind,
)


@dataclass(frozen=True)
class Problem:
    """Something wrong in the file, where it is (row 0: the whole sheet), as a msgid."""

    sheet: str
    row: int
    column: str
    message: str
    params: Mapping[str, object] = field(default_factory=dict)

    def render(self, t: Translator) -> str:
        """The problem in the reader's language, with its place."""
        what = t.gettext(self.message).format(**self.params)
        if self.row and self.column:
            where = t.gettext("Sheet “{sheet}”, row {row}, column {column}")
        elif self.row:
            where = t.gettext("Sheet “{sheet}”, row {row}")
        else:
            where = t.gettext("Sheet “{sheet}”")
        return where.format(sheet=self.sheet, row=self.row, column=self.column) + ": " + what


@dataclass
class Located:
    """A record's place in the file: sheet, row (1-based) and its columns' names."""

    sheet: str
    row: int
    columns: dict[str, str]  # key -> "C (Số điện thoại)"

    def problem(self, key: str, message: str, **params: object) -> Problem:
        """A problem with this record's `key` column ("" for the row)."""
        return Problem(self.sheet, self.row, self.columns.get(key, ""), message, params)


@dataclass
class OrgRow(Located):
    """An organisation to create or check."""

    name: str = ""
    level: OrgKind = OrgKind.CELL
    parent: str = ""
    cell_type: CellType | None = None


@dataclass
class MemberRow(Located):
    """A member, keyed by phone. None: the column is absent or the cell empty (keep)."""

    cell: str = ""
    name: str = ""
    phone: str = ""
    membership: Membership | None = None
    status: MemberStatus | None = None
    role: RoleKind | None = None  # in the member's cell
    no_role: bool = False  # "đảng viên" in the role column: a plain member, roles end
    # Positions above the cell the Chức vụ names ("Đảng ủy viên", "Huyện ủy viên"...).
    positions: list[tuple[Level, RoleKind]] = field(default_factory=list)


@dataclass
class CommitteeRow(Located):
    """A role in an organisation (the Cấp ủy sheet) and, if given, the cells followed."""

    org: str = ""
    name: str | None = None
    phone: str = ""
    role: RoleKind | None = None
    follows: list[str] | None = None  # None: the column is absent or the cell empty (keep)


@dataclass
class HouseholdRow(Located):
    """A household, keyed by code within its commune, and who is in charge of it."""

    code: str = ""
    head: str = ""
    cell: str = ""
    village: str | None = None
    categories: list[HouseholdCategory] | None = None
    member_phone: str | None = None
    phone: str | None = None
    notes: str | None = None
    progress: dict[ProgressFlag, Reading] = field(default_factory=dict)


@dataclass
class ParsedFile:
    """Every record of the file and the problems found on the way."""

    orgs: list[OrgRow] = field(default_factory=list)
    members: list[MemberRow] = field(default_factory=list)
    households: list[HouseholdRow] = field(default_factory=list)
    committees: list[CommitteeRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)  # names, in the file's order
