"""The weekly digest: each secretary and committee member gets their scope's summary and a
chart, through the delivery queue, once a week. For each leader the job runner reads
(`digest_parts`), draws outside any transaction, then queues in a short transaction of its
own (`queue_digest`); leaders with the same scope share one summary and one chart.

The first digest of a month (sent in its first seven days) carries the month just closed
with its final figures besides the new month's, and draws the closed month's chart."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.clock import format_month, month_start, previous_month
from bot.core.i18n import N_, Translator, translator
from bot.core.messages import Choice
from bot.delivery.outbox import enqueue
from bot.reports.aggregates import Figures, Node
from bot.reports.chart import Bars, children_bars, reporting_chart
from bot.reports.offload import offload
from bot.reports.scope import Scope, load_scope
from bot.reports.summary import monthly_rates, summarise, week_start
from bot.reports.summary_text import cell_text, scope_text
from bot.services.committees import followed_cells
from bot.services.oversight import overseen_orgs
from bot.services.web_access import MINI_APP_PATH, OPEN_KEY, OPEN_LABEL
from models import Member, MemberStatus, OutboxMessage, Role

AXIS = N_("% of members who reported a good deed")
FIRST_WEEK = 7  # a digest sent by the 7th is a month's first: it tells the closed month
HIDDEN = N_("{count} more not shown: the {shown} most lagging are drawn (see the summary).")


WHOLE_HINT = N_(
    "These are the cells you follow (and your own cell). The whole of {org}: /tonghop toàn bộ"
)


async def leader_scope(session: AsyncSession, member_id: int, whole: bool = False) -> Scope:
    """What a leader's summaries and digest cover: by default, for a committee member who
    follows cells, those cells (and the cells where they hold a role themselves); with
    `whole`, or when they follow none, everything under the organisations where they hold a
    role now."""
    overseen = await overseen_orgs(session, member_id)
    if not whole:
        followed = await followed_cells(session, member_id)
        if followed:
            own = [org for org in overseen if org.is_cell()]
            return await load_scope(session, [*followed, *own])
    return await load_scope(session, overseen)


async def whole_name(session: AsyncSession, member_id: int) -> str | None:
    """The name of what a leader oversees in whole (the widest organisation) when their
    default scope is the cells they follow; None when it is already the whole."""
    if not await followed_cells(session, member_id):
        return None
    overseen = await overseen_orgs(session, member_id)
    widest = min(overseen, key=lambda org: (org.path.count("/"), org.name), default=None)
    return widest.name if widest is not None else None


async def chart_bars(
    session: AsyncSession, node: Node[Figures], month: date, t: Translator
) -> Bars:
    """What to draw: per child (commune or cell) this month for an organisation, with a note
    when some are left out; the last six months for a cell."""
    if node.org.is_cell:
        rates = await monthly_rates(session, node.org, month)
        return Bars(
            t.gettext("{cell}: reporting rate").format(cell=node.org.name),
            tuple((format_month(m), rate) for m, rate in rates),
            language=t.language,
        )
    bars = children_bars(
        node,
        t.gettext("Reporting rate of good deeds, month {month}").format(month=format_month(month)),
        language=t.language,
    )
    if not bars.hidden:
        return bars
    note = t.gettext(HIDDEN).format(count=bars.hidden, shown=len(bars.bars))
    return Bars(bars.title, bars.bars, bars.hidden, note, t.language)


async def draw(bars: Bars, t: Translator) -> bytes:
    """The chart's PNG, drawn in a worker process so the event loop keeps answering members."""
    return await offload(reporting_chart, bars, t.gettext(AXIS))


async def chart_for(
    session: AsyncSession, node: Node[Figures], month: date, t: Translator
) -> bytes:
    """The chart of `node` (see `chart_bars`)."""
    return await draw(await chart_bars(session, node, month, t), t)


async def digest_leaders(session: AsyncSession, week: str) -> list[int]:
    """Ids of the members holding a role now who have not had this week's digest queued."""
    queued = exists().where(
        OutboxMessage.member_id == Member.id, OutboxMessage.cause == f"digest-chart:{week}"
    )
    return list(
        await session.scalars(
            select(Member.id)
            .where(
                Member.id.in_(select(Role.member_id).where(Role.ended_on.is_(None))),
                Member.status != MemberStatus.TRANSFERRED_OUT,
                ~queued,
            )
            .order_by(Member.id)
        )
    )


