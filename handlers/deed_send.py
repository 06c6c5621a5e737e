"""Sending a report: which month it counts for across a month's end, storing it, thanks;
for a report entered on a member's behalf, the member is told."""

from __future__ import annotations

from bot.core.i18n import translator
from bot.core.messages import Choice
from bot.delivery.outbox import enqueue, preferred_address
from bot.services.deeds import DeedDraft, record_deed
from bot.services.errors import AccessDeniedError
from bot.services.evidence import require_reportable
from handlers.base import Context
from handlers.deed_common import FLOW, ReportDraft, cancel_choice, member_id


async def send(ctx: Context) -> None:
    """Store the report (asking the month first when it began last month)."""
    from handlers.deed import household_taken_away  # the steps module imports this one

    assert ctx.member is not None
    draft = ctx.draft(ReportDraft)
    month = draft.month or ctx.month
    if month != ctx.month and not draft.month_confirmed:
        # Begun last month, sent this month: the member says which month the deed counts for.
        ctx.ask(
            FLOW,
            "month",
            ctx._("A new month has begun. Which month does this good deed count for?"),
            (
                Choice(f"m:{month.isoformat()}", ctx.month_text(month)),
                Choice(f"m:{ctx.month.isoformat()}", ctx.month_text()),
                cancel_choice(ctx),
            ),
        )
        return
    assert draft.category is not None  # checked when the report was shown for confirming
    on_behalf = draft.for_member_id != 0
    if on_behalf:  # still their secretary or deputy? (roles may have changed meanwhile)
        await require_reportable(ctx.session, ctx.member.id, draft.for_member_id)
    deed = DeedDraft(
        month=month,
        household_id=draft.household_id,
        category=draft.category,
        text=draft.text,
        photos=draft.photos,
        voices=draft.voices,
        entered_by=ctx.member.id if on_behalf else None,
    )
    try:
        report = await record_deed(
            ctx.session,
            member_id=member_id(ctx),
            draft=deed,
            source_key=ctx.message.source_key,
            now=ctx.now,
            max_length=ctx.max_text_length,
        )
    except AccessDeniedError:  # reassigned while the member was confirming
        await household_taken_away(ctx)
        return
    count = report.month_count
    ctx.finish()
    if on_behalf:
        told = await _tell_member(ctx, draft, report.id)
        ctx.say(
            ctx._(
                "Recorded: the good deed of comrade {name} for {month}, entered by you "
                "({count} this month)."
            ).format(name=draft.for_member_name, month=ctx.month_text(month), count=count)
            + " "
            + (ctx._("They have been told.") if told else ctx._("They have no chat to tell."))
        )
        return
    ctx.say(
        ctx._(
            "Thank you, comrade {name}! Your good deed for {month} is recorded "
            "({count} this month). Send /toi to see your month."
        ).format(name=ctx.member.full_name, month=ctx.month_text(month), count=count)
        + "\n"
        + ctx._("Forgot a photo? Send it now: it will be added to this report.")
    )


async def _tell_member(ctx: Context, draft: ReportDraft, report_id: int) -> bool:
    """Tell the member (if they have a chat) that a report was entered for them."""
    assert ctx.member is not None
    if await preferred_address(ctx.session, draft.for_member_id) is None:
        return False
    from models import Member

    member = await ctx.session.get(Member, draft.for_member_id)
    t = translator((member.language if member else None) or ctx.default_language)
    text = t.gettext(
        "Comrade {secretary} has reported a good deed for you ({month}): {text}. If something "
        "is not right, please tell your secretary."
    ).format(
        secretary=ctx.member.full_name,
        month=ctx.month_text(draft.month or ctx.month),
        text=draft.text or t.gettext("(told in a voice message)"),
    )
    await enqueue(
        ctx.session,
        cause=f"on-behalf:{report_id}",
        member_id=draft.for_member_id,
        text=text,
        choices=(),
        now=ctx.now,
    )
    return True
