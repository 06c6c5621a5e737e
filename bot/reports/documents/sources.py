"""What documents need beyond the report's figures: who issues them (the organisation, the
body above it, its place, its secretary), members' pledges per month, and the reasons members
gave for missing a meeting. Queries scoped by organisation, returning plain values."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.reports.documents.layout import Heading, place_name
from bot.reports.scope import Scope
from models import Member, Organisation, OrgKind, Pledge, Role, RoleKind, Rsvp


@dataclass(frozen=True)
class Issuer:
    """The organisation a document comes from, as its header and signature name it."""

    name: str  # "Chi bộ bản Nà Lụng"
    parent: str  # "Đảng bộ xã Tân Lập" ("" at the top)
    is_cell: bool
    place: str  # "Tân Lập": the commune (or district) it sits in
    secretary: str  # its current secretary's name ("" if none is recorded)

    def heading(self, symbol_kind: str, day: date | None) -> Heading:
        """The header: "BC/CB" for a cell's report, "BC/ĐU" for a committee's."""
        who = "CB" if self.is_cell else "ĐU"
        return Heading(self.parent, self.issuer_name, f"{symbol_kind}/{who}", self.place, day)

    @property
    def issuer_name(self) -> str:
        """A committee signs as "Đảng ủy xã …" (its Party committee), a cell as itself."""
        if self.is_cell:
            return self.name
        words = self.name.split()
        if len(words) > 2 and [w.lower() for w in words[:2]] == ["đảng", "bộ"]:
            return "Đảng ủy " + " ".join(words[2:])
        return self.name

    @property
    def on_behalf(self) -> str:
        """ "T/M CHI BỘ" or "T/M ĐẢNG ỦY"."""
        return "T/M CHI BỘ" if self.is_cell else "T/M ĐẢNG ỦY"

    @property
    def above(self) -> str:
        """Whom its reports go to: "Đảng ủy xã Tân Lập" for a cell of that commune."""
        words = self.parent.split()
        if len(words) > 2 and [w.lower() for w in words[:2]] == ["đảng", "bộ"]:
            return "Đảng ủy " + " ".join(words[2:])
        return self.parent or "Cấp ủy cấp trên"


async def issuer_of(session: AsyncSession, org: Organisation) -> Issuer:
    """The issuer of `org`'s documents."""
    parent = await session.get(Organisation, org.parent_id) if org.parent_id else None
    commune = org if org.kind is not OrgKind.CELL or parent is None else parent
    secretary = await session.scalar(
        select(Member.full_name)
        .join(Role, Role.member_id == Member.id)
        .where(Role.org_id == org.id, Role.kind == RoleKind.SECRETARY, Role.ended_on.is_(None))
        .order_by(Role.started_on.desc(), Role.id.desc())
        .limit(1)
    )
    return Issuer(
        org.name,
        parent.name if parent is not None else "",
        org.kind is OrgKind.CELL,
        place_name(commune.name),
        secretary or "",
    )


async def pledged_months(
    session: AsyncSession, scope: Scope, first: date, last: date
) -> dict[int, dict[date, str]]:
    """Per member of the scope, the months of [first, last] they pledged a deed for, and
    what they pledged."""
    found: dict[int, dict[date, str]] = defaultdict(dict)
    for member_id, month, text in await session.execute(
        select(Pledge.member_id, Pledge.month, Pledge.text)
        .join(Member, Member.id == Pledge.member_id)
        .where(scope.cell_filter(Member.cell_id), Pledge.month >= first, Pledge.month <= last)
    ):
        found[member_id][month] = text
    return found


async def absence_reasons(
    session: AsyncSession, meeting_ids: Iterable[int]
) -> dict[tuple[int, int], str]:
    """(meeting, member) -> the reason the member gave when answering they would not come."""
    ids = sorted(set(meeting_ids))
    if not ids:
        return {}
    rows = await session.execute(
        select(Rsvp.meeting_id, Rsvp.member_id, Rsvp.reason).where(
            Rsvp.meeting_id.in_(ids), Rsvp.attending.is_(False), Rsvp.reason.is_not(None)
        )
    )
    return {(meeting, member): reason for meeting, member, reason in rows if reason}
