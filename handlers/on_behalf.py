"""/baocaothay: a secretary or deputy reports a deed for a member who has no phone or
cannot type — choose the member, then the same dialog as the member's own report."""

from __future__ import annotations

from bot.core.messages import Choice
from bot.core.text import clean
from bot.services.evidence import reportable_members, require_reportable
from handlers import deed
from handlers.base import CANCEL, Context, picked
from handlers.deed_common import FLOW, ReportDraft, cancel_choice


async def start(ctx: Context, args: str) -> None:
    """Which member the report is for (members of the cells the sender leads)."""
    assert ctx.member is not None
    people = await reportable_members(ctx.session, ctx.member.id)
    ctx.begin(FLOW, ReportDraft(month=ctx.month, who_pending=True, text=clean(args)))
    choices = tuple(Choice(f"p:{p.id}", p.full_name) for p in people)
    ctx.ask(
        FLOW,
        "member",
        ctx._("Which member are you reporting a good deed for?"),
        (*choices, cancel_choice(ctx)),
    )


async def _on_member(ctx: Context) -> None:
    assert ctx.member is not None
    if ctx.choice == CANCEL:
        await ctx.registry.require("huy").run(ctx, "")
        return
    chosen = await picked(ctx, "p:")
    if chosen is None:
        return
    member = await require_reportable(ctx.session, ctx.member.id, int(chosen))
    deed.update(ctx, for_member_id=member.id, for_member_name=member.full_name)
    await deed.ask_next(ctx)


STEPS = {"member": _on_member}
