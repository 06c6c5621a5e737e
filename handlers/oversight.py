"""/chuabaocao: for secretaries and committee members, who has not reported this month."""

from __future__ import annotations

from bot.core.i18n import N_
from bot.core.messages import Choice
from bot.delivery.outbox import enqueue
from bot.services.audit import record_audit
from bot.services.errors import AccessDeniedError
from bot.services.meetings.reminders import nudge_recipients
from bot.services.meetings.texts import nudge_message
from bot.services.oversight import LEADERS_ONLY, missing_reports, overseen_cells
from handlers.base import Context

FLOW = "missing"
TITLE = N_("the list of missing reports")


async def missing(ctx: Context, args: str) -> None:
    """List who owes this month's report: names for one cell, lagging cells first above."""
    assert ctx.member is not None
    cells = await overseen_cells(ctx.session, ctx.member.id)
    if not cells:
        raise AccessDeniedError(LEADERS_ONLY)
    result = await missing_reports(ctx.session, cells, ctx.month)
    record_audit(
        ctx.session,
        at=ctx.now,
        actor_member_id=ctx.member.id,
        action="viewed_missing_reports",
        subject_type="organisation",
        subject_id=cells[0].id if len(cells) == 1 else None,
        cells=len(cells),
    )
    month = ctx.month_text()
    if len(result) == 1:
        [cell] = result
        if not cell.missing:
            ctx.say(
                ctx._("{cell}: everyone has reported for {month}.").format(
                    cell=cell.cell_name, month=month
                )
            )
            return
        lines = [
            ctx._("{cell}: {missing} of {expected} have not reported for {month}:").format(
                cell=cell.cell_name, missing=len(cell.missing), expected=cell.expected, month=month
            )
        ]
        lines.extend(f"{number}. {name}" for number, name in enumerate(cell.missing, 1))
        ctx.ask(FLOW, "nudge", "\n".join(lines), (Choice("nudge", ctx._("Remind them now")),))
        return
    lagging = sorted(result, key=lambda c: (-len(c.missing) / max(c.expected, 1), c.cell_name))
    total_missing = sum(len(c.missing) for c in result)
    total_expected = sum(c.expected for c in result)
    lines = [
        ctx._(
            "{cells} cells, {missing} of {expected} members have not reported for {month}. "
            "Cells lagging most first:"
        ).format(cells=len(result), missing=total_missing, expected=total_expected, month=month)
    ]
    lines.extend(f"• {cell.cell_name}: {len(cell.missing)}/{cell.expected}" for cell in lagging)
    if total_missing:
        ctx.ask(FLOW, "nudge", "\n".join(lines), (Choice("nudge", ctx._("Remind them now")),))
    else:
        ctx.say("\n".join(lines))


async def _on_nudge(ctx: Context) -> None:
    assert ctx.member is not None
    if ctx.choice != "nudge":
        ctx.reprompt()
        return
    cells = await overseen_cells(ctx.session, ctx.member.id)
    if not cells:
        raise AccessDeniedError(LEADERS_ONLY)
    people = [p for cell in cells for p in await nudge_recipients(ctx.session, cell.id, ctx.month)]
    # One nudge per member and hour, however often and by whomever the button is pressed.
    cause = f"nudge-now:{ctx.now.astimezone(ctx.tz):%Y%m%d%H}"
    for person in people:
        await enqueue(
            ctx.session,
            cause=cause,
            member_id=person.id,
            text=nudge_message(
                person.language or ctx.default_language, person.full_name, ctx.month_text()
            ),
            choices=(),
            now=ctx.now,
        )
    ctx.finish()
    ctx.say(ctx._("A reminder is on its way to {count} members.").format(count=len(people)))


STEPS = {"nudge": _on_nudge}
