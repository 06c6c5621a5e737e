"""Per-chat conversation state and the record of inbound messages already handled."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class ConversationState(Base):
    """Where a chat is in a multi-step flow, persisted so a half-done report survives restarts.

    `data` holds the flow's draft and `choices` the options last offered ([key, label] pairs),
    so a reply by number or label resolves on any channel.
    """

    __tablename__ = "conversation_states"
    __table_args__ = (UniqueConstraint("channel", "external_chat_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_chat_id: Mapped[str] = mapped_column(String(128))
    flow: Mapped[str] = mapped_column(String(32))
    step: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime]


class ProcessedMessage(Base):
    """An inbound message already handled; a redelivery of it is ignored."""

    __tablename__ = "processed_messages"
    __table_args__ = (UniqueConstraint("channel", "external_chat_id", "message_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_chat_id: Mapped[str] = mapped_column(String(128))
    message_id: Mapped[str] = mapped_column(String(128))
    processed_at: Mapped[datetime]
