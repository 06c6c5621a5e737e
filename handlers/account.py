"""Linking a chat (/start), help, language choice, cancelling, and the main menu."""

from __future__ import annotations

from bot.core.i18n import LANGUAGES, N_, translator
from bot.core.messages import Choice
from bot.delivery.outbox import enqueue, preferred_address
from bot.services.identity import (
    cell_name,
    link_by_code,
    link_by_phone,
    too_many_failed_links,
)
from bot.services.oversight import is_leader
from handlers.base import PICK_ONE, Context
from handlers.channels import MESSENGERS
from handlers.router import STRANGER_TEXT, run_command
from models import Member

LANGUAGE_LABELS = {"vi": "Tiếng Việt", "en": "English"}


async def start(ctx: Context, args: str) -> None:
    """/start CODE (or a shared phone number): link this chat to a member."""
    contact = ctx.message.contact
    if ctx.member is not None:
        ctx.say(
            ctx._("This chat is already linked to comrade {name}. Send /trogiup for help.").format(
                name=ctx.member.full_name
            )
        )
        return
    if contact is not None and not contact.is_own:
        ctx.say_to_stranger(
            ctx._(
                "I can only link you with your own phone number: please press the button "
                "below instead of sending somebody's contact."
            )
        )
        return
    if contact is not None:
        member = await link_by_phone(
            ctx.session, ctx.message.channel, ctx.message.chat_id, contact.phone, ctx.now
        )
    elif args:
        channel, chat_id = ctx.message.channel, ctx.message.chat_id
        if await too_many_failed_links(ctx.session, channel, chat_id, ctx.now):
            ctx.say(ctx._("Too many wrong codes from this chat. Please try again in an hour."))
            return
        found = await link_by_code(ctx.session, channel, chat_id, args, ctx.now)
        if found is None:
            ctx.say_to_stranger(
                ctx._(
                    "This code cannot be used: it is wrong, already used or expired. Please "
                    "check it, or ask your cell secretary for a new one."
                )
            )
            return
        member = found
    else:
        ctx.say_to_stranger(ctx._(STRANGER_TEXT))
        return
    ctx.member = member
    if member.language:
        ctx.t = translator(member.language)
    await _tell_other_chats(ctx, member)
    ctx.say(
        ctx._("Welcome, comrade {name}! This chat is now linked to you ({cell}).").format(
            name=member.full_name, cell=await cell_name(ctx.session, member)
        )
    )
    await help_(ctx, "")


async def _tell_other_chats(ctx: Context, member: Member) -> None:
    """A member who already had a chat hears of the new link there, so a chat linked by
    somebody else (a code seen over a shoulder) does not go unnoticed."""
    here = (ctx.message.channel, ctx.message.chat_id)
    if await preferred_address(ctx.session, member.id, besides=here) is None:
        return  # the first chat: nobody else to tell
    await enqueue(
        ctx.session,
        cause=f"linked:{here[0]}:{here[1]}"[:64],
        member_id=member.id,
        text=ctx._(
            "Your account was just linked to another chat, on {messenger}. If this was not "
            "you, tell your cell secretary at once."
        ).format(messenger=MESSENGERS.get(here[0], here[0])),
        choices=(),
        now=ctx.now,
        besides=here,
    )


async def help_(ctx: Context, args: str) -> None:
    """/trogiup: what the person can do here."""
    if ctx.member is None:
        ctx.say_to_stranger(ctx._(STRANGER_TEXT))
        return
    lines = [ctx._("What you can send me:")]
    leader = await is_leader(ctx.session, ctx.member.id)
    for command in ctx.registry.commands:
        if command.summary and (leader or not command.leaders_only):
            lines.append(f"/{command.names[0]} — {ctx._(command.summary)}")
    lines.append(
        ctx._('You can also type without the slash and without tone marks, e.g. "bao cao".')
    )
    ctx.say("\n".join(lines))


async def cancel(ctx: Context, args: str) -> None:
    """/huy: abandon the flow under way."""
    if ctx.state is None:
        ctx.say(ctx._("There is nothing to cancel."))
        return
    ctx.finish()
    ctx.say(
        ctx._(
            "Cancelled. What you had saved before stays as it was. Send /trogiup to see what "
            "I can do."
        )
    )


async def language(ctx: Context, args: str) -> None:
    """/ngonngu: choose the language of the bot's messages."""
    choices = tuple(Choice(f"lang:{code}", LANGUAGE_LABELS[code]) for code in LANGUAGES)
    ctx.ask("language", "pick", ctx._("Choose your language:"), choices)


async def _language_picked(ctx: Context) -> None:
    if ctx.choice is None or not ctx.choice.startswith("lang:"):
        ctx.reprompt(ctx._(PICK_ONE))
        return
    assert ctx.member is not None
    code = ctx.choice.removeprefix("lang:")
    ctx.member.language = code
    ctx.t = translator(code)
    ctx.finish()
    ctx.say(ctx._("From now on I will write to you in English."))


async def menu(ctx: Context, args: str) -> None:
    """The main menu: the everyday commands as choices."""
    choices = tuple(
        Choice(f"cmd:{c.names[0]}", ctx._(c.summary)) for c in ctx.registry.commands if c.in_menu
    )
    ctx.ask("menu", "pick", ctx._("What would you like to do?"), choices)


async def _menu_picked(ctx: Context) -> None:
    if ctx.message.photos or ctx.message.voice:  # media after the menu: a report begins
        ctx.finish()
        await run_command(ctx, ctx.registry.require("viectot"), "")
        return
    command = (
        ctx.registry.command(ctx.choice.removeprefix("cmd:"))
        if ctx.choice is not None and ctx.choice.startswith("cmd:")
        else None
    )
    if command is None:
        ctx.finish()
        ctx.say(ctx._("Sorry, I did not understand that."))
        await menu(ctx, "")
        return
    ctx.finish()
    await run_command(ctx, command, "")


MENU_STEPS = {"pick": _menu_picked}
LANGUAGE_STEPS = {"pick": _language_picked}
MENU_TITLE = N_("the menu")
LANGUAGE_TITLE = N_("choosing a language")
