"""Plain aggregates that summaries, charts, digests, workbooks and documents are rendered from.

Frozen dataclasses, no SQL and no ORM objects: a query module fills them, a renderer reads
them. Counts that add up (`Headcount`, `Progress`, `Figures`) support `+`, so a commune's or a
district's figures are the sum of its cells'.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, Generic, Self, TypeVar

from babel.numbers import format_decimal

from models import CellType, MemberStatus, OrgKind, ProgressFlag

PROGRESS_FLAGS = tuple(ProgressFlag)  # the order of `Progress.achieved`


class Additive:
    """Field-by-field `+` for dataclasses of ints and of other additive dataclasses."""

    def __add__(self, other: Self) -> Self:
        return type(self).sum_of((self, other))

    @classmethod
    def sum_of(cls, items: Iterable[Self]) -> Self:
        """The field-by-field sum of `items` (the empty value when there are none), built
        once: a province rolls up 4,000 cells, and adding them two by two made 16,000
        intermediate values."""
        items = list(items)
        if not items:
            return cls()
        values = []
        for name in _field_names(cls):
            column = [getattr(item, name) for item in items]
            first = column[0]
            values.append(
                type(first).sum_of(column) if isinstance(first, Additive) else sum(column)
            )
        return cls(*values)


_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _NAMES.get(cls)
    if names is None:
        names = _NAMES[cls] = tuple(f.name for f in fields(cls))
    return names


@dataclass(frozen=True)
class OrgRef:
    """An organisation as reports name it."""

    id: int
    name: str
    kind: OrgKind
    path: str
    parent_id: int | None = None
    cell_type: CellType | None = None

    @property
    def is_cell(self) -> bool:
        """Whether members sit directly in it."""
        return self.kind is OrgKind.CELL


@dataclass(frozen=True)
class Headcount(Additive):
    """Members on the roll (transferred-out members are not), by status."""

    active: int = 0
    working_away: int = 0
    exempt: int = 0

    @property
    def total(self) -> int:
        """Every member on the roll."""
        return self.active + self.working_away + self.exempt

    @property
    def expected(self) -> int:
        """Members who owe a monthly report: all but the exempt (working away still report)."""
        return self.active + self.working_away

    @classmethod
    def of(cls, counts: dict[MemberStatus, int]) -> Headcount:
        """From a count per status (other statuses ignored)."""
        return cls(
            counts.get(MemberStatus.ACTIVE, 0),
            counts.get(MemberStatus.WORKING_AWAY, 0),
            counts.get(MemberStatus.EXEMPT, 0),
        )


@dataclass(frozen=True)
class Progress(Additive):
    """How many of `households` have each progress flag (hygienic toilet, incinerator, floor)."""

    households: int = 0
    sanitary_toilet: int = 0
    waste_incinerator: int = 0
    hardened_floor: int = 0

    def achieved(self, flag: ProgressFlag) -> int:
        """Households with `flag`."""
        return int(getattr(self, flag.value))

    def fraction(self, flag: ProgressFlag) -> str:
        """ "38/47"."""
        return f"{self.achieved(flag)}/{self.households}"

    @classmethod
    def of(cls, households: int, counts: dict[ProgressFlag, int]) -> Progress:
        """From the number of households and a count per flag."""
        return cls(households, *(counts.get(flag, 0) for flag in PROGRESS_FLAGS))


@dataclass(frozen=True)
class Figures(Additive):
    """A cell's (or the sum of several cells') figures for a period: the month of a summary,
    or the month, quarter or year of a workbook. Meetings count those held in the period,
    except in a summary, where they are each cell's last meeting with attendance."""

    cells: int = 0
    members: Headcount = field(default_factory=Headcount)
    reporters: int = 0  # expected members with at least one deed in the period
    reported_months: int = 0  # (expected member, month) pairs with a deed
    owed_months: int = 0  # expected members x months of the period so far
    deeds: int = 0
    households: int = 0  # households in the charge of the cells' members now
    helped: int = 0  # of them (and former ones), helped in the period
    quiet: int = 0  # held for 3 months with no deed by anyone in those 3 months
    progress: Progress = field(default_factory=Progress)
    meetings: int = 0
    attendance_rows: int = 0  # members on a meeting's attendance list, over the meetings
    present: int = 0
    spoke: int = 0

    @property
    def report_rate(self) -> float:
        """Share of owed monthly reports that were made (0-1); 1 when nothing was owed."""
        return self.reported_months / self.owed_months if self.owed_months else 1.0


