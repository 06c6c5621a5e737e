"""Every row of a chibo database as JSON lines, and back: the portable backup format.

Tables are read and written through reflection, not the models, so a backup made at an older
schema revision restores into a database migrated to that revision (and is then upgraded),
and a SQLite database's rows load into PostgreSQL. One line per table header
(`{"table": ..., "columns": [...]}`), then one line per row (a list of values in column
order). Timestamps are ISO 8601 in UTC, binary values base64; the target column's type says
how to read a value back.
"""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import (
    Boolean,
    Connection,
    Date,
    DateTime,
    LargeBinary,
    MetaData,
    Table,
    Time,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.ext.asyncio import AsyncConnection

VERSION_TABLE = "alembic_version"  # the schema revision: restored by migrating, never copied
BATCH = 1000


def _reflect(connection: Connection) -> MetaData:
    metadata = MetaData()
    metadata.reflect(connection)
    return metadata


async def tables(conn: AsyncConnection) -> list[Table]:
    """The database's tables, parents before children, without Alembic's version table."""
    metadata = await conn.run_sync(_reflect)
    return [table for table in metadata.sorted_tables if table.name != VERSION_TABLE]


async def row_counts(conn: AsyncConnection) -> dict[str, int]:
    """How many rows each table holds."""
    counts = {}
    for table in await tables(conn):
        counts[table.name] = int(
            (await conn.execute(select(func.count()).select_from(table))).scalar_one()
        )
    return counts


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        # chibo stores UTC only; SQLite hands it back without a zone.
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


async def dump(conn: AsyncConnection) -> AsyncIterator[str]:
    """Every row of every table as JSON lines (no newline at their ends)."""
    for table in await tables(conn):
        names = [column.name for column in table.columns]
        yield json.dumps({"table": table.name, "columns": names}, ensure_ascii=False)
        order = list(table.primary_key.columns) or list(table.columns)
        result = await conn.stream(select(table).order_by(*order))
        async for rows in result.partitions(BATCH):
            for row in rows:
                yield json.dumps([_encode(value) for value in row], ensure_ascii=False)


def _decoder(column_type: Any) -> Any:
    if isinstance(column_type, DateTime):

        def as_datetime(value: Any) -> Any:
            if not isinstance(value, str):
                return value
            moment = datetime.fromisoformat(value)
            moment = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
            # SQLite keeps the wall time it is given: give it UTC, as chibo reads it back.
            return moment.astimezone(UTC)

        return as_datetime
    if isinstance(column_type, Date):
        return lambda value: date.fromisoformat(value) if isinstance(value, str) else value
    if isinstance(column_type, Time):
        return lambda value: time.fromisoformat(value) if isinstance(value, str) else value
    if isinstance(column_type, LargeBinary):
        return lambda value: base64.b64decode(value) if isinstance(value, str) else value
    if isinstance(column_type, Boolean):
        return lambda value: bool(value) if value is not None else None
    return None


@dataclass
class _Pending:
    """Rows of one table waiting to be written."""

    table: Table
    columns: list[str]
    decoders: list[Any]
    rows: list[dict[str, Any]] = field(default_factory=list)
    written: int = 0


def _self_referencing(table: Table) -> bool:
    return any(fk.column.table is table for fk in table.foreign_keys)


def _parents_first(table: Table, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of a table that refers to itself (organisations' parent), each after its parent."""
    links = [
        (fk.parent.name, fk.column.name) for fk in table.foreign_keys if fk.column.table is table
    ]
    if not links:
        return rows
    child, parent = links[0]
    placed: set[Any] = set()
    order: list[int] = []
    remaining = list(range(len(rows)))
    while remaining:
        ready = [i for i in remaining if rows[i][child] is None or rows[i][child] in placed]
        if not ready:  # a cycle cannot be stored anyway; let the database say so
            ready = remaining
        order.extend(ready)
        placed.update(rows[i][parent] for i in ready)
        taken = set(ready)
        remaining = [i for i in remaining if i not in taken]
    return [rows[i] for i in order]


async def _flush(conn: AsyncConnection, pending: _Pending) -> None:
    if pending.rows:
        await conn.execute(insert(pending.table), pending.rows)
        pending.written += len(pending.rows)
        pending.rows = []


async def _parse(lines: AsyncIterable[str]) -> AsyncIterator[dict[str, Any] | list[Any]]:
    async for line in lines:
        if line.strip():
            yield json.loads(line)


async def load(conn: AsyncConnection, lines: AsyncIterable[str]) -> dict[str, int]:
    """Insert the rows of `dump`'s lines into the (empty, migrated) tables of `conn`; returns
    how many rows went into each table. Unknown tables or columns are an error: the target
    must be at the revision the rows were dumped from."""
    target = {table.name: table for table in await tables(conn)}
    pending: _Pending | None = None
    written: dict[str, int] = {}

    async def finish(done: _Pending | None) -> None:
        if done is None:
            return
        done.rows = _parents_first(done.table, done.rows)
        await _flush(conn, done)
        written[done.table.name] = done.written

    async for item in _parse(lines):
        if isinstance(item, dict):
            await finish(pending)
            table = target.get(item["table"])
            if table is None:
                raise ValueError(f"table {item['table']} is not in the database")
            columns = list(item["columns"])
            missing = [name for name in columns if name not in table.columns]
            if missing:
                raise ValueError(f"columns {missing} are not in table {table.name}")
            decoders = [_decoder(table.columns[name].type) for name in columns]
            pending = _Pending(table, columns, decoders)
            continue
        if pending is None:
            raise ValueError("a row comes before its table's header")
        pending.rows.append(
            {
                name: (decode(value) if decode is not None and value is not None else value)
                for name, decode, value in zip(
                    pending.columns, pending.decoders, item, strict=True
                )
            }
        )
        self_referencing = any(
            fk.column.table is pending.table for fk in pending.table.foreign_keys
        )
        if len(pending.rows) >= BATCH and not self_referencing:
            await _flush(conn, pending)
    await finish(pending)
    if conn.dialect.name == "postgresql":
        await _reset_sequences(conn, list(target.values()))
    return written


async def _reset_sequences(conn: AsyncConnection, tables: list[Table]) -> None:
    """Rows came with their ids: move each id sequence past the largest one."""
    for table in tables:
        keys = list(table.primary_key.columns)
        if len(keys) != 1:
            continue
        key = keys[0]
        sequence = (
            await conn.execute(
                text("SELECT pg_get_serial_sequence(:table, :column)"),
                {"table": table.name, "column": key.name},
            )
        ).scalar_one()
        if sequence is None:
            continue
        await conn.execute(
            text(
                f'SELECT setval(:sequence, COALESCE(max("{key.name}"), 1), '
                f'max("{key.name}") IS NOT NULL) FROM "{table.name}"'
            ),
            {"sequence": sequence},
        )
