"""Figures of a cell that are slow to count over a province and change slowly (households and
their progress, households nobody helped, the last meeting), taken every few minutes so a
scope of thousands of cells reads them instead of counting them (bot/reports/snapshots.py)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class CellSnapshot(Base):
    """One cell's slow figures for one month, as counted at `taken_at`."""

    __tablename__ = "cell_snapshots"

    cell_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    taken_at: Mapped[datetime]
    households: Mapped[int]
    sanitary_toilet: Mapped[int]
    waste_incinerator: Mapped[int]
    hardened_floor: Mapped[int]
    quiet: Mapped[int]  # held for 3 months up to `month` with no deed by anyone
    last_meeting_at: Mapped[datetime | None]  # the last meeting with attendance recorded
    last_listed: Mapped[int]
    last_present: Mapped[int]
    last_spoke: Mapped[int]