@dataclass(frozen=True)
class DigestParts:
    """One scope's digest in one language: the text, the chart's caption and bars."""

    text: str
    caption: str
    bars: Bars
    language: str = "vi"


@dataclass
class DigestRun:
    """One run of the weekly digest: its week, and the digests and charts made so far, by
    scope and language, so leaders of the same scope share them."""

    now: datetime
    tz: ZoneInfo
    language: str
    public_url: str = ""  # PUBLIC_URL: the digest then carries "Open the dashboard"
    made: dict[tuple[tuple[int, ...], str, str], DigestParts] = field(default_factory=dict)
    drawn: dict[DigestParts, bytes] = field(default_factory=dict)

    @property
    def week(self) -> str:
        """The ISO week, as in the outbox cause ("2026-W47")."""
        return self.now.astimezone(self.tz).strftime("%G-W%V")

    async def photo(self, parts: DigestParts) -> bytes:
        """The chart of `parts`, drawn once per run."""
        if parts not in self.drawn:
            self.drawn[parts] = await draw(parts.bars, translator(self.language))
        return self.drawn[parts]


async def digest_parts(
    session: AsyncSession, run: DigestRun, leader_id: int
) -> DigestParts | None:
    """The leader's digest (shared with leaders of the same scope and language), read only;
    None if they oversee no cell."""
    leader = await session.get(Member, leader_id)
    if leader is None:
        return None
    scope = await leader_scope(session, leader_id)
    if not scope.cells:
        return None
    language = leader.language or run.language
    whole = await whole_name(session, leader_id)
    key = (tuple(root.id for root in scope.roots), language, whole or "")
    if key not in run.made:
        run.made[key] = await _digest(session, scope, run, translator(language), whole)
    return run.made[key]


async def queue_digest(
    session: AsyncSession, run: DigestRun, leader_id: int, parts: DigestParts, photo: bytes
) -> None:
    """Queue the week's digest (text, then chart) for one leader, the chart with an "Open the
    dashboard" choice when PUBLIC_URL is set (the last message: on a channel without buttons,
    the "1" typed after it is its answer). A second call in the same week adds nothing (the
    outbox cause names the week)."""
    choices: tuple[Choice, ...] = ()
    if run.public_url:
        choices = (
            Choice(
                OPEN_KEY,
                translator(parts.language).gettext(OPEN_LABEL),
                web_app_url=run.public_url.rstrip("/") + MINI_APP_PATH,
            ),
        )
    await enqueue(
        session,
        cause=f"digest:{run.week}",
        member_id=leader_id,
        text=parts.text,
        choices=(),
        now=run.now,
    )
    await enqueue(
        session,
        cause=f"digest-chart:{run.week}",
        member_id=leader_id,
        text=parts.caption,
        choices=choices,
        now=run.now,
        photo=photo,
    )


async def _digest(
    session: AsyncSession, scope: Scope, run: DigestRun, t: Translator, whole: str | None
) -> DigestParts:
    this_week = week_start(run.now, run.tz)
    last_week = this_week - timedelta(days=7)  # the digest tells the week just ended
    today = run.now.astimezone(run.tz).date()
    month = month_start(today)
    single = scope.root.is_cell
    summary = await summarise(
        session,
        scope,
        month,
        run.now,
        week_start=last_week,
        week_end=this_week,
        with_names=single,
    )
    body = (
        cell_text(t, run.tz, summary.cells[0], month, past_week=True)
        if single
        else scope_text(t, summary, past_week=True)
    )
    heading = t.gettext("Weekly digest, week of {date}:").format(
        date=last_week.strftime("%d/%m/%Y")
    )
    text = f"{heading}\n{body}"
    tree, charted = summary.tree, month
    if today.day <= FIRST_WEEK:
        closed = previous_month(month)
        final = await summarise(
            session, scope, closed, run.now, week_start=last_week, with_names=single
        )
        closed_text = (
            cell_text(t, run.tz, final.cells[0], closed, final=True)
            if single
            # the month's text below says how old the snapshot is: once is enough
            else scope_text(t, replace(final, snapshot_age=None), final=True)
        )
        text = f"{heading}\n{closed_text}\n\n{body}"
        tree, charted = final.tree, closed
    if whole is not None:
        text += "\n" + t.gettext(WHOLE_HINT).format(org=whole)
    caption = t.gettext("Reporting rate, month {month}.").format(month=format_month(charted))
    bars = await chart_bars(session, tree, charted, t)
    return DigestParts(text, caption, bars, t.language)
