"""Households members look after, their categories, progress and assignment history."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.org import enum_column


class HouseholdCategory(StrEnum):
    """Why a household is looked after; a household may be in several."""

    POOR = "poor"  # hộ nghèo
    NEAR_POOR = "near_poor"  # hộ cận nghèo
    POLICY_FAMILY = "policy_family"  # gia đình chính sách, người có công
    HOUSING_DIFFICULTY = "housing_difficulty"  # nhà tạm, nhà dột nát
    OTHER = "other"


class ProgressFlag(StrEnum):
    """Things the village counts household by household."""

    SANITARY_TOILET = "sanitary_toilet"  # nhà tiêu, nhà tắm hợp vệ sinh
    WASTE_INCINERATOR = "waste_incinerator"  # lò đốt rác
    HARDENED_FLOOR = "hardened_floor"  # nền nhà cứng hóa


class Household(Base):
    """A village household; `code` is unique within its commune (`commune_id`).

    The `*_since` columns are the current progress flags (the day each was reached, None
    while it is not): a copy of the newest `household_progress` row per flag, kept by the
    progress service, so summaries count them without reading the history.
    """

    __tablename__ = "households"
    __table_args__ = (UniqueConstraint("commune_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    code: Mapped[str] = mapped_column(String(32))
    head_name: Mapped[str] = mapped_column(String(120))
    village: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(16))
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    sanitary_toilet_since: Mapped[date | None] = mapped_column(Date)
    waste_incinerator_since: Mapped[date | None] = mapped_column(Date)
    hardened_floor_since: Mapped[date | None] = mapped_column(Date)


class HouseholdCategoryLink(Base):
    """Membership of a household in a category."""

    __tablename__ = "household_categories"

    household_id: Mapped[int] = mapped_column(
        ForeignKey("households.id", ondelete="CASCADE"), primary_key=True
    )
    category: Mapped[HouseholdCategory] = mapped_column(
        enum_column(HouseholdCategory), primary_key=True
    )


class HouseholdProgress(Base):
    """A progress flag set or cleared on a date; the newest row per flag is current."""

    __tablename__ = "household_progress"
    __table_args__ = (Index("ix_household_progress_lookup", "household_id", "flag", "changed_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"))
    flag: Mapped[ProgressFlag] = mapped_column(enum_column(ProgressFlag))
    achieved: Mapped[bool]
    changed_on: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))


class Assignment(Base):
    """A member in charge of a household from `started_on` until `ended_on` (None = current).

    A household has at most one current assignment (partial unique index); a member may have
    any number, and more than five earns a warning, not a refusal.
    """

    __tablename__ = "assignments"
    __table_args__ = (
        Index(
            "uq_assignments_current_household",
            "household_id",
            unique=True,
            sqlite_where=text("ended_on IS NULL"),
            postgresql_where=text("ended_on IS NULL"),
        ),
        Index("ix_assignments_member_current", "member_id", "ended_on"),
        # Summaries walk from a cell's members to their current households: covering.
        Index(
            "ix_assignments_current_by_member",
            "member_id",
            "household_id",
            "started_on",
            sqlite_where=text("ended_on IS NULL"),
            postgresql_where=text("ended_on IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"))
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
