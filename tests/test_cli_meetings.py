"""`chibo meetings` as an operator uses it."""

from __future__ import annotations

import contextlib
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.cli import chibo
from tests.factories import FakeClock


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


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (
            ("schedule", "--cell", "Nà Lụng", "--day", "24", "--time", "25:30"),
            "25:30 không phải giờ",
        ),
        (
            (
                "schedule",
                "--cell",
                "Nà Lụng",
                "--day",
                "24",
                "--time",
                "19:30",
                "--notice-days",
                "-2",
            ),
            "thông báo gửi trước 2 đến 30 ngày",
        ),
        (("schedule", "--cell", "Nà Lụng", "--day", "40", "--time", "19:30"), "không phải ngày"),
        (
            (
                "schedule",
                "--cell",
                "Nà Lụng",
                "--day",
                "4",
                "--time",
                "8h",
                "--thematic-month",
                "5",
            ),
            "5: tháng trong quý là 1, 2 hoặc 3",
        ),
        (
            ("schedule", "--cell", "Nà Lụng", "--day", "24", "--time", "19:30", "--morning", "x"),
            "lựa chọn không hợp lệ: 'x'",
        ),
        (
            ("schedule", "--cell", "Nà Lụng", "--time", "19:30"),
            "còn thiếu tham số bắt buộc: --day",
        ),
        (("list", "--cell", "Nà Lụng", "--bogus"), "không hiểu các tham số: --bogus"),
        (("move", "abc", "--to", "26/11 19:30"), "abc không phải số của buổi họp"),
        (("move", "1", "--to", "31/11 19:30"), "chưa đọc được ngày giờ"),
        (("move", "1", "--to", "mai"), "chưa đọc được ngày giờ"),
        (("list", "--cell", "Không Có Chi Bộ Này"), "Không có tổ chức nào khớp"),
        (("frobnicate",), "lựa chọn không hợp lệ: 'frobnicate'"),
    ],
)
def test_every_bad_value_is_one_vietnamese_line_and_exit_code_2(
    demo: Path, args: tuple[str, ...], said: str
) -> None:
    result = chibo(demo, "meetings", *args)
    assert result.returncode == 2
    assert said in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "usage" not in result.stderr and "error" not in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_argparse_speaks_vietnamese_at_the_top_level_too(demo: Path) -> None:
    result = chibo(demo, "purge", "--years", "-2")
    assert result.returncode == 2 and "--years phải là số nguyên" in result.stderr
    url = chibo(demo, "--database-url", "foo://x", "migrate")
    assert url.returncode == 2 and len(url.stderr.strip().splitlines()) == 1
    assert "foo://x không phải địa chỉ cơ sở dữ liệu" in url.stderr
    for command in (("template",), ("export", "--org", "Nà Lụng", "--period", "2026-11")):
        nowhere = chibo(demo, *command, "--out", str(demo / "no-such-folder" / "x.xlsx"))
        assert nowhere.returncode == 2 and "no-such-folder không tồn tại" in nowhere.stderr
        assert len(nowhere.stderr.strip().splitlines()) == 1
    helped = chibo(demo, "meetings", "move", "--help")
    assert helped.stdout.startswith("cách dùng: chibo meetings move")
    assert "hiện hướng dẫn này rồi thoát" in helped.stdout


def test_the_bots_example_after_the_day_asks_for_the_year(demo: Path) -> None:
    late = FakeClock(datetime(2026, 11, 27, 3, 0, tzinfo=UTC))  # 10:00 on 27/11
    listed = chibo(demo, "meetings", "list", "--cell", "Nà Lụng", clock=late).stdout
    december = next(line for line in listed.splitlines() if "24/12/2026" in line)
    meeting_id = december.split()[0].lstrip("#")
    result = chibo(
        demo, "meetings", "move", meeting_id, "--to", "26/11 19:30", "--yes", clock=late
    )
    assert result.returncode == 2
    assert "ghi cả năm, ví dụ 26/11/2027 19:30" in result.stderr
    assert december in chibo(demo, "meetings", "list", "--cell", "Nà Lụng", clock=late).stdout


