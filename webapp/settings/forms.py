from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from webapp.forms import Form


class LetterheadForm(Form):
    district_name = StringField(
        _l("Cơ quan chủ quản (dòng đầu quốc hiệu bên trái)"),
        validators=[DataRequired(), Length(max=120)],
        description=_l("Ví dụ: UBND HUYỆN ĐAK ĐOA"),
    )
    board_name = StringField(
        _l("Tên Ban biên tập"),
        validators=[DataRequired(), Length(max=160)],
        description=_l("Ví dụ: BAN BIÊN TẬP TRANG THÔNG TIN ĐIỆN TỬ"),
    )
    place_name = StringField(
        _l("Địa danh ghi ở ngày tháng văn bản"),
        validators=[DataRequired(), Length(max=60)],
        description=_l("Ví dụ: Đak Đoa (“Đak Đoa, ngày … tháng … năm …”)"),
    )


class LogoForm(Form):
    logo = FileField(_l("Logo (JPEG, PNG hoặc WebP)"))
