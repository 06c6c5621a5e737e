"""/chuabaocao: for secretaries and committee members, who has not reported this month —
rolled up district -> commune -> cell like /tonghop: a committee sees what is under it,
lagging first, and taps (or types the number of) one to drill down; a cell's view has the
names. `/chuabaocao NAME` opens that organisation. Each view says how many the one-tap
reminder would reach and who it cannot; the reminder is a broadcast that /dagui reports."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.i18n import N_
from bot.core.messages import Choice
from bot.reports.aggregates import Additive, Node, OrgRef
from bot.reports.digest import leader_scope
from bot.reports.scope import Scope
from bot.services.audit import record_audit
from bot.services.errors import AccessDeniedError
from bot.services.nudges import NUDGE_INTERVAL, NudgePlan, nudge_plan, send_nudge
from bot.services.oversight import LEADERS_ONLY, missing_reports
from handlers.base import Context
from handlers.flow_state import Draft
from handlers.summary import NOT_FOUND, named_org

FLOW = "missing"
TITLE = N_("the list of missing reports")
PAGE = 40  # organisations offered at once


@dataclass(frozen=True)
class MissingDraft(Draft):
    """The organisation on screen (None: the whole scope)."""

    org: int | None = None
    page: int = 0


@dataclass(frozen=True)
class Owed(Additive):
    """How many of those expected to report have not (summed up the tree)."""

    expected: int = 0
    missing: int = 0


def _lagging(node: Node[Owed]) -> tuple[float, str]:
    figures = node.figures
    return (-figures.missing / max(figures.expected, 1), node.org.name)


async def _scope(ctx: Context) -> Scope:
    assert ctx.member is not None
    scope = await leader_scope(ctx.session, ctx.member.id)
    if not scope.cells:
        raise AccessDeniedError(LEADERS_ONLY)
    return scope


async def missing(ctx: Context, args: str) -> None:
    """/chuabaocao [NAME]: the caller's whole scope, or the organisation NAME within it."""
    scope = await _scope(ctx)
    org_id = None
    if args.strip():
        org_id = named_org(scope, args)
        if org_id is None:
            ctx.say(ctx._(NOT_FOUND).format(name=args.strip()))
    ctx.begin(FLOW)
    await _view(ctx, scope, org_id)


def _nudge_lines(ctx: Context, plan: NudgePlan) -> list[str]:
    """What a tap would do: how many it reaches, who it cannot, who had one lately."""
    lines = []
    if plan.reminded:
        lines.append(
            ctx._("{count} were reminded within the last hour and will not be again.").format(
                count=len(plan.reminded)
            )
        )
    unreachable = [
        (plan.not_linked, ctx._("{count} have not linked a chat with the bot")),
        (plan.blocked, ctx._("{count} have blocked the bot")),
    ]
    said = [text.format(count=len(who)) for who, text in unreachable if who]
    if said:
        lines.append(ctx._("The reminder cannot reach: {who}.").format(who="; ".join(said)))
    return lines


