"""Forms of the royalty data screens: rule sets, salaries, tax, budgets, expenses, payees.

Money is typed the Vietnamese way ("2.000.000", "2 000 000 đ") and read as integer đồng;
coefficients ("0,5") and percentages ("10,5") are read as integer hundredths. Never floats.
"""

import re
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from webapp.forms import Form
from webapp.royalties.admin_services import format_hundredths
from webapp.royalties.models import CountedPer, ModifierKind

# The money columns are 64-bit integers, so this is a sanity bound, not the column's: ten
# billion đồng is far above a district portal's yearly budget (a 3-billion budget is fine).
MAX_MONEY = 10_000_000_000
_GROUPED = re.compile(r"\d{1,3}([.,]\d{3})+")
_CURRENCY = re.compile(r"(đồng|đ|vnđ|vnd)$", re.IGNORECASE)


def parse_money(text) -> int | None:
    """Integer đồng from what a user types: "2.000.000", "2000000", "2 000 000 đ" → 2000000.

    Empty text is ``None``. Dots (or commas) must group thousands, so "2,5" or "2.50" is
    refused rather than read as 25 or 250 đồng. Raises ``ValidationError`` (a ``ValueError``).
    """
    raw = "".join(str(text if text is not None else "").split())  # every kind of space
    raw = _CURRENCY.sub("", raw)
    if not raw:
        return None
    if raw.isdigit():
        digits = raw
    elif _GROUPED.fullmatch(raw) and len(set(re.sub(r"\d", "", raw))) == 1:
        digits = re.sub(r"\D", "", raw)
    else:
        raise ValidationError(
            _l("Số tiền không hợp lệ: chỉ nhập chữ số đồng, ví dụ 2.000.000 hoặc 2000000.")
        )
    value = int(digits)
    if value > MAX_MONEY:
        raise ValidationError(_l("Số tiền quá lớn."))
    return value


def parse_hundredths(text, message=None) -> int | None:
    """A decimal as typed ("10", "10,5", "0.5") in hundredths (1000, 1050, 50); two decimals."""
    raw = str(text if text is not None else "").strip().rstrip("%").strip().replace(",", ".")
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValidationError(message or _l("Phải là một số, ví dụ 10 hoặc 10,5.")) from None
    if not value.is_finite() or value < 0:
        raise ValidationError(_l("Phải là một số không âm."))
    if value > 100_000:
        raise ValidationError(_l("Số quá lớn."))
    centi = value * 100
    if centi != centi.to_integral_value():
        raise ValidationError(_l("Nhiều nhất hai chữ số thập phân."))
    return int(centi)


def format_money_input(amount: int | None) -> str:
    return "" if amount is None else f"{int(amount):,}".replace(",", ".")


class _TypedField(StringField):
    """A text input read by a parser: the form gets the parsed value, the user their text."""

    parser = staticmethod(parse_money)
    formatter = staticmethod(format_money_input)

    def process_formdata(self, valuelist):
        if valuelist:
            self.data = None
            self.data = self.parser(valuelist[0])  # a ValueError becomes the field's error

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return self.formatter(self.data)


class MoneyField(_TypedField):
    """Integer đồng."""


class HundredthsField(_TypedField):
    """A percentage ("10,5" → 1050 hundredths of a percent) or a coefficient ("0,5" → 50)."""

    parser = staticmethod(parse_hundredths)
    formatter = staticmethod(format_hundredths)


def _rounding_choices():
    return [
        ("half_up", _l("Làm tròn (từ 5 trở lên thì lên)")),
        ("down", _l("Làm tròn xuống")),
        ("up", _l("Làm tròn lên")),
    ]


def _counted_choices():
    return [(CountedPer.PIECE.value, _l("mỗi tin, bài")), (CountedPer.PHOTO.value, _l("mỗi ảnh"))]


def _kind_choices():
    return [
        (ModifierKind.PERCENT.value, _l("Tỷ lệ phần trăm của nhuận bút")),
        (ModifierKind.FIXED.value, _l("Hệ số cố định")),
    ]


