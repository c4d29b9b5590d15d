"""The base form: WTForms' own messages in Vietnamese (or English)."""

from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

# WTForms ships no Vietnamese catalogue; these are the messages our forms can show.
_MESSAGES = {
    "This field is required.": _l("Vui lòng nhập trường này."),
    "Not a valid integer value.": _l("Phải là một số nguyên."),
    "Not a valid decimal value.": _l("Phải là một số."),
    "Not a valid float value.": _l("Phải là một số."),
    "Not a valid choice.": _l("Lựa chọn không hợp lệ."),
    "Invalid email address.": _l("Địa chỉ e-mail không hợp lệ."),
    "Not a valid date value.": _l("Ngày không hợp lệ (dd/mm/yyyy)."),
    "Not a valid datetime value.": _l("Thời điểm không hợp lệ."),
    "Field must be equal to %(other_name)s.": _l("Hai mật khẩu không khớp."),
    "Invalid input.": _l("Giá trị không hợp lệ."),
    "Field must be between %(min)d and %(max)d characters long.": _l(
        "Độ dài phải từ %(min)d đến %(max)d ký tự."
    ),
    "Number must be at least %(min)s.": _l("Số phải từ %(min)s trở lên."),
    "Number must be at most %(max)s.": _l("Số không được lớn hơn %(max)s."),
    "Number must be between %(min)s and %(max)s.": _l(
        "Số phải nằm trong khoảng %(min)s đến %(max)s."
    ),
    "The CSRF token is missing.": _l("Phiên làm việc đã hết hạn, vui lòng tải lại trang."),
    "The CSRF token is invalid.": _l("Phiên làm việc đã hết hạn, vui lòng tải lại trang."),
    "The CSRF token has expired.": _l("Phiên làm việc đã hết hạn, vui lòng tải lại trang."),
    "The CSRF tokens do not match.": _l("Phiên làm việc đã hết hạn, vui lòng tải lại trang."),
}


class _Translations:
    def gettext(self, string):
        message = _MESSAGES.get(string)
        return str(message) if message is not None else gettext(string)

    def ngettext(self, singular, plural, n):
        if "Field must be at least" in singular:
            return gettext("Cần ít nhất %(min)d ký tự.")
        if "Field cannot be longer" in singular:
            return gettext("Không được dài quá %(max)d ký tự.")
        if "exactly" in singular:
            return gettext("Phải có đúng %(max)d ký tự.")
        return ngettext(singular, plural, n)


_TRANSLATIONS = _Translations()


class Form(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return _TRANSLATIONS


class ActionForm(Form):
    """An empty form: a POST button's CSRF token."""
