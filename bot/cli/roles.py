"""`chibo roles list|grant|revoke|follow`: Party committees from the command line (the
operator's view): who holds which role in an organisation and which cells each follows."""

from __future__ import annotations

import argparse
import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.meetings import find_org
from bot.core.config import Settings
from bot.core.i18n import N_, Translator
from bot.core.text import named
from bot.services.committees import (
    committee,
    grant_role,
    parse_role,
    revoke_role,
    role_label,
    set_follows,
)
from bot.services.errors import InvalidInputError, NotFoundError
from bot.services.identity import member_by_phone
from models import Organisation, OrgKind

_SEPARATORS = re.compile(r"[,;\n]+")


async def committee_text(session: AsyncSession, org: Organisation, t: Translator) -> str:
    """The committee of `org`, one member a line, with the cells each follows."""
    seats = await committee(session, org)
    lines = [t.gettext("Committee of {org} ({count}):").format(org=org.name, count=len(seats))]
    if not seats:
        lines.append(t.gettext("Nobody holds a role there yet."))
    for seat in seats:
        follows = ", ".join(name for _, name in seat.follows) or "-"
        lines.append(
            t.gettext("• {name} ({phone}, {cell}): {role} since {date}; follows: {cells}").format(
                name=seat.name,
                phone=seat.phone or "-",
                cell=seat.cell_name,
                role=t.gettext(role_label(org.kind, seat.kind)),
                date=seat.since.strftime("%d/%m/%Y"),
                cells=follows,
            )
        )
    return "\n".join(lines)


async def cells_named(session: AsyncSession, org: Organisation, text: str) -> list[Organisation]:
    """The cells under `org` that the comma-separated names designate (each exactly one)."""
    under = list(
        await session.scalars(
            select(Organisation).where(
                Organisation.kind == OrgKind.CELL,
                Organisation.path.startswith(org.path, autoescape=True),
            )
        )
    )
    found: list[Organisation] = []
    for name in (part.strip() for part in _SEPARATORS.split(text)):
        if not name:
            continue
        matches = named(under, name, lambda cell: cell.name)
        if not matches:
            raise NotFoundError(N_("No cell under {org} matches {name}."), org=org.name, name=name)
        if len(matches) > 1:
            raise InvalidInputError(
                N_("{name} matches several organisations: {cells}"),
                name=name,
                cells=", ".join(cell.name for cell in matches),
            )
        if matches[0] not in found:
            found.append(matches[0])
    return found


async def run(
    args: argparse.Namespace,
    session: AsyncSession,
    settings: Settings,
    t: Translator,
    now: datetime,
) -> str:
    """Carry out one `chibo roles` action at `now`; returns what to print."""
    today = now.astimezone(settings.tz).date()
    org = await find_org(session, args.org)
    action = args.roles_command
    if action == "list":
        return await committee_text(session, org, t)
    member = await member_by_phone(session, args.phone)
    if action == "grant":
        kind = parse_role(args.role)
        changed = await grant_role(
            session, org=org, member=member, kind=kind, actor_member_id=None, now=now, today=today
        )
        text = (
            t.gettext("{name} is now {role} of {org}.")
            if changed
            else t.gettext("{name} is already {role} of {org}; nothing changed.")
        )
        return text.format(
            name=member.full_name, role=t.gettext(role_label(org.kind, kind)), org=org.name
        )
    if action == "revoke":
        kind = await revoke_role(
            session, org=org, member=member, actor_member_id=None, now=now, today=today
        )
        return t.gettext("{name} is no longer {role} of {org} (from {date}).").format(
            name=member.full_name,
            role=t.gettext(role_label(org.kind, kind)),
            org=org.name,
            date=today.strftime("%d/%m/%Y"),
        )
    cells = await cells_named(session, org, args.cells)
    await set_follows(
        session,
        org=org,
        member=member,
        cells=cells,
        actor_member_id=None,
        now=now,
        today=today,
    )
    if not cells:
        return t.gettext("{name} follows no cell for {org} now.").format(
            name=member.full_name, org=org.name
        )
    return t.gettext("{name} follows for {org}: {cells}.").format(
        name=member.full_name, org=org.name, cells=", ".join(cell.name for cell in cells)
    )
