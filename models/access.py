"""Invite codes that link a chat to a member, dashboard sign-in links, and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class InviteCode(Base):
    """A single-use, expiring code that links a chat address to `member_id`."""

    __tablename__ = "invite_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)  # short: typed from paper
    # Long, for links and QR codes nobody types: too many to guess (None: codes made before).
    link_code: Mapped[str | None] = mapped_column(String(32), unique=True, index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class WebSignIn(Base):
    """A single-use link that opens the dashboard as `member_id` for a few minutes; only the
    SHA-256 of its token is kept, so the table gives away no working link."""

    __tablename__ = "web_sign_ins"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class FailedLink(Base):
    """A wrong, used or expired invite code tried from a chat; too many in an hour block it."""

    __tablename__ = "failed_links"
    __table_args__ = (
        Index("ix_failed_links_chat", "channel", "external_chat_id", "at"),
        Index("ix_failed_links_channel_at", "channel", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_chat_id: Mapped[str] = mapped_column(String(128))
    at: Mapped[datetime]


class AuditEntry(Base):
    """Who changed, viewed or exported what, and when."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_subject", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    action: Mapped[str] = mapped_column(String(64))
    subject_type: Mapped[str] = mapped_column(String(64))
    subject_id: Mapped[int | None]
    details: Mapped[dict[str, Any]]
