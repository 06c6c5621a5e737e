"""/ho: the households I look after, with what I reported for each recently."""

from __future__ import annotations

from bot.core.clock import previous_month
from bot.services.households import my_households
from handlers.base import Context
from handlers.deed_common import told
from handlers.labels import HOUSEHOLD_CATEGORY_LABELS

RECENT_MONTHS = 3


async def show(ctx: Context, args: str) -> None:
    """List my current households; each with categories and my deeds of the last 3 months."""
    assert ctx.member is not None
    since = ctx.month
    for _ in range(RECENT_MONTHS - 1):
        since = previous_month(since)
    households = await my_households(ctx.session, ctx.member.id, since)
    if not households:
        ctx.say(ctx._("You have no households assigned. Your cell secretary assigns them."))
        return
    lines = [
        ctx._("Comrade {name}, you look after {count} household(s):").format(
            name=ctx.member.full_name, count=len(households)
        )
    ]
    for number, household in enumerate(households, start=1):
        kinds = ", ".join(ctx._(HOUSEHOLD_CATEGORY_LABELS[c]) for c in household.categories)
        lines.append(
            f"{number}. {household.head_name} ({household.code}), {household.village}"
            + (f" — {kinds}" if kinds else "")
        )
        if household.recent_deeds:
            for deed in household.recent_deeds:
                lines.append(f"   • {ctx.date_text(deed.created_at)}: {told(ctx, deed.text)}")
        else:
            lines.append("   • " + ctx._("no good deed reported in the last 3 months"))
    if len(households) > 5:
        lines.append(
            ctx._("That is more than 5 households; tell your secretary if it is too many.")
        )
    ctx.say("\n".join(lines))
