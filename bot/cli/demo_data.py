"""Fictional people, places and deeds for the demo commune (modelled on ../shared/DOMAIN.md)."""

from __future__ import annotations

from models import CellType

DISTRICT = "Đảng bộ huyện Vân Sơn"
COMMUNE = "Đảng bộ xã Tân Lập"

# (cell name, village name for households, cell type, members, household code prefix)
CELLS: tuple[tuple[str, str, CellType, int, str], ...] = (
    ("Chi bộ bản Nà Lụng", "Bản Nà Lụng", CellType.RURAL, 11, "NL"),
    ("Chi bộ thôn Khuổi Phầy", "Thôn Khuổi Phầy", CellType.RURAL, 14, "KP"),
    ("Chi bộ bản Chang", "Bản Chang", CellType.RURAL, 14, "BC"),
    ("Chi bộ thôn Nà Khà", "Thôn Nà Khà", CellType.RURAL, 14, "NK"),
    ("Chi bộ thôn Tân Thành", "Thôn Tân Thành", CellType.RURAL, 14, "TT"),
    ("Chi bộ thôn Đồng Mới", "Thôn Đồng Mới", CellType.RURAL, 14, "DM"),
    ("Chi bộ bản Phiêng Luông", "Bản Phiêng Luông", CellType.RURAL, 14, "PL"),
    ("Chi bộ Trường Tiểu học Tân Lập", "", CellType.SCHOOL, 9, ""),
    ("Chi bộ Cơ quan xã Tân Lập", "", CellType.OFFICE, 14, ""),
)

# The featured village cell has 47 households: 3 members with 5, 8 with 4.
FEATURED_HOUSEHOLDS = 47
# Pá Kìm's figures from DOMAIN.md, out of 47: toilet 38, incinerator 40, hardened floor 43.
FEATURED_PROGRESS = {"sanitary_toilet": 38, "waste_incinerator": 40, "hardened_floor": 43}

SURNAMES = ("Lò", "Lường", "Hoàng", "Ma", "Nông", "Triệu", "Đặng", "Hà", "Nguyễn", "Bàn", "Sầm")
MALE_MIDDLE = ("Văn", "Đức", "Minh", "Xuân")
FEMALE_MIDDLE = ("Thị", "Thị", "Thu", "Ngọc")
MALE_GIVEN = (
    "Xiên",
    "Pành",
    "Tuấn",
    "Hùng",
    "Dũng",
    "Chiến",
    "Thắng",
    "Sơn",
    "Quý",
    "Phong",
    "Khánh",
    "Toàn",
    "Hải",
    "Long",
    "Nam",
    "Bình",
    "Cường",
    "Hưng",
    "Lợi",
    "Thành",
)
FEMALE_GIVEN = (
    "Lan",
    "Mai",
    "Hoa",
    "Hương",
    "Thảo",
    "Nhung",
    "Liên",
    "Hạnh",
    "Ngân",
    "Yến",
    "Dung",
    "Hiền",
    "Phượng",
    "Xuyến",
    "Thơm",
    "Vân",
)

DEED_TEXTS: tuple[tuple[str, str], ...] = (
    ("housing", "Cùng gia đình dựng lại mái bếp bị dột sau mưa lớn"),
    ("housing", "Giúp 3 ngày công xây nhà tiêu hợp vệ sinh"),
    ("livelihood", "Hướng dẫn làm hồ sơ vay vốn hộ nghèo ở Ngân hàng Chính sách"),
    ("livelihood", "Cho mượn giống ngô lai và hướng dẫn cách bón phân"),
    ("health_education", "Vận động cháu lớn đi học trở lại sau kỳ nghỉ"),
    ("health_education", "Đưa cụ ông đi khám bệnh ở trạm y tế xã"),
    ("environment", "Tham gia phát quang, dọn vệ sinh đường vào bản"),
    ("environment", "Góp 2 ngày công đổ bê tông đường nội đồng"),
    ("security", "Hòa giải mâu thuẫn về ranh giới đất giữa hai hộ"),
    ("other", "Tặng 20 kg gạo cho gia đình có người ốm"),
)

LAST_AGENDA = (
    "Kiểm điểm việc thực hiện nhiệm vụ tháng; vận động các hộ hoàn thành nhà tiêu hợp vệ sinh; "
    "phân công đảng viên giúp hộ nghèo thu hoạch."
)
ABSENT_LAST_MEETING = ("0912000004", "0912000007")  # recorded absent without a reason
