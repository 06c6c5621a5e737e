"""The organisation tree: district committee -> grassroots committee -> cell."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class OrgKind(StrEnum):
    """Level in the Party's tree."""

    DISTRICT_COMMITTEE = "district_committee"  # Đảng bộ huyện
    GRASSROOTS_COMMITTEE = "grassroots_committee"  # Đảng bộ cơ sở (usually a commune)
    CELL = "cell"  # Chi bộ (village, office, school...); a chi bộ cơ sở sits under a district


class CellType(StrEnum):
    """What kind of place a cell is in; statistics are split by it."""

    RURAL = "rural"  # nông thôn (thôn, bản)
    OFFICE = "office"  # cơ quan
    PUBLIC_SERVICE = "public_service"  # đơn vị sự nghiệp
    ARMED_FORCES = "armed_forces"  # lực lượng vũ trang
    SCHOOL = "school"  # trường học
    ENTERPRISE = "enterprise"  # doanh nghiệp


def enum_column(enum: type[StrEnum], length: int = 32) -> Enum:
    """A portable enum column stored as its string value (no native PG enum type)."""
    return Enum(
        enum,
        native_enum=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class Organisation(Base):
    """A node of the tree. `path` ("/1/4/9/") makes "everything under X" one indexed LIKE."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[OrgKind] = mapped_column(enum_column(OrgKind))
    cell_type: Mapped[CellType | None] = mapped_column(enum_column(CellType))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    path: Mapped[str] = mapped_column(String(255), index=True, default="")

    def is_cell(self) -> bool:
        """Whether members sit directly in this organisation."""
        return self.kind is OrgKind.CELL
