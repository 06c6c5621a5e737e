"""What a report covers: the organisations under some roots, and a SQL filter for their cells
that binds no parameters (a province has thousands of cells and a hundred thousand members)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, bindparam, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from bot.reports.aggregates import F, Node, OrgRef, roll_up
from models import Organisation, OrgKind

# The root of a scope made of several organisations that do not contain each other.
SEVERAL = OrgRef(0, "", OrgKind.DISTRICT_COMMITTEE, "")


def org_ref(org: Organisation) -> OrgRef:
    """The plain view of an organisation row."""
    return OrgRef(org.id, org.name, org.kind, org.path, org.parent_id, org.cell_type)


@dataclass(frozen=True)
class Scope:
    """Some organisations (none under another) and everything under them."""

    roots: tuple[OrgRef, ...]
    orgs: tuple[OrgRef, ...]  # the roots and every organisation under them, by name

    @property
    def root(self) -> OrgRef:
        """The one root, or SEVERAL."""
        return self.roots[0] if len(self.roots) == 1 else SEVERAL

    @property
    def cells(self) -> tuple[OrgRef, ...]:
        """Every cell in scope, by name."""
        return tuple(org for org in self.orgs if org.is_cell)

    def cell_filter(self, column: InstrumentedAttribute[int]) -> ColumnElement[bool]:
        """`column` (a cell id) is one of this scope's cells. The ids are written into the
        statement as literals, not bound: no parameter limit (a province has ~4,000 cells,
        never a list of its 100,000 members), and the planner sees how few cells a commune
        has, so it walks the indexes from them instead of scanning whole tables."""
        ids = [cell.id for cell in self.cells]
        if len(ids) == 1:
            return column == ids[0]
        return column.in_(
            bindparam(f"cells_{column.key}", ids, expanding=True, literal_execute=True)
        )

    def narrow(self, org_id: int) -> Scope | None:
        """The part of this scope under `org_id` (None if it is not in scope)."""
        org = next((o for o in self.orgs if o.id == org_id), None)
        if org is None:
            return None
        return Scope((org,), tuple(o for o in self.orgs if o.path.startswith(org.path)))

    def tree(
        self,
        figures: dict[int, F],
        empty: Callable[[], F],
        order: Callable[[Node[F]], tuple[Any, ...]],
    ) -> Node[F]:
        """The roll-up of `figures` (per cell id) over this scope."""
        if len(self.roots) == 1:
            return roll_up(self.roots[0], self.orgs, figures, empty, order)
        nodes = [roll_up(root, self.orgs, figures, empty, order) for root in self.roots]
        total = type(empty()).sum_of(node.figures for node in nodes)
        return Node(SEVERAL, total, tuple(sorted(nodes, key=order)))


def _outermost(orgs: Iterable[OrgRef]) -> tuple[OrgRef, ...]:
    ordered = sorted(orgs, key=lambda o: (o.path.count("/"), o.path))
    roots: list[OrgRef] = []
    for org in ordered:
        if not any(org.path.startswith(root.path) for root in roots):
            roots.append(org)
    return tuple(sorted(roots, key=lambda o: o.name))


async def load_scope(session: AsyncSession, roots: Sequence[Organisation | OrgRef]) -> Scope:
    """The scope of `roots` (those under another root are folded into it), in one query."""
    refs = _outermost(r if isinstance(r, OrgRef) else org_ref(r) for r in roots)
    if not refs:
        return Scope((), ())
    if len(refs) == 1 and refs[0].is_cell:
        return Scope(refs, refs)
    rows = await session.execute(  # plain rows, not ORM objects: a province has 4,000
        select(
            Organisation.id,
            Organisation.name,
            Organisation.kind,
            Organisation.path,
            Organisation.parent_id,
            Organisation.cell_type,
        )
        .where(or_(*(Organisation.path.startswith(r.path, autoescape=True) for r in refs)))
        .order_by(Organisation.name, Organisation.id)
    )
    return Scope(refs, tuple(OrgRef(*row) for row in rows))
