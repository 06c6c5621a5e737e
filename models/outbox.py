"""Broadcasts and the outbox: every message the bot sends on its own initiative."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.org import enum_column


class DeliveryStatus(StrEnum):
    """Where one outbox message is.

    ```
    queued --claim--> sending --accepted by the platform--> sent
      ^                  |  \\--blocked / never started / bad request / out of tries--> failed
      |                  v
    retry <--429, 5xx, timeout (next_attempt_at set)
    sending --lease expired (the process died)--> claimable again, like queued
    (no chat address when enqueued) --> failed, last_error "not_linked"
    ```
    A claim stamps `claim_token`; only the holder of the current token may record the outcome,
    so a worker that lost its lease cannot overwrite a newer attempt.
    """

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"


class FailureReason(StrEnum):
    """Why a message will never be delivered."""

    NOT_LINKED = "not_linked"  # the member has no chat address
    BLOCKED = "blocked"  # the person blocked the bot (Telegram 403)
    NOT_STARTED = "not_started"  # chat not found: the person never opened the bot
    REJECTED = "rejected"  # the platform refused the message itself (400)
    GAVE_UP = "gave_up"  # temporary errors every time, up to the maximum of attempts


class Audience(StrEnum):
    """Whom a broadcast goes to within its organisation."""

    ALL = "all"
    NOT_REPORTED = "not_reported"  # no good-deed report for the current month
    ABSENT_LAST_MEETING = "absent_last_meeting"  # absent at their cell's last recorded meeting


class BroadcastKind(StrEnum):
    """What a broadcast was: a notice written by its sender, or the one-tap reminder to
    those who have not reported (`/chuabaocao`)."""

    NOTICE = "notice"
    NUDGE = "nudge"


class Broadcast(Base):
    """A notice a secretary or committee member sent to an organisation's members, or their
    one-tap reminder to report (`kind`)."""

    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    sender_member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    audience: Mapped[Audience] = mapped_column(enum_column(Audience))
    text: Mapped[str] = mapped_column(Text)
    ask_ack: Mapped[bool]
    created_at: Mapped[datetime]
    kind: Mapped[BroadcastKind] = mapped_column(
        enum_column(BroadcastKind), default=BroadcastKind.NOTICE, server_default="notice"
    )


class OutboxMessage(Base):
    """One proactive message to one member. (`cause`, `member_id`) is unique, so enqueuing
    the same cause twice (a retried transaction, a second scheduler) adds nothing."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("cause", "member_id"),
        Index("ix_outbox_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cause: Mapped[str] = mapped_column(String(64))  # "broadcast:12", later "reminder:..."
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    channel: Mapped[str | None] = mapped_column(String(16))
    chat_id: Mapped[str | None] = mapped_column(String(128))
    # Set when the first channel failed for good and the message moved to the member's other one.
    first_channel: Mapped[str | None] = mapped_column(String(16))
    # "channel:external id" of a chat this message must never go to (a warning about that chat),
    # whichever messenger it is moved to.
    avoid_chat: Mapped[str | None] = mapped_column(String(150))
    text: Mapped[str] = mapped_column(Text)
    choices: Mapped[list[Any]] = mapped_column(default=list)  # [[key, label], ...]
    photo: Mapped[bytes | None] = mapped_column(LargeBinary)  # a picture the bot made (chart)
    status: Mapped[DeliveryStatus] = mapped_column(enum_column(DeliveryStatus, 16))
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    claim_token: Mapped[str | None] = mapped_column(String(36))
    last_error: Mapped[str | None] = mapped_column(String(300))
    platform_message_id: Mapped[str | None] = mapped_column(String(64))
    # The platform ids of the parts already out (a long text goes out in several messages);
    # a retry resumes after them, so no part is lost and none is sent twice.
    part_ids: Mapped[list[Any]] = mapped_column(default=list)
    parts: Mapped[int | None]  # how many platform messages it makes, once known
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    acked_at: Mapped[datetime | None]


class SendBudget(Base):
    """The sending budget of one bot token shared by every chibo process on one PostgreSQL
    database (bot.delivery.budget): `next_at`, in the database's clock (epoch seconds), is
    when the next message slot starts; a process takes a few slots at a time by moving it on,
    and a 429 moves it past the platform's wait."""

    __tablename__ = "send_budgets"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # channel:hash of the token
    next_at: Mapped[float]
