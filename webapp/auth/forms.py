from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from webapp.forms import Form

MIN_PASSWORD = 8


class LoginForm(Form):
    username = StringField(_l("Tên đăng nhập"), validators=[DataRequired()])
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired()])
    remember = BooleanField(_l("Ghi nhớ đăng nhập"))


class ChangePasswordForm(Form):
    current_password = PasswordField(_l("Mật khẩu hiện tại"), validators=[DataRequired()])
    new_password = PasswordField(
        _l("Mật khẩu mới"),
        validators=[
            DataRequired(),
            Length(min=MIN_PASSWORD, max=128, message=_l("Mật khẩu cần từ 8 đến 128 ký tự.")),
        ],
    )
    confirm = PasswordField(
        _l("Nhập lại mật khẩu mới"), validators=[DataRequired(), EqualTo("new_password")]
    )


class TwoFactorCodeForm(Form):
    code = StringField(
        _l("Mã xác thực"),
        validators=[DataRequired(), Length(max=20)],
        description=_l("6 chữ số trong ứng dụng xác thực, hoặc một mã dự phòng."),
    )


class TwoFactorDisableForm(Form):
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired()])
    code = StringField(_l("Mã xác thực"), validators=[DataRequired(), Length(max=20)])
