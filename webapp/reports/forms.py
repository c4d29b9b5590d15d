"""The reports' forms: the period picker (GET, no CSRF: it changes nothing) and the import."""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, DateField, SelectField, StringField
from wtforms.validators import Length, Optional

from webapp.forms import Form
from webapp.reports.services import BUCKET_LABELS, BUCKETS, check_period
from webapp.services import ServiceError
from webapp.timeutil import local_today
from webapp.units.models import UnitGroup


def current_half(today: date | None = None) -> tuple[date, date]:
    """The half-year ``today`` falls in: the board reports by halves."""
    today = today or local_today()
    if today.month <= 6:
        return date(today.year, 1, 1), date(today.year, 6, 30)
    return date(today.year, 7, 1), date(today.year, 12, 31)


def presets(today: date | None = None) -> list[tuple[str, date, date]]:
    """Quick choices: the halves, quarters and whole years of this year and the last."""
    today = today or local_today()
    found = []
    for year in (today.year, today.year - 1):
        found += [
            (str(_l("6 tháng đầu năm %(y)d", y=year)), date(year, 1, 1), date(year, 6, 30)),
            (str(_l("6 tháng cuối năm %(y)d", y=year)), date(year, 7, 1), date(year, 12, 31)),
            (str(_l("Năm %(y)d", y=year)), date(year, 1, 1), date(year, 12, 31)),
        ]
    return found


class PeriodForm(Form):
    """The period every report screen shares, read from the query string."""

    class Meta:
        csrf = False

    start = DateField(_l("Từ ngày"), validators=[Optional()])
    end = DateField(_l("Đến ngày"), validators=[Optional()])
    bucket = SelectField(_l("Chia theo"), default="month", validators=[Optional()])
    group = SelectField(_l("Nhóm đơn vị"), default="", validators=[Optional()])
    genre = SelectField(_l("Thể loại"), default="", validators=[Optional()])

    def __init__(self, *args, genres=(), **kwargs):
        super().__init__(*args, **kwargs)
        first, last = current_half()
        if self.start.data is None and not self.start.raw_data:
            self.start.data = first
        if self.end.data is None and not self.end.raw_data:
            self.end.data = last
        self.bucket.choices = [(b, str(BUCKET_LABELS[b])) for b in BUCKETS]
        self.group.choices = [("", str(_l("Cả hai nhóm")))] + [
            (g.value, f"{g.numeral}. {g.label}") for g in UnitGroup
        ]
        self.genre.choices = [("", str(_l("Tin, bài (mọi thể loại trừ văn bản)")))] + [
            (g.code, g.name) for g in genres
        ]
        self.bucket.data = self.bucket.data or "month"

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        try:
            check_period(self.start.data, self.end.data, self.bucket.data)
        except ServiceError as err:
            getattr(self, err.field or "end").errors.append(str(err.message))
            return False
        return True

    @property
    def unit_group(self) -> UnitGroup | None:
        return UnitGroup(self.group.data) if self.group.data else None

    def args(self, **extra) -> dict:
        """The period as query arguments, for links that keep it."""
        values = {
            "start": self.start.data.isoformat() if self.start.data else "",
            "end": self.end.data.isoformat() if self.end.data else "",
            "bucket": self.bucket.data or "month",
        }
        if self.group.data:
            values["group"] = self.group.data
        if self.genre.data:
            values["genre"] = self.genre.data
        values.update(extra)
        return values


class DocumentForm(Form):
    """What only the board knows about the paper: its number, the signing date, the signer."""

    class Meta:
        csrf = False

    number = StringField(_l("Số báo cáo"), validators=[Optional(), Length(max=20)])
    signed_on = DateField(_l("Ngày ký"), validators=[Optional()])
    signer = StringField(_l("Người ký"), validators=[Optional(), Length(max=120)])


class ImportForm(Form):
    file = FileField(
        _l("Tệp CSV (UTF-8, có dòng tiêu đề)"),
        validators=[
            FileRequired(_l("Vui lòng chọn tệp.")),
            FileAllowed(["csv", "txt"], _l("Chỉ nhận tệp .csv.")),
        ],
    )
    with_royalties = BooleanField(_l("Tính nhuận bút cho các tin, bài được nhập"))
    dry_run = BooleanField(_l("Chỉ kiểm tra, không nhập"))
