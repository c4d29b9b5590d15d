"""Forms of the reminder schedule (admins) and the counting rule."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, RadioField
from wtforms.validators import DataRequired, InputRequired, NumberRange

from webapp.forms import Form
from webapp.reminders.models import CountRule


class StageForm(Form):
    day_of_month = IntegerField(
        _l("Ngày trong tháng"), validators=[InputRequired(), NumberRange(min=1, max=28)]
    )
    active = BooleanField(_l("Đang dùng"))
    escalate_after_months = IntegerField(
        _l("Báo thủ trưởng và Trưởng ban sau (tháng liên tiếp; 0 = không)"),
        default=2,
        validators=[InputRequired(), NumberRange(min=0, max=12)],
    )


class CountRuleForm(Form):
    rule = RadioField(_l("Tính vào định mức"), validators=[DataRequired()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Lazy labels: built per request, in its language.
        self.rule.choices = [(r.value, r.label) for r in CountRule]
