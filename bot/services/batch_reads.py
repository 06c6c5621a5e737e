"""Reads a batch's messages share: one statement for all its members the first time one asks.

What was read is dropped at any write the session makes (a flush, an ORM statement that is
not a read), so a message sees what an earlier message of its batch changed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Iterable
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session

# In `session.info`: the batch's members, and what was read for them, by what was read.
_EXPECTED, _READ = "batch.members", "batch.read"
Value = TypeVar("Value")


def expect_members(session: AsyncSession, member_ids: Iterable[int]) -> None:
    """These members' messages are handled in this transaction (a batch): reads asked for
    one of them are made for all of them at once."""
    session.info[_EXPECTED] = frozenset(member_ids)
    session.info.pop(_READ, None)


def forget_reads(session: Session) -> None:
    """Drop what was read together (the session wrote something)."""
    session.info.pop(_READ, None)


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, _context: object) -> None:
    forget_reads(session)


@event.listens_for(Session, "do_orm_execute")
def _executed(state: ORMExecuteState) -> None:
    if not state.is_select:
        forget_reads(state.session)


async def read_together(
    session: AsyncSession,
    what: Hashable,
    member_id: int,
    read_all: Callable[[list[int]], Awaitable[dict[int, Value]]],
) -> Value | None:
    """`what` of `member_id`, from one `read_all` of the batch's members (it answers for
    each of them); None when not read that way: not a batch, or ORM changes wait to be
    flushed (a direct read flushes them first)."""
    expected: frozenset[int] = session.info.get(_EXPECTED, frozenset())
    if member_id not in expected or len(expected) < 2:
        return None
    if session.new or session.dirty or session.deleted:
        return None
    read: dict[Hashable, dict[int, Any]] = session.info.setdefault(_READ, {})
    if what not in read:
        read[what] = await read_all(sorted(expected))
    found: Value = read[what][member_id]
    return found


def change_read(
    session: AsyncSession, what: Hashable, member_id: int, change: Callable[[Any], Any]
) -> None:
    """A write made past the ORM (on the session's connection): the read of `what`, if any,
    kept true by `change` instead of read again."""
    read: dict[Hashable, dict[int, Any]] | None = session.info.get(_READ)
    if read is not None and what in read:
        read[what][member_id] = change(read[what][member_id])
