"""Persisted per-chat conversation state: which flow and step, the draft, the offered choices."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.messages import Choice
from models import ConversationState


@dataclass
class FlowState:
    """A chat's place in a multi-step flow; `prompt` is re-shown after an interruption."""

    flow: str
    step: str
    data: dict[str, Any] = field(default_factory=dict)
    prompt: str = ""
    choices: tuple[Choice, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The JSON stored in the database."""
        return {
            "draft": self.data,
            "prompt": self.prompt,
            "choices": [[c.key, c.label] for c in self.choices],
        }

    @classmethod
    def from_row(cls, row: ConversationState) -> FlowState:
        """Rebuild the state from its row."""
        stored = row.data or {}
        return cls(
            flow=row.flow,
            step=row.step,
            data=dict(stored.get("draft", {})),
            prompt=str(stored.get("prompt", "")),
            choices=tuple(Choice(str(k), str(v)) for k, v in stored.get("choices", [])),
        )


async def load_state(session: AsyncSession, channel: str, chat_id: str) -> FlowState | None:
    """The chat's current flow, if one is under way."""
    row = await session.scalar(
        select(ConversationState).where(
            ConversationState.channel == channel, ConversationState.external_chat_id == chat_id
        )
    )
    return None if row is None else FlowState.from_row(row)


async def save_state(
    session: AsyncSession, channel: str, chat_id: str, state: FlowState | None, now: datetime
) -> None:
    """Store the chat's flow, or clear it when `state` is None."""
    row = await session.scalar(
        select(ConversationState).where(
            ConversationState.channel == channel, ConversationState.external_chat_id == chat_id
        )
    )
    if state is None:
        if row is not None:
            await session.execute(delete(ConversationState).where(ConversationState.id == row.id))
        return
    if row is None:
        row = ConversationState(channel=channel, external_chat_id=chat_id)
        session.add(row)
    row.flow = state.flow
    row.step = state.step
    row.data = state.to_json()
    row.updated_at = now
    await session.flush()
