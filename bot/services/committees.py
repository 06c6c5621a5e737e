"""Party committees: who holds which role in an organisation (bí thư, phó bí thư, ủy viên ban
thường vụ, cấp ủy viên) and which of its cells each committee member follows (cấp ủy viên
phụ trách chi bộ). Every change ends the old row the day the new one starts and is audited."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import N_
from bot.services.audit import record_audit
from bot.services.errors import InvalidInputError
from bot.services.roster.words import ROLE_WORDS, word_value
from models import Follow, Member, MemberStatus, Organisation, OrgKind, Role, RoleKind

# The order a committee is listed in.
RANK = {
    RoleKind.SECRETARY: 0,
    RoleKind.DEPUTY_SECRETARY: 1,
    RoleKind.STANDING_COMMITTEE_MEMBER: 2,
    RoleKind.COMMITTEE_MEMBER: 3,
}
# What a role is called at each level (the organisation's kind).
ROLE_LABELS: dict[tuple[OrgKind, RoleKind], str] = {
    (OrgKind.CELL, RoleKind.SECRETARY): N_("cell secretary"),
    (OrgKind.CELL, RoleKind.DEPUTY_SECRETARY): N_("cell deputy secretary"),
    (OrgKind.CELL, RoleKind.COMMITTEE_MEMBER): N_("cell committee member"),
    (OrgKind.GRASSROOTS_COMMITTEE, RoleKind.SECRETARY): N_("secretary of the Party committee"),
    (OrgKind.GRASSROOTS_COMMITTEE, RoleKind.DEPUTY_SECRETARY): N_(
        "deputy secretary of the Party committee"
    ),
    (OrgKind.GRASSROOTS_COMMITTEE, RoleKind.STANDING_COMMITTEE_MEMBER): N_(
        "member of the Party committee's standing committee"
    ),
    (OrgKind.GRASSROOTS_COMMITTEE, RoleKind.COMMITTEE_MEMBER): N_("Party committee member"),
    (OrgKind.DISTRICT_COMMITTEE, RoleKind.SECRETARY): N_("district committee secretary"),
    (OrgKind.DISTRICT_COMMITTEE, RoleKind.DEPUTY_SECRETARY): N_(
        "district committee deputy secretary"
    ),
    (OrgKind.DISTRICT_COMMITTEE, RoleKind.STANDING_COMMITTEE_MEMBER): N_(
        "member of the district standing committee"
    ),
    (OrgKind.DISTRICT_COMMITTEE, RoleKind.COMMITTEE_MEMBER): N_("district committee member"),
}
UNKNOWN_ROLE = N_(
    "“{value}” is not a role. Use: secretary, deputy, standing, member "
    "(bí thư, phó bí thư, ủy viên BTV, ủy viên)."
)
NOT_UNDER = N_("{name} is not a member of a cell under {org}.")


def role_label(org_kind: OrgKind, kind: RoleKind) -> str:
    """The msgid naming `kind` at the level of `org_kind`."""
    found = ROLE_LABELS.get((org_kind, kind))
    if found is None:  # a standing committee member of a cell: refused when given
        found = ROLE_LABELS[(OrgKind.GRASSROOTS_COMMITTEE, kind)]
    return found


def parse_role(text: str) -> RoleKind:
    """The role a word names (Vietnamese or English, tone marks optional, or the stored
    value); a one-line refusal otherwise."""
    folded = text.strip().lower()
    if folded in {kind.value for kind in RoleKind}:
        return RoleKind(folded)
    aliases = {"member": RoleKind.COMMITTEE_MEMBER, "btv": RoleKind.STANDING_COMMITTEE_MEMBER}
    found = aliases.get(folded) or word_value(ROLE_WORDS, text)
    if found is None:
        raise InvalidInputError(UNKNOWN_ROLE, value=text.strip())
    return found


@dataclass(frozen=True)
class Seat:
    """One member of a committee now: their role, since when, and the cells they follow."""

    member_id: int
    name: str
    phone: str | None
    cell_name: str
    kind: RoleKind
    since: date
    follows: tuple[tuple[int, str], ...]  # (cell id, name), by name


async def committee(session: AsyncSession, org: Organisation) -> list[Seat]:
    """The members holding a role in `org` now, secretary first, with their followed cells."""
    rows = list(
        await session.execute(
            select(Role, Member, Organisation.name)
            .join(Member, Member.id == Role.member_id)
            .join(Organisation, Organisation.id == Member.cell_id)
            .where(Role.org_id == org.id, Role.ended_on.is_(None))
        )
    )
    follows: dict[int, list[tuple[int, str]]] = {}
    for member_id, cell_id, name in await session.execute(
        select(Follow.member_id, Follow.cell_id, Organisation.name)
        .join(Organisation, Organisation.id == Follow.cell_id)
        .where(Follow.org_id == org.id, Follow.ended_on.is_(None))
        .order_by(Organisation.name)
    ):
        follows.setdefault(member_id, []).append((cell_id, name))
    seats = [
        Seat(
            member.id,
            member.full_name,
            member.phone,
            cell_name,
            role.kind,
            role.started_on,
            tuple(follows.get(member.id, ())),
        )
        for role, member, cell_name in rows
    ]
    return sorted(seats, key=lambda s: (RANK[s.kind], s.name))


async def current_role(session: AsyncSession, org_id: int, member_id: int) -> Role | None:
    """The member's role in the organisation now, if any."""
    return await session.scalar(
        select(Role).where(
            Role.org_id == org_id, Role.member_id == member_id, Role.ended_on.is_(None)
        )
    )


