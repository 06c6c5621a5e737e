"""The chat shell keeps to the chat: notices shown once, no log lines between the messages,
and quiet when its reader goes away (`chibo shell | head`); smaller wording fixes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.core.i18n import LOCALE_DIR
from tests.cli import chibo
from tests.dialog import Chat
from tests.factories import FakeClock

NOTICE = "/thongbao\n1\nHọp chi bộ 19h30 ngày 24 tại nhà văn hóa bản\nco\ngui\n"  # README
SECRETARY, MEMBER = "0912000001", "0912000002"


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """The demo commune, its member having opened the shell once (so her chat is linked)."""
    assert chibo(tmp_path, "demo", "--no-shell").returncode == 0
    assert chibo(tmp_path, "shell", "--as", MEMBER).returncode == 0
    return tmp_path


def test_a_notice_is_shown_at_the_next_opening_only(demo: Path) -> None:
    sent = chibo(demo, "shell", "--as", SECRETARY, stdin=NOTICE)
    assert sent.returncode == 0, sent.stderr
    first = chibo(demo, "shell", "--as", MEMBER).stdout
    assert "Tin gửi đến đồng chí từ lần mở trước:" in first
    assert first.count("Họp chi bộ 19h30 ngày 24 tại nhà văn hóa bản") == 1
    second = chibo(demo, "shell", "--as", MEMBER).stdout
    assert "Họp chi bộ 19h30 ngày 24" not in second and "từ lần mở trước" not in second


def test_log_lines_go_to_a_file_not_into_the_chat(demo: Path) -> None:
    # 10:00 on 21/11 in Hà Nội: the notice of the meeting of the 24th is due as the shell opens.
    due = FakeClock(datetime(2026, 11, 21, 3, 0, tzinfo=UTC))
    opened = chibo(demo, "shell", "--as", MEMBER, stdin="/toi\n", clock=due)
    assert "sẽ được tổ chức lúc 19:30 24/11/2026" in opened.stdout  # the notice, in the chat
    assert "Địa điểm: Nhà văn hóa bản" in opened.stdout
    assert not re.search(r"\b(INFO|WARNING)\b", opened.stdout + opened.stderr)
    assert "INFO bot.cli.scheduler: reminders:" in (demo / "chibo-shell.log").read_text("utf-8")


def test_a_reader_that_stops_reading_gets_no_traceback(demo: Path) -> None:
    script = Path(sys.executable).with_name("chibo")
    (demo / "in.txt").write_text("/trogiup\n" * 30 + "/lich\n" * 30, encoding="utf-8")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{demo / 'demo.db'}", "LANGUAGE": "vi"}
    done = subprocess.run(
        ["bash", "-c", f"'{script}' shell --as {MEMBER} < in.txt 2> err.txt | head -n 2"],
        cwd=demo,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert len(done.stdout.splitlines()) == 2
    assert (demo / "err.txt").read_text(encoding="utf-8") == ""


async def test_sent_tells_a_plain_member_politely_what_it_is_for(xien: Chat) -> None:
    reply = await xien.send("/dagui")
    assert "cho bí thư chi bộ và cấp ủy viên xem thông báo mình gửi" in reply
    assert "/thongbao" not in reply


def test_vietnamese_texts_call_chibo_tro_ly_not_bot() -> None:
    with (LOCALE_DIR / "vi" / "LC_MESSAGES" / "chibo.po").open("rb") as po:
        catalog = read_po(po, locale="vi")
    platform_words = re.compile(r"Zalo|BOT_TOKEN|--bot-username|BotFather|Bot API|mã bot|của bot")
    mixed = [
        str(m.string)
        for m in catalog
        if m.id
        and re.search(r"\bbot\b", str(m.string), re.IGNORECASE)
        and not platform_words.search(str(m.string))
    ]
    assert mixed == []
