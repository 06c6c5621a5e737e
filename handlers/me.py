"""/toi: my month so far — pledge, reports, households helped."""

from __future__ import annotations

from bot.services.deeds import member_year, month_reports
from bot.services.households import current_household_ids
from bot.services.pledges import get_pledge
from handlers.base import Context
from handlers.deed_common import told
from handlers.labels import DEED_CATEGORY_LABELS


async def show(ctx: Context, args: str) -> None:
    """Summarise the member's current month."""
    assert ctx.member is not None
    member_id = ctx.member.id
    pledge = await get_pledge(ctx.session, member_id, ctx.month)
    reports = await month_reports(ctx.session, member_id, ctx.month)
    household_ids = set(await current_household_ids(ctx.session, member_id))
    helped = {r.household_id for r in reports if r.household_id in household_ids}
    lines = [
        ctx._("Comrade {name}, your month {month} so far:").format(
            name=ctx.member.full_name, month=ctx.month_text()
        ),
        ctx._("Pledge: {text}").format(text=pledge.text)
        if pledge is not None
        else ctx._("Pledge: not yet made (send /dangky)"),
        ctx._("Good deeds reported: {count}").format(count=len(reports)),
    ]
    for report in reports:
        target = report.household_label or ctx._("the community")
        lines.append(
            f"• {ctx.date_text(report.created_at)} — {target} — "
            f"{ctx._(DEED_CATEGORY_LABELS[report.category])}: {told(ctx, report.text)}"
        )
    lines.append(
        ctx._("Households helped this month: {helped} of {total}").format(
            helped=len(helped), total=len(household_ids)
        )
    )
    if not reports:
        lines.append(ctx._("You have not reported a good deed this month yet: send /viectot."))
    year = await member_year(ctx.session, member_id, ctx.month.year, ctx.tz)
    months = ", ".join(
        f"{month:02d}: {year.deeds_by_month.get(month, 0)}"
        for month in range(1, ctx.month.month + 1)
    )
    lines += [
        "",
        ctx._("Your year {year} (for the year-end review):").format(year=ctx.month.year),
        ctx._("Good deeds by month: {months}").format(months=months),
        ctx._("Households helped: {count}").format(count=year.households_helped),
        ctx._("Meetings attended: {present} of {recorded}").format(
            present=year.meetings_present, recorded=year.meetings_recorded
        ),
    ]
    ctx.say("\n".join(lines))
