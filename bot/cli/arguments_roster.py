"""The roster subcommands of `chibo` (import, template, invites, households) and `chibo roles`
(committees' roles and followed cells) (bot/cli/arguments.py builds the parser). Loads
nothing heavy."""

from __future__ import annotations

import argparse

from bot.cli.arguments_checks import ChiboParser, output_file
from bot.core.i18n import Translator

TEMPLATE_NAME = "mau-danh-sach-chi-bo.xlsx"
MARK_CHOICES = ("exempt", "transferred_out", "working_away")  # bot/cli/roster.py MARKS


def add_roster_parsers(commands: argparse._SubParsersAction[ChiboParser], t: Translator) -> None:
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
        choices=MARK_CHOICES,
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
    importing.add_argument(
        "--move-members",
        action="store_true",
        help=_(
            "move members the file puts in another cell than theirs (see them first with "
            "--dry-run); without it such a file is refused"
        ),
    )
    template = commands.add_parser(
        "template", help=_("write a blank roster workbook with the headings and an example row")
    )
    template.add_argument(
        "--out",
        type=output_file,
        default=TEMPLATE_NAME,
        help=_("file to write (default: %(default)s)"),
    )
    invites = commands.add_parser(
        "invites",
        help=_(
            "write printable sheets of invite codes (one per cell, to hand out in person) for "
            "unlinked members"
        ),
    )
    invites.add_argument("--org", required=True, help=_("organisation name (or part of it) or id"))
    invites.add_argument(
        "--cell", help=_("only this cell under --org (default: one sheet per cell)")
    )
    invites.add_argument(
        "--bot-username",
        help=_(
            "the bot's Telegram username, for links and QR codes (default: "
            "TELEGRAM_BOT_USERNAME; without one the sheets have the codes and the Zalo steps)"
        ),
    )
    invites.add_argument(
        "--out",
        help=_(
            "for one cell, the file to write; for several, the folder of their files "
            "(default: ma-moi-CELL.xlsx here)"
        ),
    )
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


def add_roles_parser(commands: argparse._SubParsersAction[ChiboParser], t: Translator) -> None:
    """Register `chibo roles` and its actions."""
    _ = t.gettext
    roles = commands.add_parser(
        "roles",
        help=_("Party committees: who holds which role, and which cells each member follows"),
    )
    actions = roles.add_subparsers(dest="roles_command", required=True, metavar="ACTION")
    org_help = _("the organisation (commune, district or cell), name or id")
    listing = actions.add_parser("list", help=_("an organisation's committee and followed cells"))
    listing.add_argument("--org", required=True, help=org_help)
    grant = actions.add_parser(
        "grant", help=_("give a member a role in an organisation from today (audited)")
    )
    grant.add_argument("--org", required=True, help=org_help)
    grant.add_argument("--phone", required=True, help=_("the member's phone"))
    grant.add_argument(
        "--role",
        required=True,
        help=_(
            "secretary, deputy, standing (ủy viên ban thường vụ) or member (cấp ủy viên); "
            "Vietnamese words are accepted"
        ),
    )
    revoke = actions.add_parser(
        "revoke", help=_("end a member's role in an organisation today (audited)")
    )
    revoke.add_argument("--org", required=True, help=org_help)
    revoke.add_argument("--phone", required=True, help=_("the member's phone"))
    follow = actions.add_parser(
        "follow",
        help=_("set the cells a committee member follows (cấp ủy viên phụ trách chi bộ)"),
    )
    follow.add_argument("--org", required=True, help=_("the committee's organisation"))
    follow.add_argument("--phone", required=True, help=_("the committee member's phone"))
    follow.add_argument(
        "--cells",
        required=True,
        help=_('cells under the organisation, comma-separated; "" to follow none'),
    )
