"""/thongbao: a leader writes a notice to an organisation, previews it, sends it.
/dagui: how the last notices were delivered and acknowledged.

Steps: org (only when there is a choice) -> audience -> text -> ack -> preview.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.core.i18n import N_
from bot.core.messages import Choice
from bot.core.text import clean, shorten
from bot.delivery.history import delivery_lines
from bot.services.broadcasts import (
    broadcast_scope,
    create_broadcast,
    notice_text,
    own_broadcast,
    recent_broadcasts,
    recipients,
)
from bot.services.oversight import is_leader
from handlers.base import PICK_ONE, Context, cancelled, picked
from handlers.flow_state import Draft
from models import Audience, BroadcastKind, DeliveryStatus, Organisation

FLOW = "broadcast"
TITLE = N_("a notice")
AUDIENCE_LABELS = {
    Audience.ALL: N_("All members"),
    Audience.NOT_REPORTED: N_("Members who have not reported this month"),
    Audience.ABSENT_LAST_MEETING: N_("Members absent from the last meeting"),
}
REASON_LABELS = {
    "not_linked": N_("has not linked a chat with the bot"),
    "blocked": N_("has blocked the bot"),
    "not_started": N_("never opened the bot"),
    "rejected": N_("the message was refused"),
    "gave_up": N_("could not be reached after many tries"),
}


@dataclass(frozen=True)
class NoticeDraft(Draft):
    """A notice being written: where, to whom, what, and whether to ask for "Received"."""

    org_id: int = 0
    org_name: str = ""
    audience: Audience = Audience.ALL
    text: str = ""
    ask_ack: bool = False


def _cancel(ctx: Context) -> Choice:
    return Choice("cancel", ctx._("Cancel"))


async def start(ctx: Context, args: str) -> None:
    """/thongbao: choose where to write (if there is a choice), then to whom."""
    assert ctx.member is not None
    scope = await broadcast_scope(ctx.session, ctx.member.id)
    ctx.state = None
    if len(scope) == 1:
        ctx.begin(FLOW)
        await _choose_audience(ctx, scope[0])
        return
    choices = tuple(Choice(f"o:{org.id}", org.name) for org in scope)
    ctx.ask(FLOW, "org", ctx._("Which organisation is the notice for?"), (*choices, _cancel(ctx)))


async def _choose_audience(ctx: Context, org: Organisation) -> None:
    ctx.keep(replace(ctx.draft(NoticeDraft), org_id=org.id, org_name=org.name))
    choices = tuple(Choice(f"a:{a.value}", ctx._(label)) for a, label in AUDIENCE_LABELS.items())
    ctx.ask(
        FLOW,
        "audience",
        ctx._("Notice to {org}. Who should receive it?").format(org=org.name),
        (*choices, _cancel(ctx)),
    )


async def _on_org(ctx: Context) -> None:
    assert ctx.member is not None
    if await cancelled(ctx):
        return
    org = next(
        (
            o
            for o in await broadcast_scope(ctx.session, ctx.member.id)
            if ctx.choice == f"o:{o.id}"
        ),
        None,
    )
    if org is None:
        ctx.reprompt(ctx._(PICK_ONE))
        return
    await _choose_audience(ctx, org)


async def _on_audience(ctx: Context) -> None:
    audience = await picked(ctx, "a:")
    if audience is None:
        return
    ctx.keep(replace(ctx.draft(NoticeDraft), audience=Audience(audience)))
    ctx.ask(FLOW, "text", ctx._("Write the notice in one message."))


async def _on_text(ctx: Context) -> None:
    text = clean(ctx.message.text)
    if not text:
        ctx.reprompt(ctx._("Please write the notice as text."))
        return
    ctx.keep(replace(ctx.draft(NoticeDraft), text=text))
    ctx.ask(
        FLOW,
        "ack",
        ctx._('Ask members to press "Received" so you can see who has read it?'),
        (
            Choice("yes", ctx._("Yes"), ("co", "ok", "dong y")),
            Choice("no", ctx._("No"), ("khong", "ko")),
            _cancel(ctx),
        ),
    )


async def _on_ack(ctx: Context) -> None:
    if await cancelled(ctx):
        return
    if ctx.choice not in ("yes", "no"):
        ctx.reprompt(ctx._(PICK_ONE))
        return
    ctx.keep(replace(ctx.draft(NoticeDraft), ask_ack=ctx.choice == "yes"))
    await _preview(ctx)


async def _preview(ctx: Context) -> None:
    assert ctx.member is not None
    draft = ctx.draft(NoticeDraft)
    org = next(
        (o for o in await broadcast_scope(ctx.session, ctx.member.id) if o.id == draft.org_id),
        None,
    )
    if org is None:  # no longer in the sender's scope (roles changed meanwhile)
        ctx.finish()
        ctx.say(ctx._("Sorry, I lost track of what we were doing. Please start again."))
        return
    people = await recipients(ctx.session, org, draft.audience, ctx.month)
    not_linked = [p.name for p in people if not p.reachable and not p.blocked]
    blocked = [p.name for p in people if p.blocked]
    lines = [
        ctx._("This is how members will read it:"),
        "",
        notice_text(ctx.t.language, org.name, ctx.member.full_name, draft.text),
        "",
        ctx._("Recipients: {count} ({audience}).").format(
            count=len(people), audience=ctx._(AUDIENCE_LABELS[draft.audience])
        ),
    ]
    if not_linked:
        lines.append(
            ctx._(
                "{count} cannot be reached because they have not linked a chat: {names}."
            ).format(count=len(not_linked), names=", ".join(not_linked))
        )
    if blocked:
        lines.append(
            ctx._("{count} cannot be reached because they blocked the bot: {names}.").format(
                count=len(blocked), names=", ".join(blocked)
            )
        )
    if not people:
        ctx.finish()
        lines.append(ctx._("Nobody to send it to, so nothing was sent."))
        ctx.say("\n".join(lines))
        return
    ctx.ask(
        FLOW,
        "confirm",
        "\n".join(lines),
        (
            Choice("send", ctx._("Send the notice"), ("co", "ok", "gui", "gui di", "dong y")),
            Choice("rewrite", ctx._("Rewrite the notice")),
            _cancel(ctx),
        ),
    )


async def _on_confirm(ctx: Context) -> None:
    assert ctx.member is not None
    if await cancelled(ctx):
        return
    if ctx.choice == "rewrite":
        ctx.ask(FLOW, "text", ctx._("Write the notice in one message."))
        return
    if ctx.choice != "send":
        ctx.reprompt(ctx._(PICK_ONE))
        return
    draft = ctx.draft(NoticeDraft)
    _, people = await create_broadcast(
        ctx.session,
        sender=ctx.member,
        org_id=draft.org_id,
        audience=draft.audience,
        text=draft.text,
        ask_ack=draft.ask_ack,
        month=ctx.month,
        now=ctx.now,
        default_language=ctx.default_language,
    )
    ctx.finish()
    reachable = sum(p.reachable for p in people)
    ctx.say(
        ctx._(
            "The notice is on its way to {reachable} of {count} members. Send /dagui to see "
            "who has received it."
        ).format(reachable=reachable, count=len(people))
    )


async def report(ctx: Context, args: str) -> None:
    """/dagui: delivery of my latest notice, or a choice among my recent ones."""
    assert ctx.member is not None
    recent = await recent_broadcasts(ctx.session, ctx.member.id)
    if not recent and not await is_leader(ctx.session, ctx.member.id):
        ctx.say(
            ctx._(
                "This command shows how the notices a secretary sent have reached the members; "
                "it is for cell secretaries and Party committee members. Your own notices are "
                "in this chat."
            )
        )
        return
    if not recent:
        ctx.say(ctx._("You have not sent any notice yet. Send /thongbao to write one."))
        return
    if len(recent) == 1:
        await _show_report(ctx, recent[0].id)
        return
    choices = tuple(
        Choice(
            f"b:{b.id}",
            f"{ctx.date_text(b.created_at)} {b.org_name}: "
            + (
                ctx._("reminder to report")
                if b.kind is BroadcastKind.NUDGE
                else shorten(b.text, 30)
            ),
        )
        for b in recent
    )
    ctx.ask("delivery", "pick", ctx._("Which notice?"), choices)


async def _on_report_pick(ctx: Context) -> None:
    if ctx.choice is None or not ctx.choice.startswith("b:"):
        ctx.reprompt(ctx._(PICK_ONE))
        return
    ctx.finish()
    await _show_report(ctx, int(ctx.choice.removeprefix("b:")))


async def _show_report(ctx: Context, broadcast_id: int) -> None:
    assert ctx.member is not None
    broadcast = await own_broadcast(ctx.session, ctx.member.id, broadcast_id)
    lines = await delivery_lines(ctx.session, f"broadcast:{broadcast.id}")
    sent = [line for line in lines if line.status is DeliveryStatus.SENT]
    failed = [line for line in lines if line.status is DeliveryStatus.FAILED]
    pending = len(lines) - len(sent) - len(failed)
    org = await ctx.session.get(Organisation, broadcast.org_id)
    out = [
        ctx._("Reminder to report sent at {time} on {date} to {org}.").format(
            time=f"{broadcast.created_at.astimezone(ctx.tz):%H:%M}",
            date=ctx.date_text(broadcast.created_at),
            org=org.name if org is not None else "",
        )
        if broadcast.kind is BroadcastKind.NUDGE
        else ctx._("Notice of {date}: {text}").format(
            date=ctx.date_text(broadcast.created_at), text=shorten(broadcast.text, 60)
        ),
        ctx._("Delivered: {sent} of {count}. Still sending: {pending}.").format(
            sent=len(sent), count=len(lines), pending=pending
        ),
    ]
    if broadcast.ask_ack:
        acked = [line for line in sent if line.acked]
        out.append(
            ctx._('Pressed "Received": {acked} of {sent}.').format(
                acked=len(acked), sent=len(sent)
            )
        )
        waiting = [line.name for line in sent if not line.acked]
        if waiting:
            out.append(ctx._("Not yet confirmed: {names}.").format(names=", ".join(waiting)))
    if failed:
        out.append(ctx._("Could not be reached:"))
        out.extend(
            f"• {line.name}: "
            + ctx._(REASON_LABELS.get(line.reason or "", REASON_LABELS["gave_up"]))
            for line in failed
        )
    ctx.say("\n".join(out))


STEPS = {
    "org": _on_org,
    "audience": _on_audience,
    "text": _on_text,
    "ack": _on_ack,
    "confirm": _on_confirm,
}
REPORT_STEPS = {"pick": _on_report_pick}
REPORT_TITLE = N_("choosing a notice")
