"""A chat's place in a multi-step flow: which flow and step, the typed draft, the offered
choices (stored by the dispatcher between messages)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import TypeAdapter, ValidationError

from bot.core.messages import Choice


@dataclass(frozen=True)
class Draft:
    """What a flow has gathered so far. Each flow declares a frozen dataclass of its own,
    every field with a default; it is validated when a stored state is loaded, so a handler
    only ever sees well-typed values (never a string where an id was stored)."""


@dataclass(frozen=True)
class NoDraft(Draft):
    """The draft of a flow that keeps nothing between messages (a menu)."""


_ADAPTERS: dict[type[Draft], TypeAdapter[Any]] = {}


def _adapter(kind: type[Draft]) -> TypeAdapter[Any]:
    adapter = _ADAPTERS.get(kind)
    if adapter is None:
        adapter = _ADAPTERS[kind] = TypeAdapter(kind)
    return adapter


def load_draft(kind: type[Draft], stored: object) -> Draft | None:
    """The stored draft as `kind`, or None when it cannot be one (written by an older
    version in another shape, or damaged). Keys it does not know are ignored."""
    try:
        draft = _adapter(kind).validate_python(stored if isinstance(stored, dict) else {})
    except ValidationError:
        return None
    return draft if isinstance(draft, kind) else None


def dump_draft(draft: Draft) -> dict[str, Any]:
    """The draft as JSON-ready values (dates as ISO strings, tuples as lists)."""
    dumped = _adapter(type(draft)).dump_python(draft, mode="json")
    assert isinstance(dumped, dict)
    return dumped


@dataclass(frozen=True)
class Held:
    """A text typed where a text was expected that is also a command word ("lịch họp"),
    held while the person says which they meant; `prompt` and `choices` are the question
    it answered, asked again afterwards."""

    text: str
    command: str
    prompt: str
    choices: tuple[Choice, ...]


def _choices_json(choices: tuple[Choice, ...]) -> list[list[Any]]:
    return [
        [c.key, c.label, list(c.aliases), *([c.web_app_url] if c.web_app_url else [])]
        for c in choices
    ]


def _choices(stored: object) -> tuple[Choice, ...]:
    if not isinstance(stored, list):
        raise TypeError("choices")
    return tuple(
        Choice(
            str(c[0]),
            str(c[1]),
            tuple(str(a) for a in c[2]) if len(c) > 2 else (),
            str(c[3]) if len(c) > 3 else "",
        )
        for c in stored
    )


@dataclass
class FlowState:
    """A chat's place in a multi-step flow; `prompt` is re-shown after an interruption.

    `unreadable` marks a stored state whose draft does not fit its flow's draft any more
    (saved by an older version): the router sets it aside with a word to the person.
    """

    flow: str
    step: str
    draft: Draft = field(default_factory=NoDraft)
    prompt: str = ""
    choices: tuple[Choice, ...] = ()
    updated_at: datetime | None = None  # when the chat last moved in this flow
    unreadable: bool = False
    held: Held | None = None
    page: int = 0  # the page of `choices` shown, when they take several (handlers/paging.py)

    def to_json(self) -> dict[str, Any]:
        """The JSON stored in the database."""
        stored: dict[str, Any] = {
            "draft": dump_draft(self.draft),
            "prompt": self.prompt,
            "choices": _choices_json(self.choices),
        }
        if self.page:
            stored["page"] = self.page
        if self.held is not None:
            held = self.held
            stored["held"] = [held.text, held.command, held.prompt, _choices_json(held.choices)]
        return stored

    @classmethod
    def from_stored(
        cls,
        flow: str,
        step: str,
        stored: dict[str, Any] | None,
        at: datetime,
        draft_kind: type[Draft] | None,
    ) -> FlowState:
        """Rebuild the state from its stored columns, validating the draft as `draft_kind`
        (None: a flow this version does not have)."""
        stored = stored if isinstance(stored, dict) else {}
        draft = None if draft_kind is None else load_draft(draft_kind, stored.get("draft", {}))
        held = None
        try:
            choices = _choices(stored.get("choices", []))
            if "held" in stored:
                text, command, prompt, asked = stored["held"]
                held = Held(str(text), str(command), str(prompt), _choices(asked))
        except (TypeError, IndexError, KeyError, ValueError):
            choices, draft = (), None
        return cls(
            flow=flow,
            step=step,
            draft=draft if draft is not None else NoDraft(),
            prompt=str(stored.get("prompt", "")),
            choices=choices,
            updated_at=at,
            unreadable=draft is None,
            held=held,
            page=stored["page"] if isinstance(stored.get("page"), int) else 0,
        )
