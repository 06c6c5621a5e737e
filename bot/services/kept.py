"""Files kept in chibo's own database (a member's picture whose platform URL may expire),
referred to by "kept:<sha256>" the way a Telegram file id refers to a file on Telegram."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import KeptFile

PREFIX = "kept:"
MAX_BYTES = 5 * 1024 * 1024  # a phone's photo; more is no member's picture


def is_kept(file_ref: str) -> bool:
    """Whether `file_ref` names a file kept here."""
    return file_ref.startswith(PREFIX)


async def keep_file(
    session: AsyncSession, content: bytes, mime_type: str, channel: str, now: datetime
) -> str:
    """Keep `content` (once per content) and return its reference."""
    if len(content) > MAX_BYTES:
        raise ValueError("file too big to keep")
    digest = hashlib.sha256(content).hexdigest()
    found = await session.scalar(select(KeptFile.id).where(KeptFile.sha256 == digest))
    if found is None:
        session.add(
            KeptFile(
                sha256=digest,
                channel=channel,
                mime_type=mime_type[:100],
                size=len(content),
                content=content,
                created_at=now,
            )
        )
        await session.flush()
    return PREFIX + digest


async def kept_file(session: AsyncSession, file_ref: str) -> KeptFile | None:
    """The kept file `file_ref` names, if any."""
    if not is_kept(file_ref):
        return None
    return await session.scalar(
        select(KeptFile).where(KeptFile.sha256 == file_ref.removeprefix(PREFIX))
    )
