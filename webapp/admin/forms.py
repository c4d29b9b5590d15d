from flask_babel import lazy_gettext as _l
from wtforms import (
    EmailField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from webapp.forms import Form
from webapp.roles import Role
from webapp.units.models import UnitGroup


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _valid_emails(form, field):
    from email_validator import EmailNotValidError, validate_email

    text = (field.data or "").replace(",", "\n").replace(";", "\n")
    for line in text.splitlines():
        address = line.strip()
        if not address:
            continue
        try:
            validate_email(address, check_deliverability=False)
        except EmailNotValidError as err:
            raise ValidationError(
                _l("Địa chỉ e-mail không hợp lệ: %(address)s", address=address)
            ) from err


class UnitForm(Form):
    name = StringField(_l("Tên đơn vị"), validators=[DataRequired(), Length(max=200)])
    short_name = StringField(_l("Tên viết tắt"), validators=[Optional(), Length(max=60)])
    group = SelectField(
        _l("Nhóm"), choices=[(g.value, g.label) for g in UnitGroup], validators=[DataRequired()]
    )
    monthly_quota = IntegerField(
        _l("Định mức tin bài mỗi tháng (0 = miễn)"),
        default=0,
        validators=[Optional(), NumberRange(min=0, max=1000)],
    )
    contact_emails = TextAreaField(
        _l("E-mail liên hệ (mỗi dòng một địa chỉ)"), validators=[Optional(), _valid_emails]
    )
    head_email = EmailField(
        _l("E-mail thủ trưởng đơn vị (nhận bản sao khi nhắc nhở nhiều tháng liền)"),
        validators=[Optional(), Email(), Length(max=254)],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Labels of choices are lazy strings: build them per request, in its language.
        self.group.choices = [(g.value, g.label) for g in UnitGroup]


class UserForm(Form):
    username = StringField(_l("Tên đăng nhập"), validators=[DataRequired(), Length(max=60)])
    full_name = StringField(_l("Họ và tên"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Email(), Length(max=254)])
    unit_id = SelectField(_l("Đơn vị"), coerce=str, validators=[Optional()])
    roles = MultiCheckboxField(
        _l("Vai trò"), validators=[DataRequired(_l("Chọn ít nhất một vai trò."))]
    )

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.unit_id.choices = [("", _l("— Không thuộc đơn vị —"))] + [
            (str(u.id), u.name) for u in units
        ]
        self.roles.choices = [(r.value, r.label) for r in Role]


class TermForm(Form):
    name = StringField(_l("Tên"), validators=[DataRequired(), Length(max=200)])


class GenreForm(TermForm):
    code = StringField(_l("Mã"), validators=[DataRequired(), Length(max=30)])
