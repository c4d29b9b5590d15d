# ruff: noqa: E501  (the demo tables read best one theme a line)
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

# --- the newsroom demo (seed-demo --newsroom) --------------------------------------------

# The report's appendix (PHỤ LỤC): posts per unit, January to June 2021, in its order.
APPENDIX_2021_H1 = [
    ("TTVHTTTT", [22, 7, 9, 18, 24, 0]),
    ("CAH", [5, 6, 12, 5, 7, 4]),
    ("NNPTNT", [0, 8, 6, 2, 8, 0]),
    ("VHTT", [4, 3, 2, 6, 2, 0]),
    ("TP", [0, 2, 3, 6, 1, 0]),
    ("KTHT", [0, 0, 1, 8, 0, 0]),
    ("GDDT", [2, 1, 2, 0, 3, 0]),
    ("VPHDNDUBND", [0, 0, 2, 3, 0, 0]),
    ("TNMT", [0, 1, 0, 0, 4, 0]),
    ("BCHQS", [0, 2, 1, 0, 1, 0]),
    ("NV", [0, 0, 1, 0, 0, 0]),
    ("TCKH", [0, 0, 0, 0, 0, 0]),
    ("DT", [0, 0, 0, 0, 0, 0]),
    ("TTRA", [0, 0, 0, 0, 0, 0]),
    ("LDTBXH", [0, 0, 0, 0, 0, 0]),
    ("VPHU", [0, 0, 0, 0, 0, 0]),
    ("HD", [0, 1, 3, 5, 0, 0]),
    ("BGL", [0, 2, 3, 1, 3, 0]),
    ("THCSDTNT", [0, 1, 3, 1, 1, 0]),
    ("HLHPN", [1, 2, 0, 1, 1, 0]),
    ("THCSVTS", [0, 1, 2, 1, 0, 1]),
    ("MTTQ", [0, 0, 0, 1, 0, 0]),
    ("BHXH", [0, 0, 1, 0, 0, 0]),
    ("THCSNVC", [0, 0, 1, 0, 0, 0]),
    ("TTBDCT", [0, 0, 0, 0, 1, 0]),
]

# The report's visits: 9,933 in the half-year, 96,811 in all by 29/06/2021.
VISITS_2021_H1 = 9_933
VISITS_TOTAL_2021_06_29 = 96_811

# The district's seventeen communes and town, where the news happens.
COMMUNES = [
    "thị trấn Đak Đoa", "xã A Dơk", "xã Đak Krong", "xã Đak Sơmei", "xã Glar", "xã Hà Bầu",
    "xã Hà Đông", "xã Hải Yang", "xã H'Neng", "xã Hnol", "xã Ia Băng", "xã Ia Pết",
    "xã K'Dang", "xã Kon Gang", "xã Nam Yang", "xã Tân Bình", "xã Trang",
]  # fmt: skip

# Who writes for each unit: the demo account's name first, where the unit has one.
WRITERS = {
    "TTVHTTTT": ["Rơ Châm Hồng", "Nguyễn Văn Tuấn"],
    "CAH": ["Lê Văn An", "Rơ Mah Khoa"],
    "NNPTNT": ["Phạm Thị Lúa", "Trần Quốc Việt"],
    "VHTT": ["Nguyễn Thị Thư Ký", "Kiều Thu Hương"],
    "TP": ["Đinh Thị Pháp"],
    "KTHT": ["Võ Văn Cầu"],
    "GDDT": ["Hoàng Thị Giáo"],
    "VPHDNDUBND": ["Phan Văn Chánh"],
    "TNMT": ["Siu Thị Rừng"],
    "BCHQS": ["Đại úy Nay Quân"],
    "NV": ["Bùi Thị Nội"],
    "HD": ["Ksor Thanh Niên", "Lê Thị Tình Nguyện"],
    "BGL": ["Thanh Nhật"],
    "THCSDTNT": ["Rcom Thị Học"],
    "HLHPN": ["Nguyễn Thị Phụ Nữ"],
    "THCSVTS": ["Trương Văn Sáu"],
    "MTTQ": ["Phạm Văn Mặt Trận"],
    "BHXH": ["Lý Thị Bảo"],
    "THCSNVC": ["Ngô Văn Cừ"],
    "TTBDCT": ["Đoàn Văn Chính Trị"],
}

