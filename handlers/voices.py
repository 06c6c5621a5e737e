"""Voice reports, from /tonghop: the secretary picks one, listens to it and confirms it."""

from __future__ import annotations

from bot.core.i18n import N_
from bot.core.messages import Attachment, Choice, OutboundMessage
from bot.core.text import shorten
from bot.services.evidence import confirm_report, voice_reports
from handlers.base import CANCEL, PICK_ONE, Context, picked

FLOW = "voices"
TITLE = N_("the voice reports")
SHOWN = 20


async def show(ctx: Context) -> None:
    """The month's reports told by voice in the sender's cells, unconfirmed first."""
    assert ctx.member is not None
    found = await voice_reports(ctx.session, ctx.member.id, ctx.month)
    if not found:
        ctx.finish()
        ctx.say(ctx._("No voice report this month."))
        return
    choices = tuple(
        Choice(
            f"v:{report.id}",
            ("✓ " if report.confirmed else "")
            + f"{report.member}, {ctx.date_text(report.created_at)}"
            + (f" ({report.household})" if report.household else ""),
        )
        for report in found[:SHOWN]
    )
    ctx.ask(
        FLOW,
        "pick",
        ctx._("Voice reports of {month} (✓ = confirmed). Choose one to listen to it:").format(
            month=ctx.month_text()
        ),
        (*choices, Choice(CANCEL, ctx._("Close"))),
    )


async def _on_pick(ctx: Context) -> None:
    assert ctx.member is not None
    if ctx.choice is not None and ctx.choice.startswith("ok:"):
        await confirm_report(ctx.session, ctx.member.id, int(ctx.choice[3:]), ctx.now)
        ctx.say(ctx._("Confirmed. Thank you."))
        await show(ctx)
        return
    chosen = await picked(ctx, "v:")
    if chosen is None:
        return
    found = await voice_reports(ctx.session, ctx.member.id, ctx.month)
    report = next((r for r in found if r.id == int(chosen)), None)
    if report is None:
        ctx.reprompt(ctx._(PICK_ONE))
        return
    for channel, file_ref, kind in report.voices:
        ctx.replies.append(
            OutboundMessage(
                f"{report.member}: {shorten(report.text, 200)}" if report.text else report.member,
                voice=Attachment(file_ref, kind=kind) if channel == ctx.message.channel else None,
            )
        )
    others = [c for c, _, _ in report.voices if c != ctx.message.channel]
    if others:
        ctx.say(
            ctx._("This recording was sent on {channel}: listen to it there.").format(
                channel=others[0]
            )
        )
    state = ctx.state
    choices = tuple(c for c in state.choices if c.key.startswith("v:")) if state else ()
    confirm = (
        () if report.confirmed else (Choice(f"ok:{report.id}", ctx._("Confirm this report")),)
    )
    ctx.ask(
        FLOW,
        "pick",
        ctx._("Confirm the report of {name}, or listen to another:").format(name=report.member),
        (*confirm, *choices, Choice(CANCEL, ctx._("Close"))),
    )


STEPS = {"pick": _on_pick}
