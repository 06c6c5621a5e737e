"""Every text a person reads is in both catalogs, and the catalogs match the code."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.core.i18n import LANGUAGES, LOCALE_DIR, translator

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}


def _source_messages() -> set[str]:
    found: set[str] = set()
    for package in ("bot", "handlers"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / package, method_map=[("**.py", "python")], keywords=KEYWORDS
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def _first(text: str | tuple[str, ...] | list[str]) -> str:
    """A message id or translation; for plural entries, the first form."""
    return text if isinstance(text, str) else text[0]


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_translates_every_message_in_the_code(language: str) -> None:
    with (LOCALE_DIR / language / "LC_MESSAGES" / "chibo.po").open("rb") as po:
        catalog = read_po(po, locale=language)
    translated = {
        _first(m.id): _first(m.string)
        for m in catalog
        if m.id and m.string and all(m.string) and not m.fuzzy
    }
    missing = _source_messages() - set(translated)
    assert not missing, f"untranslated in {language} (run scripts/update-catalogs): {missing}"
    for msgid, msgstr in translated.items():
        assert _fields(msgid) == _fields(msgstr), (language, msgid)


def test_vietnamese_is_really_vietnamese() -> None:
    t = translator("vi")
    for message in _source_messages():
        if re.search(r"[A-Za-z]{4,} [a-z]{3,} [a-z]{3,}", message):
            assert t.gettext(message) != message, f"not translated: {message!r}"


def test_unknown_language_falls_back_to_vietnamese() -> None:
    assert translator("fr").gettext("Cancel") == "Hủy"
    assert translator("en").gettext("Cancel") == "Cancel"
