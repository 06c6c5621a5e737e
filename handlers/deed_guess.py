"""Reading a report's one line: which household it names (head's name, code, "hộ thứ
hai") and what kind of help the words suggest — guesses shown to the member to correct."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.core.words import code_key, number_in, same_word, tokens
from bot.services.households import HouseholdRef
from models import DeedCategory

COMMUNITY = "community"
# Words (folded, "y" as "i" after a consonant) that suggest each kind, longest first wins.
_KIND_WORDS: dict[DeedCategory, tuple[str, ...]] = {
    DeedCategory.HOUSING: (
        "nha ve sinh",
        "nha tieu",
        "nha tam",
        "mai nha",
        "sua nha",
        "lam nha",
        "dung nha",
        "xai nha",
        "nha o",
        "nha dot",
        "nha tam bo",
        "lop mai",
        "lop ngoi",
        "mai ton",
        "tuong",
        "bep",
        "chuong",
        "san nha",
        "be nuoc",
        "nuoc sach",
        "gieng",
    ),
    DeedCategory.LIVELIHOOD: (
        "vay von",
        "san xuat",
        "sinh ke",
        "giong",
        "lua",
        "ngo",
        "san",
        "cai",
        "trong",
        "cay cay",
        "gat",
        "thu hoach",
        "cay",
        "chan nuoi",
        "lon",
        "ga",
        "trau",
        "bo",
        "de",
        "ca",
        "phan bon",
        "viec lam",
        "ban hang",
        "nuong",
        "ruong",
        "che",
        "que",
        "keo",
    ),
    DeedCategory.HEALTH_EDUCATION: (
        "kham benh",
        "benh vien",
        "om",
        "benh",
        "thuoc",
        "bao hiem",
        "y te",
        "di hoc",
        "hoc",
        "sach vo",
        "hoc bong",
        "truong",
        "chau",
        "tiem",
    ),
    DeedCategory.ENVIRONMENT: (
        "ve sinh moi truong",
        "moi truong",
        "duong",
        "rac",
        "don dep",
        "phat quang",
        "nha van hoa",
        "muong",
        "cau",
        "kenh",
        "cong trinh",
        "duong lang",
        "cay xanh",
        "quet",
    ),
    DeedCategory.SECURITY: (
        "an ninh",
        "trat tu",
        "trom",
        "hoa giai",
        "mau thuan",
        "tuan tra",
        "ma tuy",
        "canh giac",
        "cai nghien",
    ),
}
_COMMUNITY_WORDS = ("cong dong", "viec chung", "ca ban", "ca thon", "ca xom", "ca lang")
_HONORIFICS = frozenset(
    {"ba", "ong", "co", "chu", "bac", "anh", "chi", "em", "di", "cau", "mo", "thim", "cu"}
    | {"o", "me", "bo", "chau", "nha", "ho"}
)
_ORDINAL = re.compile(r"\bho\s+(?:thu|so)\s+(\w+)")


def _words(text: str) -> list[str]:
    return [word.key for word in tokens(text)]


def guess_kind(text: str) -> DeedCategory | None:
    """The kind of help the words suggest ("sửa mái nhà" -> housing); None if none does or
    two kinds do equally."""
    joined = " " + " ".join(_words(text)) + " "
    scores: dict[DeedCategory, int] = {}
    for kind, phrases in _KIND_WORDS.items():
        for phrase in phrases:
            if f" {phrase} " in joined:
                scores[kind] = max(scores.get(kind, 0), len(phrase.split()) * 10 + len(phrase))
    if not scores:
        return None
    ranked = sorted(scores.values(), reverse=True)
    if len(ranked) > 1 and ranked[0] == ranked[1]:
        return None
    return max(scores, key=lambda kind: scores[kind])


def names_community(text: str) -> bool:
    """The words say the deed was for everyone ("việc chung", "cả bản")."""
    joined = " " + " ".join(_words(text)) + " "
    return any(f" {phrase} " in joined for phrase in _COMMUNITY_WORDS)


def find_household(text: str, households: Sequence[HouseholdRef]) -> HouseholdRef | None:
    """The one household of the list the words name: by code ("NL-006"), by place in the
    list ("hộ thứ hai"), by its head's full name or given name after a title ("bà
    Phượng"). None when none or several fit."""
    code = code_key(text)
    if code is not None:
        coded = [h for h in households if code_key(h.code) == code]
        if len(coded) == 1:
            return coded[0]
    words = _words(text)
    ordinal = _ORDINAL.search(" ".join(words))
    if ordinal is not None:
        number = number_in(ordinal.group(1))
        if number is not None and 0 < number <= len(households):
            return households[number - 1]
    named = [h for h in households if _names(words, _words(h.head_name))]
    return named[0] if len(named) == 1 else None


def _names(words: list[str], name: list[str]) -> bool:
    """The words hold the full name, or a title followed by the given name (a typo
    forgiven in longer names)."""
    if not name:
        return False
    size = len(name)
    for start in range(len(words) - size + 1):
        if words[start : start + size] == name:
            return True
    given = name[-1]
    return any(
        words[i] in _HONORIFICS and same_word(words[i + 1], given) for i in range(len(words) - 1)
    )
