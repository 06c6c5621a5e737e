"""What secretaries and committee members oversee, and who there has not reported."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from sqlalchemy import bindparam, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import N_
from models import (
    ChatAddress,
    DeedReport,
    Member,
    MemberStatus,
    Organisation,
    OrgKind,
    Role,
    RoleKind,
)

LEADERS_ONLY = N_("This command is for cell secretaries and Party committee members.")

# Members the cell expects a monthly report from; exempt (usually elderly) and transferred
# members are not asked.
EXPECTED_TO_REPORT = (MemberStatus.ACTIVE, MemberStatus.WORKING_AWAY)


@dataclass(frozen=True)
class CellMissing:
    """One cell's members who owe this month's report."""

    cell_id: int
    cell_name: str
    expected: int
    missing: tuple[str, ...]  # full names, alphabetical


async def overseen_orgs(session: AsyncSession, member_id: int) -> list[Organisation]:
    """Organisations where the member currently holds a role (each oversees its subtree)."""
    return list(
        await session.scalars(
            select(Organisation)
            .join(Role, Role.org_id == Organisation.id)
            .where(Role.member_id == member_id, Role.ended_on.is_(None))
            .order_by(Organisation.path)
        )
    )


async def is_leader(session: AsyncSession, member_id: int) -> bool:
    """Whether the member is a secretary, deputy or committee member anywhere now."""
    return bool(await overseen_orgs(session, member_id))


async def overseen_cells(session: AsyncSession, member_id: int) -> list[Organisation]:
    """Every cell under the organisations the member oversees, by name."""
    roots = await overseen_orgs(session, member_id)
    if not roots:
        return []
    return list(
        await session.scalars(
            select(Organisation)
            .where(
                Organisation.kind == OrgKind.CELL,
                or_(*(Organisation.path.startswith(root.path) for root in roots)),
            )
            .order_by(Organisation.name)
        )
    )


async def led_cells(session: AsyncSession, member_id: int) -> list[Organisation]:
    """The cells where the member is secretary or deputy secretary now, by name."""
    return list(
        await session.scalars(
            select(Organisation)
            .join(Role, Role.org_id == Organisation.id)
            .where(
                Organisation.kind == OrgKind.CELL,
                Role.member_id == member_id,
                Role.ended_on.is_(None),
                Role.kind.in_((RoleKind.SECRETARY, RoleKind.DEPUTY_SECRETARY)),
            )
            .order_by(Organisation.name)
            .distinct()
        )
    )


class Named(Protocol):
    """A cell as an ORM row or a plain reference: its id and name."""

    @property
    def id(self) -> int: ...

    @property
    def name(self) -> str: ...


async def missing_reports(
    session: AsyncSession, cells: Sequence[Named], month: date
) -> list[CellMissing]:
    """Per cell, who is expected to report for `month` and has not (one query for all)."""
    if not cells:
        return []
    reported = exists().where(
        DeedReport.member_id == Member.id,
        DeedReport.month == month,
        DeedReport.withdrawn_at.is_(None),
    )
    rows = await session.execute(
        select(Member.cell_id, Member.full_name, reported.label("reported"))
        .where(
            Member.cell_id.in_(
                bindparam(
                    "cells", [cell.id for cell in cells], expanding=True, literal_execute=True
                )
            ),
            Member.status.in_(EXPECTED_TO_REPORT),
        )
        .order_by(Member.full_name)
    )
    expected: dict[int, int] = {}
    missing: dict[int, list[str]] = {}
    for cell_id, name, has_reported in rows:
        expected[cell_id] = expected.get(cell_id, 0) + 1
        if not has_reported:
            missing.setdefault(cell_id, []).append(name)
    return [
        CellMissing(cell.id, cell.name, expected.get(cell.id, 0), tuple(missing.get(cell.id, [])))
        for cell in cells
    ]


async def leader_addresses(
    session: AsyncSession, channel: str, external_id: str | None = None
) -> list[tuple[str, str | None]]:
    """(external chat id, member's language) of leaders' chats on `channel` (one, if given)."""
    query = (
        select(ChatAddress.external_id, Member.language)
        .join(Member, Member.id == ChatAddress.member_id)
        .where(
            ChatAddress.channel == channel,
            Member.status != MemberStatus.TRANSFERRED_OUT,
            exists().where(Role.member_id == Member.id, Role.ended_on.is_(None)),
        )
        .order_by(ChatAddress.external_id)
    )
    if external_id is not None:
        query = query.where(ChatAddress.external_id == external_id)
    return [(chat, language) for chat, language in await session.execute(query)]
