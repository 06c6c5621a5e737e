"""Good-deed reports ("mỗi tháng một việc tốt") with their photos, and monthly pledges."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.org import enum_column


class DeedCategory(StrEnum):
    """What kind of help a deed was; committees count deeds by it."""

    HOUSING = "housing"  # nhà ở, nhà vệ sinh
    LIVELIHOOD = "livelihood"  # sản xuất, sinh kế, vay vốn
    HEALTH_EDUCATION = "health_education"  # sức khỏe, học hành
    ENVIRONMENT = "environment"  # môi trường, đường, nhà văn hóa
    SECURITY = "security"  # an ninh trật tự
    OTHER = "other"


class EvidenceKind(StrEnum):
    """What a file kept against a report is: a photo, a voice note or an audio file."""

    PHOTO = "photo"
    VOICE = "voice"  # Telegram's voice message (OGG/Opus)
    AUDIO = "audio"  # an audio file sent as music


class DeedReport(Base):
    """One good deed reported by a member for a month.

    `household_id` is None for a community deed. A withdrawn report keeps its row
    (`withdrawn_at` set) so the audit trail stays whole. `source_key` identifies the chat
    message that created it ("channel:chat:message") and is unique, so a message delivered
    twice is stored once. `entered_by_member_id` is set when a secretary or deputy entered
    the report on the member's behalf (None: the member's own). A report told by voice note
    may be `confirmed_by` the secretary who listened to it.
    """

    __tablename__ = "deed_reports"
    __table_args__ = (
        Index("ix_deed_reports_member_month", "member_id", "month"),
        # "No deed for 3 months" looks a household's recent deeds up.
        Index("ix_deed_reports_household_month", "household_id", "month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    month: Mapped[date] = mapped_column(Date, index=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"), index=True)
    category: Mapped[DeedCategory] = mapped_column(enum_column(DeedCategory))
    text: Mapped[str] = mapped_column(Text)
    source_key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime]
    edited_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]
    entered_by_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    confirmed_by_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    confirmed_at: Mapped[datetime | None]


class DeedPhoto(Base):
    """A photo or voice note kept against a report: a platform file reference (Telegram
    file_id, Zalo URL) and its kind."""

    __tablename__ = "deed_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    deed_id: Mapped[int] = mapped_column(ForeignKey("deed_reports.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(16))
    file_ref: Mapped[str] = mapped_column(String(2000))
    kind: Mapped[EvidenceKind] = mapped_column(
        enum_column(EvidenceKind), default=EvidenceKind.PHOTO, server_default="photo"
    )


class Pledge(Base):
    """The deed a member plans for a month; one per member and month, updated in place."""

    __tablename__ = "pledges"
    __table_args__ = (UniqueConstraint("member_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    month: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
