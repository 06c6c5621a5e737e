"""Editing or withdrawing one's own good-deed reports of this month (steps of /viectot):
pick -> edit_text, or pick -> withdraw_confirm."""

from __future__ import annotations

from dataclasses import replace

from bot.core.choices import NO, YES
from bot.core.i18n import N_
from bot.core.messages import Choice
from bot.core.text import clean, shorten
from bot.services.deeds import DeedView, edit_deed, month_reports, withdraw_deed
from bot.services.errors import NotFoundError
from handlers.base import PICK_ONE, Context, picked
from handlers.deed_common import FLOW, ReportDraft, cancel_choice, member_id


def _report_label(ctx: Context, report: DeedView) -> str:
    return f"{ctx.date_text(report.created_at)}: {shorten(report.text, 40)}"


async def ask_pick(ctx: Context) -> None:
    reports = await month_reports(ctx.session, member_id(ctx), ctx.month)
    if not reports:
        ctx.finish()
        ctx.say(ctx._("You have no reports this month to change."))
        return
    choices = tuple(Choice(f"r:{r.id}", _report_label(ctx, r)) for r in reports)
    prompt = (
        ctx._("Which report do you want to change?")
        if ctx.draft(ReportDraft).mode == "edit"
        else ctx._("Which report do you want to withdraw?")
    )
    ctx.ask(FLOW, "pick", prompt, (*choices, cancel_choice(ctx)))


async def on_pick(ctx: Context) -> None:
    chosen = await picked(ctx, "r:")
    if chosen is None:
        return
    draft = replace(ctx.draft(ReportDraft), report_id=int(chosen))
    ctx.keep(draft)
    if draft.mode == "edit":
        ctx.ask(FLOW, "edit_text", ctx._("Please write the new description."))
    else:
        ctx.ask(
            FLOW,
            "withdraw_confirm",
            ctx._("Withdraw this report? It will no longer count for {month}.").format(
                month=ctx.month_text()
            ),
            (
                Choice("yes", ctx._("Yes, withdraw it"), YES),
                Choice("no", ctx._("No, keep it"), NO),
            ),
        )


async def on_edit_text(ctx: Context) -> None:
    text = clean(ctx.message.text)
    if not text:
        ctx.reprompt(ctx._("Please write a few words about the good deed."))
        return
    draft = ctx.draft(ReportDraft)
    report = next(
        (
            r
            for r in await month_reports(ctx.session, member_id(ctx), ctx.month)
            if r.id == draft.report_id
        ),
        None,
    )
    if report is None:  # withdrawn meanwhile, or the month ended while the member typed
        ctx.finish()
        ctx.say(ctx._("That report cannot be changed: only your own reports of this month can."))
        return
    ctx.keep(replace(draft, new_text=text))
    # What was saved is replaced only once the member has seen both.
    ctx.ask(
        FLOW,
        "edit_confirm",
        ctx._("Replace the description\n“{old}”\nwith\n“{new}”?").format(
            old=report.text, new=text
        ),
        (
            Choice("yes", ctx._("Yes, replace it"), YES),
            Choice("no", ctx._("No, keep it as it was"), NO),
        ),
    )


async def on_edit_confirm(ctx: Context) -> None:
    if not ctx.confirmed(N_("All right, the report stays as it was.")):
        return
    draft = ctx.draft(ReportDraft)
    ctx.finish()
    try:
        await edit_deed(
            ctx.session,
            member_id=member_id(ctx),
            report_id=draft.report_id,
            text=draft.new_text,
            month=ctx.month,
            now=ctx.now,
            max_length=ctx.max_text_length,
        )
    except NotFoundError as error:  # e.g. the month ended while the member was deciding
        ctx.say(error.render(ctx.t))
        return
    ctx.say(ctx._("Your report has been changed."))


async def on_withdraw_confirm(ctx: Context) -> None:
    if ctx.choice == "yes":
        report_id = ctx.draft(ReportDraft).report_id
        ctx.finish()
        try:
            await withdraw_deed(ctx.session, member_id(ctx), report_id, ctx.month, ctx.now)
        except NotFoundError as error:
            ctx.say(error.render(ctx.t))
            return
        ctx.say(ctx._("Your report has been withdrawn."))
    elif ctx.choice == "no":
        ctx.finish()
        ctx.say(ctx._("All right, the report stays as it was."))
    else:
        ctx.reprompt(ctx._(PICK_ONE))
