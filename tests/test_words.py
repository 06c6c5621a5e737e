"""Words people really type, read by the one tolerant matcher: a table of real phrasings,
with and without tone marks, with particles, fillers, typos and Telex / VNI remnants."""

from __future__ import annotations

import unicodedata

import pytest

from bot.core.choices import resolve_choice
from bot.core.messages import Choice
from handlers.answers import acknowledging
from handlers.registry import build_registry

REGISTRY = build_registry()

# (typed, the command it means; None: it must not be taken for any command)
PHRASES: list[tuple[str, str | None]] = [
    # reporting a good deed — every phrasing the issue lists, and more
    ("báo cáo ạ", "viectot"),
    ("tôi muốn báo cáo", "viectot"),
    ("bao cao viec tot thang nay", "viectot"),
    ("Báo cáo việc tốt tháng 12", "viectot"),
    ("baso caso", "viectot"),
    ("ba1o ca1o", "viectot"),
    ("báo cáo", "viectot"),
    ("bao cao", "viectot"),
    ("BÁO CÁO", "viectot"),
    ("Bao Cao", "viectot"),
    ("baocao", "viectot"),
    ("bao cao a", "viectot"),
    ("bao cao nhe", "viectot"),
    ("báo cáo nhé", "viectot"),
    ("dạ báo cáo ạ", "viectot"),
    ("báo cáo với", "viectot"),
    ("em muốn báo cáo", "viectot"),
    ("toi muon bao cao", "viectot"),
    ("cho tôi báo cáo", "viectot"),
    ("xin báo cáo", "viectot"),
    ("báo cáo việc tốt", "viectot"),
    ("bao cao viec tot", "viectot"),
    ("báo cáo việc tốt ạ", "viectot"),
    ("Báo cáo việc tốt tháng này", "viectot"),
    ("báo cáo tháng này", "viectot"),
    ("việc tốt", "viectot"),
    ("viec tot", "viectot"),
    ("viectot", "viectot"),
    ("làm việc tốt", "viectot"),
    ("nộp báo cáo", "viectot"),
    ("gửi báo cáo", "viectot"),
    ("bao coa", "viectot"),
    ("bao caoo", "viectot"),
    ("bo cao", "viectot"),
    ("báo cáo.", "viectot"),
    ("báo cáo!", "viectot"),
    ("  báo   cáo  ", "viectot"),
    ("report", "viectot"),
    # pledging
    ("đăng ký", "dangky"),
    ("dang ky", "dangky"),
    ("dang ki", "dangky"),
    ("đăng kí", "dangky"),
    ("dangky", "dangky"),
    ("dangki", "dangky"),
    ("đăng ký ạ", "dangky"),
    ("đăng ký việc tốt", "dangky"),
    ("tôi muốn đăng ký", "dangky"),
    ("dnag ky", "dangky"),
    ("kế hoạch", "dangky"),
    ("pledge", "dangky"),
    # next month's proposal
    ("đăng ký tháng sau", "dangkythangsau"),
    ("dang ky thang sau", "dangkythangsau"),
    ("đề xuất việc tháng sau", "dangkythangsau"),
    ("việc tháng sau", "dangkythangsau"),
    # meetings
    ("hop", "lich"),
    ("họp", "lich"),
    ("xem lich hop", "lich"),
    ("xem lịch họp", "lich"),
    ("lịch họp", "lich"),
    ("lich hop", "lich"),
    ("lịch họp ạ", "lich"),
    ("cho tôi xem lịch họp với", "lich"),
    ("lịch", "lich"),
    ("lich", "lich"),
    ("họp chi bộ", "lich"),
    ("hop chi bo", "lich"),
    ("khi nào họp", "lich"),
    ("bao giờ họp", "lich"),
    ("bao gio hop", "lich"),
    ("ngày họp", "lich"),
    ("lịch sinh hoạt", "lich"),
    ("sinh hoạt chi bộ", "lich"),
    ("lihc hop", "lich"),
    ("lichhop", "lich"),
    ("meetings", "lich"),
    # opinions
    ("ý kiến", "ykien"),
    ("y kien", "ykien"),
    ("góp ý", "ykien"),
    ("gop y", "ykien"),
    ("đóng góp ý kiến", "ykien"),
    ("gửi ý kiến", "ykien"),
    # households and my month
    ("hộ của tôi", "ho"),
    ("ho cua toi", "ho"),
    ("các hộ", "ho"),
    ("hộ phụ trách", "ho"),
    ("hộ tôi phụ trách", "ho"),
    ("hộ", "ho"),
    ("tháng này", "toi"),
    ("thang nay", "toi"),
    ("của tôi", "toi"),
    ("tôi", "toi"),
    ("kết quả của tôi", "toi"),
    # help, cancel, greetings, thanks
    ("trợ giúp", "trogiup"),
    ("tro giup", "trogiup"),
    ("hướng dẫn", "trogiup"),
    ("huong dan", "trogiup"),
    ("giúp tôi với", "trogiup"),
    ("làm sao", "trogiup"),
    ("help", "trogiup"),
    ("hủy", "huy"),
    ("huy", "huy"),
    ("hủy ạ", "huy"),
    ("thôi", "huy"),
    ("thoi", "huy"),
    ("thôi ạ", "huy"),
    ("dừng lại", "huy"),
    ("hủy bỏ", "huy"),
    ("không làm nữa", "huy"),
    ("chào", "menu"),
    ("xin chào", "menu"),
    ("xin chao", "menu"),
    ("chào bạn", "menu"),
    ("alo", "menu"),
    ("hello", "menu"),
    ("cảm ơn", "camon"),
    ("cam on", "camon"),
    ("cám ơn", "camon"),
    ("cảm ơn ạ", "camon"),
    ("cảm ơn nhiều", "camon"),
    ("cam on nhieu nhe", "camon"),
    ("xin cảm ơn", "camon"),
    ("camon", "camon"),
    ("thanks", "camon"),
    ("thank you", "camon"),
    ("🙏", "camon"),
    # leaders' words
    ("tổng hợp", "tonghop"),
    ("tong hop", "tonghop"),
    ("báo cáo tổng hợp", "tonghop"),
    ("chưa báo cáo", "chuabaocao"),
    ("ai chưa báo cáo", "chuabaocao"),
    ("ai chua bao cao", "chuabaocao"),
    ("thông báo", "thongbao"),
    ("gui thong bao", "thongbao"),
    ("đã gửi", "dagui"),
    ("phân công", "phancong"),
    ("phan cong lai", "phancong"),
    ("danh sách", "danhsach"),
    ("nhập danh sách", "danhsach"),
    ("mã mời", "mamoi"),
    ("ai chưa liên kết", "mamoi"),
    ("kênh", "kenh"),
    ("zalo", "kenh"),
    ("ngôn ngữ", "ngonngu"),
    ("ngon ngu", "ngonngu"),
    # a deed's description, names, answers: never a command word
    ("giúp bà Phượng sửa mái nhà", None),
    ("giup ba phuong sua mai nha", None),
    ("Giúp hộ chị Ún dựng lại nhà tiêu", None),
    ("sửa nhà", None),
    ("trồng cây", None),
    ("phát quang đường vào bản", None),
    ("ủng hộ gạo", None),
    ("hộ nghèo", None),
    ("đi họp", None),
    ("nhà ở", None),
    ("nha o", None),
    ("ok", None),
    ("vâng", None),
    ("có", None),
    ("không", None),
    ("2", None),
    ("NL-006", None),
    ("bà Phượng", None),
    ("giúp", None),
    ("Giúp đỡ", None),
    ("hôm nay trời mưa", None),
    ("tôi đã giúp bà cụ", None),
    ("Họp dân bàn làm đường", None),
    ("bao nhiêu", None),
    ("ba", None),
    ("hai", None),
    ("lúa", None),
    ("hoc", None),
    ("tot", None),
    ("asdfgh", None),
    ("", None),
]

