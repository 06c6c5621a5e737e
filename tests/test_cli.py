"""The README's first command, as a newcomer runs it: `chibo demo`, scripted from stdin."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest

from bot.cli import main
from tests.cli import chibo, chibo_process


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A working directory where the demo commune has been created once."""
    path = tmp_path_factory.mktemp("demo")
    created = chibo(path, "demo", "--no-shell")
    assert created.returncode == 0, created.stderr
    assert "Đã tạo xã demo: 9 chi bộ, 118 đảng viên" in created.stdout
    return path


def test_demo_is_idempotent(demo_dir: Path) -> None:
    again = chibo(demo_dir, "demo", "--no-shell")
    assert again.returncode == 0
    assert "Xã demo đã có sẵn" in again.stdout


def test_member_reports_a_deed_in_the_demo_shell_without_tone_marks(demo_dir: Path) -> None:
    script = "bao cao giup ba Loi sua mai nha\ngui\n/toi\n"  # the README's script
    result = chibo(demo_dir, "demo", stdin=script)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Đồng chí đang trò chuyện với tư cách" in out and "(0912000002)" in out
    assert "Giúp: Đặng Xuân Lợi (NL-006)" in out  # the household named by its head
    assert "Loại việc: Nhà ở, nhà tiêu, nhà tắm (đoán theo nội dung" in out
    assert "  1. Gửi báo cáo" in out  # one numbered list, one answer
    assert "Cảm ơn đồng chí" in out and "Đã ghi nhận việc tốt tháng" in out
    assert "Số việc tốt đã báo cáo: 1" in out
    assert "Traceback" not in result.stderr


def test_demo_member_has_47_household_cell(demo_dir: Path) -> None:
    result = chibo(demo_dir, "shell", "--as", "+84 912 000 001", stdin="/ho\n")
    assert "đang phụ trách 5 hộ" in result.stdout
    assert "Bản Nà Lụng" in result.stdout


def test_stranger_in_the_shell_is_told_how_to_link(demo_dir: Path) -> None:
    result = chibo(demo_dir, "shell", stdin="/ho\n")
    assert "chưa được liên kết" in result.stdout and "/start" in result.stdout


def test_unknown_phone_is_a_clear_error(demo_dir: Path) -> None:
    result = chibo(demo_dir, "shell", "--as", "0999999999")
    assert result.returncode == 2
    assert "Không có đảng viên nào có số điện thoại 0999999999" in result.stderr


def test_help_is_in_vietnamese(tmp_path: Path) -> None:
    result = chibo(tmp_path, "--help")
    assert result.returncode == 0
    assert "tạo xã demo" in result.stdout and "cập nhật cấu trúc cơ sở dữ liệu" in result.stdout


def test_the_installed_chibo_command_runs_the_readme_session(tmp_path: Path) -> None:
    """The one test of the real console script: the README's scripted demo, from nothing."""
    script = "bao cao\n1\nnha o\nGiup ba sua mai nha\nkhong co anh\ngui bao cao\n"
    # 23:59:30 on the last day of a month in Hà Nội: the report still counts for November.
    result = chibo_process(
        tmp_path, "demo", stdin=script, CHIBO_TEST_NOW="2026-11-30T23:59:30+07:00"
    )
    assert result.returncode == 0, result.stderr
    assert "Đã tạo xã demo: 9 chi bộ, 118 đảng viên" in result.stdout
    assert "Đã ghi nhận việc tốt tháng 11/2026" in result.stdout
    assert "CHIBO_TEST_NOW" in result.stderr  # a test clock never goes unannounced
    assert "Traceback" not in result.stderr


def test_the_test_clock_is_refused_by_chibo_run_and_must_be_readable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "LANGUAGE": "vi"}
    with mock.patch.dict(os.environ, {**env, "CHIBO_TEST_NOW": "2026-11-15T10:00:00+07:00"}):
        assert main(["run"]) == 2
    assert "CHIBO_TEST_NOW" in capsys.readouterr().err
    for unreadable in ("tomorrow", "2026-11-15T10:00:00"):  # no offset: whose 10:00?
        with mock.patch.dict(os.environ, {**env, "CHIBO_TEST_NOW": unreadable}):
            assert main(["migrate"]) == 2
        assert "2026-11-15T10:00:00+07:00" in capsys.readouterr().err
    assert not (tmp_path / "x.db").exists()  # refused before touching anything


def test_help_answers_without_loading_the_database_or_the_messengers(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from bot.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = ('sqlalchemy', 'telegram', 'httpx', 'openpyxl', 'alembic', 'matplotlib')\n"
        "print('LOADED', sorted(name for name in heavy if name in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
        check=True,
    )
    assert "cách dùng: chibo" in done.stdout  # argparse speaks the configured language
    assert done.stdout.strip().splitlines()[-1] == "LOADED []"  # `chibo --help` stays quick
