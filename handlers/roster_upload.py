"""/danhsach: a secretary sends the cell's list (Excel or CSV); the bot checks it, shows what
would change and writes it only after "Apply". Rows of other cells are refused."""

from __future__ import annotations

import base64

from bot.i18n import N_
from bot.messages import Attachment, Choice, OutboundMessage
from bot.services.errors import AccessDeniedError
from bot.services.oversight import LEADERS_ONLY, overseen_cells
from bot.services.roster_import import RosterFile, check_roster, import_roster
from bot.services.roster_text import plan_text, problems_text
from handlers.base import CANCEL, PICK_ONE, Context, cancelled
from handlers.summary import XLSX
from models import MemberStatus

FLOW = "roster"
TITLE = N_("importing a list")
PROBLEMS_SHOWN = 10
MAX_FILE_BYTES = 2 * 1024 * 1024  # far above a commune's roster; stored in the draft meanwhile
TEMPLATE_FILE = "mau-danh-sach-chi-bo.xlsx"


async def start(ctx: Context, args: str) -> None:
    """/danhsach, or a file sent by a leader: check the file if there is one, else ask."""
    assert ctx.member is not None
    if not await overseen_cells(ctx.session, ctx.member.id):
        raise AccessDeniedError(LEADERS_ONLY)
    ctx.begin(FLOW)
    if ctx.message.document is not None:
        await _check(ctx)
        return
    from bot.services.roster_template import template_workbook  # openpyxl: load when asked

    ctx.replies.append(
        OutboundMessage(
            ctx._(
                "A template to fill in: one sheet for members, one for households. Keep the "
                "headings; the example row is skipped."
            ),
            document=Attachment(TEMPLATE_FILE, TEMPLATE_FILE, XLSX, content=template_workbook()),
        )
    )
    _ask_for_file(ctx)


def _ask_for_file(ctx: Context) -> None:
    ctx.ask(
        FLOW,
        "file",
        ctx._(
            "Send me the list of your cell's members and households as a file (Excel .xlsx or "
            "CSV). I will check it and show you what would change before writing anything."
        ),
        (Choice(CANCEL, ctx._("Cancel")),),
    )


async def _on_file(ctx: Context) -> None:
    if await cancelled(ctx):
        return
    if ctx.message.document is None:
        ctx.reprompt(ctx._("Please send the list as a file (attach it as a document)."))
        return
    await _check(ctx)


async def _roster(ctx: Context, name: str, content: bytes, mark: bool) -> RosterFile:
    assert ctx.member is not None
    cells = await overseen_cells(ctx.session, ctx.member.id)
    return RosterFile(
        ((name, content),),
        scope={cell.id for cell in cells},
        default_cell=cells[0].name if len(cells) == 1 else None,
        mark_missing=MemberStatus.TRANSFERRED_OUT if mark else None,
    )


async def _check(ctx: Context) -> None:
    document = ctx.message.document
    assert document is not None
    if document.content is None or len(document.content) > MAX_FILE_BYTES:
        ctx.finish()
        ctx.say(
            ctx._("I could not read this file. Files up to {size} MB can be checked.").format(
                size=MAX_FILE_BYTES // (1024 * 1024)
            )
        )
        return
    name = document.file_name or "danh-sach.xlsx"
    plan = await check_roster(ctx.session, await _roster(ctx, name, document.content, False))
    if plan.problems:
        ctx.say(problems_text(ctx.t, plan.problems, PROBLEMS_SHOWN))
        ctx.ask(
            FLOW,
            "file",
            ctx._("Please correct the file and send it again."),
            (Choice(CANCEL, ctx._("Cancel")),),
        )
        return
    if not plan.changes:
        ctx.finish()
        ctx.say(plan_text(ctx.t, plan, applied=False))
        return
    draft = ctx.draft()
    draft["file_name"] = name
    draft["file"] = base64.b64encode(document.content).decode("ascii")
    choices = [Choice("apply", ctx._("Apply"), ("ok", "co", "dong y", "ap dung"))]
    if plan.missing_members:
        choices.append(
            Choice(
                "apply_mark", ctx._("Apply, and record those not in the file as transferred out")
            )
        )
    choices.append(Choice(CANCEL, ctx._("Cancel")))
    ctx.ask(
        FLOW,
        "confirm",
        plan_text(ctx.t, plan, applied=False) + "\n\n" + ctx._("Shall I write these changes?"),
        tuple(choices),
    )


async def _on_confirm(ctx: Context) -> None:
    if await cancelled(ctx):
        return
    if ctx.choice not in ("apply", "apply_mark"):
        ctx.reprompt(ctx._(PICK_ONE))
        return
    assert ctx.member is not None
    draft = ctx.draft()
    content = base64.b64decode(str(draft["file"]))
    roster = await _roster(ctx, str(draft["file_name"]), content, ctx.choice == "apply_mark")
    note = ctx._("Not in the list sent by {name}.").format(name=ctx.member.full_name)
    plan = await import_roster(ctx.session, roster, ctx.member.id, ctx.now, ctx.today, note)
    ctx.finish()
    if plan.problems:  # the database changed since the check
        ctx.say(problems_text(ctx.t, plan.problems, PROBLEMS_SHOWN))
        return
    lines = [plan_text(ctx.t, plan, applied=True)]
    if any(change.member is None for change in plan.members):
        lines.append(ctx._("Send /mamoi to give the new members their invite codes."))
    ctx.say("\n".join(lines))


STEPS = {"file": _on_file, "confirm": _on_confirm}
