"""The composition root: the `chibo` commands, `chibo run`'s wiring and the scheduler."""

from bot.cli.commands import main

__all__ = ["main"]