@dataclass(frozen=True)
class Week(Additive):
    """Deeds reported during a week and by how many expected members."""

    reporters: int = 0
    deeds: int = 0


@dataclass(frozen=True)
class NextMeeting:
    """A cell's next meeting and its answers so far."""

    starts_at: datetime
    attending: int
    not_attending: int


@dataclass(frozen=True)
class CellSummary:
    """One cell in a summary: its figures for the month, the week, and its meetings."""

    cell: OrgRef
    figures: Figures
    week: Week = field(default_factory=Week)
    last_meeting: datetime | None = None  # the last one with attendance recorded
    next_meeting: NextMeeting | None = None
    missing_names: tuple[str, ...] = ()  # only when asked for (one cell's view)

    @property
    def name(self) -> str:
        """The cell's name."""
        return self.cell.name

    @property
    def report_rate(self) -> float:
        """Share of expected members who reported this month (0-1)."""
        return self.figures.report_rate


F = TypeVar("F", bound=Additive)


@dataclass(frozen=True)
class Node(Generic[F]):
    """An organisation with the sum of the figures of every cell under it, and its children
    (communes under a district, cells under a commune), lagging ones first."""

    org: OrgRef
    figures: F
    children: tuple[Node[F], ...] = ()

    def walk(self) -> Iterator[Node[F]]:
        """This node and every node under it, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()

    def find(self, org_id: int) -> Node[F] | None:
        """The node of `org_id` in this tree."""
        return next((node for node in self.walk() if node.org.id == org_id), None)

    def cells(self) -> Iterator[Node[F]]:
        """The cells under this node (itself if it is one)."""
        return (node for node in self.walk() if node.org.is_cell)


def roll_up(
    root: OrgRef,
    orgs: Iterable[OrgRef],
    cell_figures: dict[int, F],
    empty: Callable[[], F],
    order: Callable[[Node[F]], tuple[Any, ...]],
) -> Node[F]:
    """The tree under `root` built from `orgs` (every organisation under it), each node's
    figures the sum of its cells'; children sorted by `order`. Organisations without a cell
    under them are left out."""
    children: dict[int, list[OrgRef]] = {}
    for org in orgs:
        if org.parent_id is not None:
            children.setdefault(org.parent_id, []).append(org)

    def build(org: OrgRef) -> Node[F] | None:
        if org.is_cell:
            return Node(org, cell_figures.get(org.id, empty()))
        nodes = [n for child in children.get(org.id, []) if (n := build(child)) is not None]
        if not nodes:
            return None
        total = type(empty()).sum_of(node.figures for node in nodes)
        return Node(org, total, tuple(sorted(nodes, key=order)))

    return build(root) or Node(root, empty())


@dataclass(frozen=True)
class TypeRate:
    """Members who spoke at meetings, of those present, for one cell type."""

    cell_type: CellType | None
    cells: int
    present: int
    spoke: int


def speaking_by_type(cells: Iterable[tuple[OrgRef, Figures]]) -> tuple[TypeRate, ...]:
    """Speaking rate per cell type (cells without attendance left out), largest first."""
    totals: dict[CellType | None, tuple[int, int, int]] = {}
    for org, figures in cells:
        if figures.present:
            count, present, spoke = totals.get(org.cell_type, (0, 0, 0))
            totals[org.cell_type] = (count + 1, present + figures.present, spoke + figures.spoke)
    rows = [TypeRate(kind, *values) for kind, values in totals.items()]
    return tuple(sorted(rows, key=lambda r: (-r.present, str(r.cell_type))))


def rate_text(part: int, whole: int, language: str = "vi") -> str:
    """A share as a percentage with one decimal when it has one, in the reader's notation
    ("96,7%" in Vietnamese, "96.7%" in English, "50%"), so 96.7 % never reads 97 %; a dash
    when there is nothing to divide by."""
    if not whole:
        return "—"
    return f"{format_decimal(100 * part / whole, '0.#', locale=language)}%"


def ratio(part: int, whole: int) -> str:
    """ "7/10 = 70,0 %": a rate on paper, with what it divides, one decimal, Vietnamese
    notation (documents and workbooks, which are in Vietnamese whatever the reader's
    language); "0/0" when there is nothing to divide."""
    if not whole:
        return f"{part}/{whole}"
    return f"{part}/{whole} = {100 * part / whole:.1f} %".replace(".", ",")