# Tone marks and vowel marks as Telex and VNI keystrokes, for typing without an input method.
_TELEX_MARKS = {"\u0301": "s", "\u0300": "f", "\u0309": "r", "\u0303": "x", "\u0323": "j"}
_VNI_MARKS = {"\u0301": "1", "\u0300": "2", "\u0309": "3", "\u0303": "4", "\u0323": "5"}
_TELEX_VOWELS = {"â": "aa", "ê": "ee", "ô": "oo", "ă": "aw", "ơ": "ow", "ư": "uw", "đ": "dd"}
_VNI_VOWELS = {"â": "a6", "ê": "e6", "ô": "o6", "ă": "a8", "ơ": "o7", "ư": "u7", "đ": "d9"}


def keystrokes(text: str, vni: bool) -> str:
    """`text` as typed on Telex (or VNI) with the input method off: marks become letters
    (digits) after the vowel, the tone key at the end of the word."""
    words = []
    for word in text.lower().split():
        tone = ""
        letters: list[str] = []
        for ch in unicodedata.normalize("NFD", word):
            if ch in _TELEX_MARKS:
                tone = (_VNI_MARKS if vni else _TELEX_MARKS)[ch]
            elif unicodedata.combining(ch):
                letters[-1] = unicodedata.normalize("NFC", letters[-1] + ch)
            else:
                letters.append(ch)
        vowels = _VNI_VOWELS if vni else _TELEX_VOWELS
        words.append("".join(vowels.get(ch, ch) for ch in letters) + tone)
    return " ".join(words)


