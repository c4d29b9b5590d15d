"""The demo district: Đak Đoa's units, sections and subject fields from the board's 2021 report."""

# (name, short name) in the order of the report's appendix (PHỤ LỤC).
MEMBER_UNITS = [
    ("Trung tâm Văn hóa, Thông tin và Thể thao", "TTVHTTTT"),
    ("Công an huyện", "CAH"),
    ("Phòng Nông nghiệp và PTNT", "NNPTNT"),
    ("Phòng Văn hóa và Thông tin", "VHTT"),
    ("Phòng Tư pháp", "TP"),
    ("Phòng Kinh tế và Hạ tầng", "KTHT"),
    ("Phòng Giáo dục và Đào tạo", "GDDT"),
    ("Văn phòng HĐND và UBND", "VPHDNDUBND"),
    ("Phòng Tài nguyên và Môi trường", "TNMT"),
    ("Ban chỉ huy quân sự huyện", "BCHQS"),
    ("Phòng Nội vụ", "NV"),
    ("Phòng Tài chính - Kế hoạch", "TCKH"),
    ("Phòng Dân tộc", "DT"),
    ("Thanh tra huyện", "TTRA"),
    ("Phòng Lao động - TBXH huyện", "LDTBXH"),
    ("Văn phòng Huyện ủy", "VPHU"),
]

COLLABORATOR_UNITS = [
    ("Huyện Đoàn", "HD"),
    ("Thanh Nhật (Báo Gia Lai)", "BGL"),
    ("Trường THCS DT Nội trú", "THCSDTNT"),
    ("Hội Liên hiệp phụ nữ huyện", "HLHPN"),
    ("Trường THCS Võ Thị Sáu", "THCSVTS"),
    ("Ủy ban MTTQVN", "MTTQ"),
    ("Bảo hiểm xã hội", "BHXH"),
    ("Trường THCS Nguyễn Văn Cừ", "THCSNVC"),
    ("TT. Bồi dưỡng chính trị", "TTBDCT"),
]

MEMBER_QUOTA = 2
COLLABORATOR_QUOTA = 0  # exempt

# The sections the report names, and the ones it says the portal keeps up to date.
CATEGORIES = [
    "Tin tức - Sự kiện",
    "Bầu cử đại biểu Quốc hội và HĐND các cấp",
    "Thông tin tuyên truyền",
    "Phòng, chống dịch Covid-19",
    "Văn bản chỉ đạo, điều hành",
    "Thủ tục hành chính",
    "Lịch làm việc của lãnh đạo",
    "Thông báo",
    "Trả lời kiến nghị cử tri",
]

# Subject fields; the second half are those the report says no piece covered.
TOPICS = [
    "Kinh tế",
    "Chính trị",
    "Quốc phòng - an ninh",
    "Văn hóa - thể thao",
    "Giáo dục",
    "Nông nghiệp",
    "Cải cách hành chính",
    "Dinh dưỡng - sức khỏe",
    "Gương điển hình tiên tiến",
    "Tôn giáo - tín ngưỡng",
    "Quy hoạch",
    "Khoa học",
    "Dự án đầu tư",
    "Mua sắm công",
    "Đấu thầu",
    "Học tập và làm theo tấm gương đạo đức Hồ Chí Minh",
    "Đào tạo",
    "Việc làm",
    "Doanh nghiệp",
    "Bảo hiểm",
    "Ngân hàng",
    "Y tế",
    "Thương binh - xã hội",
]

GENRES = [
    ("tin", "Tin"),
    ("bai", "Bài"),
    ("anh", "Ảnh"),
    ("van_ban", "Văn bản"),
    ("media", "Media"),
]

DEMO_PASSWORD = "toasoan-demo"

# (username, full name, unit short name, roles)
ACCOUNTS = [
    ("admin", "Quản trị hệ thống", "VHTT", ["admin"]),
    ("truongban", "Kiều Thu Hương", "VHTT", ["chief_editor", "editor"]),
    ("bientap", "Nguyễn Thị Thư Ký", "VHTT", ["editor"]),
    ("ketoan", "Trần Văn Kế Toán", "VHTT", ["accountant"]),
    ("ttvh", "Rơ Châm Hồng", "TTVHTTTT", ["contributor"]),
    ("congan", "Lê Văn An", "CAH", ["contributor"]),
    ("nongnghiep", "Phạm Thị Lúa", "NNPTNT", ["contributor"]),
    ("taichinh", "Đỗ Văn Ngân", "TCKH", ["contributor"]),
    ("huyendoan", "Ksor Thanh Niên", "HD", ["contributor"]),
]

# The example coefficient table (Bắc Giang, QĐ 570/2013/QĐ-UBND, district and commune sites):
# to be replaced by the province's own decision. Coefficients in hundredths.
EXAMPLE_RULE_SET = {
    "name": "Bảng hệ số mẫu (theo QĐ 570/2013/QĐ-UBND tỉnh Bắc Giang)",
    "legal_basis": (
        "Ví dụ: Quyết định số 570/2013/QĐ-UBND của UBND tỉnh Bắc Giang, áp dụng cho trang "
        "thông tin điện tử cấp huyện, xã. Cần thay bằng quyết định của tỉnh."
    ),
    "valid_from": "2014-06-01",
    "unit_percent_centi": 1000,  # 10 % of the base salary (Nghị định 18/2014/NĐ-CP)
    "tier_percent_centi": 10000,  # 100 %
    "genres": {
        # code: (min, max, default, counted per)
        "tin": (50, 200, 100, "piece"),
        "bai": (200, 500, 300, "piece"),
        "anh": (50, 100, 70, "photo"),
        "media": (100, 500, 200, "piece"),
        "van_ban": (0, 0, 0, "piece"),
    },
}

# The report's figures: 150,000,000 đ a year; 8,620,000 đ of stationery in the first half of 2021.
ANNUAL_BUDGET = 150_000_000
EXPENSES = [
    ("2021-06-30", "Văn phòng phẩm", 8_620_000, "Văn phòng phẩm 6 tháng đầu năm 2021"),
]
