"""The seed's first half of 2021, as an import file: one row per piece of the appendix."""

import csv
import io
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data" / "appendix-2021-h1.csv"
MONTHS = ("m1", "m2", "m3", "m4", "m5", "m6")
# The four departments the seed's "Hạn chế" names as having no pieces in the half-year.
IDLE_DEPARTMENTS = (
    "Phòng Tài chính - Kế hoạch",
    "Phòng Dân tộc",
    "Thanh tra huyện",
    "Phòng Lao động - TBXH huyện",
)


def appendix_rows() -> list[dict]:
    with DATA.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def import_rows() -> list[dict]:
    """One row per piece: "Tin số k của <unit>", spread over the month's days, both date
    formats, a few with authors, topics and coefficients."""
    rows = []
    for line in appendix_rows():
        k = 0
        for month, column in enumerate(MONTHS, start=1):
            for i in range(int(line[column])):
                k += 1
                day = 1 + (i * 3) % 28
                published = (
                    f"2021-{month:02d}-{day:02d}" if k % 2 else f"{day:02d}/{month:02d}/2021"
                )
                rows.append(
                    {
                        "published_at": published,
                        "unit": line["unit"] if k % 5 else f"  {line['unit'].upper()} ",
                        "genre": "tin" if k % 3 else "Bài",
                        "title": f"Tin số {k} của {line['unit']}",
                        "category": "Tin tức - Sự kiện" if k % 4 == 0 else "",
                        "topics": "Kinh tế; Nông nghiệp" if k % 7 == 0 else "",
                        "authors": "Rơ Châm Hồng; Lê Văn Bình; Đinh Thị Cúc" if k % 6 == 0 else "",
                        # within each genre's range of the example table (tin 0,5–2; bài 2–5)
                        "coefficient": ("1,5" if k % 3 else "2,5") if k % 10 == 0 else "",
                        "body": f"Nội dung tin số {k}." if k % 2 else "",
                        "url": "",
                    }
                )
    return rows


def to_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    fields = list(rows[0]) if rows else ["published_at", "unit", "genre", "title"]
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
