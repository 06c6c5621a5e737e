"""/tonghop: this week and this month for the caller's scope, rolled up district -> commune ->
cell: a committee sees what is under it (lagging first) and taps (or types the number of) one
to drill down; a cell's view has names, and for its secretary the households nobody helped.

Which month: the current one, except on the first days of a month (`CLOSING_DAYS`), when a
committee expects the month just closed, whose figures are now final; the other one is a tap
away, and any month, quarter or year can be typed ("11/2026", "quý 4/2026", "tháng trước"):
a month is shown, a quarter or a year comes as the Excel report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.core.clock import previous_month
from bot.core.i18n import N_
from bot.core.messages import Choice
from bot.core.text import fold
from bot.reports.aggregates import Figures, Node
from bot.reports.digest import leader_scope, whole_name
from bot.reports.period import Period, PeriodKind, parse_period, read_period
from bot.reports.scope import Scope
from bot.reports.summary import summarise, week_start
from bot.reports.summary_text import cell_text, scope_text
from bot.services.audit import record_audit
from bot.services.errors import AccessDeniedError, DomainError
from bot.services.evidence import entry_counts
from bot.services.oversight import LEADERS_ONLY, led_cells
from handlers import dashboard, summary_cell, summary_files, voices
from handlers.base import Context
from handlers.flow_state import Draft

FLOW = "summary"
TITLE = N_("the summary")
PAGE = 40  # organisations offered at once (Telegram shows at most 100 buttons)
NOT_FOUND = N_('No organisation under you is called "{name}"; here is the whole summary.')
WHOLE_WORDS = ("toan bo", "tat ca", "ca xa", "all", "whole")
CLOSING_DAYS = 3  # on the 1st-3rd, /tonghop opens on the month just closed
OTHER_PERIOD = N_(
    "Another period: type a month (10/2026, tháng trước), a quarter (quý 4/2026) or a year (2026)."
)


@dataclass(frozen=True)
class SummaryDraft(Draft):
    """The organisation on screen (None: the whole scope), the page of its list and the
    month shown ("2026-10"; empty: the default month); `whole`: a committee member who follows
    cells asked for everything they oversee."""

    org: int | None = None
    page: int = 0
    month: str = ""
    whole: bool = False


def default_month(ctx: Context) -> date:
    """The month /tonghop opens on: the one just closed on the first days of a month, else
    the current one."""
    return previous_month(ctx.month) if ctx.today.day <= CLOSING_DAYS else ctx.month


def _shown_month(ctx: Context, draft: SummaryDraft) -> date:
    period = read_period(draft.month) if draft.month else None
    return period.first if period is not None else default_month(ctx)


async def _scope(ctx: Context, whole: bool = False) -> Scope:
    """The caller's scope: the cells they follow (a committee member who follows some), or
    with `whole` everything they oversee."""
    assert ctx.member is not None
    scope = await leader_scope(ctx.session, ctx.member.id, whole=whole)
    if not scope.cells:
        raise AccessDeniedError(LEADERS_ONLY)
    return scope


def named_org(scope: Scope, args: str) -> int | None:
    """The organisation of the scope that `args` names (whole name or a unique part)."""
    wanted = fold(args).strip()
    names = [(fold(org.name), org.id) for org in scope.orgs]
    exact = [org_id for name, org_id in names if name == wanted]
    if exact:
        return exact[0]
    hits = [org_id for name, org_id in names if wanted in name]
    return hits[0] if len(hits) == 1 else None


async def show(ctx: Context, args: str) -> None:
    """/tonghop [NAME | PERIOD]: the caller's whole scope, or the organisation NAME within
    it; a month typed after it is shown, a quarter or year exported."""
    text = args.strip()
    whole = fold(text) in WHOLE_WORDS
    scope = await _scope(ctx, whole)
    org_id = None
    if text and read_period(text, ctx.month) is not None:
        ctx.begin(FLOW)
        await _period(ctx, scope, None, text)
        return
    if text and not whole:
        org_id = named_org(scope, args)
        if org_id is None:  # a cell the committee member does not follow: look in the whole
            whole = True
            scope = await _scope(ctx, whole)
            org_id = named_org(scope, args)
        if org_id is None:
            ctx.say(ctx._(NOT_FOUND).format(name=text))
    await _view(ctx, scope, org_id, month=default_month(ctx), whole=whole)


async def _period(
    ctx: Context, scope: Scope, org_id: int | None, text: str, whole: bool = False
) -> None:
    """A period typed: its month shown, or its quarter's or year's report."""
    try:
        period = parse_period(text, ctx.month)
    except DomainError as error:
        ctx.reprompt(error.render(ctx.t))
        return
    if period.kind is PeriodKind.MONTH:
        await _view(ctx, scope, org_id, month=period.first, whole=whole)
    else:
        await _export(ctx, org_id, period.slug, whole)


async def _view(
    ctx: Context,
    scope: Scope,
    org_id: int | None,
    page: int = 0,
    *,
    month: date,
    whole: bool = False,
) -> None:
    """Show `org_id` (the scope's root if None) for `month`, with its choices; `whole`: the
    scope is everything the caller oversees although they follow some cells."""
    assert ctx.member is not None
    part = scope.narrow(org_id) if org_id else scope
    if part is None:
        part, org_id = scope, None
    single = part.root.is_cell
    final = month < ctx.month
    summary = await summarise(
        ctx.session,
        part,
        month,
        ctx.now,
        week_start=week_start(ctx.now, ctx.tz),
        with_names=single,
    )
    node = summary.tree
    record_audit(
        ctx.session,
        at=ctx.now,
        actor_member_id=ctx.member.id,
        action="viewed_summary",
        subject_type="organisation",
        subject_id=node.org.id or None,
        cells=node.figures.cells,
        month=f"{month:%Y-%m}",
    )
    text = (
        cell_text(ctx.t, ctx.tz, summary.cells[0], month, final=final)
        if single
        else scope_text(ctx.t, summary, final=final)
    )
    text += await _entries(ctx, [cell.id for cell in part.cells], month)
    text += "\n" + ctx._(OTHER_PERIOD)
    choices = [
        *_children(ctx, node, page),
        *await summary_cell.secretary_choices(ctx, part, single),
    ]
    if (
        single
        and node.figures.quiet
        and node.org.id in {cell.id for cell in await led_cells(ctx.session, ctx.member.id)}
    ):
        choices.append(
            Choice(
                "quiet",
                ctx._("Households not helped for 3 months ({count})").format(
                    count=node.figures.quiet
                ),
            )
        )
    if org_id is not None and node.org.id != scope.root.id:
        parent = next((o for o in scope.orgs if o.id == node.org.parent_id), None)
        choices.append(
            Choice(
                f"org:{parent.id}" if parent is not None and parent.id != scope.root.id else "top",
                ctx._("Back to {org}").format(
                    org=parent.name if parent is not None else ctx._("the whole summary")
                ),
            )
        )
    everything = await whole_name(ctx.session, ctx.member.id)
    if everything is not None and org_id is None and not whole:
        text = ctx._("The cells you follow (and your own cell):") + "\n" + text
    if everything is not None and org_id is None:
        choices.append(
            Choice("followed", ctx._("The cells I follow"))
            if whole
            else Choice("whole", ctx._("All of {org}").format(org=everything))
        )
    choices.extend(_exports(ctx, month))
    if (web := dashboard.offer(ctx)) is not None:
        choices.insert(0, web)
    ctx.ask(FLOW, "menu", text, tuple(choices))
    ctx.keep(SummaryDraft(org=node.org.id or None, page=page, month=f"{month:%Y-%m}", whole=whole))


async def _entries(ctx: Context, cell_ids: list[int], month: date) -> str:
    """Lines on reports entered for members and voice reports, if there are any."""
    counts = await entry_counts(ctx.session, cell_ids, month)
    text = ""
    if counts.on_behalf:
        text += "\n" + ctx._("Entered by the cell committee for members: {count}.").format(
            count=counts.on_behalf
        )
    if counts.voice:
        text += "\n" + ctx._(
            "Told by voice message: {count} ({waiting} not confirmed yet)."
        ).format(count=counts.voice, waiting=counts.voice_unconfirmed)
    return text


def _children(ctx: Context, node: Node[Figures], page: int) -> list[Choice]:
    shown = node.children[page * PAGE : (page + 1) * PAGE]
    choices = [Choice(f"org:{child.org.id}", child.org.name) for child in shown]
    left = len(node.children) - (page + 1) * PAGE
    if left > 0:
        choices.append(Choice("more", ctx._("{count} more").format(count=left)))
    return choices


def _exports(ctx: Context, month: date) -> list[Choice]:
    """The other month one tap away, the chart, and the reports of the month shown, of
    last month (when this one is shown), and of the quarter and year of the month shown."""
    last = previous_month(ctx.month)
    switch = (
        Choice(
            f"month:{last:%Y-%m}",
            ctx._("Last month ({month}): final figures").format(month=ctx.month_text(last)),
        )
        if month == ctx.month
        else Choice(
            f"month:{ctx.month:%Y-%m}",
            ctx._("This month ({month})").format(month=ctx.month_text()),
        )
    )
    periods = [Period.of_month(month, PeriodKind.MONTH)]
    if month == ctx.month:
        periods.append(Period.of_month(last, PeriodKind.MONTH))
    periods += [Period.of_month(month, kind) for kind in (PeriodKind.QUARTER, PeriodKind.YEAR)]
    return [
        switch,
        Choice("chart", ctx._("Chart of the reporting rate")),
        Choice(
            f"docx:{month:%Y-%m}",
            ctx._("Word report, {period}").format(period=periods[0].label),
        ),
        *(
            Choice(
                f"export:{period.slug}",
                ctx._("Excel report, {period}").format(period=period.label),
            )
            for period in periods
        ),
    ]


async def _on_menu(ctx: Context) -> None:
    assert ctx.member is not None
    choice = ctx.choice or ""
    draft = ctx.draft(SummaryDraft)
    org_id = draft.org
    month = _shown_month(ctx, draft)
    whole = draft.whole
    if not choice and read_period(ctx.message.text, ctx.month) is not None:
        await _period(ctx, await _scope(ctx, whole), org_id, ctx.message.text, whole)
        return
    if choice in ("whole", "followed"):
        whole = choice == "whole"
        await _view(ctx, await _scope(ctx, whole), None, month=month, whole=whole)
        return
    if choice.startswith("month:"):
        shown = read_period(choice.removeprefix("month:"))
        month = shown.first if shown is not None else month
        await _view(ctx, await _scope(ctx, whole), org_id, draft.page, month=month, whole=whole)
        return
    if choice.startswith("org:") or choice in ("top", "more"):
        scope = await _scope(ctx, whole)
        if choice == "more":
            await _view(ctx, scope, org_id, draft.page + 1, month=month, whole=whole)
        else:
            await _view(
                ctx,
                scope,
                int(choice.removeprefix("org:")) if choice != "top" else None,
                month=month,
                whole=whole,
            )
        return
    if choice == dashboard.KEY:
        await dashboard.chosen(ctx)
    elif choice == "voices":
        await voices.show(ctx)
    elif choice == "proposals":
        await summary_cell.proposals(ctx)
    elif choice == "chart":
        await _chart(ctx, org_id, month, whole)
    elif choice == "quiet":
        await summary_cell.quiet(ctx, org_id)
    elif choice.startswith("export:"):
        await _export(ctx, org_id, choice.removeprefix("export:"), whole)
    elif choice.startswith("docx:"):
        await _export(ctx, org_id, choice.removeprefix("docx:"), whole, word=True)
    else:
        ctx.reprompt()


STEPS = {"menu": _on_menu}


def reads(ctx: Context, text: str) -> bool:
    """A month, quarter or year typed under the summary (even one not begun: refused there)."""
    return read_period(text, ctx.month) is not None


async def _export(
    ctx: Context, org_id: int | None, period_text: str, whole: bool = False, word: bool = False
) -> None:
    # From the cells a committee member follows, the workbook of their whole organisation
    # (it has a sheet per cell); from one organisation on screen, that one.
    await summary_files.export(
        ctx, await _scope(ctx, whole or org_id is None), org_id, period_text, word
    )


async def _chart(ctx: Context, org_id: int | None, month: date, whole: bool = False) -> None:
    scope = await _scope(ctx, whole)
    await summary_files.chart(ctx, (scope.narrow(org_id) if org_id else scope) or scope, month)
