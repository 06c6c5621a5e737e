"""A chat's place in a multi-step flow: which flow and step, the draft, the offered choices
(stored by the dispatcher between messages)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.core.messages import Choice


@dataclass
class FlowState:
    """A chat's place in a multi-step flow; `prompt` is re-shown after an interruption."""

    flow: str
    step: str
    data: dict[str, Any] = field(default_factory=dict)
    prompt: str = ""
    choices: tuple[Choice, ...] = ()
    updated_at: datetime | None = None  # when the chat last moved in this flow

    def to_json(self) -> dict[str, Any]:
        """The JSON stored in the database."""
        return {
            "draft": self.data,
            "prompt": self.prompt,
            "choices": [[c.key, c.label, list(c.aliases)] for c in self.choices],
        }

    @classmethod
    def from_stored(
        cls, flow: str, step: str, stored: dict[str, Any] | None, at: datetime
    ) -> FlowState:
        """Rebuild the state from its stored columns."""
        stored = stored or {}
        return cls(
            flow=flow,
            step=step,
            data=dict(stored.get("draft", {})),
            prompt=str(stored.get("prompt", "")),
            choices=tuple(
                Choice(str(c[0]), str(c[1]), tuple(c[2]) if len(c) > 2 else ())
                for c in stored.get("choices", [])
            ),
            updated_at=at,
        )
