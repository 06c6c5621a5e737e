"""The way from the chat to the web dashboard: /bangtheodoi, and the "Open the dashboard"
choice that /tonghop and the weekly digest carry. Where the messenger opens web pages in
place (Telegram's Mini App button) the choice opens it signed by the messenger; elsewhere
(Zalo, the console) choosing it answers with a single-use link that works for minutes.
Nothing is offered without PUBLIC_URL: the dashboard must be reached over https."""

from __future__ import annotations

from bot.core.i18n import N_
from bot.core.messages import Choice
from bot.services.errors import AccessDeniedError
from bot.services.oversight import LEADERS_ONLY, is_leader
from bot.services.web_access import (
    LINK_MINUTES,
    MINI_APP_PATH,
    OPEN_KEY,
    OPEN_LABEL,
    new_sign_in,
    sign_in_url,
)
from handlers.base import Answer, Context

KEY = OPEN_KEY
NO_PUBLIC_URL = N_(
    "The dashboard is not available on this bot yet: it needs the bot's public https "
    "address (PUBLIC_URL), which the administrator has not set."
)


def offer(ctx: Context) -> Choice | None:
    """The "Open the dashboard" choice, or None without PUBLIC_URL."""
    if not ctx.public_url:
        return None
    return Choice(KEY, ctx._(OPEN_LABEL), web_app_url=ctx.public_url + MINI_APP_PATH)


async def _link(ctx: Context) -> str:
    assert ctx.member is not None
    token = await new_sign_in(ctx.session, ctx.member.id, ctx.now)
    return ctx._(
        "Your dashboard: {url}\nThe link works once, within {minutes} minutes; do not pass it on."
    ).format(url=sign_in_url(ctx.public_url, token), minutes=LINK_MINUTES)


async def show(ctx: Context, args: str) -> None:
    """/bangtheodoi: a single-use link (and, where the messenger has one, the button)."""
    assert ctx.member is not None
    if not await is_leader(ctx.session, ctx.member.id):
        raise AccessDeniedError(LEADERS_ONLY)
    if not ctx.public_url:
        ctx.say(ctx._(NO_PUBLIC_URL))
        return
    choice = offer(ctx)
    ctx.say(await _link(ctx), (choice,) if choice else ())


async def chosen(ctx: Context, args: str = "") -> None:
    """The choice taken where it is not a Mini App button: a link instead (the summary it
    came with is done)."""
    if ctx.member is None or not await is_leader(ctx.session, ctx.member.id):
        return
    if ctx.state is not None and ctx.state.flow == "summary":
        ctx.finish()
    if not ctx.public_url:
        ctx.say(ctx._(NO_PUBLIC_URL))
        return
    ctx.say(await _link(ctx))


ANSWER = Answer(KEY, chosen)
