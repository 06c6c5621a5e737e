"""The one-tap reminder to those who have not reported (`/chuabaocao`): who it would reach and
who it cannot (never linked a chat, blocked the bot), and sending it as a broadcast of its own
kind, so `/dagui` tells how it went. A member gets at most one such reminder an hour, whoever
taps, even two at the same moment: a second tap within the hour sends nothing and says when
the first went out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from sqlalchemy import String, and_, cast, exists, false, func, literal, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.outbox import enqueue
from bot.services.audit import record_audit
from bot.services.broadcasts import org_in_scope
from bot.services.meetings.texts import nudge_message
from models import (
    Audience,
    Broadcast,
    BroadcastKind,
    CellSchedule,
    ChatAddress,
    DeedReport,
    DeliveryStatus,
    Member,
    MemberStatus,
    Organisation,
    OutboxMessage,
)

NUDGE_INTERVAL = timedelta(hours=1)  # one reminder per member and hour at most
NUDGE_LOCK = 0x6368_6962_6F4E  # PostgreSQL advisory lock key ("chibN") taps take turns on


@dataclass(frozen=True)
class Owing:
    """A member the reminder is for."""

    member_id: int
    name: str
    language: str | None
    reachable: bool  # has a chat where they have not blocked the bot
    blocked: bool  # linked, but blocked the bot wherever they are linked
    reminded: bool  # a reminder reached them within the hour: not sent again


@dataclass(frozen=True)
class NudgePlan:
    """Who a tap would remind now, and who it cannot."""

    owing: tuple[Owing, ...]

    @property
    def due(self) -> tuple[Owing, ...]:
        """Those a tap sends to (a row each, reachable or not, so /dagui tells why)."""
        return tuple(o for o in self.owing if not o.reminded)

    @property
    def reachable(self) -> tuple[str, ...]:
        return tuple(o.name for o in self.due if o.reachable)

    @property
    def not_linked(self) -> tuple[str, ...]:
        return tuple(o.name for o in self.due if not o.reachable and not o.blocked)

    @property
    def blocked(self) -> tuple[str, ...]:
        return tuple(o.name for o in self.due if o.blocked)

    @property
    def reminded(self) -> tuple[str, ...]:
        return tuple(o.name for o in self.owing if o.reminded)


@dataclass(frozen=True)
class EarlierNudge:
    """The latest reminder within the hour to some of the same members."""

    at: datetime
    sender: str
    reached: int  # its messages on their way or delivered (not the unreachable ones)


@dataclass(frozen=True)
class NudgeOutcome:
    """What a tap did: the plan it followed, the reminders queued, and (when nothing was
    sent because everyone had one within the hour) the earlier one."""

    plan: NudgePlan
    broadcast_ids: tuple[int, ...]
    reached: int
    earlier: EarlierNudge | None = None


def _recent_nudge_causes(now: datetime) -> object:
    return select(literal("broadcast:") + cast(Broadcast.id, String)).where(
        Broadcast.kind == BroadcastKind.NUDGE, Broadcast.created_at > now - NUDGE_INTERVAL
    )


class Placed(Protocol):
    """An organisation as an ORM row or a plain reference: where it is in the tree."""

    @property
    def path(self) -> str: ...


async def nudge_plan(
    session: AsyncSession, orgs: Sequence[Placed], month: date, now: datetime
) -> NudgePlan:
    """Members under `orgs` who owe `month`'s report and whom their cell's rules remind
    (working-away members unless the cell says not, exempt members only if it says so)."""
    if not orgs:
        return NudgePlan(())
    cells = select(Organisation.id).where(
        or_(*(Organisation.path.startswith(o.path) for o in orgs))
    )
    reported = exists().where(
        DeedReport.member_id == Member.id,
        DeedReport.month == month,
        DeedReport.withdrawn_at.is_(None),
    )
    has_chat = exists().where(ChatAddress.member_id == Member.id)
    open_chat = exists().where(
        ChatAddress.member_id == Member.id, ChatAddress.blocked_at.is_(None)
    )
    reminded = exists().where(  # reached by a reminder within the hour (not just tried)
        OutboxMessage.member_id == Member.id,
        OutboxMessage.cause.in_(_recent_nudge_causes(now)),  # type: ignore[arg-type]
        OutboxMessage.status != DeliveryStatus.FAILED,
    )
    rows = await session.execute(
        select(Member.id, Member.full_name, Member.language, has_chat, open_chat, reminded)
        .outerjoin(CellSchedule, CellSchedule.cell_id == Member.cell_id)
        .where(
            Member.cell_id.in_(cells),
            ~reported,
            or_(
                Member.status == MemberStatus.ACTIVE,
                and_(
                    Member.status == MemberStatus.WORKING_AWAY,
                    func.coalesce(CellSchedule.nudge_working_away, true()),
                ),
                and_(
                    Member.status == MemberStatus.EXEMPT,
                    func.coalesce(CellSchedule.nudge_exempt, false()),
                ),
            ),
        )
        .order_by(Member.full_name, Member.id)
    )
    return NudgePlan(
        tuple(
            Owing(mid, name, language, bool(open_), bool(chat) and not open_, bool(again))
            for mid, name, language, chat, open_, again in rows
        )
    )


async def _earlier(
    session: AsyncSession, member_ids: list[int], now: datetime
) -> EarlierNudge | None:
    cause = literal("broadcast:") + cast(Broadcast.id, String)
    latest = await session.execute(
        select(Broadcast.id, Broadcast.created_at, Member.full_name)
        .join(Member, Member.id == Broadcast.sender_member_id)
        .where(
            Broadcast.kind == BroadcastKind.NUDGE,
            Broadcast.created_at > now - NUDGE_INTERVAL,
            exists().where(
                OutboxMessage.cause == cause,
                OutboxMessage.member_id.in_(member_ids),
                OutboxMessage.status != DeliveryStatus.FAILED,
            ),
        )
        .order_by(Broadcast.created_at.desc(), Broadcast.id.desc())
        .limit(1)
    )
    found = latest.first()
    if found is None:
        return None
    broadcast_id, at, sender = found
    reached = await session.scalar(
        select(func.count()).where(
            OutboxMessage.cause == f"broadcast:{broadcast_id}",
            OutboxMessage.status != DeliveryStatus.FAILED,
        )
    )
    return EarlierNudge(at, sender, reached or 0)


async def send_nudge(
    session: AsyncSession,
    *,
    sender: Member,
    org_ids: list[int],
    month: date,
    month_text: str,
    now: datetime,
    default_language: str,
) -> NudgeOutcome:
    """Remind those under `org_ids` (each in the sender's scope) who owe `month`'s report and
    had no reminder within the hour: one broadcast per organisation, a queued message per
    member (recorded at once as not reachable for those who cannot be), audited."""
    orgs = [await org_in_scope(session, sender.id, org_id) for org_id in org_ids]
    if session.get_bind().dialect.name == "postgresql":
        # Another tap at the same moment (another process, another batch) may be reminding
        # the same members: taps take turns, each reading the plan after the one before it
        # committed, so nobody is reminded twice. One lock for every tap, held until the
        # commit: taps are rare, and it touches no member row (a lock per member deadlocked
        # two batches tapping two communes in opposite orders). SQLite's BEGIN IMMEDIATE
        # already serialises writers.
        await session.execute(select(func.pg_advisory_xact_lock(NUDGE_LOCK)))
    plan = await nudge_plan(session, orgs, month, now)
    if not plan.reachable:  # nobody a reminder would reach: no broadcast of failures only
        earlier = await _earlier(session, [o.member_id for o in plan.owing], now)
        return NudgeOutcome(plan, (), 0, earlier)
    due = {o.member_id: o for o in plan.due}
    ids: list[int] = []
    for org in orgs:
        under = select(Member.id).where(
            Member.id.in_(list(due)),
            Member.cell_id.in_(
                select(Organisation.id).where(Organisation.path.startswith(org.path))
            ),
        )
        people = [due.pop(mid) for mid in await session.scalars(under) if mid in due]
        if not people:
            continue
        broadcast = Broadcast(
            org_id=org.id,
            sender_member_id=sender.id,
            audience=Audience.NOT_REPORTED,
            kind=BroadcastKind.NUDGE,
            text=nudge_message(sender.language or default_language, "…", month_text),
            ask_ack=False,
            created_at=now,
        )
        session.add(broadcast)
        await session.flush()
        ids.append(broadcast.id)
        for person in people:
            await enqueue(
                session,
                cause=f"broadcast:{broadcast.id}",
                member_id=person.member_id,
                text=nudge_message(person.language or default_language, person.name, month_text),
                choices=(),
                now=now,
            )
        record_audit(
            session,
            at=now,
            actor_member_id=sender.id,
            action="nudge_sent",
            subject_type="organisation",
            subject_id=org.id,
            broadcast_id=broadcast.id,
            recipients=len(people),
        )
    reached = await session.scalar(
        select(func.count()).where(
            OutboxMessage.cause.in_([f"broadcast:{i}" for i in ids]),
            OutboxMessage.status != DeliveryStatus.FAILED,
        )
    )
    return NudgeOutcome(plan, tuple(ids), reached or 0)