TYPED_WITHOUT_INPUT_METHOD = [
    "báo cáo",
    "báo cáo việc tốt",
    "đăng ký",
    "lịch họp",
    "xem lịch họp",
    "họp chi bộ",
    "ý kiến",
    "góp ý",
    "hộ của tôi",
    "tháng này",
    "trợ giúp",
    "hủy",
    "cảm ơn",
    "tổng hợp",
    "thông báo",
    "phân công",
    "ngôn ngữ",
]
PHRASES += [
    (keystrokes(phrase, vni), str(REGISTRY.by_phrase(phrase).names[0]))  # type: ignore[union-attr]
    for phrase in TYPED_WITHOUT_INPUT_METHOD
    for vni in (False, True)
]


@pytest.mark.parametrize(("typed", "meaning"), PHRASES)
def test_a_typed_phrase_means_its_command(typed: str, meaning: str | None) -> None:
    command = REGISTRY.by_phrase(typed)
    assert (command.names[0] if command else None) == meaning


def test_the_table_is_long_enough_to_mean_something() -> None:
    assert len(PHRASES) + len(LEADING) + len(ACKS) + len(CHOSEN) >= 300


def test_keystrokes_are_what_people_type() -> None:
    assert keystrokes("báo cáo", vni=False) == "baos caos"
    assert keystrokes("đăng ký", vni=True) == "d9a8ng ky1"
    assert keystrokes("việc tốt", vni=False) == "vieecj toots"


