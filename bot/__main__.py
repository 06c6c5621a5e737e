"""`python -m bot` runs the `chibo` command."""

from bot.cli import main

raise SystemExit(main())