async def _check_member(session: AsyncSession, org: Organisation, member: Member) -> None:
    if member.status is MemberStatus.TRANSFERRED_OUT:
        raise InvalidInputError(
            N_("{name} has transferred out; a role needs a member on the roll."),
            name=member.full_name,
        )
    cell = await session.get(Organisation, member.cell_id)
    if cell is None or not cell.path.startswith(org.path):
        raise InvalidInputError(NOT_UNDER, name=member.full_name, org=org.name)


async def grant_role(
    session: AsyncSession,
    *,
    org: Organisation,
    member: Member,
    kind: RoleKind,
    actor_member_id: int | None,
    now: datetime,
    today: date,
) -> bool:
    """Give `member` the role `kind` in `org` from today (their other role there ends);
    False when they hold it already."""
    if kind is RoleKind.STANDING_COMMITTEE_MEMBER and org.kind is OrgKind.CELL:
        raise InvalidInputError(
            N_("A cell has no standing committee; give {name} another role."),
            name=member.full_name,
        )
    await _check_member(session, org, member)
    held = await current_role(session, org.id, member.id)
    if held is not None and held.kind is kind:
        return False
    if held is not None:
        held.ended_on = today
    session.add(Role(member_id=member.id, org_id=org.id, kind=kind, started_on=today))
    await session.flush()
    record_audit(
        session,
        at=now,
        actor_member_id=actor_member_id,
        action="role_granted",
        subject_type="member",
        subject_id=member.id,
        org_id=org.id,
        role=kind.value,
        replaced=held.kind.value if held is not None else None,
    )
    return True


async def revoke_role(
    session: AsyncSession,
    *,
    org: Organisation,
    member: Member,
    actor_member_id: int | None,
    now: datetime,
    today: date,
) -> RoleKind:
    """End `member`'s role in `org` today, and the cells they followed for it."""
    held = await current_role(session, org.id, member.id)
    if held is None:
        raise InvalidInputError(
            N_("{name} holds no role in {org}."), name=member.full_name, org=org.name
        )
    held.ended_on = today
    ended = await _end_follows(session, org.id, member.id, today, keep=())
    record_audit(
        session,
        at=now,
        actor_member_id=actor_member_id,
        action="role_revoked",
        subject_type="member",
        subject_id=member.id,
        org_id=org.id,
        role=held.kind.value,
        follows_ended=",".join(str(cell) for cell in ended) or None,
    )
    return held.kind


