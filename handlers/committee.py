"""/capuy: the secretary (or deputy) of a commune's or district's Party committee sees its
committee, gives or ends a member's role on it and sets the cells each member follows (cấp
ủy viên phụ trách chi bộ); every change is confirmed first, then audited. What the steps
share is in handlers/committee_common.py."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select

from bot.core.messages import Choice
from bot.core.phone import InvalidPhoneError, normalise_phone
from bot.core.text import named
from bot.services.committees import committee, grant_role, revoke_role, set_follows
from handlers.base import PICK_ONE, Context, cancelled
from handlers.committee_common import (
    FLOW,
    GIVEN_IN_CHAT,
    LOST,
    CommitteeDraft,
    cells_under,
    confirm,
    led_org,
    member_under,
    role_name,
    seat_line,
    show_committee,
)
from models import Member, MemberStatus, Organisation, RoleKind

PICK_AT_MOST = 10  # members offered when a name matches several
CELLS_LISTED = 40  # cells offered as buttons (Telegram shows at most 100); more are typed


async def start(ctx: Context, args: str) -> None:
    """/capuy: the committee of the organisation the caller is secretary of."""
    org = await led_org(ctx)
    ctx.begin(FLOW, CommitteeDraft(org_id=org.id))
    await show_committee(ctx, org)


async def _on_menu(ctx: Context) -> None:
    draft = ctx.draft(CommitteeDraft)
    org = await led_org(ctx, draft.org_id)
    if ctx.choice == "done":
        ctx.finish()
        ctx.say(ctx._("Done."))
    elif ctx.choice == "add":
        ctx.ask(
            FLOW,
            "who",
            ctx._(
                "Who? Write the phone number or the name of a member of a cell under {org}."
            ).format(org=org.name),
            (Choice("back", ctx._("Back")),),
        )
    elif ctx.choice is not None and ctx.choice.startswith("m:"):
        await _member_menu(ctx, org, int(ctx.choice.removeprefix("m:")))
    else:
        ctx.reprompt(ctx._(PICK_ONE))


async def _members_under(ctx: Context, org: Organisation) -> list[Member]:
    return list(
        await ctx.session.scalars(
            select(Member)
            .join(Organisation, Organisation.id == Member.cell_id)
            .where(
                Organisation.path.startswith(org.path, autoescape=True),
                Member.status != MemberStatus.TRANSFERRED_OUT,
            )
            .order_by(Member.full_name)
        )
    )


async def _on_who(ctx: Context) -> None:
    draft = ctx.draft(CommitteeDraft)
    org = await led_org(ctx, draft.org_id)
    if ctx.choice == "back":
        await show_committee(ctx, org)
        return
    text = ctx.message.text.strip()
    people = await _members_under(ctx, org)
    try:
        phone = normalise_phone(text)
        found = [person for person in people if person.phone == phone]
    except InvalidPhoneError:
        found = named(people, text, lambda person: person.full_name) if text else []
    if not found:
        ctx.reprompt(
            ctx._("No member of a cell under {org} matches “{text}”.").format(
                org=org.name, text=text
            )
        )
    elif len(found) == 1:
        await _member_menu(ctx, org, found[0].id)
    elif len(found) > PICK_AT_MOST:
        ctx.reprompt(
            ctx._("{count} members match; write more of the name, or the phone.").format(
                count=len(found)
            )
        )
    else:
        ctx.ask(
            FLOW,
            "pick",
            ctx._("Which one?"),
            (
                *(Choice(f"m:{p.id}", p.full_name) for p in found),
                Choice("back", ctx._("Back")),
            ),
        )


async def _on_pick(ctx: Context) -> None:
    draft = ctx.draft(CommitteeDraft)
    org = await led_org(ctx, draft.org_id)
    if ctx.choice == "back":
        await show_committee(ctx, org)
    elif ctx.choice is not None and ctx.choice.startswith("m:"):
        await _member_menu(ctx, org, int(ctx.choice.removeprefix("m:")))
    else:
        ctx.reprompt(ctx._(PICK_ONE))


async def _member_menu(ctx: Context, org: Organisation, member_id: int) -> None:
    member = await member_under(ctx, org, member_id)
    if member is None:
        await show_committee(ctx, org, ctx._(LOST))
        return
    seat = next((s for s in await committee(ctx.session, org) if s.member_id == member_id), None)
    choices: list[Choice] = []
    if seat is None:
        text = ctx._("{name} is not on the committee of {org}.").format(
            name=member.full_name, org=org.name
        )
    else:
        text = seat_line(ctx, org, seat)
    held = seat.kind if seat is not None else None
    if held is None or held in GIVEN_IN_CHAT:
        choices += [
            Choice(
                f"role:{kind.value}",
                ctx._("Make {role}").format(role=role_name(ctx, org, kind)),
            )
            for kind in GIVEN_IN_CHAT
            if kind is not held
        ]
    if seat is not None:
        choices.append(Choice("follow", ctx._("Cells followed")))
    if held in GIVEN_IN_CHAT:
        choices.append(Choice("revoke", ctx._("Remove from the committee")))
    choices.append(Choice("back", ctx._("Back")))
    ctx.ask(FLOW, "member", text, tuple(choices))
    ctx.keep(CommitteeDraft(org_id=org.id, member_id=member.id))


async def _on_member(ctx: Context) -> None:
    draft = ctx.draft(CommitteeDraft)
    org = await led_org(ctx, draft.org_id)
    member = await member_under(ctx, org, draft.member_id)
    choice = ctx.choice or ""
    if choice == "back" or member is None:
        await show_committee(ctx, org, "" if member is not None else ctx._(LOST))
        return
    if choice.startswith("role:"):
        kind = RoleKind(choice.removeprefix("role:"))
        if kind not in GIVEN_IN_CHAT:
            ctx.reprompt(ctx._(PICK_ONE))
            return
        ctx.keep(replace(draft, action="grant", kind=kind))
        await confirm(
            ctx,
            ctx._("Make {name} {role} of {org} from today?").format(
                name=member.full_name, role=role_name(ctx, org, kind), org=org.name
            ),
        )
    elif choice == "revoke":
        ctx.keep(replace(draft, action="revoke"))
        await confirm(
            ctx,
            ctx._(
                "Remove {name} from the committee of {org} from today? The cells they follow "
                "for it are left without them."
            ).format(name=member.full_name, org=org.name),
        )
    elif choice == "follow":
        seat = next(
            (s for s in await committee(ctx.session, org) if s.member_id == member.id), None
        )
        chosen = tuple(cell_id for cell_id, _ in seat.follows) if seat is not None else ()
        ctx.keep(replace(draft, action="follow", cells=chosen))
        await _cells(ctx, org, member, chosen)
    else:
        ctx.reprompt(ctx._(PICK_ONE))


async def _cells(ctx: Context, org: Organisation, member: Member, chosen: tuple[int, ...]) -> None:
    """The cells to tick; a district's hundreds are typed by name instead of listed."""
    cells = await cells_under(ctx, org)
    picked = [cell.name for cell in cells if cell.id in chosen]
    lines = [
        ctx._("Cells {name} follows: {cells}. Tap a cell to add or remove it, then Save.").format(
            name=member.full_name, cells=", ".join(picked) or ctx._("no cell")
        )
    ]
    if len(cells) > CELLS_LISTED:
        lines.append(ctx._("Or write a cell's name to add or remove it."))
        cells = [cell for cell in cells if cell.id in chosen]
    choices = [
        Choice(f"c:{cell.id}", ("✓ " if cell.id in chosen else "") + cell.name) for cell in cells
    ]
    choices += [
        Choice("save", ctx._("Save ({count} cells)").format(count=len(chosen))),
        Choice("back", ctx._("Back")),
    ]
    ctx.ask(FLOW, "cells", "\n".join(lines), tuple(choices))


