"""What the /capuy steps share (handlers/committee.py): the flow's draft, the committee the
caller leads, its members and cells, the committee screen and the confirmation question."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from bot.core.i18n import N_
from bot.core.messages import Choice
from bot.services.committees import Seat, committee, led_committees, role_label
from bot.services.errors import AccessDeniedError
from handlers.base import CANCEL, Context
from handlers.flow_state import Draft
from models import Member, MemberStatus, Organisation, OrgKind, RoleKind

FLOW = "committee"
TITLE = N_("the committee")
SECRETARIES_ONLY = N_(
    "Sorry, /capuy is for the secretary or deputy secretary of a commune's or district's "
    "Party committee. Ask yours to change the committee."
)
LOST = N_("Sorry, I lost track of what we were doing. Please start again.")
# Roles a committee's secretary gives in chat; secretaries and deputies are appointed above
# (chibo roles grant).
GIVEN_IN_CHAT = (RoleKind.STANDING_COMMITTEE_MEMBER, RoleKind.COMMITTEE_MEMBER)


@dataclass(frozen=True)
class CommitteeDraft(Draft):
    """The committee's organisation, the member on screen, and the change to confirm:
    "grant" (with `kind`), "revoke" or "follow" (with `cells`)."""

    org_id: int = 0
    member_id: int = 0
    action: str = ""
    kind: RoleKind | None = None
    cells: tuple[int, ...] = ()


async def led_org(ctx: Context, org_id: int | None = None) -> Organisation:
    """The committee the caller leads (this one, if given); refused to anyone else."""
    assert ctx.member is not None
    led = await led_committees(ctx.session, ctx.member.id)
    if org_id is not None:
        led = [org for org in led if org.id == org_id]
    if not led:
        raise AccessDeniedError(SECRETARIES_ONLY)
    return led[0]


def role_name(ctx: Context, org: Organisation, kind: RoleKind) -> str:
    return ctx._(role_label(org.kind, kind))


def seat_line(ctx: Context, org: Organisation, seat: Seat) -> str:
    follows = ", ".join(name for _, name in seat.follows) or ctx._("no cell")
    return ctx._("{name} ({cell}): {role}; follows: {cells}").format(
        name=seat.name, cell=seat.cell_name, role=role_name(ctx, org, seat.kind), cells=follows
    )


async def show_committee(ctx: Context, org: Organisation, note: str = "") -> None:
    seats = await committee(ctx.session, org)
    lines = [note] if note else []
    lines.append(ctx._("Committee of {org} ({count}):").format(org=org.name, count=len(seats)))
    lines += [f"{n}. {seat_line(ctx, org, seat)}" for n, seat in enumerate(seats, start=1)]
    lines.append(ctx._("Choose a member to change their role or the cells they follow."))
    choices = [Choice(f"m:{seat.member_id}", seat.name) for seat in seats]
    choices += [Choice("add", ctx._("Add a committee member")), Choice("done", ctx._("Done"))]
    ctx.ask(FLOW, "menu", "\n".join(lines), tuple(choices))
    ctx.keep(CommitteeDraft(org_id=org.id))


async def member_under(ctx: Context, org: Organisation, member_id: int) -> Member | None:
    """The member, if they are still a member of a cell under `org`."""
    member = await ctx.session.get(Member, member_id)
    if member is None or member.status is MemberStatus.TRANSFERRED_OUT:
        return None
    cell = await ctx.session.get(Organisation, member.cell_id)
    return member if cell is not None and cell.path.startswith(org.path) else None


async def cells_under(ctx: Context, org: Organisation) -> list[Organisation]:
    return list(
        await ctx.session.scalars(
            select(Organisation)
            .where(
                Organisation.kind == OrgKind.CELL,
                Organisation.path.startswith(org.path, autoescape=True),
            )
            .order_by(Organisation.name)
        )
    )


async def confirm(ctx: Context, question: str) -> None:
    ctx.ask(
        FLOW,
        "confirm",
        question,
        (Choice("yes", ctx._("Confirm")), Choice(CANCEL, ctx._("Cancel"))),
    )
