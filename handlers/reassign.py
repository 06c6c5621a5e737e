"""/phancong: a secretary gives a household to another member; both are told.

The household is named by its code ("NL-006"), its head's name ("ba Loi") or its number in
the list shown; the new member is chosen with their load and status in view, and one tap
confirms."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.choices import NO, YES, resolve_choice
from bot.core.i18n import N_
from bot.core.messages import Choice
from bot.services.errors import AccessDeniedError, NotFoundError
from bot.services.oversight import LEADERS_ONLY, is_leader
from bot.services.roster.history import (
    assignable_members,
    household_in_scope,
    household_loads,
    households_of_cell,
    reassign,
    reassigned_text,
    tell_reassignment,
)
from handlers.base import PICK_ONE, Context
from handlers.flow_state import Draft
from models import Household, Member, MemberStatus

FLOW = "reassign"
TITLE = N_("a household reassignment")


@dataclass(frozen=True)
class ReassignDraft(Draft):
    """The household being given to another member, and to whom."""

    household_id: int = 0
    member_id: int = 0


async def start(ctx: Context, args: str) -> None:
    """/phancong [CODE or NAME]: which household, then to whom, then confirm."""
    assert ctx.member is not None
    if not await is_leader(ctx.session, ctx.member.id):
        raise AccessDeniedError(LEADERS_ONLY)
    ctx.begin(FLOW)
    if args:
        await _household(ctx, args)
        return
    listed = await _listed(ctx)
    lines = [
        ctx._("Which household? Write its code (e.g. NL-012), the head's name or its number.")
    ]
    lines += [f"{n}. {choice.label}" for n, choice in enumerate(listed, start=1)]
    ctx.ask(FLOW, "code", "\n".join(lines))


async def _listed(ctx: Context) -> list[Choice]:
    """The households of the secretary's own cell as options: "Head (CODE) – holder"."""
    assert ctx.member is not None
    return [
        Choice(
            f"h:{household.id}", f"{household.head_name} ({household.code}) – {holder.full_name}"
        )
        for household, holder in await households_of_cell(ctx.session, ctx.member.cell_id)
    ]


async def _on_code(ctx: Context) -> None:
    await _household(ctx, ctx.message.text)


async def _household(ctx: Context, typed: str) -> None:
    assert ctx.member is not None
    listed = await _listed(ctx)
    key = resolve_choice(typed, listed)
    if key is not None:
        household = await ctx.session.get(Household, int(key.removeprefix("h:")))
        assert household is not None
        household, holder = await household_in_scope(ctx.session, ctx.member, household.code)
    else:  # a code of a cell under a committee member, or nothing known
        try:
            household, holder = await household_in_scope(ctx.session, ctx.member, typed)
        except NotFoundError:
            if ctx.state is not None and ctx.state.step == "code":
                ctx.reprompt(
                    ctx._(
                        "I could not find that household among those your cell looks after: "
                        "write its code, the head's name or its number in the list."
                    )
                )
                return
            raise
    cell_id = holder.cell_id if holder is not None else ctx.member.cell_id
    people = [
        p
        for p in await assignable_members(ctx.session, cell_id)
        if holder is None or p.id != holder.id
    ]
    loads = await household_loads(ctx.session, [p.id for p in people])
    ctx.keep(ReassignDraft(household.id))
    choices = tuple(Choice(f"m:{p.id}", _with_load(ctx, p, loads[p.id])) for p in people)
    now_with = holder.full_name if holder is not None else ctx._("nobody")
    ctx.ask(
        FLOW,
        "member",
        ctx._("Household {head} ({code}) is looked after by {holder}. Give it to:").format(
            head=household.head_name, code=household.code, holder=now_with
        ),
        (*choices, Choice("cancel", ctx._("Cancel"))),
    )


def _with_load(ctx: Context, person: Member, load: int) -> str:
    """ "Hà Thị Mai (2 hộ)", "Lò Văn Pá (4 hộ, đi làm ăn xa)"."""
    away = person.status is MemberStatus.WORKING_AWAY
    if away:
        return ctx._("{name} ({count} households, working away)").format(
            name=person.full_name, count=load
        )
    return ctx._("{name} ({count} households)").format(name=person.full_name, count=load)


async def _on_member(ctx: Context) -> None:
    if ctx.choice == "cancel":
        await ctx.registry.require("huy").run(ctx, "")
        return
    if ctx.choice is None or not ctx.choice.startswith("m:"):
        ctx.reprompt(ctx._(PICK_ONE))
        return
    draft = ctx.draft(ReassignDraft)
    household = await ctx.session.get(Household, draft.household_id)
    new = await ctx.session.get(Member, int(ctx.choice.removeprefix("m:")))
    if household is None or new is None:
        ctx.finish()
        ctx.say(ctx._("Sorry, I lost track of what we were doing. Please start again."))
        return
    load = (await household_loads(ctx.session, [new.id]))[new.id]
    ctx.keep(ReassignDraft(household.id, new.id))
    lines = [
        ctx._("Give household {head} ({code}) to {name}?").format(
            head=household.head_name, code=household.code, name=new.full_name
        ),
        ctx._("{name} looks after {count} households now; with this one, {after}.").format(
            name=new.full_name, count=load, after=load + 1
        ),
    ]
    if new.status is MemberStatus.WORKING_AWAY:
        lines.append(ctx._("Note: {name} is working away from home.").format(name=new.full_name))
    if load + 1 > 5:
        lines.append(ctx._("That is more than the 5 households a member is expected to follow."))
    ctx.ask(
        FLOW,
        "confirm",
        "\n".join(lines),
        (
            Choice("yes", ctx._("Yes, give it"), YES),
            Choice("no", ctx._("No, keep it as it is"), NO),
        ),
    )


async def _on_confirm(ctx: Context) -> None:
    if not ctx.confirmed(N_("All right, nothing changed.")):
        return
    draft = ctx.draft(ReassignDraft)
    household = await ctx.session.get(Household, draft.household_id)
    if household is None or not draft.member_id:
        ctx.finish()
        ctx.say(ctx._("Sorry, I lost track of what we were doing. Please start again."))
        return
    done = await reassign(
        ctx.session,
        actor=ctx.member,
        household=household,
        new_member_id=draft.member_id,
        now=ctx.now,
        today=ctx.today,
    )
    await tell_reassignment(
        ctx.session, done, ctx.member.id if ctx.member else None, ctx.now, ctx.default_language
    )
    ctx.finish()
    ctx.say(reassigned_text(ctx.t, done))


STEPS = {"code": _on_code, "member": _on_member, "confirm": _on_confirm}
