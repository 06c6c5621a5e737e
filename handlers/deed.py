"""/viectot: report a good deed in one line and a few taps; edit or withdraw one.

"bao cao giúp bà Phượng sửa mái nhà" names the household (head's name, code, "hộ thứ hai")
and the kind is guessed from the words; only what is missing is asked — household, then
description, then kind — and one confirm tap shows what will be saved. Photos and voice
notes are kept whenever they come; nobody is asked for one. Editing and withdrawing:
deed_edit.py; reporting for a member who cannot: on_behalf.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from bot.core.choices import YES
from bot.core.i18n import N_
from bot.core.messages import Choice
from bot.core.text import clean
from bot.services.deeds import count_month_reports, household_label
from bot.services.households import (
    HouseholdRef,
    current_households,
    own_household,
    require_own_household,
)
from handlers import deed_edit, deed_send
from handlers.base import CANCEL, PICK_ONE, Context, StepHandler, picked
from handlers.deed_common import FLOW, ReportDraft, cancel_choice, member_id
from handlers.deed_guess import COMMUNITY, find_household, guess_kind, names_community
from handlers.labels import DEED_CATEGORY_LABELS
from models import DeedCategory

TITLE = N_("a good-deed report")
DESCRIPTION_WORDS = 5  # this many words at the household question are the description


def draft_of(ctx: Context) -> ReportDraft:
    """The report being written."""
    return ctx.draft(ReportDraft)


def update(ctx: Context, **changes: object) -> ReportDraft:
    """Change the report being written."""
    draft = replace(draft_of(ctx), **changes)  # type: ignore[arg-type]
    ctx.keep(draft)
    return draft


def media_of(ctx: Context) -> dict[str, object]:
    """The photos and voice note that came with the message, added to the draft's."""
    draft = draft_of(ctx) if ctx.state is not None else ReportDraft()
    channel = ctx.message.channel
    voice = ctx.message.voice
    return {
        "photos": draft.photos + tuple((channel, p.file_ref) for p in ctx.message.photos),
        "voices": draft.voices
        + (((channel, voice.file_ref, voice.kind or "voice"),) if voice is not None else ()),
    }


async def start(ctx: Context, args: str) -> None:
    """/viectot [what I did]: begin a report; what the line says is not asked again. A
    photo with no caption soon after a report is first asked about (more_evidence.py)."""
    from handlers import more_evidence  # it builds on this module

    media = ctx.message.photos or ctx.message.voice is not None
    if media and not args and await more_evidence.photo_after_report(ctx):
        return
    begin(ctx, ReportDraft(month=ctx.month, who_pending=True, text=clean(args)))
    await ask_next(ctx)


def begin(ctx: Context, draft: ReportDraft) -> None:
    """Start the report flow with `draft` and whatever came with the message."""
    ctx.begin(FLOW, draft)
    update(ctx, **media_of(ctx))


async def ask_next(ctx: Context, checked: bool = False) -> None:
    """Ask what the report still lacks, or show it for sending. `checked`: the draft's
    household was found among the member's own in this message's transaction already."""
    draft = draft_of(ctx)
    households: list[HouseholdRef] | None = None
    if draft.who_pending and draft.text:
        households = await current_households(ctx.session, member_id(ctx))
        found = find_household(draft.text, households)
        if found is not None:
            draft = update(
                ctx,
                household_id=found.id,
                household_label=household_label(found),
                who_pending=False,
            )
            checked = True
        elif names_community(draft.text):
            draft = update(ctx, household_id=None, household_label="", who_pending=False)
    if draft.category is None and draft.text:
        kind = guess_kind(draft.text)
        if kind is not None:
            draft = update(ctx, category=kind, kind_guessed=True)
    if draft.who_pending:
        await ask_household(ctx, households)
    elif not draft.text and not draft.voices:
        ask_text(ctx)
    elif draft.category is None:
        ask_kind(ctx)
    else:
        await ask_confirm(ctx, checked)


