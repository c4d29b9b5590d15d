from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import BooleanField, PasswordField, StringField, ValidationError
from wtforms.validators import DataRequired, EqualTo, Length

from webapp.auth import passwords
from webapp.forms import Form


class LoginForm(Form):
    username = StringField(_l("Tên đăng nhập"), validators=[DataRequired()])
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired()])
    remember = BooleanField(_l("Ghi nhớ đăng nhập"))


class ChangePasswordForm(Form):
    current_password = PasswordField(_l("Mật khẩu hiện tại"), validators=[DataRequired()])
    new_password = PasswordField(_l("Mật khẩu mới"), validators=[DataRequired()])
    confirm = PasswordField(
        _l("Nhập lại mật khẩu mới"), validators=[DataRequired(), EqualTo("new_password")]
    )

    def validate_new_password(self, field):
        # The policy shown at once beside the other errors; the service checks it again.
        unit = current_user.unit
        names = (unit.name, unit.short_name or "") if unit is not None else ()
        problem = passwords.problem(field.data, username=current_user.username, names=names)
        if problem is not None:
            raise ValidationError(passwords.message(problem))


class TwoFactorCodeForm(Form):
    code = StringField(
        _l("Mã xác thực"),
        validators=[DataRequired(), Length(max=20)],
        description=_l("6 chữ số trong ứng dụng xác thực, hoặc một mã dự phòng."),
    )


class TwoFactorDisableForm(Form):
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired()])
    code = StringField(_l("Mã xác thực"), validators=[DataRequired(), Length(max=20)])
