"""/danhsach: a secretary sends the cell's list (Excel or CSV); the bot checks it, shows what
would change and writes it only after "Apply". Rows of other cells are refused."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.i18n import N_
from bot.core.messages import Attachment, Choice, OutboundMessage, Sheet
from bot.services.errors import AccessDeniedError
from bot.services.oversight import LEADERS_ONLY, overseen_cells
from bot.services.roster.importer import RosterFile, check_roster, import_roster
from bot.services.roster.report import orphaned_text, plan_text, problems_text
from handlers.base import CANCEL, PICK_ONE, Context, cancelled
from handlers.flow_state import Draft
from handlers.summary_files import XLSX
from models import MemberStatus

FLOW = "roster"
TITLE = N_("importing a list")
PROBLEMS_SHOWN = 10
MAX_FILE_MB = 2  # what a chat may send (Telegram downloads documents up to that size)
TEMPLATE_FILE = "mau-danh-sach-chi-bo.xlsx"


@dataclass(frozen=True)
class RosterDraft(Draft):
    """The file checked, kept as its sheets (title, rows of cell texts) until the secretary
    applies it."""

    file_name: str = ""
    sheets: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...] = ()


async def start(ctx: Context, args: str) -> None:
    """/danhsach, or a file sent by a leader: check the file if there is one, else ask."""
    assert ctx.member is not None
    if not await overseen_cells(ctx.session, ctx.member.id):
        raise AccessDeniedError(LEADERS_ONLY)
    ctx.begin(FLOW)
    if ctx.message.document is not None:
        await _check(ctx)
        return
    from bot.reports.roster_template import template_workbook  # openpyxl: load when asked

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


async def _roster(ctx: Context, name: str, sheets: tuple[Sheet, ...], mark: bool) -> RosterFile:
    assert ctx.member is not None
    cells = await overseen_cells(ctx.session, ctx.member.id)
    return RosterFile(
        sheets,
        name,
        scope={cell.id for cell in cells},
        default_cell=cells[0].name if len(cells) == 1 else None,
        mark_missing=MemberStatus.TRANSFERRED_OUT if mark else None,
        importer_id=ctx.member.id,
        allow_moves=True,  # within the cells they oversee, listed in the preview they confirm
        today=ctx.today,
    )


async def _drafted(ctx: Context, mark: bool) -> RosterFile:
    """The file's sheets kept in the draft since it was checked (never the file itself: it is
    read once, in the worker)."""
    draft = ctx.draft(RosterDraft)
    sheets = tuple(Sheet(title, rows) for title, rows in draft.sheets)
    return await _roster(ctx, draft.file_name, sheets, mark)


async def _check(ctx: Context) -> None:
    document = ctx.message.document
    assert document is not None
    if document.unreadable is not None or document.sheets is None:
        ctx.say(
            document.unreadable.render(ctx.t)
            if document.unreadable is not None
            else ctx._("I could not read this file. Files up to {size} MB can be checked.").format(
                size=MAX_FILE_MB
            )
        )
        _ask_again(ctx)
        return
    name = document.file_name or "danh-sach.xlsx"
    plan = await check_roster(ctx.session, await _roster(ctx, name, document.sheets, False))
    if plan.problems:
        ctx.say(problems_text(ctx.t, plan.problems, PROBLEMS_SHOWN))
        _ask_again(ctx)
        return
    assert ctx.member is not None
    markable = [m for m in plan.missing_members if m.id != ctx.member.id]
    lines = [plan_text(ctx.t, plan, applied=False)]
    if markable:
        lines.extend(
            ctx._(
                "{missing} of the {total} members of {cell} are not in the file: is it "
                "complete? Recording them as transferred out is not offered."
            ).format(missing=gap.missing, total=gap.total, cell=gap.cell)
            for gap in plan.gaps
        )
    offer_mark = bool(markable) and not plan.gaps
    if not plan.changes and not offer_mark:
        ctx.finish()
        ctx.say("\n".join(lines))
        return
    ctx.keep(
        RosterDraft(name, tuple((sheet.name, tuple(sheet.rows)) for sheet in document.sheets))
    )
    choices = []
    if plan.changes:
        choices.append(Choice("apply", ctx._("Apply"), ("ok", "co", "dong y", "ap dung")))
    if offer_mark:
        choices.append(
            Choice(
                "apply_mark",
                ctx._("Apply + record {count} as transferred out").format(count=len(markable)),
            )
        )
    choices.append(Choice(CANCEL, ctx._("Cancel")))
    lines.append("\n" + ctx._("Shall I write these changes?"))
    ctx.ask(FLOW, "confirm", "\n".join(lines), tuple(choices))


def _ask_again(ctx: Context) -> None:
    ctx.ask(
        FLOW,
        "file",
        ctx._("Please correct the file and send it again."),
        (Choice(CANCEL, ctx._("Cancel")),),
    )


async def _on_confirm(ctx: Context) -> None:
    if ctx.message.document is not None:  # a corrected file: check it instead
        await _check(ctx)
        return
    if await cancelled(ctx):
        return
    if ctx.choice == "apply":
        await _apply(ctx, mark=False)
        return
    if ctx.choice != "apply_mark":
        ctx.reprompt(ctx._(PICK_ONE))
        return
    plan = await check_roster(ctx.session, await _drafted(ctx, mark=True))
    if plan.problems:
        ctx.finish()
        ctx.say(problems_text(ctx.t, plan.problems, PROBLEMS_SHOWN))
        return
    marked = [c.row.name for c in plan.members if not c.row.row]
    lines = [
        ctx._("These {count} members will be recorded as transferred out: {names}.").format(
            count=len(marked), names=", ".join(marked)
        )
    ]
    if plan.orphaned:
        lines.append(orphaned_text(ctx.t, plan))
    lines.append(ctx._("Is that right?"))
    ctx.ask(
        FLOW,
        "confirm_mark",
        "\n".join(lines),
        (
            Choice("mark", ctx._("Yes, record them as transferred out")),
            Choice(CANCEL, ctx._("Cancel")),
        ),
    )


async def _on_confirm_mark(ctx: Context) -> None:
    if ctx.message.document is not None:
        await _check(ctx)
        return
    if await cancelled(ctx):
        return
    if ctx.choice != "mark":
        ctx.reprompt(ctx._(PICK_ONE))
        return
    await _apply(ctx, mark=True)


async def _apply(ctx: Context, mark: bool) -> None:
    assert ctx.member is not None
    roster = await _drafted(ctx, mark)
    note = ctx._("Not in the list sent by {name}.").format(name=ctx.member.full_name)
    plan = await import_roster(
        ctx.session,
        roster=roster,
        actor_member_id=ctx.member.id,
        now=ctx.now,
        today=ctx.today,
        note=note,
    )
    ctx.finish()
    if plan.problems:  # the database changed since the check
        ctx.say(problems_text(ctx.t, plan.problems, PROBLEMS_SHOWN))
        return
    lines = [plan_text(ctx.t, plan, applied=True)]
    if any(change.member is None for change in plan.members):
        lines.append(ctx._("Send /mamoi to give the new members their invite codes."))
    ctx.say("\n".join(lines))


STEPS = {"file": _on_file, "confirm": _on_confirm, "confirm_mark": _on_confirm_mark}
