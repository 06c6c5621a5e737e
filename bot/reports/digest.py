"""The weekly digest: each secretary and committee member gets their scope's summary and a
chart, through the delivery queue, once a week."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.clock import format_month, month_start
from bot.core.i18n import translator
from bot.delivery.outbox import enqueue
from bot.reports.chart import reporting_chart
from bot.reports.summary import summarise, week_start
from bot.reports.summary_text import cell_text, scope_text
from bot.services.meetings.rules import add_months
from bot.services.oversight import overseen_cells
from models import Member, MemberStatus, Organisation, Role


async def chart_for(
    session: AsyncSession, cells: list[Organisation], month: date, now: datetime, tz: ZoneInfo
) -> bytes:
    """Per cell this month for several cells; the last six months for one."""
    start = week_start(now, tz)
    if len(cells) > 1:
        figures = await summarise(session, cells, month, start, now)
        return reporting_chart(
            f"Tỷ lệ báo cáo việc tốt tháng {format_month(month)}", cells=figures
        )
    months = []
    for offset in range(-5, 1):
        past = add_months(month, offset)
        [figure] = await summarise(session, cells, past, start, now)
        months.append((past, figure.report_rate))
    return reporting_chart(f"{cells[0].name}: tỷ lệ báo cáo việc tốt", months=months)


async def send_weekly_digest(
    session: AsyncSession, now: datetime, tz: ZoneInfo, language: str
) -> int:
    """Queue this week's digest for every leader; a second run in the same week adds nothing
    (the outbox cause names the week). Returns how many leaders were queued."""
    week = now.astimezone(tz).strftime("%G-W%V")
    this_week = week_start(now, tz)
    last_week = this_week - timedelta(days=7)  # the digest tells the week just ended
    month = month_start(now.astimezone(tz).date())
    leaders = list(
        await session.scalars(
            select(Member)
            .where(
                Member.id.in_(select(Role.member_id).where(Role.ended_on.is_(None))),
                Member.status != MemberStatus.TRANSFERRED_OUT,
            )
            .order_by(Member.id)
        )
    )
    for leader in leaders:
        cells = await overseen_cells(session, leader.id)
        if not cells:
            continue
        t = translator(leader.language or language)
        figures = await summarise(
            session,
            cells,
            month,
            last_week,
            now,
            with_names=len(cells) == 1,
            week_end=this_week,
        )
        body = (
            cell_text(t, tz, figures[0], month, past_week=True)
            if len(cells) == 1
            else scope_text(t, figures, month, past_week=True)
        )
        heading = t.gettext("Weekly digest, week of {date}:").format(
            date=last_week.strftime("%d/%m/%Y")
        )
        await enqueue(
            session,
            cause=f"digest:{week}",
            member_id=leader.id,
            text=f"{heading}\n{body}",
            choices=(),
            now=now,
        )
        await enqueue(
            session,
            cause=f"digest-chart:{week}",
            member_id=leader.id,
            text=t.gettext("Reporting rate, month {month}.").format(month=format_month(month)),
            choices=(),
            now=now,
            photo=await chart_for(session, cells, month, now, tz),
        )
    return len(leaders)
