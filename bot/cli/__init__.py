"""The composition root: the `chibo` commands, `chibo run`'s wiring and the scheduler."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.core.clock import Clock


def main(argv: Sequence[str] | None = None, clock: Clock | None = None) -> int:
    """Entry point of the `chibo` console script. Only the command line is read before a
    command runs (`chibo --help` imports no database, messenger or report code). `clock` is
    what the commands read as now (tests pass their own)."""
    from bot.cli.arguments import build_parser, settings_or_explain
    from bot.core.i18n import translator

    settings = settings_or_explain()
    if settings is None:
        return 2
    args = build_parser(translator(settings.language)).parse_args(argv)
    from bot.cli.commands import execute

    try:
        return execute(settings, args, clock)
    except BrokenPipeError:
        # `chibo shell | head`: the reader stopped reading. Leave quietly, and point stdout
        # at nothing so the interpreter's last flush does not complain either.
        import os
        import sys

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


__all__ = ["main"]
