"""Typing Vietnamese with or without tone marks, and phone numbers in every usual form."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.choices import resolve_choice
from bot.core.messages import Choice
from bot.core.phone import InvalidPhoneError, normalise_phone
from bot.core.text import fold
from handlers.router import parse_command


@pytest.mark.parametrize(
    "typed", ["báo cáo việc tốt", "bao cao viec tot", "BAO CAO VIEC TOT", "Báo  Cáo   Việc Tốt"]
)
def test_fold_makes_every_spelling_equal(typed: str) -> None:
    assert fold(typed) == "bao cao viec tot"


def test_fold_handles_d_with_stroke_and_decomposed_marks() -> None:
    assert fold("Đăng ký") == "dang ky"
    assert fold("đa\u0306ng ky\u0301") == "dang ky"


@given(st.text())
def test_fold_is_idempotent_and_ascii_for_vietnamese(text: str) -> None:
    assert fold(fold(text)) == fold(text)


@given(
    st.text(
        alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩị"
        "òóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ ",
        max_size=40,
    )
)
def test_folded_vietnamese_is_plain_ascii(text: str) -> None:
    assert fold(text).isascii()


@pytest.mark.parametrize(
    "raw",
    [
        "0912345678",
        "0912 345 678",
        "091-234-5678",
        "+84912345678",
        "84912345678",
        "+84 912 345 678",
        "0084912345678",
        "912345678",
        "(091) 234.5678",
    ],
)
def test_phone_forms_normalise_to_one(raw: str) -> None:
    assert normalise_phone(raw) == "0912345678"


@pytest.mark.parametrize("raw", ["", "abc", "12345", "0012345678", "09123456789012", "+1 415 555"])
def test_not_a_phone_is_refused(raw: str) -> None:
    with pytest.raises(InvalidPhoneError):
        normalise_phone(raw)


@given(st.from_regex(r"0[35789][0-9]{8}", fullmatch=True))
def test_every_mobile_survives_the_international_form(phone: str) -> None:
    assert normalise_phone("+84" + phone[1:]) == phone
    assert normalise_phone(phone) == phone


@pytest.mark.parametrize(
    ("raw", "now"),
    [
        ("01678123456", "0378123456"),
        ("0167 812 3456", "0378123456"),
        ("+84 1678 123 456", "0378123456"),
        ("01208123456", "0708123456"),
        ("01218123456", "0798123456"),
        ("01238123456", "0838123456"),
        ("01868123456", "0568123456"),
        ("01998123456", "0598123456"),
        ("02438123456", "02438123456"),  # a Hanoi landline stays as it is
    ],
)
def test_old_eleven_digit_mobiles_become_their_2018_numbers(raw: str, now: str) -> None:
    assert normalise_phone(raw) == now


CHOICES = (
    Choice("h:1", "Lò Văn Pành (PK-01)"),
    Choice("h:2", "Quàng Thị Ún (PK-02)"),
    Choice("community", "Việc chung cho cộng đồng (không riêng hộ nào)"),
    Choice("cancel", "Hủy"),
)


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("1", "h:1"),
        (" 2. ", "h:2"),
        ("so 3", "community"),
        ("huy", "cancel"),
        ("HỦY", "cancel"),
        ("quang thi un", "h:2"),
        ("cộng đồng", "community"),
        ("lo van", "h:1"),
        ("5", None),
        ("xyz", None),
        ("", None),
        ("PK", None),
    ],
)
def test_reply_by_number_or_label_picks_the_choice(typed: str, key: str | None) -> None:
    assert resolve_choice(typed, CHOICES) == key


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("/viectot", ("viectot", "")),
        ("/ViệcTốt@chibo_bot làm nhà", ("viectot", "làm nhà")),
        ("/start  AB12CD ", ("start", "AB12CD")),
        ("viec tot", None),
        ("/", None),
    ],
)
def test_commands_are_parsed_with_or_without_tone_marks(
    text: str, parsed: tuple[str, str] | None
) -> None:
    assert parse_command(text) == parsed
