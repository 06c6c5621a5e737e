"""Vietnamese text helpers: folding tone marks and case so "BÁO CÁO" matches "bao cao"."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import TypeVar

_SPACES = re.compile(r"\s+")
_D = str.maketrans({"đ": "d", "Đ": "d"})
T = TypeVar("T")


@lru_cache(maxsize=4096)  # labels, names and phrases are folded again in every message
def fold(text: str) -> str:
    """Lower-case `text`, strip Vietnamese tone and vowel marks, collapse spaces.

    "Báo cáo Việc TỐT" -> "bao cao viec tot"; "đăng ký" -> "dang ky".
    """
    decomposed = unicodedata.normalize("NFD", text.translate(_D))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.casefold()).strip()


# What no database or messenger takes: NUL and the other C0 controls (tab and line breaks
# kept), DEL, lone UTF-16 surrogates (PostgreSQL and SQLite refuse to store them), U+FFFE/F.
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def valid_text(text: str) -> str:
    """`text` without characters no database or messenger accepts (a lone surrogate from a
    broken client, a NUL): what every channel adapter hands on is storable as it is."""
    return _INVALID.sub("", text)


def has_invalid(text: str) -> bool:
    """Whether `text` holds a character `valid_text` would drop."""
    return _INVALID.search(text) is not None


def clean(text: str) -> str:
    """Normalise user text to NFC and strip control characters, keeping line breaks."""
    normalised = unicodedata.normalize("NFC", valid_text(text))
    kept = (
        ch for ch in normalised if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf")
    )
    return "".join(kept).strip()


def shorten(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, with an ellipsis when cut."""
    one_line = _SPACES.sub(" ", text).strip()
    return one_line if len(one_line) <= limit else one_line[: limit - 1].rstrip() + "…"


def capitalised(text: str) -> str:
    """`text` with its first letter in upper case ("họp chi bộ" -> "Họp chi bộ")."""
    return text[:1].upper() + text[1:]


def split_text(text: str, limit: int) -> list[str]:
    """`text` in chunks of at most `limit` characters, cut at line ends where possible."""
    chunks: list[str] = []
    current: str | None = None
    for line in text.split("\n"):
        while len(line) > limit:  # a single line longer than a message: cut it hard
            if current is not None:
                chunks.append(current)
                current = None
            chunks.append(line[:limit])
            line = line[limit:]
        if current is None:
            current = line
        elif len(current) + 1 + len(line) <= limit:
            current = f"{current}\n{line}"
        else:
            chunks.append(current)
            current = line
    if current is not None:
        chunks.append(current)
    # Messengers refuse blank messages, so whitespace-only pieces are dropped.
    return [chunk for chunk in chunks if chunk.strip()]


def named(items: Iterable[T], wanted: str, name: Callable[[T], str]) -> list[T]:
    """The items whose name is `wanted` (folded); failing that, those whose name contains it:
    "na lung" finds "Chi bộ bản Nà Lụng"."""
    folded = fold(wanted)
    listed = list(items)
    exact = [item for item in listed if fold(name(item)) == folded]
    return exact or [item for item in listed if folded and folded in fold(name(item))]
