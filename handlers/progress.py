"""/tiendo: a secretary records a household's progress (hygienic toilet and bathroom, waste
incinerator, hardened floor) with the date it was reached."""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.core.i18n import N_
from bot.core.messages import Choice
from bot.reports.summary_text import PROGRESS_LABELS
from bot.services.errors import AccessDeniedError
from bot.services.oversight import LEADERS_ONLY, is_leader
from bot.services.progress import household_flags, parse_past_date, record_progress
from bot.services.roster.history import household_in_scope
from handlers.base import PICK_ONE, Context
from handlers.flow_state import Draft
from models import ProgressFlag

FLOW = "progress"
TITLE = N_("a household's progress")
ASK_CODE = N_("Which household? Write its code, e.g. NL-012.")


@dataclass(frozen=True)
class ProgressDraft(Draft):
    """The household being recorded, and the flag and its new state once chosen."""

    code: str = ""
    flag: ProgressFlag | None = None
    achieved: bool = False


async def start(ctx: Context, args: str) -> None:
    """/tiendo [CODE]: which household, then which flag and from when."""
    assert ctx.member is not None
    if not await is_leader(ctx.session, ctx.member.id):
        raise AccessDeniedError(LEADERS_ONLY)
    ctx.begin(FLOW, ProgressDraft())
    if args.strip():
        await _show(ctx, args.strip())
        return
    ctx.ask(FLOW, "code", ctx._(ASK_CODE))


async def _on_code(ctx: Context) -> None:
    await _show(ctx, ctx.message.text.strip())


async def _show(ctx: Context, code: str, note: str = "") -> None:
    """The household's flags, with a choice to change each."""
    household, holder = await household_in_scope(ctx.session, ctx.member, code)
    flags = await household_flags(ctx.session, household.id)
    lines = [note] if note else []
    lines.append(
        ctx._("{code} {head} (in charge: {holder}):").format(
            code=household.code,
            head=household.head_name,
            holder=holder.full_name if holder is not None else ctx._("nobody"),
        )
    )
    choices = []
    for state in flags:
        label = ctx._(PROGRESS_LABELS[state.flag])
        if state.achieved:
            since = ctx.date_text(state.changed_on) if state.changed_on else ""
            lines.append(ctx._("• {flag}: yes, since {date}").format(flag=label, date=since))
            choices.append(
                Choice(f"off:{state.flag.value}", ctx._("{flag}: record as no").format(flag=label))
            )
        else:
            lines.append(ctx._("• {flag}: not yet").format(flag=label))
            choices.append(
                Choice(
                    f"on:{state.flag.value}", ctx._("{flag}: record as done").format(flag=label)
                )
            )
    choices.append(Choice("other", ctx._("Another household")))
    choices.append(Choice("done", ctx._("Done")))
    ctx.ask(FLOW, "flag", "\n".join(lines), tuple(choices))
    ctx.keep(ProgressDraft(code=household.code))


async def _on_flag(ctx: Context) -> None:
    choice = ctx.choice or ""
    if choice == "done":
        ctx.finish()
        ctx.say(ctx._("Saved. /tonghop shows the cell's counts."))
        return
    if choice == "other":
        ctx.ask(FLOW, "code", ctx._(ASK_CODE))
        return
    if not choice.startswith(("on:", "off:")):
        ctx.reprompt(ctx._(PICK_ONE))
        return
    state, flag = choice.split(":", 1)
    ctx.keep(replace(ctx.draft(ProgressDraft), flag=ProgressFlag(flag), achieved=state == "on"))
    label = ctx._(PROGRESS_LABELS[ProgressFlag(flag)])
    question = (
        ctx._(
            "Since when does the household have: {flag}? Write the date (e.g. {example}) "
            "or choose today."
        )
        if state == "on"
        else ctx._(
            "Since when does the household no longer have: {flag}? Write the date "
            "(e.g. {example}) or choose today."
        )
    )
    ctx.ask(
        FLOW,
        "date",
        question.format(flag=label, example=ctx.date_text(ctx.today)),
        (
            Choice("today", ctx._("Today ({date})").format(date=ctx.date_text(ctx.today))),
            Choice("back", ctx._("Back")),
        ),
    )


async def _on_date(ctx: Context) -> None:
    draft = ctx.draft(ProgressDraft)
    code = draft.code
    if ctx.choice == "back":
        await _show(ctx, code)
        return
    on = ctx.today if ctx.choice == "today" else parse_past_date(ctx.message.text, ctx.today)
    if on is None:
        ctx.reprompt(ctx._("Please write a date like 15/10/2026, or choose today."))
        return
    household, _ = await household_in_scope(ctx.session, ctx.member, code)
    flag, achieved = draft.flag, draft.achieved
    if flag is None:  # a damaged draft: choose the flag again
        await _show(ctx, code)
        return
    assert ctx.member is not None
    await record_progress(
        ctx.session,
        household_id=household.id,
        flag=flag,
        achieved=achieved,
        on=on,
        actor_member_id=ctx.member.id,
        today=ctx.today,
        now=ctx.now,
    )
    label = ctx._(PROGRESS_LABELS[flag])
    note = (
        ctx._("Recorded: {flag}, done on {date}.")
        if achieved
        else ctx._("Recorded: {flag}, no longer from {date}.")
    ).format(flag=label, date=ctx.date_text(on))
    await _show(ctx, code, note)


STEPS = {"code": _on_code, "flag": _on_flag, "date": _on_date}
