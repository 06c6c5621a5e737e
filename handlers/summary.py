"""/tonghop: this week and this month for the caller's scope; /chuabaocao's nudge action."""

from __future__ import annotations

from bot.i18n import N_
from bot.messages import Attachment, Choice, OutboundMessage
from bot.services.audit import record_audit
from bot.services.errors import AccessDeniedError
from bot.services.export import build_report, parse_period
from bot.services.oversight import overseen_cells, overseen_orgs
from bot.services.summary import CellSummary, summarise, week_start
from handlers.base import Context

LEADERS_ONLY = N_("This command is for cell secretaries and Party committee members.")
FLOW = "summary"
TITLE = N_("the summary")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "—"


def _meeting_lines(ctx: Context, cell: CellSummary) -> list[str]:
    lines = []
    if cell.last_meeting is not None:
        lines.append(
            ctx._(
                "Last meeting ({date}): {present}/{roll} present, {spoke} spoke "
                "({rate} of those present)."
            ).format(
                date=ctx.date_text(cell.last_meeting),
                present=cell.present,
                roll=cell.on_roll,
                spoke=cell.spoke,
                rate=_percent(cell.spoke, cell.present),
            )
        )
    if cell.next_meeting is not None:
        lines.append(
            ctx._("Next meeting ({date}): {yes} will attend, {no} cannot.").format(
                date=ctx.date_text(cell.next_meeting), yes=cell.rsvp_yes, no=cell.rsvp_no
            )
        )
    return lines


async def show(ctx: Context, args: str) -> None:
    """/tonghop for a secretary (their cell, with names) or a committee (cells under them)."""
    assert ctx.member is not None
    cells = await overseen_cells(ctx.session, ctx.member.id)
    if not cells:
        raise AccessDeniedError(LEADERS_ONLY)
    single = len(cells) == 1
    figures = await summarise(
        ctx.session, cells, ctx.month, week_start(ctx.now, ctx.tz), ctx.now, with_names=single
    )
    record_audit(
        ctx.session,
        at=ctx.now,
        actor_member_id=ctx.member.id,
        action="viewed_summary",
        subject_type="organisation",
        subject_id=cells[0].id if single else None,
        cells=len(cells),
    )
    export = (Choice("export", ctx._("Excel report of this month")),)
    if single:
        ctx.ask(FLOW, "menu", _cell_text(ctx, figures[0]), export)
        return
    total = CellSummary(0, "")
    for cell in figures:
        for name in (
            "expected",
            "reported_month",
            "reported_week",
            "deeds_month",
            "deeds_week",
            "households",
            "helped_month",
            "quiet_households",
        ):
            setattr(total, name, getattr(total, name) + getattr(cell, name))
    lines = [
        ctx._("Summary of {cells} cells, month {month}:").format(
            cells=len(figures), month=ctx.month_text()
        ),
        ctx._(
            "Reported: {reported}/{expected} members ({rate}); {deeds} good deeds; "
            "this week {week} deeds."
        ).format(
            reported=total.reported_month,
            expected=total.expected,
            rate=_percent(total.reported_month, total.expected),
            deeds=total.deeds_month,
            week=total.deeds_week,
        ),
        ctx._(
            "Households helped this month: {helped}/{households}; no deed for 3 months: {quiet}."
        ).format(
            helped=total.helped_month, households=total.households, quiet=total.quiet_households
        ),
        ctx._("Cells, lagging most first:"),
    ]
    for cell in sorted(figures, key=lambda c: (c.report_rate, c.name)):
        attendance = (
            ", " + ctx._("attendance") + " " + _percent(cell.present, cell.on_roll)
            if cell.on_roll
            else ""
        )
        lines.append(
            f"• {cell.name}: {cell.reported_month}/{cell.expected} "
            f"({_percent(cell.reported_month, cell.expected)}){attendance}"
        )
    ctx.ask(FLOW, "menu", "\n".join(lines), export)


async def _on_menu(ctx: Context) -> None:
    assert ctx.member is not None
    if ctx.choice != "export":
        ctx.reprompt()
        return
    roots = await overseen_orgs(ctx.session, ctx.member.id)
    top = min(roots, key=lambda org: org.path.count("/"))  # the widest scope the member has
    name, content = await build_report(
        ctx.session,
        top,
        parse_period(ctx.month.strftime("%Y-%m")),
        ctx.tz,
        ctx.member.id,
        ctx.now,
    )
    ctx.finish()
    ctx.replies.append(
        OutboundMessage(
            ctx._("Report of {org}, month {month}.").format(org=top.name, month=ctx.month_text()),
            document=Attachment(file_ref=name, file_name=name, content=content, mime_type=XLSX),
        )
    )


STEPS = {"menu": _on_menu}


def _cell_text(ctx: Context, cell: CellSummary) -> str:
    lines = [
        ctx._("{cell}, month {month}:").format(cell=cell.name, month=ctx.month_text()),
        ctx._(
            "Reported: {reported}/{expected} members ({rate}); {deeds} good deeds. This "
            "week: {week_members} members, {week} deeds."
        ).format(
            reported=cell.reported_month,
            expected=cell.expected,
            rate=_percent(cell.reported_month, cell.expected),
            deeds=cell.deeds_month,
            week_members=cell.reported_week,
            week=cell.deeds_week,
        ),
        ctx._(
            "Households helped this month: {helped}/{households}; no deed for 3 months: {quiet}."
        ).format(
            helped=cell.helped_month, households=cell.households, quiet=cell.quiet_households
        ),
        *_meeting_lines(ctx, cell),
    ]
    if cell.missing_names:
        lines.append(
            ctx._("Not reported yet: {names}.").format(names=", ".join(cell.missing_names))
        )
    return "\n".join(lines)
