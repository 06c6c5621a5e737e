"""The README's first command, as a newcomer runs it: `chibo demo`, scripted from stdin."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli import chibo


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
