"""The composition root: the `chibo` commands, `chibo run`'s wiring and the scheduler."""

from __future__ import annotations

from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `chibo` console script. Only the command line is read before a
    command runs (`chibo --help` imports no database, messenger or report code)."""
    from bot.cli.arguments import build_parser, settings_or_explain
    from bot.core.i18n import translator

    settings = settings_or_explain()
    if settings is None:
        return 2
    args = build_parser(translator(settings.language)).parse_args(argv)
    from bot.cli.commands import execute

    return execute(settings, args)


__all__ = ["main"]
