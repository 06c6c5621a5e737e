"""`chibo import`, `chibo template`, `chibo invites` and `chibo households reassign`: the
roster from the command line (the operator's view, every cell in reach)."""

from __future__ import annotations

import argparse
import asyncio
import re
from datetime import datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.meetings import find_cell, find_org
from bot.core.config import Settings
from bot.core.i18n import N_, Translator
from bot.core.text import fold, named
from bot.services.errors import InvalidInputError, NotFoundError
from models import MemberStatus, Organisation

MARKS = {
    "transferred_out": MemberStatus.TRANSFERRED_OUT,
    "working_away": MemberStatus.WORKING_AWAY,
    "exempt": MemberStatus.EXEMPT,
}


class CommandFailed(Exception):
    """The command could not do its work; the message (already in the reader's language)
    goes to stderr and the exit code is 1. Nothing was written."""


async def run(
    args: argparse.Namespace,
    session: AsyncSession,
    settings: Settings,
    t: Translator,
    now: datetime,
) -> str:
    """Carry out one roster command at `now`; returns what to print."""
    if args.command == "import":
        return await _import(args, session, settings, t, now)
    if args.command == "invites":
        return await _invites(args, session, settings, t, now)
    return await _reassign(args, session, settings, t, now)


async def _import(
    args: argparse.Namespace,
    session: AsyncSession,
    settings: Settings,
    t: Translator,
    now: datetime,
) -> str:
    from bot.services.roster.file_worker import read_roster_files
    from bot.services.roster.importer import RosterFile, check_roster, import_roster
    from bot.services.roster.report import plan_text, problems_text

    files = []
    for name in args.files:
        path = Path(name)
        try:
            files.append((path.name, await asyncio.to_thread(path.read_bytes)))
        except OSError as error:
            raise NotFoundError(N_("Cannot read the file {name}."), name=name) from error
    cell = await find_cell(session, args.cell) if args.cell else None
    sheets = await read_roster_files(files)  # in a worker process, within the file limits
    roster = RosterFile(
        tuple(sheets),
        ", ".join(name for name, _ in files),
        default_cell=cell.name if cell is not None else None,
        mark_missing=MARKS[args.mark_missing] if args.mark_missing else None,
        force=args.force,
        allow_moves=args.move_members,
        today=now.astimezone(settings.tz).date(),
    )
    if args.dry_run:
        plan = await check_roster(session, roster)
    else:
        note = t.gettext("Not in the imported list {file}.").format(file=roster.name)
        today = now.astimezone(settings.tz).date()
        plan = await import_roster(
            session, roster=roster, actor_member_id=None, now=now, today=today, note=note
        )
    if plan.problems:
        text = problems_text(t, plan.problems)
        if plan.gaps and args.mark_missing and not args.force:
            text += "\n" + t.gettext("To mark them all the same, add --force.")
        raise CommandFailed(text)
    text = plan_text(t, plan, applied=not args.dry_run)
    if args.dry_run and plan.changes:
        text += "\n" + t.gettext("Nothing was written (--dry-run).")
    if args.dry_run and plan.moves and not args.move_members:
        text += "\n" + t.gettext("To move those members, import with --move-members.")
    if plan.missing_members and args.mark_missing is None:
        text += "\n" + t.gettext("To mark them, import again with --mark-missing.")
    return text


async def _invites(
    args: argparse.Namespace,
    session: AsyncSession,
    settings: Settings,
    t: Translator,
    now: datetime,
) -> str:
    """One sheet per cell of unlinked members' codes (each handed to that cell), or the one
    cell `--cell` names; links and QR codes only when the Telegram username is known."""
    from bot.reports.invite_sheet import InviteLine, invites_workbook
    from bot.services.onboarding import (
        cells_under,
        deep_link,
        invite_to_hand_out,
        link_states,
    )

    username = (args.bot_username or settings.telegram.bot_username or "").lstrip("@")
    zalo_name = settings.zalo.bot_name or ""
    org = await find_org(session, args.org)
    cells = await cells_under(session, org)
    if args.cell:
        cells = named(cells, args.cell, lambda cell: cell.name)
        if len(cells) != 1:
            raise InvalidInputError(
                N_('No single cell under {org} is called "{name}".'), org=org.name, name=args.cell
            )
    sheets: list[tuple[Organisation, list[InviteLine]]] = []
    for cell in cells:
        lines = []
        for state in await link_states(session, [cell], now):
            if state.linked:
                continue
            code = await invite_to_hand_out(session, state, None, now)
            lines.append(
                InviteLine(
                    state.member.full_name,
                    state.cell.name,
                    code.code,
                    deep_link(username, code) if username else "",
                    code.expires_at.astimezone(settings.tz).date(),
                )
            )
        if lines:
            sheets.append((cell, lines))
    if not sheets:
        return t.gettext("Every member of {org} has linked a chat; no sheet is needed.").format(
            org=cells[0].name if args.cell else org.name
        )
    single = len(cells) == 1
    out = Path(args.out) if args.out else None
    folder = Path(".") if single else (out or Path("."))
    await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
    written = []
    for cell, lines in sheets:
        content = await asyncio.to_thread(invites_workbook, cell.name, username, lines, zalo_name)
        slug = re.sub(r"[^a-z0-9]+", "-", fold(cell.name)).strip("-") or str(cell.id)
        path = out if single and out else folder / f"ma-moi-{slug}.xlsx"
        await asyncio.to_thread(path.write_bytes, content)
        written.append(
            t.ngettext(
                "Written: {path}, {count} member not linked yet.",
                "Written: {path}, {count} members not linked yet.",
                len(lines),
            ).format(path=path, count=len(lines))
        )
    notes = [
        t.gettext(
            "Hand each cell its own sheet, and each member their own code, in person: never "
            "post a sheet or send a photo of it to a group."
        )
    ]
    if not username:
        notes.append(
            t.gettext(
                "No Telegram username (--bot-username or TELEGRAM_BOT_USERNAME): the sheets "
                "have the codes and how to send one to the bot on Zalo, without links or QR "
                "codes."
            )
        )
    return "\n".join(written + notes)


async def _reassign(
    args: argparse.Namespace,
    session: AsyncSession,
    settings: Settings,
    t: Translator,
    now: datetime,
) -> str:
    from bot.services.identity import member_by_phone
    from bot.services.roster.history import (
        household_for_member,
        reassign,
        reassigned_text,
        tell_reassignment,
    )

    member = await member_by_phone(session, args.to)
    org = await find_org(session, args.org) if args.org else None
    household = await household_for_member(session, args.code, member, org)
    done = await reassign(
        session,
        actor=None,
        household=household,
        new_member_id=member.id,
        now=now,
        today=now.astimezone(settings.tz).date(),
    )
    await tell_reassignment(session, done, None, now, settings.language)
    return reassigned_text(t, done)


def write_template(out: str, t: Translator) -> str:
    """`chibo template`: write the blank workbook."""
    from bot.reports.roster_template import template_workbook

    path = Path(out)
    path.write_bytes(template_workbook())
    return t.gettext("Written: {path}. Fill it in, then: chibo import {path}").format(path=path)