# (typed, the command, the text after it)
LEADING: list[tuple[str, str | None, str]] = [
    ("bao cao giup ba Phuong sua mai nha", "viectot", "giup ba Phuong sua mai nha"),
    ("báo cáo: giúp bà Phượng sửa mái nhà", "viectot", "giúp bà Phượng sửa mái nhà"),
    ("Báo cáo việc tốt tháng 11 giúp ông Lợi gặt lúa", "viectot", "giúp ông Lợi gặt lúa"),
    ("báo cáo ạ, hộ thứ hai, sửa chuồng bò", "viectot", "hộ thứ hai, sửa chuồng bò"),
    ("bao cao a giup ba Un don nha", "viectot", "giup ba Un don nha"),
    ("tôi muốn báo cáo giúp NL-006 làm nhà tiêu", "viectot", "giúp NL-006 làm nhà tiêu"),
    ("baso caso giusp basf Phuwowngj", "viectot", "giusp basf Phuwowngj"),
    ("việc tốt: trồng 20 cây keo cho bản", "viectot", "trồng 20 cây keo cho bản"),
    ("đăng ký sửa đường vào bản", "dangky", "sửa đường vào bản"),
    ("dang ki giup ho ngheo lam chuong", "dangky", "giup ho ngheo lam chuong"),
    ("đăng ký tháng sau làm nhà tắm cho bà Ún", "dangkythangsau", "làm nhà tắm cho bà Ún"),
    ("góp ý: nên họp sớm hơn", "ykien", "nên họp sớm hơn"),
    ("giúp bà Phượng sửa mái nhà", None, ""),
    ("lịch họp tháng 12", None, ""),
    ("trợ giúp cách báo cáo", None, ""),
]


@pytest.mark.parametrize(("typed", "meaning", "rest"), LEADING)
def test_a_command_word_at_the_start_takes_the_rest_as_its_text(
    typed: str, meaning: str | None, rest: str
) -> None:
    found = REGISTRY.leading(typed)
    if meaning is None:
        assert found is None
        return
    assert found is not None
    command, text = found
    assert (command.names[0], text) == (meaning, rest)


ACKS: list[tuple[str, bool]] = [
    ("ok", True),
    ("OK", True),
    ("oke", True),
    ("okie", True),
    ("ok ạ", True),
    ("nhận rồi", True),
    ("nhan roi", True),
    ("đã nhận ạ", True),
    ("đã nhận", True),
    ("da nhan", True),
    ("Đã nhận.", True),
    ("đã nhận được", True),
    ("nhận được", True),
    ("rõ", True),
    ("ro", True),
    ("đã rõ", True),
    ("rõ rồi ạ", True),
    ("👍", True),
    ("👍🏻", True),
    ("👌", True),
    ("vâng", True),
    ("dạ vâng", True),
    ("da vang", True),
    ("đã xem", True),
    ("biết rồi", True),
    ("đã nhận, cảm ơn", True),
    ("ok cảm ơn ạ", True),
    ("ddax nhaanj", True),
    ("d9a4 nha65n", True),
    ("received", True),
    ("không", False),
    ("báo cáo", False),
    ("chưa nhận được", False),
    ("ok bao cao", False),
    ("cảm ơn", False),
    ("2", False),
]


@pytest.mark.parametrize(("typed", "acknowledges"), ACKS)
def test_a_notice_is_acknowledged_by_the_words_people_use(typed: str, acknowledges: bool) -> None:
    assert acknowledging(typed) is acknowledges


