"""Forms of the accountant's ledger: payment, adjustment, resolving a flag."""

import re

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError

from webapp.forms import Form


class MoneyField(IntegerField):
    """Whole đồng, typed as people write it: "-50.000", "1 200 000 đ", "250000"."""

    def process_formdata(self, valuelist):
        if valuelist:
            raw = (valuelist[0] or "").strip().lower().removesuffix("đ")
            valuelist = [re.sub(r"[\s.,_]", "", raw)]
        super().process_formdata(valuelist)


def _not_zero(form, field):
    if field.data == 0:
        raise ValidationError(_l("Số tiền điều chỉnh phải khác 0."))


class PayForm(Form):
    """The payment voucher of the month ("Đã chi trả")."""

    voucher_no = StringField(
        _l("Số chứng từ"),
        validators=[DataRequired(_l("Vui lòng nhập số chứng từ.")), Length(max=60)],
    )
    voucher_date = DateField(
        _l("Ngày chứng từ"), validators=[DataRequired(_l("Vui lòng nhập ngày chứng từ."))]
    )


class AdjustForm(Form):
    """A correction of one ledger line: a signed amount and why."""

    delta = MoneyField(
        _l("Số tiền điều chỉnh (đồng, âm để giảm)"),
        validators=[
            InputRequired(_l("Vui lòng nhập số tiền điều chỉnh.")),
            NumberRange(min=-(10**12), max=10**12),
            _not_zero,
        ],
    )
    note = TextAreaField(
        _l("Lý do"),
        validators=[DataRequired(_l("Vui lòng ghi rõ lý do điều chỉnh.")), Length(max=1000)],
    )


class ResolveFlagForm(Form):
    """What the accountant did about a flagged piece ("Đã xử lý")."""

    resolution = TextAreaField(
        _l("Cách xử lý"),
        validators=[DataRequired(_l("Vui lòng ghi cách đã xử lý.")), Length(max=2000)],
    )
