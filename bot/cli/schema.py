"""`chibo run` and the schema: migrate on start only when asked, else refuse an old one."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.channels.base import StartupError
from bot.core.config import Settings
from bot.core.db import SchemaStatus, migrate, schema_status
from bot.core.i18n import Translator, translator


def newer_schema(t: Translator, status: SchemaStatus) -> str:
    """The line that says the database was migrated by a newer chibo than this one."""
    return t.gettext(
        "The database schema ({found}) is newer than this chibo ({needed}): "
        "run the newer chibo, or restore a backup made with this version."
    ).format(found=", ".join(status.current), needed=", ".join(status.heads))


async def ensure_schema(engine: AsyncEngine, settings: Settings) -> None:
    """With MIGRATE_ON_START, migrate (under PostgreSQL's advisory lock, so replicas started
    together never race). Otherwise leave the schema alone and refuse, in one line, to run on
    a schema that is not exactly this code's: migrating is the deploy step (`chibo migrate`)."""
    status = await schema_status(engine)
    t = translator(settings.language)
    if not status.known:
        raise StartupError(newer_schema(t, status))
    if settings.migrate_on_start:
        await migrate(engine)
        return
    if status.up_to_date:
        return
    if not status.current:
        raise StartupError(
            t.gettext(
                "The database has no chibo tables yet: run `chibo migrate` first "
                "(or set MIGRATE_ON_START=true)."
            )
        )
    raise StartupError(
        t.gettext(
            "The database schema is older than this chibo ({found}, needs {needed}): "
            "run `chibo migrate` first (or set MIGRATE_ON_START=true)."
        ).format(found=", ".join(status.current), needed=", ".join(status.heads))
    )