async def _end_follows(
    session: AsyncSession, org_id: int, member_id: int, today: date, keep: Sequence[int]
) -> list[int]:
    ended = []
    for follow in await session.scalars(
        select(Follow).where(
            Follow.org_id == org_id, Follow.member_id == member_id, Follow.ended_on.is_(None)
        )
    ):
        if follow.cell_id not in keep:
            follow.ended_on = today
            ended.append(follow.cell_id)
    await session.flush()
    return ended


@dataclass(frozen=True)
class FollowChange:
    """Cells a committee member starts and stops following (ids)."""

    added: tuple[int, ...]
    ended: tuple[int, ...]


async def set_follows(
    session: AsyncSession,
    *,
    org: Organisation,
    member: Member,
    cells: Sequence[Organisation],
    actor_member_id: int | None,
    now: datetime,
    today: date,
) -> FollowChange:
    """Make `cells` exactly the cells `member` follows for `org`'s committee (none: stop
    following). Only a committee member of `org`, only cells under it."""
    if org.kind is OrgKind.CELL:
        raise InvalidInputError(
            N_("{org} is a cell: following cells is for the committees above them."),
            org=org.name,
        )
    if await current_role(session, org.id, member.id) is None:
        raise InvalidInputError(
            N_("{name} is not on the committee of {org}; give them a role first."),
            name=member.full_name,
            org=org.name,
        )
    for cell in cells:
        if cell.kind is not OrgKind.CELL or not cell.path.startswith(org.path):
            raise InvalidInputError(
                N_("{cell} is not a cell under {org}."), cell=cell.name, org=org.name
            )
    wanted = sorted({cell.id for cell in cells})
    held = set(
        await session.scalars(
            select(Follow.cell_id).where(
                Follow.org_id == org.id,
                Follow.member_id == member.id,
                Follow.ended_on.is_(None),
            )
        )
    )
    ended = await _end_follows(session, org.id, member.id, today, keep=wanted)
    # Following the same cell for another committee too: one current row per member and cell.
    taken = set(
        await session.scalars(
            select(Follow.cell_id).where(
                Follow.member_id == member.id,
                Follow.ended_on.is_(None),
                Follow.cell_id.in_(wanted or [0]),
            )
        )
    )
    added = [cell for cell in wanted if cell not in held and cell not in taken]
    for cell_id in added:
        session.add(Follow(member_id=member.id, org_id=org.id, cell_id=cell_id, started_on=today))
    await session.flush()
    change = FollowChange(tuple(added), tuple(ended))
    if added or ended:
        record_audit(
            session,
            at=now,
            actor_member_id=actor_member_id,
            action="follows_set",
            subject_type="member",
            subject_id=member.id,
            org_id=org.id,
            added=",".join(map(str, added)) or None,
            ended=",".join(map(str, ended)) or None,
        )
    return change


async def followed_cells(session: AsyncSession, member_id: int) -> list[Organisation]:
    """The cells the member follows now for a committee where they still hold a role and
    that the cell is still under, by name."""
    committee_org = Organisation.__table__.alias("committee_org")
    return list(
        await session.scalars(
            select(Organisation)
            .join(Follow, Follow.cell_id == Organisation.id)
            .join(
                Role,
                (Role.org_id == Follow.org_id)
                & (Role.member_id == Follow.member_id)
                & Role.ended_on.is_(None),
            )
            .join(committee_org, committee_org.c.id == Follow.org_id)
            .where(
                Follow.member_id == member_id,
                Follow.ended_on.is_(None),
                Organisation.path.startswith(committee_org.c.path),
            )
            .order_by(Organisation.name)
            .distinct()
        )
    )


async def led_committees(session: AsyncSession, member_id: int) -> list[Organisation]:
    """The organisations above cells (commune, district) where the member is secretary or
    deputy secretary now, widest first."""
    return list(
        await session.scalars(
            select(Organisation)
            .join(Role, Role.org_id == Organisation.id)
            .where(
                Role.member_id == member_id,
                Role.ended_on.is_(None),
                Role.kind.in_((RoleKind.SECRETARY, RoleKind.DEPUTY_SECRETARY)),
                Organisation.kind != OrgKind.CELL,
            )
            .order_by(Organisation.path)
        )
    )
