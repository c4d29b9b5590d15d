"""Approving with the rule set's modifiers: what the editor ticks is what the ledger pays."""

from datetime import datetime

from sqlalchemy import select

from tests.conftest import login, post
from tests.pieces.helpers import draft, genres, move, people
from webapp.extensions import db
from webapp.royalties.models import RoyaltyEntry


def test_repost_is_ticked_for_a_reposted_piece_and_pays_half(client):
    genres()
    cast = people()
    piece = draft(cast["contributor"], source_kind="repost", source_name="Báo Gia Lai")
    move(piece, cast["contributor"], "submit")
    move(piece, cast["editor"], "claim")
    login(client, cast["editor"])
    page = client.get(f"/tin-bai/{piece.id}").get_data(as_text=True)
    assert 'name="modifiers" value="repost" checked' in page
    r = post(
        client,
        f"/tin-bai/{piece.id}/approve",
        {"version": str(piece.version), "coefficient": "2", "modifiers": ["repost"]},
    )
    assert r.status_code == 303
    db.session.expire_all()
    assert piece.modifier_codes == ["repost"]
    r = post(client, f"/tin-bai/{piece.id}/publish", {"version": str(piece.version)})
    db.session.expire_all()
    line = db.session.scalar(select(RoyaltyEntry).where(RoyaltyEntry.piece_id == piece.id))
    # a fixed 0.5 replaces the coefficient 2: 0.5 × 10 % of the base salary in force
    assert line.modifiers == [["repost", "fixed", 50]]
    assert line.amount == line.base_salary * 10 // 100 // 2


def test_unknown_modifier_is_refused(client):
    genres()
    cast = people()
    piece = draft(cast["contributor"])
    move(piece, cast["contributor"], "submit")
    move(piece, cast["editor"], "claim")
    login(client, cast["editor"])
    r = post(
        client,
        f"/tin-bai/{piece.id}/approve",
        {"version": str(piece.version), "modifiers": ["khong-co"]},
        htmx=True,
    )
    assert r.status_code == 422
    assert "Hệ số điều chỉnh không hợp lệ: khong-co" in r.get_data(as_text=True)


def test_accrual_uses_the_base_salary_of_the_publication_day():
    genres()
    cast = people()
    before = draft(cast["contributor"], title="Tin tháng 6")
    after = draft(cast["contributor"], title="Tin tháng 7")
    for piece, day in ((before, datetime(2023, 6, 30, 3)), (after, datetime(2023, 7, 1, 3))):
        move(piece, cast["contributor"], "submit")
        move(piece, cast["editor"], "claim", "approve")
        # published as on that day (ledger lines are never deleted, so no re-dating after)
        move(piece, cast["editor"], "publish", now=day)
    amounts = {
        e.piece_id: (e.base_salary, e.amount) for e in db.session.scalars(select(RoyaltyEntry))
    }
    assert amounts[before.id] == (1_490_000, 149_000)
    assert amounts[after.id] == (1_800_000, 180_000)


def test_an_outside_author_is_one_payee_whatever_the_case():
    from webapp.royalties.services import payee_for_name

    first = payee_for_name("Đinh Thị Cúc", None)
    assert payee_for_name("ĐINH THỊ CÚC", None).id == first.id
    assert payee_for_name("  đinh   thị cúc ", None).id == first.id
    assert payee_for_name("Đinh Thị Cúc Hoa", None).id != first.id
