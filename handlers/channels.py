"""/kenh: which messenger a member's notices and reminders go to, and linking another one."""

from __future__ import annotations

from datetime import timedelta

from bot.core.i18n import N_
from bot.core.messages import Choice
from bot.services.identity import linked_channels, set_preferred_channel
from bot.services.onboarding import regenerate_invite
from handlers.base import PICK_ONE, Context

FLOW = "channel"
TITLE = N_("choosing where to receive notices")
MESSENGERS = {"telegram": "Telegram", "zalo": "Zalo"}
LINK = "chan:link"
SELF_LINK_VALIDITY = timedelta(days=1)


async def show(ctx: Context, args: str) -> None:
    """Where notices go now, and the choice of another messenger or of linking one more."""
    assert ctx.member is not None
    linked = [c for c in await linked_channels(ctx.session, ctx.member.id) if c in MESSENGERS]
    preferred = ctx.member.preferred_channel
    current = preferred if preferred in linked else (linked[0] if linked else None)
    lines = []
    if current is not None:
        lines.append(
            ctx._("Notices and meeting reminders reach you on {messenger}.").format(
                messenger=MESSENGERS[current]
            )
        )
        lines.append(
            ctx._("Linked: {messengers}.").format(
                messengers=", ".join(MESSENGERS[c] for c in linked)
            )
        )
    else:
        lines.append(ctx._("Notices reach you in this chat."))
    choices = [
        Choice(f"chan:{c}", ctx._("Receive them on {messenger}").format(messenger=MESSENGERS[c]))
        for c in linked
        if c != current
    ]
    missing = [MESSENGERS[c] for c in MESSENGERS if c not in linked]
    if missing:
        choices.append(
            Choice(
                LINK,
                ctx._("Also link {messenger}").format(messenger=" / ".join(missing)),
            )
        )
    ctx.say("\n".join(lines))
    if choices:
        ctx.ask(FLOW, "pick", ctx._("What would you like to do?"), tuple(choices))


async def _picked(ctx: Context) -> None:
    assert ctx.member is not None
    if ctx.choice == LINK:
        # A short-lived code, and the only one: a code seen over someone's shoulder, or an
        # older one, cannot attach a stranger's chat to this member later.
        invite = await regenerate_invite(
            ctx.session, ctx.member.id, ctx.member.id, ctx.now, SELF_LINK_VALIDITY
        )
        ctx.finish()
        ctx.say(
            ctx._(
                "Open the chibo bot on your other messenger and send it:\n/start {code}\n"
                "The code works once, within 24 hours. Notices keep coming here until you "
                "choose otherwise with /kenh."
            ).format(code=invite.code)
        )
        return
    if ctx.choice is None or not ctx.choice.startswith("chan:"):
        ctx.reprompt(ctx._(PICK_ONE))
        return
    channel = ctx.choice.removeprefix("chan:")
    await set_preferred_channel(ctx.session, ctx.member, channel, ctx.now)
    ctx.finish()
    ctx.say(
        ctx._("Done: from now on notices and meeting reminders reach you on {messenger}.").format(
            messenger=MESSENGERS.get(channel, channel)
        )
    )


STEPS = {"pick": _picked}