def _toggled(chosen: tuple[int, ...], cell_id: int) -> tuple[int, ...]:
    if cell_id in chosen:
        return tuple(c for c in chosen if c != cell_id)
    return (*chosen, cell_id)


async def _on_cells(ctx: Context) -> None:
    draft = ctx.draft(CommitteeDraft)
    org = await led_org(ctx, draft.org_id)
    member = await member_under(ctx, org, draft.member_id)
    choice = ctx.choice or ""
    under = await cells_under(ctx, org)
    typed = ctx.message.text.strip() if not choice else ""
    if member is None:
        await show_committee(ctx, org, ctx._(LOST))
    elif choice == "back":
        await _member_menu(ctx, org, member.id)
    elif choice.startswith("c:") and choice.removeprefix("c:").isdigit():
        cell_id = int(choice.removeprefix("c:"))
        if cell_id not in {cell.id for cell in under}:
            ctx.reprompt(ctx._(PICK_ONE))
            return
        chosen = _toggled(draft.cells, cell_id)
        ctx.keep(replace(draft, cells=chosen))
        await _cells(ctx, org, member, chosen)
    elif choice == "save":
        names = [cell.name for cell in under if cell.id in draft.cells]
        await confirm(
            ctx,
            ctx._("{name} follows for {org} from today: {cells}. Save?").format(
                name=member.full_name, org=org.name, cells=", ".join(names) or ctx._("no cell")
            ),
        )
    elif typed:
        found = named(under, typed, lambda cell: cell.name)
        if len(found) != 1:
            ctx.reprompt(
                ctx._("No single cell under {org} matches “{text}”.").format(
                    org=org.name, text=typed
                )
            )
            return
        chosen = _toggled(draft.cells, found[0].id)
        ctx.keep(replace(draft, cells=chosen))
        await _cells(ctx, org, member, chosen)
    else:
        ctx.reprompt(ctx._(PICK_ONE))


