"""What /tonghop makes after the message's batch, with no session held while rendering: the
Excel or Word report of the organisation on screen, and the chart of its reporting rate."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import format_month
from bot.core.db import reading
from bot.core.messages import Attachment, OutboundMessage
from bot.reports.digest import chart_bars, draw
from bot.reports.period import parse_period
from bot.reports.scope import Scope
from bot.reports.summary import summarise, week_start
from handlers.base import Context
from models import Organisation

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Sessions = async_sessionmaker[AsyncSession]


async def export(
    ctx: Context, scope: Scope, org_id: int | None, period_text: str, word: bool = False
) -> None:
    """The workbook (or with `word` the Word report: a cell's report, a committee's summary)
    of the organisation `org_id` of `scope` (None: the whole scope), made after the batch."""
    assert ctx.member is not None
    from bot.reports.documents.build import DOCX, build_report_document  # load when asked
    from bot.reports.documents.sources import issuer_of
    from bot.reports.export import audit_export, render_report, report_data

    part = scope.narrow(org_id) if org_id else scope
    # The organisation shown, or for several unrelated ones the widest.
    roots = (part or scope).roots
    top = min(roots, key=lambda org: (org.path.count("/"), org.name))
    period = parse_period(period_text, ctx.month)
    member_id, tz, now, t = ctx.member.id, ctx.tz, ctx.now, ctx.t
    ctx.finish()

    async def workbook(sessions: Sessions) -> list[OutboundMessage]:
        # A district's workbook takes seconds: made after this message's batch, read in a
        # short transaction (with its audit entry) and rendered in a worker thread with no
        # session open, so no other chat waits for it.
        text = t.gettext("Report of {org}, {period}.").format(org=top.name, period=period.label)
        if word:  # a document: queried, audited and rendered (in a thread) in one transaction
            async with sessions() as session, session.begin():
                org = await session.get(Organisation, top.id)
                assert org is not None
                name, content = await build_report_document(
                    session, org, period, tz, member_id, now
                )
            document = Attachment(file_ref=name, file_name=name, content=content, mime_type=DOCX)
            return [OutboundMessage(text, document=document)]
        async with reading(sessions) as session:
            org = await session.get(Organisation, top.id)
            assert org is not None
            report = await report_data(session, org, period, tz, now)
            issuer = await issuer_of(session, org)
        async with sessions() as session, session.begin():
            audit_export(session, org, period, member_id, now, report)
        name, content = await render_report(report, org, period, tz, issuer)
        document = Attachment(file_ref=name, file_name=name, content=content, mime_type=XLSX)
        return [OutboundMessage(text, document=document)]

    ctx.after_commit(workbook)


async def chart(ctx: Context, part: Scope, month: date) -> None:
    """The chart of the reporting rate of `part` in `month`, drawn after the batch."""
    now, t = ctx.now, ctx.t
    week = week_start(ctx.now, ctx.tz)
    ctx.finish()

    async def chart(sessions: Sessions) -> list[OutboundMessage]:
        async with reading(sessions) as session:  # closed before drawing
            summary = await summarise(session, part, month, now, week_start=week)
            bars = await chart_bars(session, summary.tree, month, t)
        png = await draw(bars, t)  # in a worker process
        photo = Attachment(
            file_ref="chart.png", file_name="bieu-do.png", content=png, mime_type="image/png"
        )
        text = t.gettext("Reporting rate, month {month}.").format(month=format_month(month))
        return [OutboundMessage(text, photo=photo)]

    ctx.after_commit(chart)
