"""The cell secretary's part of /tonghop: on their cell's summary, the voice reports to
confirm and next month's proposals; the households nobody helped for 3 months; the
proposals listed before the meeting."""

from __future__ import annotations

from bot.core.messages import Choice
from bot.reports.quiet import quiet_households
from bot.reports.scope import Scope
from bot.services.audit import record_audit
from bot.services.evidence import entry_counts
from bot.services.meetings.rules import add_months
from bot.services.oversight import led_cells
from bot.services.pledges import cell_pledges
from handlers.base import Context


async def secretary_choices(ctx: Context, part: Scope, single: bool) -> list[Choice]:
    """For the leaders of a cell on screen: voice reports to confirm, next month's
    proposals."""
    assert ctx.member is not None
    led = {cell.id for cell in await led_cells(ctx.session, ctx.member.id)}
    shown = [cell.id for cell in part.cells if cell.id in led]
    if not shown:
        return []
    extra: list[Choice] = []
    counts = await entry_counts(ctx.session, shown, ctx.month)
    if counts.voice:
        extra.append(
            Choice(
                "voices",
                ctx._("Listen to voice reports ({count} to confirm)").format(
                    count=counts.voice_unconfirmed
                ),
            )
        )
    if single:
        following = add_months(ctx.month, 1)
        proposals = await cell_pledges(ctx.session, shown[0], following)
        extra.append(
            Choice(
                "proposals",
                ctx._("Proposals for {month} ({count})").format(
                    month=ctx.month_text(following), count=len(proposals)
                ),
            )
        )
    return extra


async def quiet(ctx: Context, org_id: int | None) -> None:
    """The households of the secretary's cell `org_id` nobody helped for 3 months."""
    assert ctx.member is not None
    if org_id is None or org_id not in {c.id for c in await led_cells(ctx.session, ctx.member.id)}:
        ctx.reprompt()
        return
    found = await quiet_households(ctx.session, org_id, ctx.month)
    record_audit(
        ctx.session,
        at=ctx.now,
        actor_member_id=ctx.member.id,
        action="viewed_quiet_households",
        subject_type="organisation",
        subject_id=org_id,
        households=len(found),
    )
    lines = [ctx._("Households nobody helped for 3 months ({count}):").format(count=len(found))]
    for number, house in enumerate(found, 1):
        last = (
            ctx._("last deed {date}").format(date=ctx.date_text(house.last_deed))
            if house.last_deed
            else ctx._("no deed ever")
        )
        lines.append(
            ctx._("{number}. {code} {head} — in charge: {member}; {last}").format(
                number=number,
                code=house.code,
                head=house.head_name,
                member=house.in_charge,
                last=last,
            )
        )
    ctx.finish()
    ctx.say("\n".join(lines))


async def proposals(ctx: Context) -> None:
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
