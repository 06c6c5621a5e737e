"""`chibo import`, `chibo template`, `chibo invites` and `chibo households reassign`: the
roster from the command line (the operator's view, every cell in reach)."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.meetings import find_cell, find_org
from bot.core.clock import SystemClock
from bot.core.config import Settings
from bot.core.i18n import N_, Translator
from bot.services.errors import InvalidInputError, NotFoundError
from models import MemberStatus

MARKS = {
    "transferred_out": MemberStatus.TRANSFERRED_OUT,
    "working_away": MemberStatus.WORKING_AWAY,
    "exempt": MemberStatus.EXEMPT,
}


TEMPLATE_NAME = "mau-danh-sach-chi-bo.xlsx"


class CommandFailed(Exception):
    """The command could not do its work; the message (already in the reader's language)
    goes to stderr and the exit code is 1. Nothing was written."""


def add_parsers(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], t: Translator
) -> None:
    """Register the roster commands."""
    _ = t.gettext
    importing = commands.add_parser(
        "import",
        help=_("import organisations, members, households and assignments from XLSX or CSV"),
    )
    importing.add_argument(
        "files", nargs="+", metavar="FILE", help=_("an .xlsx workbook, or .csv files")
    )
    importing.add_argument(
        "--dry-run", action="store_true", help=_("only check the file and show what would change")
    )
    importing.add_argument(
        "--mark-missing",
        nargs="?",
        const="transferred_out",
        choices=sorted(MARKS),
        help=_(
            "give members of the file's cells who are not in it this status "
            "(default: transferred_out); without it they are only listed"
        ),
    )
    importing.add_argument(
        "--force",
        action="store_true",
        help=_("with --mark-missing: mark them even when more than a third of a cell is missing"),
    )
    importing.add_argument(
        "--cell", help=_("the cell of rows that name none (name or part of it, or id)")
    )
    template = commands.add_parser(
        "template", help=_("write a blank roster workbook with the headings and an example row")
    )
    template.add_argument(
        "--out", default=TEMPLATE_NAME, help=_("file to write (default: %(default)s)")
    )
    invites = commands.add_parser(
        "invites",
        help=_("write a printable sheet of invite codes, links and QR codes for unlinked members"),
    )
    invites.add_argument("--org", required=True, help=_("organisation name (or part of it) or id"))
    invites.add_argument(
        "--bot-username", help=_("the bot's Telegram username (default: TELEGRAM_BOT_USERNAME)")
    )
    invites.add_argument("--out", help=_("file to write (default: a name made from the org)"))
    households = commands.add_parser("households", help=_("households and who looks after them"))
    actions = households.add_subparsers(dest="households_command", required=True, metavar="ACTION")
    reassign = actions.add_parser(
        "reassign", help=_("give a household to another member from today; both are told")
    )
    reassign.add_argument("code", help=_("household code, e.g. NL-012"))
    reassign.add_argument("--to", required=True, metavar="PHONE", help=_("the new member's phone"))
    reassign.add_argument(
        "--org",
        help=_(
            "the household's commune (or cell), name or id: only checked, as the household is "
            "looked up in the new member's commune"
        ),
    )


async def run(
    args: argparse.Namespace, session: AsyncSession, settings: Settings, t: Translator
) -> str:
    """Carry out one roster command; returns what to print."""
    if args.command == "import":
        return await _import(args, session, settings, t)
    if args.command == "invites":
        return await _invites(args, session, settings, t)
    return await _reassign(args, session, settings, t)


async def _import(
    args: argparse.Namespace, session: AsyncSession, settings: Settings, t: Translator
) -> str:
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
    roster = RosterFile(
        tuple(files),
        default_cell=cell.name if cell is not None else None,
        mark_missing=MARKS[args.mark_missing] if args.mark_missing else None,
        force=args.force,
    )
    clock = SystemClock()
    now = clock.now()
    if args.dry_run:
        plan = await check_roster(session, roster)
    else:
        note = t.gettext("Not in the imported list {file}.").format(file=roster.name)
        today = now.astimezone(settings.tz).date()
        plan = await import_roster(session, roster, None, now, today, note)
    if plan.problems:
        text = problems_text(t, plan.problems)
        if plan.gaps and args.mark_missing and not args.force:
            text += "\n" + t.gettext("To mark them all the same, add --force.")
        raise CommandFailed(text)
    text = plan_text(t, plan, applied=not args.dry_run)
    if args.dry_run and plan.changes:
        text += "\n" + t.gettext("Nothing was written (--dry-run).")
    if plan.missing_members and args.mark_missing is None:
        text += "\n" + t.gettext("To mark them, import again with --mark-missing.")
    return text


async def _invites(
    args: argparse.Namespace, session: AsyncSession, settings: Settings, t: Translator
) -> str:
    from bot.reports.invite_sheet import InviteLine, invites_workbook
    from bot.services.onboarding import (
        cells_under,
        deep_link,
        invite_to_hand_out,
        link_states,
    )

    username = (args.bot_username or settings.telegram.bot_username or "").lstrip("@")
    if not username:
        raise InvalidInputError(
            N_(
                "The sheet needs the bot's Telegram username for its links: give "
                "--bot-username NAME or set TELEGRAM_BOT_USERNAME."
            )
        )
    org = await find_org(session, args.org)
    now = SystemClock().now()
    lines = []
    for state in await link_states(session, await cells_under(session, org), now):
        if state.linked:
            continue
        code = await invite_to_hand_out(session, state, None, now)
        lines.append(
            InviteLine(
                state.member.full_name,
                state.cell.name,
                code.code,
                deep_link(username, code.code),
                code.expires_at.astimezone(settings.tz).date(),
            )
        )
    if not lines:
        return t.gettext("Every member of {org} has linked a chat; no sheet is needed.").format(
            org=org.name
        )
    content = await asyncio.to_thread(invites_workbook, org.name, username, lines)
    path = Path(args.out or f"ma-moi-{org.id}.xlsx")
    await asyncio.to_thread(path.write_bytes, content)
    return t.ngettext(
        "Written: {path}, {count} member not linked yet.",
        "Written: {path}, {count} members not linked yet.",
        len(lines),
    ).format(path=path, count=len(lines))


async def _reassign(
    args: argparse.Namespace, session: AsyncSession, settings: Settings, t: Translator
) -> str:
    from bot.services.identity import member_by_phone
    from bot.services.roster.history import (
        household_for_member,
        reassign,
        reassigned_text,
        tell_reassignment,
    )

    clock = SystemClock()
    now = clock.now()
    member = await member_by_phone(session, args.to)
    org = await find_org(session, args.org) if args.org else None
    household = await household_for_member(session, args.code, member, org)
    done = await reassign(
        session, None, household, member.id, now, now.astimezone(settings.tz).date()
    )
    await tell_reassignment(session, done, None, now, settings.language)
    return reassigned_text(t, done)


def write_template(out: str, t: Translator) -> str:
    """`chibo template`: write the blank workbook."""
    from bot.reports.roster_template import template_workbook

    path = Path(out)
    path.write_bytes(template_workbook())
    return t.gettext("Written: {path}. Fill it in, then: chibo import {path}").format(path=path)
