"""Telegram's command menus: one for everyone per language, a longer one in each leader's chat
(secretaries and committees), read from the roles in the database."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.i18n import LANGUAGES, translator
from bot.services.oversight import leader_addresses
from handlers.base import Registry

Commands = Sequence[tuple[str, str]]  # (command, description)


@dataclass(frozen=True)
class CommandMenu:
    """The commands shown in Telegram's menu, per language code ("" = everyone else)."""

    by_language: dict[str, Commands]


class LeaderMenus(Protocol):
    """Where the channel learns which chats get the longer menu of secretaries and committees."""

    async def all_chats(self) -> list[tuple[str, Commands]]:
        """Every leader's chat with its menu."""

    async def for_chat(self, chat_id: str) -> Commands | None:
        """The menu for this chat if it is a leader's, else None."""


def menu_commands(registry: Registry, language: str, leader: bool) -> Commands:
    """The command menu in `language`; leaders also get their own commands."""
    t = translator(language)
    return [
        (c.names[0], t.gettext(c.summary))
        for c in registry.commands
        if c.summary and (leader or not c.leaders_only)
    ]


def command_menu(registry: Registry) -> CommandMenu:
    """Telegram's command menu: Vietnamese for everyone, English for English-language apps."""
    return CommandMenu(
        by_language={
            "" if language == "vi" else language: menu_commands(registry, language, False)
            for language in LANGUAGES
        }
    )


class DatabaseLeaderMenus:
    """Leaders' Telegram chats, read from the roles in the database."""

    def __init__(
        self, sessionmaker: async_sessionmaker[AsyncSession], registry: Registry, language: str
    ) -> None:
        self.sessionmaker = sessionmaker
        self.registry = registry
        self.language = language

    async def _menus(self, chat_id: str | None) -> list[tuple[str, Commands]]:
        async with self.sessionmaker() as session:
            chats = await leader_addresses(session, "telegram", chat_id)
        return [
            (chat, menu_commands(self.registry, language or self.language, True))
            for chat, language in chats
        ]

    async def all_chats(self) -> list[tuple[str, Commands]]:
        """Every leader's Telegram chat with its menu."""
        return await self._menus(None)

    async def for_chat(self, chat_id: str) -> Commands | None:
        """The leader menu for this chat, if it is a leader's."""
        menus = await self._menus(chat_id)
        return menus[0][1] if menus else None
