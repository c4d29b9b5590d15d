"""Building pieces for tests: through the services, as the app does."""

from datetime import date

from tests.factories import make_category, make_unit, make_user
from webapp.cli import _seed_example_rules
from webapp.demo_data import EXAMPLE_RULE_SET
from webapp.extensions import db
from webapp.pieces import services
from webapp.pieces.models import Piece
from webapp.pieces.services import AuthorLine, PieceData
from webapp.review.services import transition
from webapp.review.workflow import Action
from webapp.taxonomy.models import Genre


def genres() -> dict[str, Genre]:
    """The five seeded genres with the example coefficient table, made once per test."""
    from sqlalchemy import select

    have = {g.code: g for g in db.session.scalars(select(Genre))}
    for code, name in [
        ("tin", "Tin"),
        ("bai", "Bài"),
        ("anh", "Ảnh"),
        ("van_ban", "Văn bản"),
        ("media", "Media"),
    ]:
        if code not in have:
            have[code] = Genre(code=code, name=name)
            db.session.add(have[code])
    db.session.flush()
    _seed_example_rules(EXAMPLE_RULE_SET)
    return have


def people(unit=None):
    """A unit with a contributor, an editor, a chief editor and an admin."""
    unit = unit or make_unit(name="Công an huyện")
    return {
        "unit": unit,
        "contributor": make_user("contributor", unit=unit, full_name="Lê Văn An"),
        "editor": make_user("editor", unit=make_unit(), full_name="Nguyễn Thư Ký"),
        "chief": make_user("chief_editor", "editor", unit=make_unit(), full_name="Kiều Thu Hương"),
    }


def draft(user, title="Đảm bảo an toàn giao thông dịp Tết", body=None, genre="tin", **kw) -> Piece:
    g = genres()[genre]
    category = kw.pop("category", None) or make_category()
    data = PieceData(
        title=title,
        lead=kw.pop("lead", "Công an huyện Đak Đoa ra quân bảo đảm trật tự an toàn giao thông."),
        body=body
        or "<p>Sáng nay, Công an huyện Đak Đoa tổ chức lễ ra quân tổng kiểm soát "
        "phương tiện giao thông trên địa bàn các xã Glar, A Dơk và thị trấn Đak Đoa.</p>",
        genre_id=g.id,
        category_id=category.id,
        event_date=date(2021, 2, 1),
        authors=kw.pop("authors", [AuthorLine(name=user.full_name, share=100, user_id=user.id)]),
        **kw,
    )
    return services.create_piece(user, data)


def move(piece, user, *actions, **kw):
    for action in actions:
        transition(user, piece, Action(action), **kw)
    return piece
