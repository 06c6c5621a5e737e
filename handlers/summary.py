"""/tonghop: this week and this month for the caller's scope; /chuabaocao's nudge action."""

from __future__ import annotations

from bot.core.i18n import N_
from bot.core.messages import Attachment, Choice, OutboundMessage
from bot.reports.digest import chart_for
from bot.reports.summary import summarise, week_start
from bot.reports.summary_text import cell_text, scope_text
from bot.services.audit import record_audit
from bot.services.errors import AccessDeniedError
from bot.services.evidence import entry_counts
from bot.services.meetings.rules import add_months
from bot.services.oversight import LEADERS_ONLY, led_cells, overseen_cells, overseen_orgs
from bot.services.pledges import cell_pledges
from handlers import voices
from handlers.base import Context

FLOW = "summary"
TITLE = N_("the summary")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
    quarter = (ctx.month.month - 1) // 3 + 1
    export = (
        Choice("chart", ctx._("Chart of the reporting rate")),
        Choice(f"export:{ctx.month:%Y-%m}", ctx._("Excel report of this month")),
        Choice(f"export:{ctx.month.year}-Q{quarter}", ctx._("Excel report of this quarter")),
        Choice(f"export:{ctx.month.year}", ctx._("Excel report of this year")),
    )
    text = (
        cell_text(ctx.t, ctx.tz, figures[0], ctx.month)
        if single
        else scope_text(ctx.t, figures, ctx.month)
    )
    counts = await entry_counts(ctx.session, [cell.id for cell in cells], ctx.month)
    if counts.on_behalf:
        text += "\n" + ctx._("Entered by the cell committee for members: {count}.").format(
            count=counts.on_behalf
        )
    if counts.voice:
        text += "\n" + ctx._(
            "Told by voice message: {count} ({waiting} not confirmed yet)."
        ).format(count=counts.voice, waiting=counts.voice_unconfirmed)
    extra: list[Choice] = []
    led = {cell.id for cell in await led_cells(ctx.session, ctx.member.id)}
    if counts.voice and led:
        extra.append(
            Choice(
                "voices",
                ctx._("Listen to voice reports ({count} to confirm)").format(
                    count=counts.voice_unconfirmed
                ),
            )
        )
    if single and cells[0].id in led:
        following = add_months(ctx.month, 1)
        proposals = await cell_pledges(ctx.session, cells[0].id, following)
        extra.append(
            Choice(
                "proposals",
                ctx._("Proposals for {month} ({count})").format(
                    month=ctx.month_text(following), count=len(proposals)
                ),
            )
        )
    ctx.ask(FLOW, "menu", text, (*extra, *export))


async def _on_menu(ctx: Context) -> None:
    assert ctx.member is not None
    if ctx.choice == "chart":
        await _chart(ctx)
        return
    if ctx.choice == "voices":
        await voices.show(ctx)
        return
    if ctx.choice == "proposals":
        await _proposals(ctx)
        return
    if ctx.choice is None or not ctx.choice.startswith("export:"):
        ctx.reprompt()
        return
    period = ctx.choice.removeprefix("export:")
    from bot.reports.export import build_report, parse_period  # openpyxl: load when asked

    roots = await overseen_orgs(ctx.session, ctx.member.id)
    top = min(roots, key=lambda org: org.path.count("/"))  # the widest scope the member has
    report = parse_period(period)
    name, content = await build_report(
        ctx.session,
        top,
        report,
        ctx.tz,
        ctx.member.id,
        ctx.now,
    )
    ctx.finish()
    ctx.replies.append(
        OutboundMessage(
            ctx._("Report of {org}, {period}.").format(org=top.name, period=report.label),
            document=Attachment(file_ref=name, file_name=name, content=content, mime_type=XLSX),
        )
    )


STEPS = {"menu": _on_menu}


async def _chart(ctx: Context) -> None:
    assert ctx.member is not None
    ctx.finish()
    cells = await overseen_cells(ctx.session, ctx.member.id)
    png = await chart_for(ctx.session, cells, ctx.month, ctx.now, ctx.tz)
    ctx.replies.append(
        OutboundMessage(
            ctx._("Reporting rate, month {month}.").format(month=ctx.month_text()),
            photo=Attachment(
                file_ref="chart.png", file_name="bieu-do.png", content=png, mime_type="image/png"
            ),
        )
    )


async def _proposals(ctx: Context) -> None:
    """Next month's proposals of the secretary's cell, to read before the meeting."""
    assert ctx.member is not None
    ctx.finish()
    cells = await led_cells(ctx.session, ctx.member.id)
    following = add_months(ctx.month, 1)
    lines = [ctx._("Proposals for {month}:").format(month=ctx.month_text(following))]
    for cell in cells:
        proposals = await cell_pledges(ctx.session, cell.id, following)
        if len(cells) > 1:
            lines.append(cell.name)
        lines += [f"{n}. {p.name}: {p.text}" for n, p in enumerate(proposals, start=1)]
        if not proposals:
            lines.append(ctx._('None yet. Members send them with "đăng ký tháng sau".'))
    ctx.say("\n".join(lines))
