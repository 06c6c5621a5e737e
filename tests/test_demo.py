"""The demo commune looks like the one in DOMAIN.md, and creating it twice changes nothing."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.cli.demo import (
    COMMITTEE_PHONE,
    COMMUNE_SECRETARY_PHONE,
    FOLLOWED,
    SECRETARY_PHONE,
    seed_demo,
)
from bot.services.committees import followed_cells
from models import Assignment, Household, Member, Organisation, OrgKind, Role, RoleKind
from tests.factories import FakeClock


async def test_demo_commune_shape(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as session, session.begin():
        assert (await seed_demo(session, clock.now(), clock.now().date())).created
    async with sessionmaker() as session, session.begin():
        assert not (await seed_demo(session, clock.now(), clock.now().date())).created
    async with sessionmaker() as session:
        cells = list(
            await session.scalars(
                select(Organisation)
                .where(Organisation.kind == OrgKind.CELL)
                .order_by(Organisation.id)
            )
        )
        members = await session.scalar(select(func.count()).select_from(Member))
        featured = cells[0]
        featured_members = list(
            await session.scalars(select(Member.id).where(Member.cell_id == featured.id))
        )
        loads = Counter(
            await session.scalars(
                select(Assignment.member_id).where(Assignment.member_id.in_(featured_members))
            )
        )
        villages = await session.scalar(
            select(func.count()).select_from(Household).where(Household.village == "Bản Nà Lụng")
        )
        committee = await session.scalar(select(Member).where(Member.phone == COMMITTEE_PHONE))
        assert committee is not None
        followed = [cell.name for cell in await followed_cells(session, committee.id)]
        roles = {
            (phone, kind)
            for phone, kind in await session.execute(
                select(Member.phone, Role.kind).join(Role, Role.member_id == Member.id)
            )
        }
    assert len(cells) == 9 and members == 118
    assert len(featured_members) == 11 and villages == 47
    assert sorted(loads.values()) == [4] * 8 + [5] * 3
    assert (SECRETARY_PHONE, RoleKind.SECRETARY) in roles
    assert (COMMITTEE_PHONE, RoleKind.COMMITTEE_MEMBER) in roles
    assert (COMMUNE_SECRETARY_PHONE, RoleKind.SECRETARY) in roles
    assert sorted(followed) == sorted(FOLLOWED)
