"""Translations from the gettext catalogs in `bot/locale` (Vietnamese first, English second)."""

from __future__ import annotations

import gettext
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "chibo"
LANGUAGES = ("vi", "en")


def N_(message: str) -> str:
    """Mark `message` for extraction without translating it yet (translated when shown)."""
    return message


@lru_cache
def _catalog(language: str) -> gettext.NullTranslations:
    # The .po files are the source of truth; compiling them in memory at first use means a
    # stale .mo can never be shipped.
    po_path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po_path.exists():
        return gettext.NullTranslations()
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=language)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


class Translator:
    """Translates messages into one language; unknown languages fall back to Vietnamese."""

    def __init__(self, language: str) -> None:
        self.language = language if language in LANGUAGES else "vi"
        self._translations = _catalog(self.language)

    def gettext(self, message: str) -> str:
        """The translation of `message`."""
        return self._translations.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        """The translation of `singular`/`plural` for `count`."""
        return self._translations.ngettext(singular, plural, count)


def translator(language: str) -> Translator:
    """A translator for `language` ("vi" or "en")."""
    return Translator(language)
