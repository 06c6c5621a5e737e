"""/mamoi: a cell's secretary or deputy secretary sees who has linked a chat and who has not,
and gives a member a new invite code (or the printable sheet of codes)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.i18n import N_
from bot.core.messages import Attachment, Choice, OutboundMessage
from bot.core.text import fold
from bot.services.errors import AccessDeniedError
from bot.services.identity import member_in_cells
from bot.services.onboarding import (
    LinkState,
    deep_link,
    invite_to_hand_out,
    is_linked,
    link_states,
    regenerate_invite,
)
from bot.services.oversight import led_cells
from handlers.base import CANCEL, PICK_ONE, Context, cancelled, picked
from handlers.flow_state import Draft
from handlers.summary_files import XLSX
from models import Member

FLOW = "invites"
TITLE = N_("invite codes")
NAMES_SHOWN = 30
CODE_CHOICES = 10
NOT_YOURS = N_("You can only give codes to members of the cells you lead.")
SECRETARIES_ONLY = N_("Invite codes are handled by the cell's secretary or deputy secretary.")


@dataclass(frozen=True)
class InviteDraft(Draft):
    """The member a new code is for, while the secretary confirms it."""

    member_id: int = 0


async def show(ctx: Context, args: str) -> None:
    """/mamoi [PHONE]: who has linked, per cell; or at once a new code for that member."""
    assert ctx.member is not None
    cells = await led_cells(ctx.session, ctx.member.id)
    if not cells:
        raise AccessDeniedError(SECRETARIES_ONLY)
    if args:
        member = await member_in_cells(ctx.session, args, {cell.id for cell in cells})
        ctx.begin(FLOW)  # a draft, should a linked member's code need confirming
        await _new_code(ctx, member)
        return
    states = await link_states(ctx.session, cells, ctx.now)
    lines = []
    for cell in cells:
        mine = [s for s in states if s.cell.id == cell.id]
        if mine:
            linked = sum(1 for s in mine if s.linked)
            lines.append(
                ctx._("{cell}: {linked} of {total} members have linked their chat.").format(
                    cell=cell.name, linked=linked, total=len(mine)
                )
            )
    waiting = [s for s in states if not s.linked]
    if not waiting:
        lines.append(ctx._("Everyone has linked a chat."))
        ctx.say("\n".join(lines))
        return
    lines.append(ctx._("Not linked yet:"))
    lines.extend(
        f"{number}. {_state_line(ctx, state, len(cells) > 1)}"
        for number, state in enumerate(waiting[:NAMES_SHOWN], 1)
    )
    if len(waiting) > NAMES_SHOWN:
        lines.append(ctx._("…and {count} more.").format(count=len(waiting) - NAMES_SHOWN))
    choices = [
        Choice(f"m:{s.member.id}", ctx._("New code for {name}").format(name=s.member.full_name))
        for s in waiting[:CODE_CHOICES]
    ]
    choices.append(
        Choice(
            "sheet",
            ctx._("Printable sheet of codes with QR (Excel)")
            if ctx.bot_username
            else ctx._("Printable sheet of codes (Excel)"),
        )
    )
    choices.append(Choice(CANCEL, ctx._("Close")))
    ctx.ask(FLOW, "pick", "\n".join(lines), tuple(choices))


def _state_line(ctx: Context, state: LinkState, with_cell: bool) -> str:
    name = f"{state.member.full_name} ({state.cell.name})" if with_cell else state.member.full_name
    if state.code is None:
        return name + " — " + ctx._("no valid code")
    return (
        name
        + " — "
        + ctx._("code {code}, valid until {date}").format(
            code=state.code.code, date=ctx.date_text(state.code.expires_at)
        )
    )


async def _on_pick(ctx: Context) -> None:
    assert ctx.member is not None
    if ctx.choice == "sheet":
        await _sheet(ctx)
        return
    value = await picked(ctx, "m:")
    if value is None:
        return
    await _new_code(ctx, await _own_member(ctx, int(value)))


async def _own_member(ctx: Context, member_id: int) -> Member:
    """A member of a cell the sender leads as secretary or deputy."""
    assert ctx.member is not None
    member = await ctx.session.get(Member, member_id)
    cells = {cell.id for cell in await led_cells(ctx.session, ctx.member.id)}
    if member is None or member.cell_id not in cells:
        raise AccessDeniedError(NOT_YOURS)
    return member


async def _new_code(ctx: Context, member: Member, confirmed: bool = False) -> None:
    assert ctx.member is not None
    if not confirmed and await is_linked(ctx.session, member.id):
        ctx.keep(InviteDraft(member.id))
        ctx.ask(
            FLOW,
            "relink",
            ctx._(
                "{name} has already linked a chat. A new code would let another chat be linked "
                "to {name} as well. Give a new code all the same?"
            ).format(name=member.full_name),
            (Choice("yes", ctx._("Yes, a new code")), Choice(CANCEL, ctx._("Cancel"))),
        )
        return
    invite = await regenerate_invite(ctx.session, member.id, ctx.member.id, ctx.now)
    ctx.finish()
    lines = [
        ctx._(
            "New invite code for {name}: {code} (single use, valid until {date}). Earlier "
            "codes no longer work. They open the bot and send: /start {code}"
        ).format(name=member.full_name, code=invite.code, date=ctx.date_text(invite.expires_at))
    ]
    if ctx.bot_username:
        lines.append(
            ctx._("Or they open this link: {link}").format(
                link=deep_link(ctx.bot_username, invite)
            )
        )
    if ctx.zalo_bot_name:
        lines.append(
            ctx._('On Zalo: they open "{bot}" and send the code {code}.').format(
                bot=ctx.zalo_bot_name, code=invite.code
            )
        )
    ctx.say("\n".join(lines))


async def _sheet(ctx: Context) -> None:
    assert ctx.member is not None
    from bot.reports.invite_sheet import InviteLine, invites_workbook  # openpyxl, segno

    cells = await led_cells(ctx.session, ctx.member.id)
    if not cells:
        raise AccessDeniedError(SECRETARIES_ONLY)
    ctx.finish()
    sheets = 0
    for cell in cells:  # one sheet per cell: each is handed out in its own cell
        lines = []
        for state in await link_states(ctx.session, [cell], ctx.now):
            if not state.linked:
                code = await invite_to_hand_out(ctx.session, state, ctx.member.id, ctx.now)
                lines.append(
                    InviteLine(
                        state.member.full_name,
                        state.cell.name,
                        code.code,
                        deep_link(ctx.bot_username, code) if ctx.bot_username else "",
                        code.expires_at.astimezone(ctx.tz).date(),
                    )
                )
        if not lines:
            continue
        sheets += 1
        slug = re.sub(r"[^a-z0-9]+", "-", fold(cell.name)).strip("-") or str(cell.id)
        name = f"ma-moi-{slug}.xlsx"
        content = invites_workbook(cell.name, ctx.bot_username, lines, ctx.zalo_bot_name)
        ctx.replies.append(
            OutboundMessage(
                ctx._(
                    "Invite codes of {cell} ({count} members), to print and hand to each "
                    "member in person: never post the sheet or send a photo of it to a group."
                ).format(cell=cell.name, count=len(lines)),
                document=Attachment(name, name, XLSX, content=content),
            )
        )
    if not sheets:
        ctx.say(ctx._("Everyone has linked a chat."))


async def _on_relink(ctx: Context) -> None:
    assert ctx.member is not None
    if await cancelled(ctx):
        return
    if ctx.choice != "yes":
        ctx.reprompt(ctx._(PICK_ONE))
        return
    member = await _own_member(ctx, ctx.draft(InviteDraft).member_id)
    await _new_code(ctx, member, confirmed=True)


STEPS = {"pick": _on_pick, "relink": _on_relink}
