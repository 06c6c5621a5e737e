"""`chibo roles list|grant|revoke|follow` as an operator runs them on the demo commune: one
Vietnamese line and exit code 2 for anything wrong, every change in the audit log."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli import chibo, demo_rows

COMMUNE = "Đảng bộ xã Tân Lập"


def test_the_demo_committee_and_who_follows_which_cell(demo: Path) -> None:
    listed = chibo(demo, "roles", "list", "--org", COMMUNE)
    assert listed.returncode == 0, listed.stderr
    assert "Cấp ủy Đảng bộ xã Tân Lập (2 đồng chí):" in listed.stdout
    assert "(0912000300, Chi bộ Cơ quan xã Tân Lập): Bí thư Đảng ủy" in listed.stdout
    assert (
        "(0912000100, Chi bộ Cơ quan xã Tân Lập): Đảng ủy viên từ 15/11/2025; phụ trách: "
        "Chi bộ bản Chang, Chi bộ bản Nà Lụng, Chi bộ thôn Khuổi Phầy"
    ) in listed.stdout


def test_grant_follow_revoke_are_audited(demo: Path) -> None:
    granted = chibo(
        demo, "roles", "grant", "--org", COMMUNE, "--phone", "0912 000 004", "--role", "UV BTV"
    )
    assert granted.returncode == 0, granted.stderr
    assert "nay là Ủy viên Ban Thường vụ Đảng ủy của Đảng bộ xã Tân Lập" in granted.stdout
    followed = chibo(
        demo, "roles", "follow", "--org", COMMUNE, "--phone", "0912000004", "--cells", "na lung"
    )
    assert followed.returncode == 0, followed.stderr
    assert "phụ trách (cấp ủy Đảng bộ xã Tân Lập): Chi bộ bản Nà Lụng." in followed.stdout
    revoked = chibo(demo, "roles", "revoke", "--org", COMMUNE, "--phone", "0912000004")
    assert revoked.returncode == 0, revoked.stderr
    assert "thôi giữ chức vụ Ủy viên Ban Thường vụ Đảng ủy" in revoked.stdout
    actions = demo_rows(
        demo,
        "SELECT action FROM audit_log WHERE action IN "
        "('role_granted', 'follows_set', 'role_revoked') ORDER BY id",
    )
    assert [a for (a,) in actions] == ["role_granted", "follows_set", "role_revoked"]
    assert demo_rows(demo, "SELECT count(*) FROM follows WHERE ended_on IS NULL") == [(3,)]


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("grant", "--phone", "0912000004", "--role", "chủ tịch"), "“chủ tịch” không phải là"),
        (("follow", "--phone", "0912000004", "--cells", "Nà Lụng"), "chưa tham gia cấp ủy"),
        (("follow", "--phone", "0912000100", "--cells", "Hà Nội"), "Không có chi bộ nào"),
        (("revoke", "--phone", "0912000004"), "không giữ chức vụ nào"),
        (("grant", "--phone", "0999999999", "--role", "ủy viên"), "0999999999"),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(
    demo: Path, args: tuple[str, ...], said: str
) -> None:
    before = demo_rows(demo, "SELECT count(*) FROM audit_log")
    ran = chibo(demo, "roles", args[0], "--org", COMMUNE, *args[1:])
    assert ran.returncode == 2
    assert said in ran.stderr and len(ran.stderr.strip().splitlines()) == 1
    assert demo_rows(demo, "SELECT count(*) FROM audit_log") == before


def test_roles_is_in_the_help(tmp_path: Path) -> None:
    helped = chibo(tmp_path, "roles", "--help")
    assert "list" in helped.stdout and "follow" in helped.stdout
