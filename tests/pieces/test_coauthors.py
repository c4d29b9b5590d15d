"""Whom a contributor may name as co-author: their unit's people, the collaborators who
have written with the unit, and anyone else by name only. The server refuses other ids."""

import pytest
from sqlalchemy import select

from tests.conftest import login, post
from tests.factories import make_category, make_unit, make_user
from tests.pieces.helpers import draft, genres
from tests.pieces.test_pieces_routes import _form
from webapp.extensions import db
from webapp.pieces import services
from webapp.pieces.models import Piece, PieceAuthor
from webapp.pieces.services import AuthorLine
from webapp.services import ServiceError
from webapp.units.models import UnitGroup

REFUSED = "Chỉ chọn được tác giả là người của đơn vị"


def _written_together(writer, partner, title):
    piece = draft(writer, title=title)
    piece.authors[0].share = 50
    piece.authors.append(
        PieceAuthor(position=1, user_id=partner.id, name=partner.full_name, share=50)
    )
    db.session.flush()
    return piece


@pytest.fixture
def circle():
    """A unit with two people; a collaborator who wrote with it; and three who did not."""
    genres()
    mine = make_unit(name="Phòng Tư pháp")
    me = make_user("contributor", unit=mine, full_name="Lê Thị Mai")
    colleague = make_user("contributor", unit=mine, full_name="Đinh Văn Tùng")
    club = make_unit(name="Câu lạc bộ phóng viên", group=UnitGroup.COLLABORATOR)
    partner = make_user("contributor", unit=club, full_name="Rơ Lan Hờ")
    stranger_club = make_unit(name="Hội nhà báo xã", group=UnitGroup.COLLABORATOR)
    stranger = make_user("contributor", unit=stranger_club, full_name="Ksor Ơi")
    other = make_unit(name="Phòng Nội vụ")
    outsider = make_user("contributor", unit=other, full_name="Trần Văn Khác")
    # The partner co-wrote a piece of the unit before (named by an editor, say); the other
    # unit's person wrote with the stranger collaborator: not with us.
    _written_together(me, partner, "Tin viết chung")
    _written_together(outsider, stranger, "Tin của phòng khác")
    db.session.commit()
    return {
        "unit": mine,
        "other": other,
        "me": me,
        "colleague": colleague,
        "partner": partner,
        "stranger": stranger,
        "outsider": outsider,
    }


def _names_listed(html: str, people) -> set[str]:
    return {p.full_name for p in people if f">{p.full_name}</option>" in html}


def test_the_picker_lists_the_unit_and_its_collaborators_only(client, circle):
    login(client, circle["me"])
    everyone = [circle[k] for k in ("me", "colleague", "partner", "stranger", "outsider")]
    page = client.get("/tin-bai/moi").get_data(as_text=True)
    assert _names_listed(page, everyone) == {"Lê Thị Mai", "Đinh Văn Tùng", "Rơ Lan Hờ"}
    # Asking the "one more row" fragment for another unit gives the same circle, not theirs.
    row = client.get(
        f"/tin-bai/tac-gia?unit={circle['other'].id}", headers={"HX-Request": "true"}
    ).get_data(as_text=True)
    assert _names_listed(row, everyone) == {"Lê Thị Mai", "Đinh Văn Tùng", "Rơ Lan Hờ"}


def test_the_server_refuses_someone_outside_the_circle(client, circle):
    login(client, circle["me"])
    category = make_category()
    genre_id = genres()["tin"].id
    for person in (circle["outsider"], circle["stranger"]):
        data = _form(
            None,
            genre_id,
            category.id,
            title=f"Tin có {person.full_name}",
            author_user_id=[str(circle["me"].id), str(person.id)],
            author_name=["", ""],
            author_share=["50", "50"],
        )
        response = post(client, "/tin-bai/moi", data)
        assert response.status_code == 422
        assert REFUSED in response.get_data(as_text=True)
        # Nothing lost: the draft is kept, without the person who may not be named.
        kept = db.session.scalar(select(Piece).where(Piece.title == f"Tin có {person.full_name}"))
        assert kept is not None and kept.state.value == "draft"
        assert person.id not in [a.user_id for a in kept.authors]

    # Not a number at all: the same clear refusal, not a server error.
    response = post(
        client, "/tin-bai/moi", _form(None, genre_id, category.id, author_user_id=["x"])
    )
    assert response.status_code == 422

    # The colleague and the partner are fine; so is an outside author by name only.
    data = _form(
        None,
        genre_id,
        category.id,
        title="Tin viết cùng cộng tác viên",
        author_user_id=[str(circle["colleague"].id), str(circle["partner"].id), ""],
        author_name=["", "", "Nguyễn Văn Ngoài"],
        author_share=["40", "40", "20"],
    )
    assert post(client, "/tin-bai/moi", data).status_code == 303
    piece = db.session.scalar(select(Piece).where(Piece.title == "Tin viết cùng cộng tác viên"))
    assert [a.name for a in piece.authors] == ["Đinh Văn Tùng", "Rơ Lan Hờ", "Nguyễn Văn Ngoài"]


def test_a_saved_piece_cannot_gain_an_outsider_either(client, circle):
    piece = db.session.scalar(select(Piece).where(Piece.title == "Tin viết chung"))
    login(client, circle["me"])
    data = _form(
        piece,
        piece.genre_id,
        make_category().id,
        title="Tin viết chung",
        author_user_id=[
            str(circle["me"].id),
            str(circle["partner"].id),
            str(circle["outsider"].id),
        ],
        author_name=["", "", ""],
        author_share=["40", "40", "20"],
    )
    response = post(client, f"/tin-bai/{piece.id}/sua", data)
    assert response.status_code == 422 and REFUSED in response.get_data(as_text=True)
    db.session.expire_all()
    assert {a.user_id for a in piece.authors} == {circle["me"].id, circle["partner"].id}


def test_editors_may_name_anyone(circle):
    editor = make_user("editor", unit=make_unit())
    lines = [AuthorLine(name="", share=100, user_id=circle["outsider"].id)]
    services.check_named_authors(editor, circle["unit"].id, lines)  # no refusal
    with pytest.raises(ServiceError):
        services.check_named_authors(circle["me"], circle["unit"].id, lines)
    with pytest.raises(ServiceError):  # an id that is no one
        services.check_named_authors(editor, circle["unit"].id, [AuthorLine("", 100, 10**9)])