ELECTION = "Bầu cử đại biểu Quốc hội và HĐND các cấp"
COVID = "Phòng, chống dịch Covid-19"
NEWS = "Tin tức - Sự kiện"
PROPAGANDA = "Thông tin tuyên truyền"

# What each unit wrote about: (title with {xa} for the place, section, subject field, genre).
THEMES = {
    "TTVHTTTT": [
        ("Sôi nổi hội thi văn nghệ quần chúng mừng Đảng, mừng Xuân tại {xa}", NEWS, "Văn hóa - thể thao", "tin"),
        ("Tuyên truyền lưu động về cuộc bầu cử đại biểu Quốc hội và HĐND các cấp tại {xa}", ELECTION, "Chính trị", "tin"),
        ("Giải bóng chuyền nam, nữ chào mừng ngày bầu cử ở {xa}", ELECTION, "Văn hóa - thể thao", "tin"),
        ("Khai mạc liên hoan cồng chiêng các dân tộc tại {xa}", NEWS, "Văn hóa - thể thao", "bai"),
        ("Pa nô, áp phích cổ động phòng, chống dịch Covid-19 phủ kín {xa}", COVID, "Văn hóa - thể thao", "tin"),
        ("Chiếu phim lưu động phục vụ đồng bào vùng sâu ở {xa}", PROPAGANDA, "Văn hóa - thể thao", "tin"),
        ("Ngày hội đại đoàn kết toàn dân tộc ở {xa}", NEWS, "Chính trị", "tin"),
        ("Thư viện lưu động đưa sách về với học sinh {xa}", PROPAGANDA, "Giáo dục", "tin"),
    ],
    "CAH": [
        ("Công an huyện ra quân bảo đảm trật tự an toàn giao thông tại {xa}", NEWS, "Quốc phòng - an ninh", "tin"),
        ("Bắt giữ đối tượng trộm cắp tài sản ở {xa}", NEWS, "Quốc phòng - an ninh", "tin"),
        ("Tuyên truyền phòng, chống tội phạm ma túy cho thanh niên {xa}", PROPAGANDA, "Quốc phòng - an ninh", "tin"),
        ("Bảo đảm an ninh trật tự các điểm bỏ phiếu tại {xa}", ELECTION, "Quốc phòng - an ninh", "tin"),
        ("Thu hồi vũ khí, vật liệu nổ trong nhân dân ở {xa}", NEWS, "Quốc phòng - an ninh", "tin"),
        ("Công an chính quy về xã: chuyển biến rõ nét ở {xa}", NEWS, "Quốc phòng - an ninh", "bai"),
    ],
    "NNPTNT": [
        ("Hướng dẫn nông dân {xa} phòng trừ sâu bệnh hại cà phê", PROPAGANDA, "Nông nghiệp", "tin"),
        ("Tiêm phòng lở mồm long móng cho đàn gia súc tại {xa}", NEWS, "Nông nghiệp", "tin"),
        ("Mô hình chuyển đổi cây trồng hiệu quả ở {xa}", NEWS, "Kinh tế", "bai"),
        ("Nghiệm thu mô hình trồng hồ tiêu an toàn tại {xa}", NEWS, "Nông nghiệp", "tin"),
    ],
    "VHTT": [
        ("Kiểm tra hoạt động kinh doanh dịch vụ văn hóa tại {xa}", NEWS, "Văn hóa - thể thao", "tin"),
        ("Triển khai kế hoạch tuyên truyền bầu cử đến {xa}", ELECTION, "Chính trị", "tin"),
        ("Xây dựng đời sống văn hóa ở khu dân cư {xa}", PROPAGANDA, "Văn hóa - thể thao", "tin"),
    ],
    "TP": [
        ("Tuyên truyền, phổ biến giáo dục pháp luật cho đồng bào {xa}", PROPAGANDA, "Cải cách hành chính", "tin"),
        ("Tập huấn nghiệp vụ hòa giải ở cơ sở tại {xa}", NEWS, "Cải cách hành chính", "tin"),
    ],
    "KTHT": [
        ("Nghiệm thu đường giao thông nông thôn tại {xa}", NEWS, "Kinh tế", "tin"),
        ("Khởi công kênh mương nội đồng ở {xa}", NEWS, "Kinh tế", "tin"),
    ],
    "GDDT": [
        ("Sơ kết học kỳ I năm học 2020-2021 tại các trường {xa}", NEWS, "Giáo dục", "tin"),
        ("Hội thi giáo viên dạy giỏi cấp huyện tổ chức ở {xa}", NEWS, "Giáo dục", "tin"),
    ],
    "VPHDNDUBND": [
        ("UBND huyện làm việc với {xa} về tiến độ xây dựng nông thôn mới", NEWS, "Chính trị", "tin"),
        ("Lãnh đạo huyện tiếp xúc cử tri tại {xa}", ELECTION, "Chính trị", "tin"),
    ],
    "TNMT": [
        ("Ra quân vệ sinh môi trường tại {xa}", NEWS, "Kinh tế", "tin"),
        ("Trao giấy chứng nhận quyền sử dụng đất cho người dân {xa}", NEWS, "Cải cách hành chính", "tin"),
    ],
    "BCHQS": [
        ("Lễ giao nhận quân năm 2021 tại {xa}", NEWS, "Quốc phòng - an ninh", "tin"),
        ("Huấn luyện dân quân tự vệ ở {xa}", NEWS, "Quốc phòng - an ninh", "tin"),
    ],
    "NV": [("Triển khai công tác thi đua, khen thưởng năm 2021 đến {xa}", NEWS, "Cải cách hành chính", "tin")],
    "HD": [
        ("Tuổi trẻ {xa} ra quân Tháng Thanh niên", NEWS, "Chính trị", "tin"),
        ("Đoàn viên {xa} giúp dân thu hoạch cà phê", NEWS, "Kinh tế", "tin"),
    ],
    "BGL": [
        ("Phóng sự: đổi thay ở {xa}", NEWS, "Kinh tế", "bai"),
        ("Ghi chép: mùa bầu cử ở {xa}", ELECTION, "Chính trị", "bai"),
    ],
    "THCSDTNT": [("Học sinh dân tộc nội trú giao lưu văn hóa với {xa}", NEWS, "Giáo dục", "tin")],
    "HLHPN": [("Phụ nữ {xa} với mô hình tiết kiệm xoay vòng", NEWS, "Kinh tế", "tin")],
    "THCSVTS": [("Trường THCS Võ Thị Sáu tham quan, học tập tại {xa}", NEWS, "Giáo dục", "tin")],
    "MTTQ": [("Mặt trận huyện trao nhà Đại đoàn kết ở {xa}", NEWS, "Chính trị", "tin")],
    "BHXH": [("Vận động người dân {xa} tham gia bảo hiểm y tế hộ gia đình", PROPAGANDA, "Kinh tế", "tin")],
    "THCSNVC": [("Học sinh Trường THCS Nguyễn Văn Cừ trồng cây xanh ở {xa}", NEWS, "Giáo dục", "tin")],
    "TTBDCT": [("Bồi dưỡng lý luận chính trị cho đảng viên mới ở {xa}", NEWS, "Chính trị", "tin")],
}  # fmt: skip

# The coefficient an editor gave, by genre, in hundredths (within the example table's range).
DEMO_COEFFICIENTS = {"tin": [100, 120, 150], "bai": [250, 300, 350]}
