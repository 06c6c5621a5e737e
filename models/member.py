"""Party members, their status history, chat addresses and roles."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.org import enum_column


class Membership(StrEnum):
    """Full (chính thức) or probationary (dự bị) membership."""

    FULL = "full"
    PROBATIONARY = "probationary"


class MemberStatus(StrEnum):
    """Whether and how a member takes part in the cell's life."""

    ACTIVE = "active"
    WORKING_AWAY = "working_away"  # đi làm ăn xa
    EXEMPT = "exempt"  # miễn sinh hoạt (usually elderly)
    TRANSFERRED_OUT = "transferred_out"  # chuyển sinh hoạt đi


class Channel(StrEnum):
    """A messenger through which a person reaches the bot."""

    TELEGRAM = "telegram"
    ZALO = "zalo"
    CONSOLE = "console"


class RoleKind(StrEnum):
    """A role held in one organisation; committee roles oversee the whole subtree. The level
    is the organisation's: a committee member of a cell is a chi ủy viên, of a commune's
    Party committee a đảng ủy viên, of a district's a huyện ủy viên."""

    SECRETARY = "secretary"  # bí thư
    DEPUTY_SECRETARY = "deputy_secretary"  # phó bí thư
    STANDING_COMMITTEE_MEMBER = "standing_committee_member"  # ủy viên ban thường vụ
    COMMITTEE_MEMBER = "committee_member"  # chi ủy viên / đảng ủy viên / huyện ủy viên


class Member(Base):
    """A Party member. `status` is the current value; `member_status_changes` keeps history."""

    __tablename__ = "members"

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(16), unique=True)
    cell_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    membership: Mapped[Membership] = mapped_column(
        enum_column(Membership), default=Membership.FULL
    )
    status: Mapped[MemberStatus] = mapped_column(
        enum_column(MemberStatus), default=MemberStatus.ACTIVE
    )
    language: Mapped[str | None] = mapped_column(String(8))
    # The messenger for notices and reminders when linked on several; None = first linked.
    preferred_channel: Mapped[Channel | None] = mapped_column(enum_column(Channel, 16))
    created_at: Mapped[datetime]

    @property
    def given_name(self) -> str:
        """The name Vietnamese use to address someone: the last word of the full name."""
        return self.full_name.split()[-1] if self.full_name.strip() else self.full_name


class MemberStatusChange(Base):
    """One change of a member's status, from `effective_on`; the newest row is current."""

    __tablename__ = "member_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    status: Mapped[MemberStatus] = mapped_column(enum_column(MemberStatus))
    effective_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(500))
    recorded_at: Mapped[datetime]


class ChatAddress(Base):
    """One messenger account of a member: (channel, external id) is unique."""

    __tablename__ = "chat_addresses"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    channel: Mapped[Channel] = mapped_column(enum_column(Channel, 16))
    external_id: Mapped[str] = mapped_column(String(128))
    linked_at: Mapped[datetime]
    # When the person blocked the bot in this chat (or removed it); None while reachable.
    blocked_at: Mapped[datetime | None]


class Role(Base):
    """A role a member holds in an organisation between two dates (end None = current)."""

    __tablename__ = "roles"
    __table_args__ = (Index("ix_roles_member_current", "member_id", "ended_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    kind: Mapped[RoleKind] = mapped_column(enum_column(RoleKind))
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)


class Follow(Base):
    """A committee member of an organisation who follows one of its cells (cấp ủy viên phụ
    trách chi bộ: attends its meetings, reads its figures first) between two dates."""

    __tablename__ = "follows"
    __table_args__ = (
        Index(
            "uq_follows_current",
            "member_id",
            "cell_id",
            unique=True,
            sqlite_where=text("ended_on IS NULL"),
            postgresql_where=text("ended_on IS NULL"),
        ),
        Index("ix_follows_cell_id", "cell_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))  # the committee's
    cell_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
