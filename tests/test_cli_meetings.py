"""`chibo meetings` as an operator uses it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.cli import chibo


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo commune, created once for this module."""
    folder = tmp_path_factory.mktemp("demo")
    assert chibo(folder, "demo", "--no-shell").returncode == 0
    return folder / "demo.db"


@pytest.fixture
def demo(demo_db: Path, tmp_path: Path) -> Path:
    """A working directory with a fresh copy of the demo database."""
    shutil.copy(demo_db, tmp_path / "demo.db")
    return tmp_path


def test_schedule_list_move_and_cancel_from_the_command_line(demo: Path) -> None:
    tmp_path = demo
    listed = chibo(
        tmp_path, "meetings", "schedule", "--cell", "khuoi phay", "--day", "31", "--time", "19:00"
    )
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0] == "Chi bộ thôn Khuổi Phầy:"
    regular = [line for line in lines[1:] if "Họp chi bộ thường kỳ" in line]
    # "The 31st" is each month's last day (the clock stands at 15/11/2026).
    assert "19:00 30/11/2026" in regular[0] and "19:00 31/12/2026" in regular[1]
    meeting_id = regular[0].split()[0].lstrip("#")
    shown = chibo(tmp_path, "meetings", "move", meeting_id, "--to", "5/1/2027 8:00")
    assert shown.returncode == 0
    assert f"#{meeting_id} Họp chi bộ thường kỳ: 19:00 30/11/2026 → 08:00 05/01/2027" in (
        shown.stdout
    )
    assert "Chưa thay đổi gì: chạy lại lệnh với --yes" in shown.stdout
    unchanged = chibo(tmp_path, "meetings", "list", "--cell", "khuoi").stdout
    assert f"#{meeting_id}  19:00 30/11/2026" in unchanged
    moved = chibo(tmp_path, "meetings", "move", meeting_id, "--to", "5/1/2027 8:00", "--yes")
    assert moved.returncode == 0
    assert "19:00 30/11/2026 → 08:00 05/01/2027: đã dời" in moved.stdout
    cancelled = chibo(tmp_path, "meetings", "cancel", meeting_id, "--yes")
    assert cancelled.returncode == 0
    after = chibo(tmp_path, "meetings", "list", "--cell", "Khuổi Phầy").stdout
    assert f"#{meeting_id}  08:00 05/01/2027" in after and "đã hủy" in after


def test_ambiguous_cell_names_are_refused_clearly(demo: Path) -> None:
    tmp_path = demo
    result = chibo(tmp_path, "meetings", "list", "--cell", "thon")
    assert result.returncode == 2
    assert "khớp với nhiều tổ chức" in result.stderr


def test_reminder_settings_per_cell_are_validated(demo: Path) -> None:
    tmp_path = demo
    bad = chibo(
        tmp_path,
        "meetings",
        "schedule",
        "--cell",
        "Nà Lụng",
        "--day",
        "24",
        "--time",
        "19:30",
        "--nudge-days",
        "20,x",
    )
    assert bad.returncode == 2 and "Ngày nhắc báo cáo là từ 1 đến 31" in bad.stderr
    good = chibo(
        tmp_path,
        "meetings",
        "schedule",
        "--cell",
        "Nà Lụng",
        "--day",
        "24",
        "--time",
        "19:30",
        "--nudge-days",
        "15,-1",
        "--morning",
        "no",
    )
    assert good.returncode == 0, good.stderr
