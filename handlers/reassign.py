"""/phancong: a secretary gives a household to another member; both are told."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.i18n import N_
from bot.core.messages import Choice
from bot.services.errors import AccessDeniedError
from bot.services.oversight import LEADERS_ONLY, is_leader
from bot.services.roster.history import (
    assignable_members,
    household_in_scope,
    reassign,
    reassigned_text,
    tell_reassignment,
)
from handlers.base import PICK_ONE, Context
from handlers.flow_state import Draft
from models import Household

FLOW = "reassign"
TITLE = N_("a household reassignment")


@dataclass(frozen=True)
class ReassignDraft(Draft):
    """The household being given to another member."""

    household_id: int = 0


async def start(ctx: Context, args: str) -> None:
    """/phancong [CODE]: which household, then to whom."""
    assert ctx.member is not None
    if not await is_leader(ctx.session, ctx.member.id):
        raise AccessDeniedError(LEADERS_ONLY)
    ctx.begin(FLOW)
    if args:
        await _household(ctx, args)
        return
    ctx.ask(FLOW, "code", ctx._("Which household? Write its code, e.g. NL-012."))


async def _on_code(ctx: Context) -> None:
    await _household(ctx, ctx.message.text)


async def _household(ctx: Context, code: str) -> None:
    household, holder = await household_in_scope(ctx.session, ctx.member, code)
    cell_id = holder.cell_id if holder is not None else None
    assert ctx.member is not None
    people = await assignable_members(ctx.session, cell_id or ctx.member.cell_id)
    ctx.keep(ReassignDraft(household.id))
    choices = tuple(
        Choice(f"m:{p.id}", p.full_name) for p in people if holder is None or p.id != holder.id
    )
    now_with = holder.full_name if holder is not None else ctx._("nobody")
    ctx.ask(
        FLOW,
        "member",
        ctx._("Household {head} ({code}) is looked after by {holder}. Give it to:").format(
            head=household.head_name, code=household.code, holder=now_with
        ),
        (*choices, Choice("cancel", ctx._("Cancel"))),
    )


async def _on_member(ctx: Context) -> None:
    if ctx.choice == "cancel":
        await ctx.registry.require("huy").run(ctx, "")
        return
    if ctx.choice is None or not ctx.choice.startswith("m:"):
        ctx.reprompt(ctx._(PICK_ONE))
        return
    household = await ctx.session.get(Household, ctx.draft(ReassignDraft).household_id)
    if household is None:
        ctx.finish()
        ctx.say(ctx._("Sorry, I lost track of what we were doing. Please start again."))
        return
    done = await reassign(
        ctx.session,
        actor=ctx.member,
        household=household,
        new_member_id=int(ctx.choice.removeprefix("m:")),
        now=ctx.now,
        today=ctx.today,
    )
    await tell_reassignment(
        ctx.session, done, ctx.member.id if ctx.member else None, ctx.now, ctx.default_language
    )
    ctx.finish()
    ctx.say(reassigned_text(ctx.t, done))


STEPS = {"code": _on_code, "member": _on_member}