async def ask_household(ctx: Context, households: Sequence[HouseholdRef] | None = None) -> None:
    """Which household (or the community); for one's own reports, also change or withdraw.
    `households`: the member's current ones, when this message's transaction read them."""
    draft = draft_of(ctx)
    if households is None:
        households = await current_households(ctx.session, member_id(ctx))
    choices = [Choice(f"h:{h.id}", household_label(h)) for h in households]
    choices.append(Choice(COMMUNITY, ctx._("For the community (not one household)")))
    fresh = not draft.for_member_id and not draft.text and not draft.category
    if fresh and await count_month_reports(ctx.session, member_id(ctx), ctx.month):
        choices.append(Choice("edit", ctx._("Change a report of this month")))
        choices.append(Choice("withdraw", ctx._("Withdraw a report of this month")))
    choices.append(cancel_choice(ctx))
    if draft.for_member_id:
        prompt = ctx._("Who was the good deed of {name} for?").format(name=draft.for_member_name)
    elif households:
        prompt = ctx._("Who was the good deed for? Choose one of your households:")
    else:
        prompt = ctx._("You have no households assigned yet. Was the good deed for the community?")
    ctx.ask(FLOW, "household", prompt, tuple(choices))


def ask_text(ctx: Context) -> None:
    """The description: a line of text, or a voice note."""
    ctx.ask(
        FLOW,
        "text",
        ctx._("Please describe the good deed in a few words (what you did, for whom).")
        + "\n"
        + ctx._("You can also send a voice message instead."),
    )


def ask_kind(ctx: Context) -> None:
    """What kind of help it was."""
    choices = tuple(
        Choice(f"cat:{category.value}", ctx._(label))
        for category, label in DEED_CATEGORY_LABELS.items()
    )
    ctx.ask(FLOW, "category", ctx._("What kind of help was it?"), (*choices, cancel_choice(ctx)))


async def _on_household(ctx: Context) -> None:
    if ctx.choice == CANCEL:
        await ctx.registry.require("huy").run(ctx, "")
    elif ctx.choice in ("edit", "withdraw"):
        update(ctx, mode=ctx.choice)
        await deed_edit.ask_pick(ctx)
    elif ctx.choice == COMMUNITY:
        update(ctx, household_id=None, household_label="", who_pending=False)
        await ask_next(ctx)
    elif ctx.choice is not None and ctx.choice.startswith("h:"):
        household = await require_own_household(
            ctx.session, member_id(ctx), int(ctx.choice.removeprefix("h:"))
        )
        update(
            ctx,
            household_id=household.id,
            household_label=household_label(household),
            who_pending=False,
        )
        await ask_next(ctx, checked=True)
    elif len(clean(ctx.message.text).split()) >= DESCRIPTION_WORDS and not draft_of(ctx).text:
        # The description typed here: kept, and searched for the household it names.
        text = clean(ctx.message.text)
        update(ctx, text=text)
        households = await current_households(ctx.session, member_id(ctx))
        if find_household(text, households) is None and not names_community(text):
            ctx.reprompt(ctx._("Your description is kept. Which household was it for?"))
            return
        await ask_next(ctx)
    else:
        ctx.reprompt(ctx._(PICK_ONE))


async def _on_text(ctx: Context) -> None:
    text = clean(ctx.message.text)
    if not text and ctx.message.voice is None:
        ctx.reprompt(ctx._("Please write a few words about the good deed."))
        return
    draft = draft_of(ctx)
    regrade = draft.kind_guessed and bool(text)  # a guessed kind follows the new words
    update(ctx, text=text, category=None if regrade else draft.category)
    await ask_next(ctx)


async def _on_category(ctx: Context) -> None:
    category = await picked(ctx, "cat:")
    if category is not None:
        update(ctx, category=DeedCategory(category), kind_guessed=False)
        await ask_next(ctx)


async def _household_still_theirs(ctx: Context) -> bool:
    """False (and the household question asked again) when the chosen household was
    reassigned while the report was being written."""
    household_id = draft_of(ctx).household_id
    if household_id is None or await own_household(ctx.session, member_id(ctx), household_id):
        return True
    await household_taken_away(ctx)
    return False


async def household_taken_away(ctx: Context) -> None:
    """Say so, keep the rest, ask the household again."""
    ctx.say(ctx._("That household is no longer assigned to you. Your text is kept."))
    update(ctx, household_id=None, household_label="", who_pending=True)
    await ask_household(ctx)