async def _on_confirm(ctx: Context) -> None:
    assert ctx.member is not None
    if await cancelled(ctx):
        return
    if ctx.choice != "yes":
        ctx.reprompt(ctx._(PICK_ONE))
        return
    draft = ctx.draft(CommitteeDraft)
    org = await led_org(ctx, draft.org_id)  # still its secretary
    member = await member_under(ctx, org, draft.member_id)
    if member is None:
        await show_committee(ctx, org, ctx._(LOST))
        return
    actor, now, today = ctx.member.id, ctx.now, ctx.today
    if draft.action == "grant" and draft.kind in GIVEN_IN_CHAT:
        kind = RoleKind(draft.kind)
        await grant_role(
            ctx.session,
            org=org,
            member=member,
            kind=kind,
            actor_member_id=actor,
            now=now,
            today=today,
        )
        note = ctx._("Saved: {name} is {role} of {org}.").format(
            name=member.full_name, role=role_name(ctx, org, kind), org=org.name
        )
    elif draft.action == "revoke":
        await revoke_role(
            ctx.session, org=org, member=member, actor_member_id=actor, now=now, today=today
        )
        note = ctx._("Saved: {name} is no longer on the committee of {org}.").format(
            name=member.full_name, org=org.name
        )
    elif draft.action == "follow":
        under = {cell.id: cell for cell in await cells_under(ctx, org)}
        await set_follows(
            ctx.session,
            org=org,
            member=member,
            cells=[under[cell_id] for cell_id in draft.cells if cell_id in under],
            actor_member_id=actor,
            now=now,
            today=today,
        )
        note = ctx._("Saved: the cells {name} follows.").format(name=member.full_name)
    else:
        await show_committee(ctx, org, ctx._(LOST))
        return
    await show_committee(ctx, org, note)


STEPS = {
    "menu": _on_menu,
    "who": _on_who,
    "pick": _on_pick,
    "member": _on_member,
    "cells": _on_cells,
    "confirm": _on_confirm,
}
