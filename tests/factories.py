"""Test data builders: an organisation tree, members, households, assignments, invites."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import (
    Assignment,
    CellType,
    Channel,
    ChatAddress,
    DeedReport,
    Household,
    HouseholdCategory,
    HouseholdCategoryLink,
    InviteCode,
    Member,
    MemberStatus,
    Organisation,
    OrgKind,
    Role,
    RoleKind,
)


class FakeClock:
    """A clock that stands still until the test moves it."""

    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        """Move the clock forward."""
        self.current += timedelta(**delta)


@dataclass
class Cell:
    """A commune with one cell, as ids."""

    commune_id: int
    cell_id: int
    members: dict[str, int] = field(default_factory=dict)
    households: dict[str, int] = field(default_factory=dict)


async def org(
    session: AsyncSession,
    name: str,
    kind: OrgKind,
    parent: Organisation | None = None,
    cell_type: CellType | None = None,
) -> Organisation:
    """An organisation with its path set."""
    node = Organisation(
        name=name, kind=kind, parent_id=parent.id if parent else None, cell_type=cell_type
    )
    session.add(node)
    await session.flush()
    node.path = f"{parent.path if parent else '/'}{node.id}/"
    return node


async def commune_with_cell(session: AsyncSession, cell_name: str = "Chi bộ bản Test") -> Cell:
    """A district, a commune under it, and one rural cell."""
    district = await org(session, "Đảng bộ huyện Test", OrgKind.DISTRICT_COMMITTEE)
    commune = await org(session, "Đảng bộ xã Test", OrgKind.GRASSROOTS_COMMITTEE, district)
    cell = await org(session, cell_name, OrgKind.CELL, commune, CellType.RURAL)
    return Cell(commune_id=commune.id, cell_id=cell.id)


async def member(
    session: AsyncSession,
    cell_id: int,
    name: str,
    phone: str,
    now: datetime,
    status: MemberStatus = MemberStatus.ACTIVE,
    language: str | None = None,
) -> Member:
    """A member of `cell_id`."""
    person = Member(
        full_name=name,
        phone=phone,
        cell_id=cell_id,
        status=status,
        created_at=now,
        language=language,
    )
    session.add(person)
    await session.flush()
    return person


async def household(
    session: AsyncSession,
    commune_id: int,
    code: str,
    head: str,
    now: datetime,
    member_id: int | None = None,
    categories: tuple[HouseholdCategory, ...] = (),
) -> Household:
    """A household, assigned to `member_id` since 01/01/2026 when given."""
    home = Household(
        commune_id=commune_id, code=code, head_name=head, village="Bản Test", created_at=now
    )
    session.add(home)
    await session.flush()
    for category in categories:
        session.add(HouseholdCategoryLink(household_id=home.id, category=category))
    if member_id is not None:
        session.add(
            Assignment(member_id=member_id, household_id=home.id, started_on=date(2026, 1, 1))
        )
    await session.flush()
    return home


async def role(
    session: AsyncSession,
    member_id: int,
    org_id: int,
    kind: RoleKind = RoleKind.SECRETARY,
    since: date = date(2025, 1, 1),
) -> Role:
    """`member_id` holds `kind` in `org_id` from `since` on: a cell's secretary since
    01/01/2025 unless told otherwise."""
    held = Role(member_id=member_id, org_id=org_id, kind=kind, started_on=since)
    session.add(held)
    await session.flush()
    return held


async def link(session: AsyncSession, member_id: int, chat_id: str, now: datetime) -> None:
    """Link a console chat id to a member, as /start would."""
    session.add(
        ChatAddress(
            member_id=member_id, channel=Channel.CONSOLE, external_id=chat_id, linked_at=now
        )
    )
    await session.flush()


async def invite(
    session: AsyncSession, member_id: int, code: str, now: datetime, days: int = 30
) -> None:
    """An invite code for `member_id`, valid for `days`."""
    session.add(
        InviteCode(
            code=code, member_id=member_id, created_at=now, expires_at=now + timedelta(days=days)
        )
    )
    await session.flush()


async def stored_reports(sessionmaker: async_sessionmaker[AsyncSession]) -> list[DeedReport]:
    """Every deed report in the database, oldest first."""
    async with sessionmaker() as session:
        return list(await session.scalars(select(DeedReport).order_by(DeedReport.id)))