class RuleSetForm(Form):
    name = StringField(_l("Tên quy định"), validators=[DataRequired(), Length(max=200)])
    legal_basis = TextAreaField(
        _l("Căn cứ pháp lý"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2}
    )
    valid_from = DateField(_l("Áp dụng từ ngày"), validators=[InputRequired()])
    valid_to = DateField(_l("Đến ngày (để trống nếu chưa hết hiệu lực)"), validators=[Optional()])
    unit_percent_centi = HundredthsField(
        _l("Giá trị một đơn vị hệ số (% lương cơ sở)"), default=1000, validators=[InputRequired()]
    )
    tier_percent_centi = HundredthsField(
        _l("Tỷ lệ hưởng theo cấp trang (%)"), default=10000, validators=[InputRequired()]
    )
    rounding = SelectField(_l("Cách làm tròn"), default="half_up")
    rounding_step = MoneyField(_l("Làm tròn đến (đồng)"), default=1, validators=[InputRequired()])
    is_example = BooleanField(_l("Bảng mẫu, cần thay bằng quyết định của tỉnh"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rounding.choices = _rounding_choices()


class GenreRuleForm(Form):
    min_centi = HundredthsField(_l("Hệ số tối thiểu"), validators=[InputRequired()])
    default_centi = HundredthsField(_l("Hệ số mặc định"), validators=[InputRequired()])
    max_centi = HundredthsField(_l("Hệ số tối đa"), validators=[InputRequired()])
    counted_per = SelectField(_l("Tính theo"), default=CountedPer.PIECE.value)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.counted_per.choices = _counted_choices()


class NewGenreRuleForm(GenreRuleForm):
    genre_id = SelectField(_l("Thể loại"), coerce=int, validators=[Optional()])

    def __init__(self, *args, genres=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.genre_id.choices = [(g.id, g.name) for g in genres]


class ModifierForm(Form):
    name = StringField(_l("Tên"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Cách điều chỉnh"), default=ModifierKind.PERCENT.value)
    value = HundredthsField(
        _l("Giá trị (% hoặc hệ số)"), validators=[InputRequired(_l("Vui lòng nhập giá trị."))]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = _kind_choices()


class NewModifierForm(ModifierForm):
    code = StringField(_l("Mã (chữ thường không dấu)"), validators=[DataRequired(), Length(max=30)])


class BaseSalaryForm(Form):
    valid_from = DateField(_l("Áp dụng từ ngày"), validators=[InputRequired()])
    amount = MoneyField(_l("Mức lương cơ sở (đồng/tháng)"), validators=[InputRequired()])
    legal_basis = StringField(_l("Căn cứ"), validators=[Optional(), Length(max=200)])
    verified = BooleanField(_l("Đã đối chiếu văn bản gốc"), default=True)


class TaxRuleForm(Form):
    valid_from = DateField(_l("Áp dụng từ ngày"), validators=[InputRequired()])
    threshold = MoneyField(_l("Ngưỡng khấu trừ mỗi lần chi (đồng)"), validators=[InputRequired()])
    rate = HundredthsField(_l("Thuế suất (%)"), validators=[InputRequired()])
    legal_basis = StringField(_l("Căn cứ"), validators=[Optional(), Length(max=200)])
    verified = BooleanField(_l("Đã đối chiếu văn bản gốc"), default=True)


class BudgetForm(Form):
    year = IntegerField(_l("Năm"), validators=[DataRequired(), NumberRange(min=2000, max=2100)])
    amount = MoneyField(_l("Dự toán (đồng)"), validators=[InputRequired()])
    note = StringField(_l("Ghi chú"), validators=[Optional(), Length(max=500)])


class ExpenseForm(Form):
    spent_on = DateField(_l("Ngày chi"), validators=[InputRequired()])
    category = StringField(_l("Khoản chi"), validators=[DataRequired(), Length(max=120)])
    amount = MoneyField(_l("Số tiền (đồng)"), validators=[InputRequired()])
    note = StringField(_l("Ghi chú"), validators=[Optional(), Length(max=500)])


class PayeeForm(Form):
    full_name = StringField(_l("Họ và tên"), validators=[Optional(), Length(max=120)])
    pen_name = StringField(_l("Bút danh"), validators=[Optional(), Length(max=120)])
    unit_id = SelectField(_l("Đơn vị"), coerce=str, validators=[Optional()])
    tax_code = StringField(_l("Mã số thuế"), validators=[Optional(), Length(max=20)])
    bank_account = StringField(_l("Số tài khoản"), validators=[Optional(), Length(max=40)])
    bank_name = StringField(_l("Ngân hàng"), validators=[Optional(), Length(max=120)])
    commitment_on_file = BooleanField(_l("Đã nộp cam kết 08/CK-TNCN"))
    active = BooleanField(_l("Còn chi trả"), default=True)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.unit_id.choices = [("", _l("— Không thuộc đơn vị —"))] + [
            (str(u.id), u.name) for u in units
        ]
