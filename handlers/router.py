"""Routes one inbound message: commands first, then the flow under way, then free text."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.core.i18n import N_
from bot.core.messages import Choice
from bot.core.text import clean, fold
from bot.delivery.outbox import latest_offer
from bot.services.broadcasts import ACK_PREFIX, acknowledge_broadcast, acknowledge_latest
from bot.services.identity import looks_like_code
from bot.services.meetings.texts import RSVP_PREFIX
from bot.services.oversight import is_leader
from handlers import meetings
from handlers.base import Command, Context

_COMMAND = re.compile(r"^/([^\s@]+)(?:@\S+)?\s*(.*)$", re.DOTALL)
_NUMBER = re.compile(r"^(?:so\s*)?(\d{1,2})[.)]?$")
_CANCEL_WORDS = frozenset({"huy", "cancel", "thoat", "thoi", "dung lai", "huy bo"})
# A flow left untouched this long is dropped (with a word to the person) rather than resumed:
# a reply days later is more likely a new matter than the answer to the old question.
STALE_AFTER = timedelta(days=2)
OFFER_LASTS = timedelta(days=3)  # how long a typed number may answer a delivered message
ACK_WORDS = frozenset({"da nhan", "nhan duoc", "da nhan duoc", "received"})
ATTEND_WORDS = frozenset({"co tham du", "se tham du", "tham du", "toi se den", "co di"})
ABSENT_WORDS = frozenset({"khong tham du", "vang mat", "khong di duoc", "khong den duoc"})
LIGHT_STALE_AFTER = timedelta(hours=1)

STRANGER_TEXT = N_(
    "Hello! This chat is not linked to a Party member yet.\n"
    "Please send /start followed by the invite code your cell secretary gave you, "
    "for example: /start AB12CD"
)


def parse_command(text: str) -> tuple[str, str] | None:
    """("viectot", "rest") for "/viectot rest" or "/ViệcTốt@chibo_bot rest"; None otherwise."""
    match = _COMMAND.match(text)
    if match is None:
        return None
    return fold(match.group(1)), match.group(2).strip()


def resolve_choice(text: str, choices: tuple[Choice, ...]) -> str | None:
    """The key of the choice a typed reply means: its number, or its label with or without
    tone marks (a unique prefix of at least three letters is enough)."""
    folded = fold(text).strip(" .!")
    if not folded:
        return None
    number = _NUMBER.match(folded)
    if number is not None:
        index = int(number.group(1)) - 1
        return choices[index].key if 0 <= index < len(choices) else None
    labels = [(fold(c.label), c.key) for c in choices]
    for label, key in labels:
        if folded == label:
            return key
    for choice in choices:
        if folded in choice.aliases:
            return choice.key
    if len(folded) >= 3:
        hits = [key for label, key in labels if label.startswith(folded) or f" {folded}" in label]
        if len(hits) == 1:
            return hits[0]
    return None


async def route(ctx: Context) -> None:
    """Handle `ctx.message`, adding replies and updating `ctx.state`."""
    _drop_stale_or_orphan_flow(ctx)
    text = clean(ctx.message.text)
    if len(text) > ctx.max_text_length:
        ctx.reprompt(
            ctx._(
                "Your message is {length} characters long; I can take at most {limit}. "
                "Please shorten it and send it again — nothing was lost."
            ).format(length=len(text), limit=ctx.max_text_length)
        )
        return
    if ctx.message.unsupported:
        ctx.reprompt(
            ctx._("Sorry, I cannot read this kind of message. Please send text or a photo.")
        )
        return
    if ctx.message.contact is not None:
        await ctx.registry.require("start").run(ctx, "")
        return
    if ctx.member is not None and (ctx.message.choice or "").startswith(ACK_PREFIX):
        await _acknowledge(ctx, ctx.message.choice or "")
        ctx.reprompt()
        return
    if ctx.member is not None and (ctx.message.choice or "").startswith(RSVP_PREFIX):
        # A reminder's "I will attend" button: answered whatever the chat is doing. An open
        # menu (/lich itself) is no task to come back to.
        flow = ctx.registry.flows.get(ctx.state.flow) if ctx.state is not None else None
        if ctx.state is not None and (flow is None or flow.light):
            ctx.finish()
        before = ctx.state
        await meetings.rsvp_choice(ctx, ctx.message.choice or "")
        if before is not None and ctx.state is before:
            ctx.reprompt()
        return
    parsed = parse_command(text)
    if parsed is not None:
        await _run_command(ctx, *parsed)
    elif ctx.state is not None:
        await _continue_flow(ctx, text)
    elif ctx.member is None:
        await _stranger(ctx, text)
    else:
        await _free_text(ctx, text)


def _drop_stale_or_orphan_flow(ctx: Context) -> None:
    state = ctx.state
    if state is None:
        return
    if ctx.member is None:  # unlinked (e.g. transferred out) mid-flow: nothing to resume
        ctx.finish()
        return
    flow = ctx.registry.flows.get(state.flow)
    if flow is not None and (state.unreadable or state.step not in flow.steps):
        # Saved by an older version in a shape this one cannot continue: said, not guessed.
        ctx.finish()
        ctx.say(
            ctx._(
                "Sorry, I could not resume {title} that you began on {date}: the bot has been "
                "updated since. Nothing from it was saved; please start it again."
            ).format(title=ctx._(flow.title), date=ctx.date_text(state.updated_at or ctx.now))
        )
        return
    light = flow is None or flow.light
    age = ctx.now - state.updated_at if state.updated_at is not None else timedelta(0)
    if age > (LIGHT_STALE_AFTER if light else STALE_AFTER):
        ctx.finish()
        if not light and flow is not None:
            ctx.say(
                ctx._(
                    "You left {title} unfinished on {date}; it was too long ago, so I set it "
                    "aside. Nothing from it was saved."
                ).format(title=ctx._(flow.title), date=ctx.date_text(state.updated_at or ctx.now))
            )


async def _run_command(ctx: Context, name: str, args: str) -> None:
    command = ctx.registry.command(name)
    if ctx.member is None and (command is None or not command.for_strangers):
        ctx.say_to_stranger(ctx._(STRANGER_TEXT))
        return
    if command is None:
        ctx.say(
            ctx._("I do not know the command /{name}. Send /trogiup to see what I can do.").format(
                name=name
            )
        )
        ctx.reprompt()
        return
    await run_command(ctx, command, args)


async def run_command(ctx: Context, command: Command, args: str) -> None:
    """Run `command`, keeping any flow under way unless the command itself ends it."""
    before = ctx.state
    if before is not None:
        flow = ctx.registry.flows.get(before.flow)
        if flow is None or flow.light:
            ctx.finish()
            before = None
    if before is not None and command.starts_flow:
        flow = ctx.registry.flows.get(before.flow)
        title = ctx._(flow.title) if flow is not None else before.flow
        ctx.reprompt(
            ctx._(
                "You are in the middle of {title}. Please finish it first, or send /huy to "
                "cancel it."
            ).format(title=title)
        )
        return
    await command.run(ctx, args)
    if before is not None and ctx.state is before:
        ctx.reprompt(ctx._("We can go on where we were:"))


async def _continue_flow(ctx: Context, text: str) -> None:
    state = ctx.state
    assert state is not None
    flow = ctx.registry.flows.get(state.flow)
    step = None if flow is None else flow.steps.get(state.step)
    if step is None:
        # A flow or step from an older version of the bot: start again rather than guess.
        ctx.finish()
        ctx.say(ctx._("Sorry, I lost track of what we were doing. Please start again."))
        return
    folded = fold(text)
    if folded in _CANCEL_WORDS and ctx.message.choice is None:
        await ctx.registry.require("huy").run(ctx, "")
        return
    keys = {c.key for c in state.choices}
    if ctx.message.choice is not None:
        if ctx.message.choice not in keys:
            ctx.reprompt(ctx._("That button belongs to an earlier question."))
            return
        ctx.choice = ctx.message.choice
    elif state.choices and text:
        ctx.choice = resolve_choice(text, state.choices)
    if flow is not None and flow.light and ctx.choice is None and not ctx.message.photos:
        # A menu left open is no question the person must answer: read them afresh.
        ctx.finish()
        await _free_text(ctx, text)
        return
    if (
        ctx.choice is None
        and state.choices
        and not ctx.message.photos
        and await _answer_to_delivered(ctx, text, by_number=False)
    ):
        # The answer to a notice or reminder that arrived mid-question (typed, as on Zalo):
        # recorded, and the question asked again. A bare number stays the question's.
        if ctx.state is state:
            ctx.reprompt()
        return
    await step(ctx)


async def _acknowledge(ctx: Context, key: str) -> None:
    """A "Received" button under a notice: recorded whatever the chat is doing."""
    assert ctx.member is not None
    broadcast_id = key.removeprefix(ACK_PREFIX)
    found = broadcast_id.isdigit() and await acknowledge_broadcast(
        ctx.session, int(broadcast_id), ctx.member.id, ctx.now
    )
    if found:
        ctx.say(ctx._("Thank you, your confirmation was recorded."))
    else:
        ctx.say(ctx._("That button belongs to an earlier question."))


async def _stranger(ctx: Context, text: str) -> None:
    start = ctx.registry.command("start")
    if start is not None and looks_like_code(text):
        await start.run(ctx, text)
    else:
        ctx.say_to_stranger(ctx._(STRANGER_TEXT))


async def _answer_to_delivered(ctx: Context, text: str, by_number: bool) -> bool:
    """A typed answer to a notice or reminder the bot sent — one of its choices by label (or
    by number, when `by_number`), or "đã nhận" / "sẽ tham dự" — recorded. False if the text is
    none of these. On Zalo, with no buttons, this is how such messages are answered."""
    assert ctx.member is not None
    said = fold(text).strip(" .!")
    if not said or ctx.message.choice is not None:
        return False
    offered = await latest_offer(ctx.session, ctx.member.id, ctx.now - OFFER_LASTS)
    typed_number = _NUMBER.match(said) is not None
    picked = resolve_choice(text, offered) if offered and (by_number or not typed_number) else None
    if picked is not None and picked.startswith(ACK_PREFIX):
        await _acknowledge(ctx, picked)
        return True
    if picked is not None and picked.startswith(RSVP_PREFIX):
        await meetings.rsvp_choice(ctx, picked)
        return True
    if said in ACK_WORDS and await acknowledge_latest(ctx.session, ctx.member.id, ctx.now):
        ctx.say(ctx._("Thank you, your confirmation was recorded."))
        return True
    return (said in ATTEND_WORDS or said in ABSENT_WORDS) and await meetings.words_rsvp(
        ctx, said in ATTEND_WORDS
    )


async def _free_text(ctx: Context, text: str) -> None:
    assert ctx.member is not None
    if ctx.message.choice is not None:
        ctx.say(ctx._("That button belongs to an earlier question."))
    if await _answer_to_delivered(ctx, text, by_number=True):
        return
    command = ctx.registry.by_phrase(fold(text).strip(" .!?")) if text else None
    if command is None and ctx.message.photos:
        command = ctx.registry.command("viectot")
    elif command is None and ctx.message.document and await is_leader(ctx.session, ctx.member.id):
        command = ctx.registry.command("danhsach")  # a secretary's file: the cell's list
    if command is not None:
        await run_command(ctx, command, "")
        return
    if ctx.message.document is not None:
        ctx.say(ctx._("Thank you, but I cannot use this file here."))
    elif text and ctx.message.choice is None:
        ctx.say(ctx._("Sorry, I did not understand that."))
    await ctx.registry.require("menu").run(ctx, "")
