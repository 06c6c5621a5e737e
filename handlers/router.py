"""Routes one inbound message: commands first, then the flow under way, then free text."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

from bot.core.choices import resolve_choice
from bot.core.i18n import N_
from bot.core.messages import Choice
from bot.core.text import clean, fold
from bot.core.words import number_in
from bot.services.identity import looks_like_code
from bot.services.oversight import is_leader
from handlers import paging
from handlers.base import CANCEL, Command, Context
from handlers.flow_state import FlowState, Held

_COMMAND = re.compile(r"^/([^\s@]+)(?:@\S+)?\s*(.*)$", re.DOTALL)
# A flow left untouched this long is dropped (with a word to the person) rather than resumed:
# a reply days later is more likely a new matter than the answer to the old question.
STALE_AFTER = timedelta(days=2)
LIGHT_STALE_AFTER = timedelta(hours=1)
MEANT_COMMAND, MEANT_TEXT = "meant:command", "meant:text"

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
    answer = ctx.registry.answer_for(ctx.message.choice) if ctx.member is not None else None
    if answer is not None:  # a button under a notice or reminder, pressed at any time
        before = ctx.state
        await answer.run(ctx, ctx.message.choice or "")
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
    if before is not None and command.flow == before.flow:
        ctx.finish()  # the flow's own command typed again mid-way: it starts afresh
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
    held = state.held
    if held is not None:
        handled = await _after_held(ctx, held, text)
        if handled or ctx.state is None:
            return
        state, text = ctx.state, clean(ctx.message.text)
    keys = {c.key for c in state.choices}
    if paging.paged(state.choices) and _turns_page(ctx, state, text):
        return
    if ctx.message.choice is not None:
        if ctx.message.choice not in keys:
            ctx.reprompt(ctx._("That button belongs to an earlier question."))
            return
        ctx.choice = ctx.message.choice
    elif paging.paged(state.choices) and text:
        # A number is one on the page shown (Zalo numbers each page's lines); a name may be
        # any option's, on any page.
        shown, _hint = paging.page_of(state.choices, state.page, ctx._)
        ctx.choice = resolve_choice(text, shown)
        if ctx.choice is None and number_in(text) is None:
            ctx.choice = resolve_choice(text, state.choices)
    elif state.choices and text:
        ctx.choice = resolve_choice(text, state.choices)
    typed_text = held is not None and ctx.message.text == held.text
    read = (
        flow is not None
        and flow.reads is not None
        and ctx.choice is None
        and bool(text)
        and flow.reads(ctx, text)
    )
    if read:
        await step(ctx)
        return
    if ctx.choice is None and text and not _carries_media(ctx) and not typed_text:
        command, args = ctx.registry.by_phrase(text, fuzzy=False), ""
        if command is None:
            command, args = ctx.registry.leading(text, fuzzy=False) or (None, "")
        own = command is not None and (command.flow == state.flow or command.never_text)
        if command is not None and not own and _expects_text(ctx, state):
            _ask_which(ctx, state, command, text)  # "Họp" may be the notice: asked, not guessed
            return
        if command is not None:
            # A command typed where an answer was expected (or its own flow's command typed
            # again) is the command, never the answer: "bao cao" is not saved as a report.
            await run_command(ctx, command, args)
            return
    if flow is not None and flow.light and ctx.choice is None and not _carries_media(ctx):
        # A menu left open is no question the person must answer: read them afresh.
        ctx.finish()
        await _free_text(ctx, text)
        return
    if (
        ctx.choice is None
        and not _carries_media(ctx)
        and await _typed_answer(ctx, text, by_number=False)
    ):
        # The answer to a notice or reminder that arrived mid-question (typed, as on Zalo):
        # recorded, and the question asked again. A bare number stays the question's.
        if ctx.state is state:
            ctx.reprompt()
        return
    await step(ctx)


def _turns_page(ctx: Context, state: FlowState, text: str) -> bool:
    """A page turn ("Trang sau" tapped, or typed, or its number on Zalo): the question asked
    again with that page of its options."""
    key = ctx.message.choice
    if key is None and text:
        shown, _hint = paging.page_of(state.choices, state.page, ctx._)
        key = resolve_choice(text, shown)
    page = paging.turned_to(key)
    if page is None:
        return False
    ctx.state = replace(state, page=min(page, paging.pages(state.choices) - 1))
    ctx.say(state.prompt, state.choices)
    return True


def _expects_text(ctx: Context, state: FlowState) -> bool:
    """The pending question asks for a text (its only option, if any, is "Cancel")."""
    flow = ctx.registry.flows.get(state.flow)
    if flow is not None and state.step in flow.text_steps:
        return True
    return all(choice.key == CANCEL for choice in state.choices)


def _ask_which(ctx: Context, state: FlowState, command: Command, text: str) -> None:
    """A command word typed where a text was expected: ask which was meant."""
    held = Held(text, command.names[0], state.prompt, state.choices)
    label = ctx._(command.summary) if command.summary else "/" + command.names[0]
    question = ctx._('"{text}": did you mean to open "{command}", or is it your text?').format(
        text=text, command=label
    )
    choices = (
        Choice(MEANT_COMMAND, ctx._("Open: {command}").format(command=label)),
        Choice(MEANT_TEXT, ctx._("It is my text")),
    )
    ctx.state = replace(state, prompt=question, choices=choices, held=held)
    ctx.say(question, choices)


async def _after_held(ctx: Context, held: Held, text: str) -> bool:
    """The answer to "command or text?": the command is run (True), or the held text goes
    to the step as if typed now; anything else is read against the question asked before."""
    state = ctx.state
    assert state is not None
    meant = ctx.message.choice or resolve_choice(text, state.choices)
    ctx.state = replace(state, prompt=held.prompt, choices=held.choices, held=None)
    if meant == MEANT_TEXT:
        ctx.message = replace(ctx.message, text=held.text, choice=None)
    elif meant == MEANT_COMMAND:
        command = ctx.registry.require(held.command)
        leading = ctx.registry.leading(held.text) if command.takes_text else None
        await run_command(ctx, command, leading[1] if leading else "")
        return True
    elif ctx.message.choice is not None:  # a button of an earlier question
        ctx.reprompt(ctx._("That button belongs to an earlier question."))
        return True
    return False


async def _stranger(ctx: Context, text: str) -> None:
    start = ctx.registry.command("start")
    if start is not None and looks_like_code(text):
        await start.run(ctx, text)
    else:
        ctx.say_to_stranger(ctx._(STRANGER_TEXT))


async def _typed_answer(ctx: Context, text: str, by_number: bool) -> bool:
    """The text answered a notice or reminder (the registered typed answer said so)."""
    answer = ctx.registry.typed_answer
    return answer is not None and await answer(ctx, text, by_number)


async def _free_text(ctx: Context, text: str) -> None:
    assert ctx.member is not None
    if ctx.message.choice is not None:
        ctx.say(ctx._("That button belongs to an earlier question."))
    if await _typed_answer(ctx, text, by_number=True):
        return
    command = ctx.registry.by_phrase(text)
    args = ""
    if command is None and text:
        command, args = ctx.registry.leading(text) or (None, "")
    if _carries_media(ctx) and (command is None or not command.takes_text):
        # A photo or voice note begins a report; its caption is the report's description.
        command, args = ctx.registry.require("viectot"), text
    elif command is None and ctx.message.document and await is_leader(ctx.session, ctx.member.id):
        command = ctx.registry.command("danhsach")  # a secretary's file: the cell's list
    if command is not None:
        await run_command(ctx, command, args)
        return
    if ctx.message.document is not None:
        ctx.say(ctx._("Thank you, but I cannot use this file here."))
    elif text and ctx.message.choice is None:
        ctx.say(ctx._("Sorry, I did not understand that."))
    await ctx.registry.require("menu").run(ctx, "")


def _carries_media(ctx: Context) -> bool:
    """A photo (or voice note) came with the message: evidence, never a command word."""
    return bool(ctx.message.photos) or ctx.message.voice is not None
