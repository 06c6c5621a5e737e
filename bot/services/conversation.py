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
    updated_at: datetime | None = None  # when the chat last moved in this flow
    row_id: int | None = None  # the stored row this state was loaded from

    def to_json(self) -> dict[str, Any]:
        """The JSON stored in the database."""
        return {
            "draft": self.data,
            "prompt": self.prompt,
            "choices": [[c.key, c.label, list(c.aliases)] for c in self.choices],
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
            choices=tuple(
                Choice(str(c[0]), str(c[1]), tuple(c[2]) if len(c) > 2 else ())
                for c in stored.get("choices", [])
            ),
            updated_at=row.updated_at,
            row_id=row.id,
        )


async def load_state(
    session: AsyncSession, channel: str, chat_id: str, lock: bool = False
) -> FlowState | None:
    """The chat's current flow, if one is under way. With `lock`, the row stays locked until
    the transaction ends (PostgreSQL), so two messages of one chat never both act on it."""
    query = select(ConversationState).where(
        ConversationState.channel == channel, ConversationState.external_chat_id == chat_id
    )
    row = await session.scalar(query.with_for_update() if lock else query)
    return None if row is None else FlowState.from_row(row)


async def save_state(
    session: AsyncSession,
    channel: str,
    chat_id: str,
    state: FlowState | None,
    now: datetime,
    loaded_row_id: int | None,
) -> None:
    """Store the chat's flow, or clear it when `state` is None. `loaded_row_id` is the row
    load_state returned in this session (None if there was none), so no second read is needed:
    the session still holds that row."""
    row = None if loaded_row_id is None else await session.get(ConversationState, loaded_row_id)
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