async def ask_confirm(ctx: Context, checked: bool = False) -> None:
    """Show what will be saved; one tap sends it. Unless `checked` (the household was found
    among the member's own in this transaction), the household is checked to be theirs still."""
    draft = draft_of(ctx)
    if draft.category is None or draft.who_pending:  # e.g. an older version's draft
        await ask_next(ctx)
        return
    if not checked and not await _household_still_theirs(ctx):
        return
    kind = ctx._(DEED_CATEGORY_LABELS[draft.category])
    if draft.kind_guessed:
        kind += " " + ctx._('(guessed from your words; choose "Change the kind" if wrong)')
    who = draft.household_label or ctx._("the community")
    told = draft.text or ctx._("(told in a voice message)")
    lines = [
        ctx._("Please check your good-deed report for {month}:").format(
            month=ctx.month_text(_month(ctx))
        )
        if not draft.for_member_id
        else ctx._("Good-deed report of comrade {name} for {month}, entered by you:").format(
            name=draft.for_member_name, month=ctx.month_text(_month(ctx))
        ),
        ctx._("For: {household}").format(household=who),
        ctx._("Kind: {category}").format(category=kind),
        ctx._("What you did: {text}").format(text=told),
        ctx._("Photos: {photos}").format(photos=len(draft.photos))
        + (
            ", " + ctx._("voice messages: {count}").format(count=len(draft.voices))
            if draft.voices
            else ""
        )
        + ". "
        + ctx._("Photos are welcome now or after sending."),
        ctx._("Send it?"),
    ]
    choices = (
        Choice("send", ctx._("Send the report"), YES),
        Choice("kind", ctx._("Change the kind")),
        Choice("who", ctx._("Change the household")),
        Choice("rewrite", ctx._("Rewrite the description")),
        cancel_choice(ctx),
    )
    ctx.ask(FLOW, "confirm", "\n".join(lines), choices)


def _month(ctx: Context) -> date:
    return draft_of(ctx).month or ctx.month


async def _on_confirm(ctx: Context) -> None:
    if ctx.choice == "send":
        await deed_send.send(ctx)
    elif ctx.choice == "kind":
        ask_kind(ctx)
    elif ctx.choice == "who":
        update(ctx, who_pending=True)
        await ask_household(ctx)
    elif ctx.choice == "rewrite":
        ask_text(ctx)
    elif ctx.choice == CANCEL:
        await ctx.registry.require("huy").run(ctx, "")
    else:
        ctx.reprompt(ctx._(PICK_ONE))


async def _on_month(ctx: Context) -> None:
    month = await picked(ctx, "m:")
    if month is not None:
        update(ctx, month=date.fromisoformat(month), month_confirmed=True)
        await deed_send.send(ctx)


async def _on_old_step(ctx: Context) -> None:
    """Steps of earlier versions ("action", "photo"): go on with what is missing."""
    if ctx.choice == CANCEL:
        await ctx.registry.require("huy").run(ctx, "")
        return
    if ctx.state is not None and ctx.state.step == "action" and ctx.choice in ("edit", "withdraw"):
        await _on_household(ctx)
        return
    await ask_next(ctx)


def _keeping_media(step: StepHandler) -> StepHandler:
    """A report step that first keeps any photo or voice note that came with the message,
    whatever the step expects (albums arrive as several messages; photos come when they
    come). Media alone answers no question: it is acknowledged and the question stands,
    except a voice note where the description is asked."""

    async def run(ctx: Context) -> None:
        media = ctx.message.photos or ctx.message.voice is not None
        if media:
            update(ctx, **media_of(ctx))
        describing = ctx.state is not None and ctx.state.step == "text"
        if media and not clean(ctx.message.text) and ctx.choice is None and not describing:
            draft = draft_of(ctx)
            note = ctx._("Received: {photos} photo(s), {voices} voice message(s).").format(
                photos=len(draft.photos), voices=len(draft.voices)
            )
            ctx.say(note)  # the question above still stands; the summary shows the count
            if ctx.state is not None and ctx.state.step == "confirm":
                await ask_confirm(ctx)
            return
        await step(ctx)

    return run


STEPS = {
    "household": _keeping_media(_on_household),
    "text": _keeping_media(_on_text),
    "category": _keeping_media(_on_category),
    "confirm": _keeping_media(_on_confirm),
    "month": _keeping_media(_on_month),
    "action": _keeping_media(_on_old_step),
    "photo": _keeping_media(_on_old_step),
    "pick": deed_edit.on_pick,
    "edit_text": deed_edit.on_edit_text,
    "edit_confirm": deed_edit.on_edit_confirm,
    "withdraw_confirm": deed_edit.on_withdraw_confirm,
}
