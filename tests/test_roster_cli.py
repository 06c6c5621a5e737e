"""`chibo template`, `chibo import`, `chibo invites` and `chibo households reassign` as an
operator runs them on the demo commune."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from tests.cli import chibo, demo_rows
from tests.roster_files import HOUSEHOLD_HEADINGS, csv_text, workbook

NEW_MEMBER: list[object] = [1, "Nà Lụng", "Nguyễn Văn Mới", "0987 111 222", "dự bị", ""]


def test_template_has_the_headings_and_an_example_row(tmp_path: Path) -> None:
    written = chibo(tmp_path, "template")
    assert written.returncode == 0, written.stderr
    assert "Đã ghi: mau-danh-sach-chi-bo.xlsx" in written.stdout
    book = load_workbook(tmp_path / "mau-danh-sach-chi-bo.xlsx")
    assert book.sheetnames == ["Đảng viên", "Hộ gia đình", "Tổ chức", "Cấp ủy", "Hướng dẫn"]
    members = list(book["Đảng viên"].iter_rows(values_only=True))
    assert members[0][:3] == ("Chi bộ", "Họ và tên", "Số điện thoại")
    assert members[1][:3] == ("Chi bộ bản Nà Lụng", "Lò Văn Xiên", "0912 345 678")


def test_dry_run_then_import_then_again(demo: Path) -> None:
    (demo / "ds.xlsx").write_bytes(workbook(members=[NEW_MEMBER]))
    count = "SELECT count(*) FROM members"
    before = demo_rows(demo, count)
    dry = chibo(demo, "import", "ds.xlsx", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "Tệp hợp lệ. Nếu áp dụng sẽ thay đổi:" in dry.stdout
    assert "Đảng viên mới (1): Nguyễn Văn Mới" in dry.stdout
    assert "Đảng viên của các chi bộ này không có trong tệp (11)" in dry.stdout
    assert "Chưa ghi gì (--dry-run)." in dry.stdout
    assert demo_rows(demo, count) == before
    done = chibo(demo, "import", "ds.xlsx")
    assert done.returncode == 0 and "Xong. Đã ghi các thay đổi:" in done.stdout
    assert "Muốn ghi nhận họ đã chuyển đi, nhập lại với --mark-missing." in done.stdout
    again = chibo(demo, "import", "ds.xlsx")
    assert "Không có gì thay đổi" in again.stdout
    assert demo_rows(demo, count) == [(before[0][0] + 1,)]
    refused = chibo(demo, "import", "ds.xlsx", "--mark-missing", "exempt", "--dry-run")
    assert refused.returncode == 1
    assert "11/12 đảng viên của Chi bộ bản Nà Lụng không có trong tệp" in refused.stderr
    assert "Nếu vẫn muốn ghi nhận, thêm --force." in refused.stderr
    marked = chibo(demo, "import", "ds.xlsx", "--mark-missing", "exempt", "--force", "--dry-run")
    # 11 are not in the file; one of them is exempt already.
    assert "Đổi tình trạng (10):" in marked.stdout and "→ miễn sinh hoạt" in marked.stdout


def test_a_broken_csv_is_refused_with_its_places(demo: Path) -> None:
    rows: list[list[object]] = [["NL-001", "Ai Đó", "Nà Lụng", "", "", "0912 000 9"]]
    (demo / "ho.csv").write_bytes(csv_text(HOUSEHOLD_HEADINGS, rows).encode("utf-8-sig"))
    result = chibo(demo, "import", "ho.csv")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "Tệp có 1 lỗi; chưa ghi gì:",
        "• Trang “ho.csv”, dòng 2, cột F (SĐT đảng viên phụ trách): “0912 000 9” không phải "
        "là số điện thoại.",
    ]
    (demo / "hong.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    unreadable = chibo(demo, "import", "hong.xlsx")
    assert unreadable.returncode == 2
    assert unreadable.stderr.strip() == "Không mở được hong.xlsx như một tệp Excel (.xlsx)."


def _sheet(path: Path) -> Worksheet:
    sheet = load_workbook(path).active
    assert isinstance(sheet, Worksheet)
    return sheet


def test_invites_sheet_for_the_unlinked_members(demo: Path) -> None:
    result = chibo(
        demo,
        "invites",
        "--org",
        "Đảng bộ xã Tân Lập",
        "--cell",
        "Nà Lụng",
        "--bot-username",
        "@chibo_demo_bot",
        "--out",
        "m.xlsx",
    )
    assert result.returncode == 0, result.stderr
    assert "Đã ghi: m.xlsx, 2 đồng chí chưa liên kết." in result.stdout
    assert "phát tận tay mỗi đồng chí mã của mình" in result.stdout
    sheet = _sheet(demo / "m.xlsx")
    assert str(sheet["A2"].value).startswith("PHÁT TẬN TAY")  # handed out, never posted
    assert "@chibo_demo_bot" in str(sheet["A3"].value) and "Zalo" in str(sheet["A3"].value)
    rows = [row for row in sheet.iter_rows(min_row=5, values_only=True)]
    codes = {
        name: (code, link_code)
        for name, code, link_code in demo_rows(
            demo,
            "SELECT m.full_name, i.code, i.link_code FROM invite_codes i "
            "JOIN members m ON m.id = i.member_id WHERE m.phone IN ('0912000009', '0912000010')",
        )
    }
    assert {row[1] for row in rows} == set(codes)
    for _, name, cell, code, link, _ in rows:
        # The sheet prints the short code to type; its link carries the long one.
        assert cell == "Chi bộ bản Nà Lụng" and code == codes[name][0]
        assert len(codes[name][1]) == 16
        assert str(link).startswith(f"https://t.me/chibo_demo_bot?start={codes[name][1]}\n(hết")
    assert len(sheet._images) == 2  # type: ignore[attr-defined]  # one QR code a member
    again = chibo(demo, "invites", "--org", "Nà Lụng", "--bot-username", "chibo_demo_bot")
    assert again.returncode == 0
    assert demo_rows(demo, "SELECT count(*) FROM invite_codes") == [(2,)]  # codes handed out stay


def test_invites_for_a_zalo_only_commune_one_sheet_per_cell(demo: Path) -> None:
    result = chibo(
        demo,
        "invites",
        "--org",
        "Đảng bộ xã Tân Lập",
        "--out",
        "to-in",
        env={"ZALO_BOT_NAME": "Chi bộ Tân Lập"},
    )
    assert result.returncode == 0, result.stderr
    assert "không có đường liên kết và mã QR" in result.stdout
    files = sorted((demo / "to-in").iterdir())
    unlinked = demo_rows(
        demo,
        "SELECT o.name, count(*) FROM members m JOIN organisations o ON o.id = m.cell_id "
        "WHERE m.status != 'transferred_out' AND NOT EXISTS "
        "(SELECT 1 FROM chat_addresses c WHERE c.member_id = m.id) GROUP BY o.name",
    )
    assert len(files) == len(unlinked) > 1  # one file per cell, never the whole commune
    for path in files:
        sheet = _sheet(path)
        assert "mở “Chi bộ Tân Lập” trong Zalo, gửi mã mời" in str(sheet["A3"].value)
        assert "Telegram" not in str(sheet["A3"].value)
        rows = [row for row in sheet.iter_rows(min_row=5, values_only=True)]
        assert len({row[2] for row in rows}) == 1  # the members of one cell only
        assert all(len(str(row[3])) == 6 and str(row[4]).startswith("hết hạn") for row in rows)
        assert sheet._images == []  # type: ignore[attr-defined]  # no QR without a link
    assert f"Đã ghi: {Path('to-in') / files[0].name}" in result.stdout
    refused = chibo(demo, "invites", "--org", "Đảng bộ xã Tân Lập", "--cell", "Không Có")
    assert refused.returncode == 2
    assert (
        refused.stderr.strip()
        == 'Không có đúng một chi bộ thuộc Đảng bộ xã Tân Lập tên "Không Có".'
    )


def test_reassign_from_the_command_line_tells_both(demo: Path) -> None:
    result = chibo(demo, "households", "reassign", "nl-001", "--to", "0912000004")
    assert result.returncode == 0, result.stderr
    assert "(NL-001) nay do" in result.stdout and "đang báo cho cả hai người" in result.stdout
    history = demo_rows(
        demo,
        "SELECT m.phone, a.ended_on IS NULL FROM assignments a JOIN members m ON m.id = "
        "a.member_id JOIN households h ON h.id = a.household_id WHERE h.code = 'NL-001' "
        "ORDER BY a.id",
    )
    assert history[-1] == ("0912000004", 1) and history[0][1] == 0
    told = demo_rows(demo, "SELECT text FROM outbox WHERE cause LIKE 'reassign:%' ORDER BY id")
    assert len(told) == 2
    assert "Từ hôm nay đồng chí phụ trách hộ" in str(told[0][0])
    refused = chibo(demo, "households", "reassign", "NL-001", "--to", "0999999999")
    assert refused.returncode == 2 and "0999999999" in refused.stderr


def test_reassign_looks_the_code_up_in_the_new_members_commune(demo: Path) -> None:
    other_commune = workbook(
        organisations=[
            ["Đảng bộ xã Khác", "đảng bộ cơ sở", "Đảng bộ huyện Vân Sơn", ""],
            ["Chi bộ bản Khác", "chi bộ", "Đảng bộ xã Khác", "nông thôn"],
        ],
        members=[
            [1, "Chi bộ bản Khác", "Lò Văn Một", "0988000001", "", ""],
            [2, "Chi bộ bản Khác", "Lò Văn Hai", "0988000002", "", ""],
        ],
        households=[["NL-001", "Hộ cùng mã", "Chi bộ bản Khác", "", "", "0988000001"]],
    )
    (demo / "xa-khac.xlsx").write_bytes(other_commune)
    assert chibo(demo, "import", "xa-khac.xlsx").returncode == 0
    holders = (
        "SELECT o.name, m.phone FROM households h JOIN organisations o ON o.id = h.commune_id "
        "JOIN assignments a ON a.household_id = h.id AND a.ended_on IS NULL "
        "JOIN members m ON m.id = a.member_id WHERE h.code = 'NL-001' ORDER BY o.name"
    )
    before = demo_rows(demo, holders)
    moved = chibo(demo, "households", "reassign", "NL-001", "--to", "0988000002")
    assert moved.returncode == 0, moved.stderr
    assert "Hộ cùng mã (NL-001) nay do Lò Văn Hai phụ trách" in moved.stdout
    after = demo_rows(demo, holders)
    assert after == [("Đảng bộ xã Khác", "0988000002"), before[1]]  # Tân Lập's NL-001 stays
    mismatch = chibo(
        demo, "households", "reassign", "NL-001", "--to", "0912000004", "--org", "xã Khác"
    )
    assert mismatch.returncode == 2
    assert "Đảng bộ xã Tân Lập, không thuộc Đảng bộ xã Khác" in mismatch.stderr
    only_there = chibo(demo, "households", "reassign", "KP-001", "--to", "0988000002")
    assert only_there.returncode == 2
    assert "Đảng bộ xã Khác (xã của đồng chí Lò Văn Hai) không có hộ KP-001" in only_there.stderr
    assert "Đảng bộ xã Tân Lập" in only_there.stderr
    assert demo_rows(demo, holders) == after
