"""Table files people send (rosters) are read before their message is handled: in a worker
process, outside the batch's transaction, into plain sheets or a one-line refusal."""

from __future__ import annotations

import logging
from dataclasses import replace

from bot.core.messages import InboundMessage, Unreadable
from bot.services.errors import InvalidInputError
from bot.services.roster.file_worker import read_roster_files
from bot.services.roster.limits import CHAT_LIMITS
from bot.services.roster.reader import NOT_A_TABLE, looks_like_table

log = logging.getLogger(__name__)


async def read_document(message: InboundMessage) -> InboundMessage:
    """`message` with its document's sheets (or why they cannot be read) in place of its
    bytes; unchanged when it has no document, or one that was not downloaded."""
    document = message.document
    if document is None or document.content is None or document.sheets is not None:
        return message
    name = document.file_name or "danh-sach.xlsx"
    if not looks_like_table(name, document.content):
        unreadable = Unreadable(NOT_A_TABLE, (("name", name),))
        return replace(message, document=replace(document, content=None, unreadable=unreadable))
    try:
        sheets = await read_roster_files([(name, document.content)], CHAT_LIMITS)
    except InvalidInputError as error:
        log.info("document of %s refused: %s", message.source_key, error.message[:40])
        unreadable = Unreadable(
            error.message,
            tuple((k, v if isinstance(v, int) else str(v)) for k, v in error.params.items()),
        )
        return replace(message, document=replace(document, content=None, unreadable=unreadable))
    return replace(message, document=replace(document, content=None, sheets=tuple(sheets)))