async def _view(ctx: Context, scope: Scope, org_id: int | None, page: int = 0) -> None:
    """Show `org_id` (the scope's root if None): names for a cell, else what is under it."""
    assert ctx.member is not None
    part = scope.narrow(org_id) if org_id else scope
    if part is None:
        part, org_id = scope, None
    result = await missing_reports(ctx.session, list(part.cells), ctx.month)
    record_audit(
        ctx.session,
        at=ctx.now,
        actor_member_id=ctx.member.id,
        action="viewed_missing_reports",
        subject_type="organisation",
        subject_id=part.root.id or None,
        cells=len(result),
    )
    month = ctx.month_text()
    plan = await nudge_plan(ctx.session, list(part.roots), ctx.month, ctx.now)
    choices: list[Choice] = []
    if part.root.is_cell:
        [cell] = result
        if not cell.missing:
            lines = [
                ctx._("{cell}: everyone has reported for {month}.").format(
                    cell=cell.cell_name, month=month
                )
            ]
        else:
            lines = [
                ctx._("{cell}: {missing} of {expected} have not reported for {month}:").format(
                    cell=cell.cell_name,
                    missing=len(cell.missing),
                    expected=cell.expected,
                    month=month,
                )
            ]
            marks = {name: ctx._("not linked") for name in plan.not_linked} | {
                name: ctx._("blocked the bot") for name in plan.blocked
            }
            lines.extend(
                f"{number}. {name}" + (f" ({marks[name]})" if name in marks else "")
                for number, name in enumerate(cell.missing, 1)
            )
    else:
        tree = part.tree(
            {c.cell_id: Owed(c.expected, len(c.missing)) for c in result}, Owed, _lagging
        )
        lines = [
            ctx._(
                "{cells} cells, {missing} of {expected} members have not reported for "
                "{month}. Cells lagging most first:"
            ).format(
                cells=len(result),
                missing=tree.figures.missing,
                expected=tree.figures.expected,
                month=month,
            )
            if all(child.org.is_cell for child in tree.children)
            else ctx._(
                "{cells} cells, {missing} of {expected} members have not reported for "
                "{month}. Lagging most first:"
            ).format(
                cells=len(result),
                missing=tree.figures.missing,
                expected=tree.figures.expected,
                month=month,
            )
        ]
        if tree.org.id:
            lines[0] = f"{tree.org.name}: {lines[0]}"
        shown = tree.children[page * PAGE : (page + 1) * PAGE]
        lines.extend(_child_line(ctx, child) for child in shown)
        choices.extend(Choice(f"org:{child.org.id}", child.org.name) for child in shown)
        left = len(tree.children) - (page + 1) * PAGE
        if left > 0:
            choices.append(Choice("more", ctx._("{count} more").format(count=left)))
    lines.extend(_nudge_lines(ctx, plan))
    if plan.reachable:
        choices.append(
            Choice(
                "nudge",
                ctx._("Remind them now ({count} can be reached)").format(
                    count=len(plan.reachable)
                ),
            ),
        )
    if org_id is not None and part.root.id != scope.root.id:
        parent = _parent(scope, part.root)
        choices.append(
            Choice(
                f"org:{parent.id}" if parent is not None and parent.id != scope.root.id else "top",
                ctx._("Back to {org}").format(
                    org=parent.name if parent is not None else ctx._("the whole list")
                ),
            )
        )
    if not choices:
        ctx.finish()
        ctx.say("\n".join(lines))
        return
    ctx.ask(FLOW, "nudge", "\n".join(lines), tuple(choices))
    ctx.keep(MissingDraft(org=part.root.id or None, page=page))


def _parent(scope: Scope, org: OrgRef) -> OrgRef | None:
    return next((o for o in scope.orgs if o.id == org.parent_id), None)


def _child_line(ctx: Context, node: Node[Owed]) -> str:
    figures = node.figures
    if node.org.is_cell:
        return f"• {node.org.name}: {figures.missing}/{figures.expected}"
    cells = len([n for n in node.walk() if n.org.is_cell])
    return "• " + ctx._("{name} ({cells} cells): {missing}/{expected}").format(
        name=node.org.name, cells=cells, missing=figures.missing, expected=figures.expected
    )


async def _on_nudge(ctx: Context) -> None:
    assert ctx.member is not None
    draft = ctx.draft(MissingDraft)
    choice = ctx.choice or ""
    if choice.startswith("org:") or choice in ("top", "more"):
        scope = await _scope(ctx)
        if choice == "more":
            await _view(ctx, scope, draft.org, draft.page + 1)
        else:
            await _view(ctx, scope, int(choice.removeprefix("org:")) if choice != "top" else None)
        return
    if choice != "nudge":
        ctx.reprompt()
        return
    scope = await _scope(ctx)
    part = (scope.narrow(draft.org) if draft.org else scope) or scope
    outcome = await send_nudge(
        ctx.session,
        sender=ctx.member,
        org_ids=[root.id for root in part.roots],
        month=ctx.month,
        month_text=ctx.month_text(),
        now=ctx.now,
        default_language=ctx.default_language,
    )
    ctx.finish()
    plan = outcome.plan
    if not outcome.broadcast_ids:
        if outcome.earlier is None:
            lines = [
                ctx._("None of them can be reached now: nothing was sent.")
                if plan.due
                else ctx._("Nobody here owes a report any more: nothing was sent.")
            ]
            ctx.say("\n".join(lines + _nudge_lines(ctx, plan)))
            return
        at = outcome.earlier.at.astimezone(ctx.tz)
        ctx.say(
            ctx._(
                "A reminder already went out at {time} (from {sender}) and is reaching "
                "{reached} of them. Nobody gets a second one within the hour, so nothing was "
                "sent now; you can remind them again from {again}. Send /dagui to see who "
                "received it."
            ).format(
                time=f"{at:%H:%M}",
                sender=outcome.earlier.sender,
                reached=outcome.earlier.reached,
                again=f"{at + NUDGE_INTERVAL:%H:%M}",
            )
        )
        return
    lines = [
        ctx._("A reminder is on its way to {reached} of {count} members.").format(
            reached=outcome.reached, count=len(plan.due)
        )
    ]
    lines.extend(_nudge_lines(ctx, plan))
    lines.append(ctx._("Send /dagui to see who has received it."))
    ctx.say("\n".join(lines))


STEPS = {"nudge": _on_nudge}
