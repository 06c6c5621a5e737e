"""Choices people type: yes and no words, and which of a list of options a reply means (its
number, its label or an alias with or without tone marks, a code, a name, a start, a typo),
read with the tolerant reading of `bot.core.words`."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.messages import Choice
from bot.core.text import fold
from bot.core.words import (
    WORD,
    code_key,
    fold_key,
    name_words,
    number_in,
    readings_of,
    same_word,
    tokens,
    y_as_i,
)

YES = (
    "có",
    "ok",
    "oke",
    "okie",
    "okay",
    "đồng ý",
    "vâng",
    "ừ",
    "uh",
    "um",
    "yes",
    "gửi",
    "gửi đi",
    "được",
    "dc",
    "được rồi",
    "đúng",
    "đúng rồi",
    "chuẩn",
    "lưu",
)
NO = ("không", "ko", "k", "kg", "khg", "hông", "hok", "no", "thôi không", "không cần", "chưa")


def resolve_choice(text: str, choices: Sequence[Choice]) -> str | None:
    """The key of the option a typed reply means: its number ("2", "hai", "hộ thứ hai"),
    its label or an alias with or without tone marks, a code in its label ("NL-006"), a
    name in it ("bà Phượng"), a unique start of it ("nha o"), or its label with a typo."""
    if not fold(text).strip(" .!?"):
        return None
    number = number_in(text)
    labels = [(fold_key(choice.label), choice) for choice in choices]
    keys = {fold_key(text)} | {"".join(w.key for w in words) for words in readings_of(text)}
    for label, choice in labels:
        if label in keys or keys & {fold_key(alias) for alias in choice.aliases}:
            return choice.key
    if number is not None:
        return choices[number - 1].key if 0 < number <= len(choices) else None
    code = code_key(text)
    if code is not None:
        hits = [c.key for c in choices if code_key(c.label) == code]
        if len(hits) == 1:
            return hits[0]
    return _by_words(text, choices)


def _by_words(text: str, choices: Sequence[Choice]) -> str | None:
    """The one option whose label has the typed words in a row, each one a word of the
    label or its start ("nha o" -> "Nhà ở, nhà tiêu"; "ba Phuong" -> "Hoàng Thị Phượng")."""
    as_typed = [w.key for w in tokens(text) if not w.dropped]
    titled = name_words(text)  # after a title ("bà Ún") even a short name is a name
    for typed, least in ((as_typed, 3), (titled, 2 if titled != as_typed else 3)):
        if typed and sum(len(word) for word in typed) >= least:
            found = _words_in_labels(typed, choices)
            if found is not None:
                return found
    return None


def _words_in_labels(typed: list[str], choices: Sequence[Choice]) -> str | None:
    exact, near = [], []
    for choice in choices:
        label = [y_as_i(word) for word in WORD.findall(fold(choice.label))]
        for start in range(len(label) - len(typed) + 1):
            window = label[start : start + len(typed)]
            if all(w.startswith(t) for t, w in zip(typed, window, strict=True)):
                exact.append(choice.key)
                break
            if all(same_word(t, w) for t, w in zip(typed, window, strict=True)):
                near.append(choice.key)
                break
    for hits in (exact, near):
        if len(set(hits)) == 1:
            return hits[0]
        if hits:
            return None  # several options fit: better to ask again than to guess
    return None
