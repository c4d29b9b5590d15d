"""The base form: WTForms' own messages in Vietnamese (or English), and every text field
normalised at the boundary (NFC; no zero-width or control characters in one-line fields)."""

import math
from decimal import Decimal

from flask_babel import get_translations, gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DecimalField,
    FloatField,
    HiddenField,
    IntegerField,
    PasswordField,
    StringField,
    TextAreaField,
)
from wtforms.fields.core import UnboundField
from wtforms.validators import StopValidation

from webapp.text import clean_line, clean_multiline

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
        if "valid choice" in singular:
            return gettext("Lựa chọn không hợp lệ.")
        # Unformatted: WTForms fills in its own placeholders (``%(value)s``) afterwards.
        return get_translations().ngettext(singular, plural, n)


_TRANSLATIONS = _Translations()


def _clean_line(value):
    return clean_line(value) if isinstance(value, str) else value


def _clean_multiline(value):
    return clean_multiline(value) if isinstance(value, str) else value


def _text_filter(field_class):
    """The cleaning a text field gets, or None (passwords are kept exactly as typed)."""
    if not issubclass(field_class, StringField) or issubclass(field_class, PasswordField):
        return None
    if issubclass(field_class, (TextAreaField, HiddenField)):  # HTML bodies ride in hidden fields
        return _clean_multiline
    return _clean_line


# Larger than any amount (in đồng) or count the app keeps, and than a BIGINT column holds.
MAX_NUMBER = 10**15


def _number_fits(form, field):
    """First validator of every number field: a finite number of sane size, else an error
    (instead of an overflow deeper down)."""
    data = field.data
    if data is None:
        return
    if isinstance(data, Decimal):
        ok = data.is_finite() and abs(data) < MAX_NUMBER
    elif isinstance(data, float):
        ok = math.isfinite(data) and abs(data) < MAX_NUMBER
    else:
        ok = abs(data) < MAX_NUMBER
    if not ok:
        raise StopValidation(gettext("Số không hợp lệ hoặc quá lớn."))


class Form(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return _TRANSLATIONS

        def bind_field(self, form, unbound_field, options):
            field_class = unbound_field.field_class
            text_filter = _text_filter(field_class)
            args, kwargs = list(unbound_field.args), dict(unbound_field.kwargs)
            if text_filter is not None:
                kwargs["filters"] = (text_filter, *kwargs.get("filters", ()))
            if issubclass(field_class, IntegerField | DecimalField | FloatField):
                if len(args) > 1:  # validators given positionally, after the label
                    args[1] = [_number_fits, *(args[1] or ())]
                else:
                    kwargs["validators"] = [_number_fits, *(kwargs.get("validators") or ())]
            if kwargs != unbound_field.kwargs or args != list(unbound_field.args):
                unbound_field = UnboundField(field_class, *args, **kwargs)
            return unbound_field.bind(form=form, **options)

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        for field in self:
            typed = field.raw_data[0] if getattr(field, "raw_data", None) else None
            if (
                field.errors == []
                and _text_filter(type(field)) is _clean_line
                and isinstance(typed, str)
                and typed.strip()
                and field.data == ""
            ):
                # Only invisible characters were typed (or pasted): say so, keep nothing.
                field.errors.append(
                    gettext(
                        "Chỉ có ký tự ẩn hoặc ký tự điều khiển, không có chữ nào. Vui lòng gõ lại."
                    )
                )
                valid = False
        return valid


class ActionForm(Form):
    """An empty form: a POST button's CSRF token."""
