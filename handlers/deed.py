"""/viectot: report a good deed for one of my households or the community; edit or withdraw.

Steps: action (only when I already reported this month) -> household -> category -> text
-> photo -> confirm (-> month, across a month's end). Editing and withdrawing: deed_edit.py.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from bot.core.i18n import N_
from bot.core.messages import Choice
from bot.core.text import clean
from bot.services.deeds import (
    DeedDraft,
    count_month_reports,
    household_label,
    month_reports,
    record_deed,
)
from bot.services.errors import AccessDeniedError
from bot.services.households import current_households, own_household, require_own_household
from handlers import deed_edit
from handlers.base import CANCEL, PICK_ONE, Context, StepHandler, picked
from handlers.deed_common import (
    FLOW,
    YES_WORDS,
    ReportDraft,
    cancel_choice,
    member_id,
)
from handlers.labels import DEED_CATEGORY_LABELS
from models import DeedCategory

TITLE = N_("a good-deed report")
COMMUNITY = "community"


def _draft(ctx: Context) -> ReportDraft:
    return ctx.draft(ReportDraft)


def _update(ctx: Context, **changes: object) -> ReportDraft:
    draft = replace(_draft(ctx), **changes)  # type: ignore[arg-type]
    ctx.keep(draft)
    return draft


def _draft_month(ctx: Context) -> date:
    return _draft(ctx).month or ctx.month


async def start(ctx: Context, args: str) -> None:
    """/viectot: begin a report, or offer to edit/withdraw when this month has reports."""
    photos = tuple((ctx.message.channel, p.file_ref) for p in ctx.message.photos)
    reports = await month_reports(ctx.session, member_id(ctx), ctx.month)
    ctx.state = None
    if reports:
        ctx.ask(
            FLOW,
            "action",
            ctx._(
                "You have reported {count} good deed(s) for {month}. What would you like to do?"
            ).format(count=len(reports), month=ctx.month_text()),
            (
                Choice("new", ctx._("Report another good deed")),
                Choice("edit", ctx._("Change a report of this month")),
                Choice("withdraw", ctx._("Withdraw a report of this month")),
                cancel_choice(ctx),
            ),
        )
    else:
        await _ask_household(ctx)
    ctx.keep(ReportDraft(month=ctx.month, photos=photos, text=clean(args)))


async def _ask_household(ctx: Context) -> None:
    households = await current_households(ctx.session, member_id(ctx))
    choices = [Choice(f"h:{h.id}", household_label(h)) for h in households]
    choices.append(Choice(COMMUNITY, ctx._("For the community (not one household)")))
    choices.append(cancel_choice(ctx))
    prompt = (
        ctx._("Who was the good deed for? Choose one of your households:")
        if households
        else ctx._("You have no households assigned yet. Was the good deed for the community?")
    )
    ctx.ask(FLOW, "household", prompt, tuple(choices))


async def _on_action(ctx: Context) -> None:
    if ctx.choice == "new":
        await _ask_household(ctx)
    elif ctx.choice in ("edit", "withdraw"):
        _update(ctx, mode=ctx.choice)
        await deed_edit.ask_pick(ctx)
    elif ctx.choice == CANCEL:
        await ctx.registry.require("huy").run(ctx, "")
    else:
        ctx.reprompt(ctx._(PICK_ONE))


async def _on_household(ctx: Context) -> None:
    if ctx.choice == CANCEL:
        await ctx.registry.require("huy").run(ctx, "")
        return
    if ctx.choice == COMMUNITY:
        draft = _update(ctx, household_id=None, household_label="")
    elif ctx.choice is not None and ctx.choice.startswith("h:"):
        household_id = int(ctx.choice.removeprefix("h:"))
        household = await require_own_household(ctx.session, member_id(ctx), household_id)
        draft = _update(ctx, household_id=household_id, household_label=household_label(household))
    else:
        ctx.reprompt(ctx._(PICK_ONE))
        return
    if draft.category is not None and draft.text:
        await _ask_confirm(ctx)  # re-chosen after a reassignment: the rest is already there
        return
    choices = tuple(
        Choice(f"cat:{category.value}", ctx._(label))
        for category, label in DEED_CATEGORY_LABELS.items()
    )
    ctx.ask(FLOW, "category", ctx._("What kind of help was it?"), (*choices, cancel_choice(ctx)))


async def _on_category(ctx: Context) -> None:
    category = await picked(ctx, "cat:")
    if category is None:
        return
    draft = _update(ctx, category=DeedCategory(category))
    if draft.text:
        await _after_text(ctx)
    else:
        _ask_text(ctx)


def _ask_text(ctx: Context) -> None:
    ctx.ask(
        FLOW,
        "text",
        ctx._("Please describe the good deed in a few sentences (what you did, when, for whom)."),
    )


def _take_photos(ctx: Context) -> None:
    if ctx.message.photos:
        added = tuple((ctx.message.channel, p.file_ref) for p in ctx.message.photos)
        _update(ctx, photos=_draft(ctx).photos + added)


def _keeping_photos(step: StepHandler) -> StepHandler:
    """A report step that first keeps any photo that came with the message, whatever the
    step expects (albums arrive as several messages; photos come when they come)."""

    async def run(ctx: Context) -> None:
        _take_photos(ctx)
        await step(ctx)

    return run


async def _on_text(ctx: Context) -> None:
    text = clean(ctx.message.text)
    if not text:
        ctx.reprompt(
            ctx._("Photo received. Now please write a few words about the good deed.")
            if ctx.message.photos
            else ctx._("Please write a few words about the good deed.")
        )
        return
    _update(ctx, text=text)
    await _after_text(ctx)


async def _after_text(ctx: Context) -> None:
    if _draft(ctx).photos or _draft(ctx).photo_asked:
        await _ask_confirm(ctx)
        return
    ctx.ask(
        FLOW,
        "photo",
        ctx._('Do you have a photo of it? Send it now, or choose "No photo".'),
        (Choice("skip", ctx._("No photo")), cancel_choice(ctx)),
    )


async def _on_photo(ctx: Context) -> None:
    if ctx.choice == CANCEL:
        await ctx.registry.require("huy").run(ctx, "")
    elif ctx.message.photos or ctx.choice == "skip":
        _update(ctx, photo_asked=True)
        await _ask_confirm(ctx)
    else:
        ctx.reprompt(ctx._('Please send a photo, or choose "No photo".'))


async def _household_still_mine(ctx: Context) -> bool:
    """False (and the household question asked again) when the chosen household was
    reassigned while the member was writing."""
    household_id = _draft(ctx).household_id
    if household_id is None or await own_household(ctx.session, member_id(ctx), household_id):
        return True
    await _household_taken_away(ctx)
    return False


async def _household_taken_away(ctx: Context) -> None:
    ctx.say(ctx._("That household is no longer assigned to you. Your text is kept."))
    await _ask_household(ctx)


async def _ask_confirm(ctx: Context) -> None:
    if not await _household_still_mine(ctx):
        return
    draft = _draft(ctx)
    if draft.category is None:  # e.g. an older version's draft: ask rather than guess
        await _ask_household(ctx)
        return
    summary = ctx._(
        "Please check your good-deed report for {month}:\n"
        "For: {household}\nKind: {category}\nWhat you did: {text}\nPhotos: {photos}\n"
        "Send it?"
    ).format(
        month=ctx.month_text(_draft_month(ctx)),
        household=draft.household_label or ctx._("the community"),
        category=ctx._(DEED_CATEGORY_LABELS[draft.category]),
        text=draft.text,
        photos=len(draft.photos),
    )
    choices = (
        Choice("send", ctx._("Send the report"), YES_WORDS),
        Choice("rewrite", ctx._("Rewrite the description")),
        cancel_choice(ctx),
    )
    ctx.ask(FLOW, "confirm", summary, choices)


async def _on_confirm(ctx: Context) -> None:
    if ctx.choice == "rewrite":
        _ask_text(ctx)
    elif ctx.choice == CANCEL:
        await ctx.registry.require("huy").run(ctx, "")
    elif ctx.choice == "send":
        await _send(ctx)
    elif ctx.message.photos:
        await _ask_confirm(ctx)
    else:
        ctx.reprompt(ctx._(PICK_ONE))


async def _send(ctx: Context) -> None:
    draft = _draft(ctx)
    month = _draft_month(ctx)
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
    deed = DeedDraft(
        month=month,
        household_id=draft.household_id,
        category=draft.category,
        text=draft.text,
        photos=draft.photos,
    )
    try:
        await record_deed(
            ctx.session,
            member_id(ctx),
            deed,
            ctx.message.source_key,
            ctx.now,
            ctx.max_text_length,
        )
    except AccessDeniedError:  # reassigned while the member was confirming
        await _household_taken_away(ctx)
        return
    count = await count_month_reports(ctx.session, member_id(ctx), month)
    ctx.finish()
    assert ctx.member is not None
    ctx.say(
        ctx._(
            "Thank you, comrade {name}! Your good deed for {month} is recorded "
            "({count} this month). Send /toi to see your month."
        ).format(name=ctx.member.full_name, month=ctx.month_text(month), count=count)
    )


async def _on_month(ctx: Context) -> None:
    month = await picked(ctx, "m:")
    if month is not None:
        _update(ctx, month=date.fromisoformat(month), month_confirmed=True)
        await _send(ctx)


STEPS = {
    "action": _keeping_photos(_on_action),
    "household": _keeping_photos(_on_household),
    "category": _keeping_photos(_on_category),
    "text": _keeping_photos(_on_text),
    "photo": _keeping_photos(_on_photo),
    "confirm": _keeping_photos(_on_confirm),
    "month": _keeping_photos(_on_month),
    "pick": deed_edit.on_pick,
    "edit_text": deed_edit.on_edit_text,
    "withdraw_confirm": deed_edit.on_withdraw_confirm,
}
