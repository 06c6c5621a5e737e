"""Hostile and broken files cost a polite refusal naming the limit, never the bot: each is
read in the worker process, checked before anything in it is expanded, and the bot answers
other chats meanwhile."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.core.i18n import translator
from bot.services.errors import InvalidInputError
from bot.services.roster.file_worker import read_roster_files
from bot.services.roster.limits import CHAT_LIMITS, LIMITS, FileLimits
from tests import hostile_files as corpus
from tests.cli import chibo
from tests.dialog import Chat
from tests.factories import Cell
from tests.roster_files import MEMBER_HEADINGS

VI = translator("vi")
REFUSED: dict[str, tuple[Callable[[], bytes], str]] = {
    "bomb.xlsx": (lambda: corpus.zip_bomb(70), "giải nén ra hơn 64 MB"),
    "lies.xlsx": (
        lambda: corpus.zip_bomb(70, declared=1000),
        "Không mở được lies.xlsx như một tệp Excel (.xlsx).",
    ),
    "far.xlsx": (corpus.far_corner_cell, "trang “Đảng viên”: hơn 40000 dòng"),
    "merged.xlsx": (lambda: corpus.many_merged(5001), "hơn 5000 vùng ô gộp"),
    "xxe.xlsx": (lambda: corpus.with_strings(corpus.XXE), "khai báo XML (DTD, thực thể)"),
    "laughs.xlsx": (lambda: corpus.with_strings(corpus.LAUGHS), "khai báo XML (DTD, thực thể)"),
    "xxe-sheet.xlsx": (corpus.xxe_in_sheet, "khai báo XML (DTD, thực thể)"),
    "line.csv": (lambda: corpus.one_line_csv(1.9), "có dữ liệu ở hơn 50 cột"),
    "cell.csv": (
        lambda: ("Chi bộ,Họ và tên\nTest," + "x" * 5000 + "\n").encode(),
        "line.csv, dòng 2: một ô có hơn 2000 ký tự".replace("line.csv", "cell.csv"),
    ),
    "long.xlsx": (
        lambda: corpus.with_strings(
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            + b"<si><t>"
            + b"y" * 3000
            + b"</t></si></sst>"
        ),
        "hơn 2000 ký tự trong một ô",
    ),
    "chart.ods": (lambda: b"PK\x03\x04", "OpenDocument (.ods)"),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
async def test_each_hostile_file_is_refused_in_one_line_naming_the_limit(name: str) -> None:
    make, expected = REFUSED[name]
    with pytest.raises(InvalidInputError) as refused:
        await read_roster_files([(name, make())], CHAT_LIMITS)
    text = refused.value.render(VI)
    assert expected in text
    assert "\n" not in text and name in text


async def test_a_merged_range_over_the_whole_sheet_fills_only_the_rows_with_data() -> None:
    [sheet] = await read_roster_files([("gop.xlsx", corpus.whole_sheet_merged())])
    assert len(sheet.rows) == 3  # the headings and two members, not a million rows
    assert sheet.rows[1] == sheet.rows[2] == ("1",) * len(MEMBER_HEADINGS)  # A2's, as Excel


async def test_an_excel_97_workbook_is_read_like_an_xlsx() -> None:
    [sheet] = await read_roster_files([("ds.xls", corpus.xls_members())])
    assert sheet.name == "Đảng viên"
    assert sheet.rows[0] == tuple(MEMBER_HEADINGS)
    assert sheet.rows[1][2:4] == ("Lò Văn Xiên", "0912 345 678")
    assert sheet.rows[2][3] == "987654321"  # a phone stored as a number keeps its digits


async def test_a_file_the_worker_cannot_read_in_time_is_refused() -> None:
    slow = FileLimits(seconds=0.01)
    with pytest.raises(InvalidInputError) as refused:
        await read_roster_files([("ds.xlsx", corpus.members_workbook())], slow)
    assert "Không đọc xong ds.xlsx trong 0 giây" in refused.value.render(VI)


async def test_a_worker_out_of_memory_is_a_refusal_not_a_crash() -> None:
    tight = FileLimits(memory=16 * 1024 * 1024)  # less than the worker needs to read
    with pytest.raises(InvalidInputError) as refused:
        await read_roster_files([("ds.xlsx", corpus.members_workbook())], tight)
    assert re.search(r"cần hơn 16 MB bộ nhớ|Không mở được", refused.value.render(VI))


async def test_a_bomb_in_chat_is_one_polite_line_and_the_file_is_asked_again(mai: Chat) -> None:
    reply = await mai.send(document=("danh-sach.xlsx", corpus.zip_bomb(70)))
    assert "danh-sach.xlsx giải nén ra hơn 64 MB" in reply
    assert "Đồng chí vui lòng sửa tệp rồi gửi lại." in reply
    reply = await mai.send(document=("gop.xlsx", corpus.many_merged(5001)))
    assert "hơn 5000 vùng ô gộp" in reply  # still in the import, the next file is checked
    assert "Hủy" in reply


async def test_others_are_answered_while_a_big_file_is_read(
    mai: Chat, xien: Chat, cell: Cell
) -> None:
    big = corpus.big_members_workbook(20_000)
    reading = asyncio.create_task(mai.send(document=("lon.xlsx", big)))
    await asyncio.sleep(0.05)  # the file is in the worker now
    reply = await xien.send("/toi")
    assert "tháng" in reply and "Lò Văn Xiên" in reply
    assert not reading.done()  # Xiên was answered while Mai's file was still being read
    assert "Chi bộ bản Test" in await reading or "lỗi" in reading.result()


def test_the_chat_limits_are_the_operators_except_the_size() -> None:
    assert CHAT_LIMITS.max_bytes == 2 * 1024 * 1024 < LIMITS.max_bytes
    assert CHAT_LIMITS.max_rows == LIMITS.max_rows


def test_chibo_import_refuses_a_bomb_in_one_line_and_exit_code_2(tmp_path: Path) -> None:
    (tmp_path / "xxe.xlsx").write_bytes(corpus.with_strings(corpus.LAUGHS))
    (tmp_path / "bom.xlsx").write_bytes(corpus.whole_sheet_merged())
    result = chibo(tmp_path, "import", "xxe.xlsx")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "xxe.xlsx chứa khai báo XML (DTD, thực thể) mà một bảng tính không bao giờ cần, nên "
        "không được đọc. Đồng chí vui lòng lưu lại tệp từ Excel."
    )
    merged = chibo(tmp_path, "import", "--dry-run", "bom.xlsx")
    assert merged.returncode == 1  # read in a moment: its rows are wrong, not fatal
    assert "Traceback" not in merged.stderr and "MemoryError" not in merged.stderr
