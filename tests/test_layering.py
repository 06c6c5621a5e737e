"""Imports point down: the package contracts in pyproject.toml ([tool.importlinter]) hold.

The contracts name packages, not modules, so a new module is covered the day it is written."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent


def test_package_contracts_are_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert lint_imports(config_filename=os.fspath(ROOT / "pyproject.toml"), no_cache=True) == 0


def test_a_handler_importing_telegram_breaks_a_contract(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The contracts must be able to fail: a copy of the tree with one upward import.
    for package in ("bot", "handlers", "models"):
        (tmp_path / package).symlink_to(ROOT / package, target_is_directory=True)
    config = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(config, encoding="utf-8")
    bad = tmp_path / "extra"
    bad.mkdir()
    (bad / "__init__.py").write_text("")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    broken = config.replace(
        'root_packages = ["bot", "handlers", "models"]',
        'root_packages = ["bot", "handlers", "models", "extra"]',
    ).replace(
        '    "handlers",\n    "bot.reports",', '    "handlers",\n    "extra",\n    "bot.reports",'
    )
    (tmp_path / "pyproject.toml").write_text(broken, encoding="utf-8")
    (bad / "low.py").write_text("import bot.cli\n")
    assert lint_imports(config_filename=str(tmp_path / "pyproject.toml"), no_cache=True) == 1
