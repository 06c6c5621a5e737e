"""Alembic environment: runs on the connection chibo passes in, or on DATABASE_URL."""

from __future__ import annotations

import asyncio
from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import Connection

from bot.core.config import get_settings
from bot.core.db import engine_for
from models import Base
from models.base import UTCDateTime

target_metadata = Base.metadata


def _render_item(kind: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Render our column types with plain SQLAlchemy ones, so migrations never import models."""
    if kind == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_on_settings_url() -> None:
    settings = get_settings()
    engine = engine_for(settings.database_url, settings.database_schema)
    async with engine.begin() as conn:
        await conn.run_sync(_run)
    await engine.dispose()


connection = context.config.attributes.get("connection")
if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported; run them online")
if connection is not None:
    _run(connection)
else:
    asyncio.run(_run_on_settings_url())
