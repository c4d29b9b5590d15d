from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, Optional

from webapp.admin.forms import MultiCheckboxField
from webapp.forms import Form
from webapp.params import MAX_ID
from webapp.pieces.services import AuthorLine, PieceData
from webapp.text import clean_line


class PieceForm(Form):
    title = StringField(_l("Tiêu đề"), validators=[Optional(), Length(max=300)])
    lead = TextAreaField(_l("Sapo (đoạn mở đầu)"), validators=[Optional(), Length(max=2000)])
    # 500 000 characters is a very long article; the limit keeps a hostile body from tying
    # up the sanitizer (its parser slows down sharply on deeply nested markup).
    body = HiddenField(
        _l("Nội dung"),
        validators=[Length(max=500_000, message=_l("Nội dung quá dài (tối đa 500.000 ký tự)."))],
    )
    genre_id = SelectField(_l("Thể loại"), coerce=str)
    category_id = SelectField(_l("Chuyên mục"), coerce=str, validators=[Optional()])
    topic_ids = MultiCheckboxField(_l("Lĩnh vực"), coerce=str, validators=[Optional()])
    event_date = DateField(_l("Ngày diễn ra sự kiện"), validators=[Optional()])
    source_kind = RadioField(
        _l("Nguồn"),
        choices=[("original", _l("Tự viết")), ("repost", _l("Đăng lại từ cơ quan báo chí khác"))],
        default="original",
    )
    source_name = StringField(
        _l("Tên cơ quan báo chí nguồn"), validators=[Optional(), Length(max=200)]
    )
    source_url = StringField(_l("Đường dẫn bài gốc"), validators=[Optional(), Length(max=500)])
    version = HiddenField()

    def __init__(self, *args, genres=(), categories=(), topics=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.genre_id.choices = [(str(g.id), g.name) for g in genres]
        self.category_id.choices = [("", _l("— Chọn chuyên mục —"))] + [
            (str(c.id), c.name) for c in categories
        ]
        self.topic_ids.choices = [(str(t.id), t.name) for t in topics]
        self.source_kind.choices = [
            ("original", _l("Tự viết")),
            ("repost", _l("Đăng lại từ cơ quan báo chí khác")),
        ]

    def to_data(self, authors: list[AuthorLine]) -> PieceData:
        return PieceData(
            title=self.title.data or "",
            lead=self.lead.data or "",
            body=self.body.data or "",
            genre_id=self.genre_id.data or None,
            category_id=self.category_id.data or None,
            topic_ids=list(self.topic_ids.data or []),
            event_date=self.event_date.data,
            source_kind=self.source_kind.data or "original",
            source_name=self.source_name.data or "",
            source_url=self.source_url.data or "",
            authors=authors,
        )


def authors_from_request(form) -> list[AuthorLine]:
    """The author rows of the piece form: parallel lists of user, name and share.

    A blank share stays None: with every share blank the amount is split equally.
    """
    users = form.getlist("author_user_id")
    names = form.getlist("author_name")
    shares = form.getlist("author_share")
    lines = []
    for user_id, name, share in zip(users, names, shares, strict=False):
        if not (user_id or clean_line(name)):
            continue
        # A blank share means "split equally" (all blank) or is refused (some blank).
        lines.append(
            AuthorLine(
                name=clean_line(name),
                share=share.strip() or None,
                user_id=_author_id(user_id) if user_id else None,
            )
        )
    return lines


def _author_id(raw: str) -> int:
    """A co-author's user id from the form. Anything else is no one's id (0), refused on the
    form as a person one may not name."""
    raw = raw.strip()
    if not raw.isdigit() or len(raw) > 10 or not 1 <= int(raw) <= MAX_ID:
        return 0
    return int(raw)
