"""/chuabaocao: for secretaries and committee members, who has not reported this month."""

from __future__ import annotations

from bot.i18n import N_
from bot.services.audit import record_audit
from bot.services.errors import AccessDeniedError
from bot.services.oversight import missing_reports, overseen_cells
from handlers.base import Context

LEADERS_ONLY = N_("This command is for cell secretaries and Party committee members.")


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
        ctx.say("\n".join(lines))
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
    ctx.say("\n".join(lines))
