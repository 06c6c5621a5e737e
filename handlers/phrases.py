"""The words people type for each command, with or without tone marks (the tolerant
matcher in bot/core/words.py folds them), in the registry's order; a phrase that ends in
text ("bao cao giúp bà Phượng...") gives that text to a command that takes one."""

from __future__ import annotations

VIECTOT = (
    "báo cáo",
    "báo cáo việc tốt",
    "việc tốt",
    "làm việc tốt",
    "báo cáo việc tốt tháng này",
    "báo cáo tháng này",
    "nộp báo cáo",
    "gửi báo cáo",
    "viết báo cáo",
    "báo cáo việc",
    "kể việc tốt",
    "báo việc tốt",
)
DANGKY = (
    "đăng ký",
    "đăng ký việc tốt",
    "đăng ký việc",
    "đăng ký tháng này",
    "đăng ký việc tốt tháng này",
    "kế hoạch",
    "kế hoạch tháng",
)
THEMANH = (
    "gửi thêm ảnh",
    "gửi thêm ảnh cho báo cáo vừa rồi",
    "thêm ảnh",
    "bổ sung ảnh",
    "gửi ảnh",
    "gửi thêm ảnh báo cáo",
    "thêm ảnh cho báo cáo",
)
DANGKYTHANGSAU = (
    "đăng ký tháng sau",
    "đăng ký việc tháng sau",
    "đề xuất việc tháng sau",
    "đề xuất tháng sau",
    "việc tháng sau",
    "kế hoạch tháng sau",
)
LICH = (
    "lịch họp",
    "lịch",
    "họp",
    "họp chi bộ",
    "lịch sinh hoạt",
    "sinh hoạt chi bộ",
    "lịch họp chi bộ",
    "khi nào họp",
    "bao giờ họp",
    "ngày họp",
    "họp ngày nào",
    "họp khi nào",
)
YKIEN = ("ý kiến", "góp ý", "đóng góp ý kiến", "gửi ý kiến", "góp ý kiến")
BAOCAOTHAY = (
    "báo cáo thay",
    "báo cáo thay đồng chí",
    "nhập thay",
    "nhập báo cáo thay",
    "báo cáo thay đảng viên",
    "báo cáo cho đảng viên",
)
HO = (
    "hộ của tôi",
    "hộ phụ trách",
    "các hộ",
    "hộ gia đình",
    "hộ tôi phụ trách",
    "các hộ của tôi",
    "hộ được giao",
)
TOI = ("của tôi", "tháng này", "tháng này của tôi", "kết quả của tôi", "tôi")
TONGHOP = ("tổng hợp", "báo cáo tổng hợp", "xem tổng hợp")
CHUABAOCAO = ("chưa báo cáo", "ai chưa báo cáo", "những ai chưa báo cáo")
THONGBAO = ("thông báo", "gửi thông báo", "viết thông báo")
DAGUI = ("da gui",)
PHANCONG = ("phân công", "phân công lại", "giao hộ")
DANHSACH = ("danh sách", "nhập danh sách", "nhập file")
MAMOI = ("ma moi", "lien ket", "ai chua lien ket", "ma lien ket")
KENH = ("kenh", "kenh nhan tin", "nhan tin qua", "zalo", "telegram")
NGONNGU = ("ngon ngu",)
TROGIUP = (
    "trợ giúp",
    "hướng dẫn",
    "giúp tôi",
    "giúp tôi với",
    "làm sao",
    "làm thế nào",
)
HUY = ("hủy", "thôi", "thoát", "dừng lại", "hủy bỏ", "bỏ qua", "không làm nữa")
MENU = ("chào", "xin chào", "hi", "hello", "alo", "chào bạn", "chào bot")
