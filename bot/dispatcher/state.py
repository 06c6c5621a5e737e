"""Persisted per-chat conversation state: loading and writing each chat's `FlowState`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.flow_state import Draft, FlowState
from models import ConversationState

DraftKinds = Callable[[str], type[Draft] | None]  # a flow's name -> its draft's type


async def load_state(
    session: AsyncSession, channel: str, chat_id: str, drafts: DraftKinds
) -> FlowState | None:
    """The chat's current flow, if one is under way (read only)."""
    found = (await stored_states(session, channel, [chat_id], drafts)).get(chat_id)
    return None if found is None else found[1]


async def stored_states(
    session: AsyncSession,
    channel: str,
    chat_ids: Sequence[str],
    drafts: DraftKinds,
    lock: bool = False,
) -> dict[str, tuple[int, FlowState]]:
    """The stored flows of these chats by chat id, with their row ids, in one query; each
    draft validated as its flow's draft type (`drafts`). With `lock`, the rows stay locked
    until the transaction ends (PostgreSQL), so two messages of one chat never both act on
    one."""
    table = ConversationState
    query = select(
        table.id, table.external_chat_id, table.flow, table.step, table.data, table.updated_at
    ).where(table.channel == channel, table.external_chat_id.in_(chat_ids))
    # Locked in id order: two batches locking overlapping chats cannot deadlock on these rows.
    rows = await session.execute(query.order_by(table.id).with_for_update() if lock else query)
    return {
        chat_id: (row_id, FlowState.from_stored(flow, step, data, at, drafts(flow)))
        for row_id, chat_id, flow, step, data, at in rows
    }


@dataclass
class StateChanges:
    """New, changed and finished flows of many chats, written with at most three statements."""

    new: list[dict[str, Any]] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)
    finished: list[int] = field(default_factory=list)

    def add(
        self,
        row_id: int | None,
        channel: str,
        chat_id: str,
        state: FlowState | None,
        now: datetime,
    ) -> None:
        """Store the chat's flow, or clear it when `state` is None; `row_id` is the chat's
        stored row as loaded in this transaction (None if there was none)."""
        if state is None:
            if row_id is not None:
                self.finished.append(row_id)
            return
        values = {
            "flow": state.flow,
            "step": state.step,
            "data": state.to_json(),
            "updated_at": now,
        }
        if row_id is None:
            self.new.append({"channel": channel, "external_chat_id": chat_id, **values})
        else:
            self.changed.append({"id": row_id, **values})

    async def write(self, session: AsyncSession) -> None:
        """Write every change (bulk statements: one for each kind of change there is)."""
        if self.finished:
            await session.execute(
                delete(ConversationState)
                .where(ConversationState.id.in_(self.finished))
                .execution_options(synchronize_session=False)
            )
        if self.changed:
            await session.execute(update(ConversationState), self.changed)
        if self.new:
            await session.execute(insert(ConversationState), self.new)