HOUSEHOLDS = (
    Choice("h:1", "Đặng Xuân Lợi (NL-006)"),
    Choice("h:2", "Hoàng Thị Phượng (NL-012)"),
    Choice("h:3", "Ma Văn Tám (NL-013)"),
    Choice("h:4", "Hoàng Văn Nam (NL-020)"),
    Choice("community", "Việc chung cho cộng đồng (không riêng hộ nào)"),
    Choice("cancel", "Hủy"),
)
KINDS = (
    Choice("cat:housing", "Nhà ở, nhà tiêu, nhà tắm"),
    Choice("cat:livelihood", "Sản xuất, sinh kế, vay vốn"),
    Choice("cat:health", "Sức khỏe, học hành"),
    Choice("cat:environment", "Đường sá, môi trường, công trình chung"),
    Choice("cancel", "Hủy"),
)
CONFIRM = (
    Choice("send", "Gửi báo cáo", ("có", "ok", "gửi", "đồng ý")),
    Choice("no", "Không", ("không", "ko", "k")),
)
CHOSEN: list[tuple[tuple[Choice, ...], str, str | None]] = [
    (HOUSEHOLDS, "1", "h:1"),
    (HOUSEHOLDS, "2.", "h:2"),
    (HOUSEHOLDS, "số 2", "h:2"),
    (HOUSEHOLDS, "một", "h:1"),
    (HOUSEHOLDS, "mot", "h:1"),
    (HOUSEHOLDS, "hai", "h:2"),
    (HOUSEHOLDS, "hộ thứ hai", "h:2"),
    (HOUSEHOLDS, "ho thu hai", "h:2"),
    (HOUSEHOLDS, "thứ nhất", "h:1"),
    (HOUSEHOLDS, "ba", "h:3"),
    (HOUSEHOLDS, "thứ tư", "h:4"),
    (HOUSEHOLDS, "NL-006", "h:1"),
    (HOUSEHOLDS, "nl006", "h:1"),
    (HOUSEHOLDS, "NL 12", "h:2"),
    (HOUSEHOLDS, "nl-013", "h:3"),
    (HOUSEHOLDS, "ba Phuong", "h:2"),
    (HOUSEHOLDS, "bà Phượng", "h:2"),
    (HOUSEHOLDS, "bà Phượng ạ", "h:2"),
    (HOUSEHOLDS, "nhà bà Phượng", "h:2"),
    (HOUSEHOLDS, "Phuong", "h:2"),
    (HOUSEHOLDS, "ba Phuog", "h:2"),  # a typo in the name
    (HOUSEHOLDS, "ông Lợi", "h:1"),
    (HOUSEHOLDS, "ong loi", "h:1"),
    (HOUSEHOLDS, "Đặng Xuân Lợi", "h:1"),
    (HOUSEHOLDS, "dang xuan loi", "h:1"),
    (HOUSEHOLDS, "anh Tám", "h:3"),
    (HOUSEHOLDS, "ông Nam", "h:4"),
    (HOUSEHOLDS, "Hoàng", None),  # two households: asked again rather than guessed
    (HOUSEHOLDS, "cộng đồng", "community"),
    (HOUSEHOLDS, "cong dong", "community"),
    (HOUSEHOLDS, "việc chung", "community"),
    (HOUSEHOLDS, "hủy", "cancel"),
    (HOUSEHOLDS, "9", None),
    (HOUSEHOLDS, "NL-099", None),
    (HOUSEHOLDS, "bà Hoa", None),
    (KINDS, "nha o", "cat:housing"),
    (KINDS, "nhà ở", "cat:housing"),
    (KINDS, "nha tieu", "cat:housing"),
    (KINDS, "san xuat", "cat:livelihood"),
    (KINDS, "vay von", "cat:livelihood"),
    (KINDS, "suc khoe", "cat:health"),
    (KINDS, "hoc hanh", "cat:health"),
    (KINDS, "duong sa", "cat:environment"),
    (KINDS, "moi truong", "cat:environment"),
    (KINDS, "2", "cat:livelihood"),
    (KINDS, "hai", "cat:livelihood"),
    (CONFIRM, "có", "send"),
    (CONFIRM, "co", "send"),
    (CONFIRM, "có ạ", "send"),
    (CONFIRM, "ok", "send"),
    (CONFIRM, "👍", "send"),
    (CONFIRM, "gửi", "send"),
    (CONFIRM, "gui bao cao", "send"),
    (CONFIRM, "đồng ý", "send"),
    (CONFIRM, "không", "no"),
    (CONFIRM, "ko", "no"),
    (CONFIRM, "k", "no"),
    (CONFIRM, "khong a", "no"),
]


@pytest.mark.parametrize(("choices", "typed", "key"), CHOSEN)
def test_a_typed_answer_picks_the_option_people_mean(
    choices: tuple[Choice, ...], typed: str, key: str | None
) -> None:
    assert resolve_choice(typed, choices) == key
