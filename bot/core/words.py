"""Words people really type: one tolerant reading of short messages, phrases and options.

A message is read in up to three forms: folded (no tone marks, no case), with Telex
keystrokes undone ("baso caso", "vieecj") and with VNI digits undone ("ba1o ca1o"). Polite
particles ("ạ", "nhé", "với") are dropped anywhere and fillers ("tôi muốn", "cho tôi xem") at
the start; "y" after a consonant reads as "i" ("đăng kí"); spaces do not count ("baocao");
longer phrases allow a typo or two (optimal string alignment distance)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Generic, TypeVar

from rapidfuzz.distance import OSA

from bot.core.text import fold

V = TypeVar("V")

_EMOJI = {
    "👍": " ok ",
    "👌": " ok ",
    "🆗": " ok ",
    "✅": " ok ",
    "✔": " ok ",
    "🙏": " cam on ",
    "❤": " cam on ",
    "💐": " cam on ",
}
WORD = re.compile(r"[^\W_]+")
_VOWELS = frozenset("aeiouy")
_TONE_KEYS = frozenset("sfrxjz")  # Telex tone keys: never part of a Vietnamese rhyme
_Y_AFTER_CONSONANT = re.compile(r"(?<=[bcdghklmnpqrstvx])y")
# Particles dropped anywhere when typed with their tone marks; typed without, only at the end
# of a message ("nha" may be "nhà", "a" may be "à").
_PARTICLES_MARKED = frozenset(
    {"ạ", "à", "ạh", "nhé", "nhá", "nhen", "ơi", "nhỉ", "với", "dạ", "hả", "nè"}
)
_PARTICLES_FOLDED = frozenset({"a", "ah", "ak", "nhe", "nha", "nhen", "oi", "nhi", "voi", "ne"})
_FILLERS = tuple(
    tuple(filler.split())
    for filler in (
        "vui long",
        "lam on",
        "xin",
        "cho toi",
        "cho em",
        "cho minh",
        "cho chau",
        "giup toi",
        "toi muon",
        "em muon",
        "minh muon",
        "toi can",
        "toi",
        "em",
        "minh",
        "chau",
        "tui",
        "muon",
        "xem",
        "hay",
    )
)
_NUMBER_WORDS = {
    "mot": 1,
    "nhat": 1,
    "hai": 2,
    "ba": 3,
    "bon": 4,
    "tu": 4,
    "nam": 5,
    "sau": 6,
    "bay": 7,
    "tam": 8,
    "chin": 9,
    "muoi": 10,
}
_ORDINAL = re.compile(
    r"^(?:(?:ho|nha|so|cai|muc|nguoi|chon|lua chon|phuong an)\s+)?(?:(?:thu|so)\s+)?"
    r"(\d{1,2}|" + "|".join(_NUMBER_WORDS) + r")[.)]?$"
)
_CODE = re.compile(r"\b([a-z]{1,4})\s*[-./]?\s*0*(\d{1,5})\b")
_HONORIFICS = frozenset(
    {"ba", "ong", "co", "chu", "bac", "anh", "chi", "em", "di", "cau", "mo", "thim", "cu", "o"}
    | {"me", "bo", "chau", "nha", "ho", "gia", "dinh", "cua", "cho", "giup", "toi"}
)
MAX_PHRASE_LENGTH = 60  # longer messages are no command word but a text


@dataclass(frozen=True)
class Token:
    """One word of a message: where it is in the original text and its folded key."""

    start: int
    key: str
    dropped: bool  # a polite particle: not part of any phrase


# One message is read against several phrasebooks and option lists, and the same labels and
# names come back in every message: the readings of a text are kept for the next look.
MEMO = 2048


@lru_cache(maxsize=MEMO)
def fold_key(text: str) -> str:
    """`text` as compared: folded, "y" after a consonant as "i", without spaces."""
    return "".join(y_as_i(word) for word in WORD.findall(fold(text)))


def y_as_i(word: str) -> str:
    return _Y_AFTER_CONSONANT.sub("i", word)


def _untelex(word: str) -> str:
    """A word typed with Telex but no input method: "vieecj" -> "viec", "ddax" -> "da"."""
    if not word.isascii() or not word.isalpha():
        return word
    first_vowel = next((i for i, ch in enumerate(word) if ch in _VOWELS), None)
    if first_vowel is None:
        return word
    head, rhyme = word[: first_vowel + 1], word[first_vowel + 1 :]
    rhyme = "".join(ch for ch in rhyme if ch not in _TONE_KEYS)
    word = (head + rhyme).replace("dd", "d")
    for double in ("aa", "ee", "oo"):
        word = word.replace(double, double[0])
    return word.replace("w", "") or word


def _unvni(word: str) -> str:
    """A word typed with VNI but no input method: "ba1o" -> "bao", "d9a4" -> "da"."""
    if word.isdigit() or not any(ch.isdigit() for ch in word):
        return word
    return "".join(ch for ch in word if not ch.isdigit())


def _prepared(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    for emoji, word in _EMOJI.items():
        text = text.replace(emoji, word)
    return text


def tokens(text: str) -> list[Token]:
    """The words of `text`, each with its folded key and whether it is a particle."""
    return list(_tokens(text))


@lru_cache(maxsize=MEMO)
def _tokens(text: str) -> tuple[Token, ...]:
    text = _prepared(text)
    found = []
    toneless = []
    for match in WORD.finditer(text):
        original = match.group().lower()
        key = y_as_i(fold(original))
        found.append(Token(match.start(), key, original in _PARTICLES_MARKED))
        toneless.append(original == key and key in _PARTICLES_FOLDED)
    # Without tone marks a particle is told from a word ("nha" / "nhà") only at the end.
    end = len(found)
    while end > 1 and toneless[end - 1]:
        end -= 1
        found[end] = Token(found[end].start, found[end].key, True)
    return tuple(found)


@lru_cache(maxsize=MEMO)
def readings_of(text: str) -> tuple[tuple[Token, ...], ...]:
    """The content words (`_content`) of each form of `text` (`_forms`)."""
    return tuple(tuple(_content(form)) for form in _forms(list(_tokens(text))))


def _forms(words: list[Token]) -> list[list[Token]]:
    """The readings of the words: as typed, Telex undone, VNI undone (distinct ones)."""
    forms = [words]
    for undo in (_untelex, _unvni):
        other = [Token(w.start, y_as_i(undo(w.key)), w.dropped) for w in words]
        if [w.key for w in other] not in [[w.key for w in f] for f in forms]:
            forms.append(other)
    return forms


def _content(words: list[Token]) -> list[Token]:
    """The words without particles and without leading fillers (keeping at least one)."""
    kept = [w for w in words if not w.dropped]
    changed = True
    while changed:
        changed = False
        for filler in _FILLERS:
            if len(kept) > len(filler) and tuple(w.key for w in kept[: len(filler)]) == filler:
                kept = kept[len(filler) :]
                changed = True
                break
    return kept


def _month_tail(words: Sequence[Token]) -> int:
    """How many trailing words name a month ("tháng 12", "tháng này"): 0 if none."""
    keys = [w.key for w in words]
    if len(keys) >= 3 and keys[-2] == "thang" and _is_month(keys[-1]):
        return 2
    return 0


def _is_month(key: str) -> bool:
    return key == "nay" or (key.isdigit() and 1 <= int(key) <= 12)


def allowance(key: str) -> int:
    """Typos forgiven in a phrase of this length: none up to 4 letters, then 1, then 2."""
    return 0 if len(key) <= 4 else 1 if len(key) <= 8 else 2


class Phrasebook(Generic[V]):
    """Phrases (written as people write them, with or without tone marks) and what each
    means; earlier entries win when a message could mean several."""

    def __init__(self, entries: Iterable[tuple[V, Iterable[str]]]) -> None:
        self._phrases: list[tuple[str, V, int]] = []  # (key, meaning, typos forgiven)
        self._exact: dict[str, V] = {}
        for value, phrases in entries:
            for phrase in phrases:
                key = fold_key(phrase)
                if key:
                    self._phrases.append((key, value, allowance(key)))
                    self._exact.setdefault(key, value)
        # The phrases that forgive a typo, by length, in order: only those of about a key's
        # length can be near it, so only those are compared (the result is the same).
        self._by_length: dict[int, list[tuple[int, str, V, int]]] = {}
        for order, (key, value, limit) in enumerate(self._phrases):
            if limit:
                self._by_length.setdefault(len(key), []).append((order, key, value, limit))

    def _of_length(self, length: int, spread: int) -> list[tuple[int, str, V, int]]:
        """The phrases forgiving a typo whose length is within `spread` of `length`, in
        their order in the book."""
        found = [
            phrase
            for size in range(length - spread, length + spread + 1)
            for phrase in self._by_length.get(size, ())
        ]
        found.sort(key=lambda phrase: phrase[0])
        return found

    def whole(self, text: str, fuzzy: bool = True) -> V | None:
        """What the whole message means, if it is one of the phrases (or, with `fuzzy`, a
        phrase with a typo); None otherwise."""
        if len(text) > MAX_PHRASE_LENGTH:
            return None
        readings = []
        for words in readings_of(text):
            readings.append("".join(w.key for w in words))
            tail = _month_tail(words)
            if tail:
                readings.append("".join(w.key for w in words[:-tail]))
        for key in readings:
            if key in self._exact:
                return self._exact[key]
        if not fuzzy:
            return None
        best: tuple[int, int, V] | None = None
        for key in readings:
            for order, phrase, value, limit in self._of_length(len(key), 2):
                if abs(len(phrase) - len(key)) > limit:
                    continue
                distance = OSA.distance(key, phrase, score_cutoff=limit)
                if distance <= limit and (best is None or (distance, order) < best[:2]):
                    best = (distance, order, value)
        return None if best is None else best[2]

    def leading(self, text: str, among: Collection[V], fuzzy: bool = True) -> tuple[V, str] | None:
        """A phrase meaning one of `among` at the start of the message, and the text after
        it as typed: "bao cao giúp bà Phượng" -> (report, "giúp bà Phượng")."""
        prepared = _prepared(text)
        forms = readings_of(text)
        for near in (False, True) if fuzzy else (False,):  # exact first, however short
            for words in forms:
                for size in range(min(len(words), 6), 0, -1):
                    head = "".join(w.key for w in words[:size])
                    value = self._near(head) if near else self._exact.get(head)
                    if value is None or value not in among:
                        continue
                    rest = words[size:]
                    while rest and rest[0].key in _PARTICLES_FOLDED:
                        rest = rest[1:]  # "bao cao a, giúp bà Phượng": the particle is no text
                    if len(rest) >= 2 and rest[0].key == "thang" and _is_month(rest[1].key):
                        rest = rest[2:]  # "báo cáo việc tốt tháng 12": the month, not a text
                    tail = prepared[rest[0].start :] if rest else ""
                    return value, tail.strip(" \t\n,.:;-–")
        return None

    def _near(self, key: str) -> V | None:
        """A phrase one typo away (a leading phrase forgives no more: the words after it
        must not be read as part of it)."""
        for _order, phrase, value, _allowed in self._of_length(len(key), 1):
            if OSA.distance(key, phrase, score_cutoff=1) <= 1:
                return value
        return None


def number_in(text: str) -> int | None:
    """The option number a reply names: "2", "số 2", "hai", "hộ thứ hai", "thứ nhất"."""
    folded = " ".join(WORD.findall(fold(_prepared(text))))
    found = _ORDINAL.match(folded)
    if found is None:
        return None
    word = found.group(1)
    return int(word) if word.isdigit() else _NUMBER_WORDS[word]


def code_key(text: str) -> str | None:
    """A household code as compared: "NL-006", "nl 6", "Nl006" -> "nl6"; None if none."""
    found = _CODE.search(fold(text))
    return None if found is None else f"{found.group(1)}{int(found.group(2))}"


def name_words(text: str) -> list[str]:
    """The folded words of a name as typed, without honorifics or particles: "bà Phượng ạ"
    -> ["phuong"]; "nhà ông Lợi" -> ["loi"]."""
    words = [w.key for w in tokens(text) if not w.dropped]
    while len(words) > 1 and words[0] in _HONORIFICS:
        words = words[1:]
    return words


def same_word(typed: str, word: str) -> bool:
    """Whether a typed word is this word, forgiving a typo in longer words."""
    limit = allowance(word) if len(typed) > 4 else 0
    return typed == word or (limit > 0 and OSA.distance(typed, word, score_cutoff=1) <= 1)
