"""Domain errors carrying user-safe text (a gettext message id and its parameters)."""

from __future__ import annotations

from bot.core.i18n import Translator


class DomainError(Exception):
    """A refusal the person should read; `message` is a msgid marked with N_()."""

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message)
        self.message = message
        self.params = params

    def render(self, t: Translator) -> str:
        """The error in the reader's language."""
        return t.gettext(self.message).format(**self.params)


class NotFoundError(DomainError):
    """The thing asked for does not exist, or is not the asker's to see."""


class AccessDeniedError(DomainError):
    """The asker's role does not allow this."""


class InvalidInputError(DomainError):
    """The input cannot be used as it is."""