def test_a_move_at_23_59_on_new_years_eve(demo: Path) -> None:
    year_end = FakeClock(datetime(2026, 12, 31, 16, 59, tzinfo=UTC))  # 23:59 in Hà Nội
    listed = chibo(demo, "meetings", "list", "--cell", "Nà Lụng", clock=year_end).stdout
    january = next(line for line in listed.splitlines() if "24/01/2027" in line)
    meeting_id = january.split()[0].lstrip("#")
    moved = chibo(
        demo, "meetings", "move", meeting_id, "--to", "2/1 19:30", "--yes", clock=year_end
    )
    assert moved.returncode == 0, moved.stderr
    assert "19:30 24/01/2027 → 19:30 02/01/2027: đã dời" in moved.stdout
    past = chibo(demo, "meetings", "move", meeting_id, "--to", "31/12 23:00", clock=year_end)
    assert past.returncode == 2 and "tương lai" in past.stderr


def test_cancelling_twice_tells_nobody_again(demo: Path) -> None:
    listed = chibo(demo, "meetings", "list", "--cell", "Nà Lụng").stdout
    meeting_id = listed.splitlines()[1].split()[0].lstrip("#")
    shown = chibo(demo, "meetings", "cancel", meeting_id)
    assert "→ đã hủy" in shown.stdout and "--yes" in shown.stdout
    first = chibo(demo, "meetings", "cancel", meeting_id, "--yes")
    assert first.returncode == 0 and ": đã hủy, đang báo cho 10 đảng viên." in first.stdout
    again = chibo(demo, "meetings", "cancel", meeting_id, "--yes")
    assert again.returncode == 2
    assert "Buổi họp này đã hủy rồi; không báo lại cho ai." in again.stderr


def test_new_rules_tell_members_once_and_show_what_changed(demo: Path) -> None:
    base = ("meetings", "schedule", "--cell", "Nà Lụng", "--time", "19:30")
    changed = chibo(demo, *base, "--day", "20", "--place", "Nhà ông trưởng bản")
    assert changed.returncode == 0, changed.stderr
    out = changed.stdout
    assert "Các buổi họp đổi theo quy định mới (đã báo đảng viên một lần):" in out
    assert "Họp chi bộ thường kỳ: 19:30 24/11/2026 → 19:30 20/11/2026" in out
    assert "19:30 24/12/2026 → 19:30 20/12/2026" in out
    assert "(Nhà ông trưởng bản)" in out  # the regular meetings follow the usual place
    told = _moved_notices(demo)
    assert len(told) == 10 * out.count(" → ")  # each of the 10 told, once per meeting
    same = chibo(demo, *base, "--day", "20")
    assert "Không buổi họp nào đã lên lịch bị đổi ngày; không báo cho ai." in same.stdout
    assert _moved_notices(demo) == told


def _moved_notices(folder: Path) -> list[str]:
    with contextlib.closing(sqlite3.connect(folder / "demo.db")) as db:
        return [
            text
            for (text,) in db.execute(
                "SELECT text FROM outbox WHERE cause LIKE '%:moved:%' ORDER BY id"
            )
        ]


def test_a_place_for_one_meeting_and_for_a_new_one(demo: Path) -> None:
    listed = chibo(demo, "meetings", "list", "--cell", "Nà Lụng").stdout
    assert "(Nhà văn hóa bản)" in listed  # the demo's usual place
    meeting_id = listed.splitlines()[1].split()[0].lstrip("#")
    placed = chibo(demo, "meetings", "place", meeting_id, "Nhà ông Lợi")
    assert placed.returncode == 0 and "Địa điểm: Nhà ông Lợi" in placed.stdout
    added = chibo(
        demo, "meetings", "add", "--cell", "Nà Lụng", "--at", "28/11 8:00", "--place", "Sân bóng"
    )
    assert added.returncode == 0, added.stderr
    after = chibo(demo, "meetings", "list", "--cell", "Nà Lụng").stdout
    assert "(Nhà ông Lợi)" in after and "(Sân bóng)" in after
