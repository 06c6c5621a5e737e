"""Pictures kept in chibo's own database: a member's photo that came as a platform URL which
may expire (Zalo's CDN) is downloaded and kept here, referred to as "kept:<sha256>"."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class KeptFile(Base):
    """One file's bytes, once per content (its SHA-256)."""

    __tablename__ = "kept_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    channel: Mapped[str] = mapped_column(String(16))
    mime_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]
