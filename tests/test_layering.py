"""Imports point down: only channel adapters may touch a messenger SDK; models know no bot."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RULES = {
    "handlers": ("telegram", "httpx", "bot.channels", "bot.dispatcher", "bot.cli"),
    "bot/services": (
        "telegram",
        "httpx",
        "handlers",
        "bot.channels",
        "bot.dispatcher",
        "bot.cli",
    ),
    "models": ("telegram", "handlers", "bot"),
}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", sorted(RULES))
def test_package_does_not_import_upwards(package: str) -> None:
    offending = [
        (path.relative_to(ROOT).as_posix(), name)
        for path in sorted((ROOT / package).rglob("*.py"))
        for name in _imports(path)
        if any(name == banned or name.startswith(banned + ".") for banned in RULES[package])
    ]
    assert offending == []
