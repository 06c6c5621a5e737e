"""`chibo purge --years N [--yes]`: erase the personal data of members who left long ago."""

from __future__ import annotations

import argparse
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.roster import CommandFailed
from bot.core.clock import Clock, SystemClock, local_today
from bot.core.config import Settings
from bot.core.i18n import Translator
from bot.services.purge import leavers_before, purge_members


def _years_before(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


async def run(
    args: argparse.Namespace,
    session: AsyncSession,
    settings: Settings,
    t: Translator,
    clock: Clock | None = None,
) -> str:
    """Count, or erase, the members who left before the cut-off."""
    if args.years < 1:
        raise CommandFailed(t.gettext("--years must be at least 1."))
    clock = clock or SystemClock()
    cutoff = _years_before(local_today(clock, settings.tz), args.years)
    plan = await leavers_before(session, cutoff)
    lines = [
        t.gettext(
            "Members transferred out on or before {date}: {count} with personal data."
        ).format(date=cutoff.strftime("%d/%m/%Y"), count=len(plan.leavers))
    ]
    if plan.undated:
        lines.append(
            t.gettext(
                "{count} transferred out without a recorded date are kept; give them a date "
                "with a roster import to include them."
            ).format(count=plan.undated)
        )
    if not args.yes:
        if plan.leavers:
            lines.append(t.gettext("Nothing was erased; add --yes to erase them."))
        return "\n".join(lines)
    erased = await purge_members(session, plan.leavers, args.years, clock.now())
    lines.append(
        t.gettext(
            "Erased the personal data of {count} members (each in the audit log); their "
            "reports stay counted in past figures, without text or photos."
        ).format(count=erased)
    )
    return "\n".join(lines)
