"""A piece from draft to the public page, through the web, as the users do it."""

import re

from sqlalchemy import select

from tests.conftest import login, post
from tests.factories import make_category
from tests.pieces.helpers import genres, people
from webapp.extensions import db
from webapp.notifications.models import Notification
from webapp.pieces.models import Piece, PieceState, Revision, WorkflowEvent


def _version(html):
    return re.search(r'name="version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version"', html)


def test_draft_to_published_through_the_web(app):
    g = genres()
    cast = people()
    category = make_category(name="Tin tức - Sự kiện")
    writer = app.test_client()
    login(writer, cast["contributor"])

    # write and save a draft
    r = post(
        writer,
        "/tin-bai/moi",
        {
            "title": "Ra quân bảo đảm an toàn giao thông",
            "lead": "Công an huyện Đak Đoa ra quân.",
            "body": "<p>Nội dung <strong>đậm</strong><script>alert(1)</script></p>",
            "genre_id": str(g["tin"].id),
            "category_id": str(category.id),
            "source_kind": "original",
            "author_user_id": [str(cast["contributor"].id)],
            "author_name": [""],
            "author_share": ["100"],
            "save": "1",
        },
    )
    assert r.status_code == 303, r.get_data(as_text=True)[:2000]
    piece = db.session.scalar(select(Piece))
    assert piece.state is PieceState.DRAFT
    assert "<script>" not in piece.body and "<strong>đậm</strong>" in piece.body
    assert piece.search_text.startswith("ra quan bao dam")

    # submit
    edit = writer.get(f"/tin-bai/{piece.id}/sua").get_data(as_text=True)
    assert "Ra quân bảo đảm an toàn giao thông" in edit
    r = post(writer, f"/tin-bai/{piece.id}/submit", {"version": str(piece.version)})
    assert r.status_code == 303, r.get_data(as_text=True)[:3000]
    db.session.expire_all()
    assert piece.state is PieceState.SUBMITTED

    # the editor claims it from the queue, in place
    editor = app.test_client()
    login(editor, cast["editor"])
    queue = editor.get("/bien-tap").get_data(as_text=True)
    assert "Ra quân bảo đảm an toàn giao thông" in queue
    r = post(
        editor,
        f"/tin-bai/{piece.id}/claim",
        {"version": str(piece.version)},
        htmx=True,
        headers={"HX-Target": f"queue-row-{piece.id}"},
    )
    assert r.status_code == 200 and f'id="queue-row-{piece.id}"' in r.get_data(as_text=True)
    db.session.expire_all()
    assert piece.state is PieceState.IN_REVIEW and piece.claimed_by_id == cast["editor"].id

    # return without a reason is refused; with one it goes back
    r = post(editor, f"/tin-bai/{piece.id}/return", {"version": str(piece.version)}, htmx=True)
    assert r.status_code == 422 and "Vui lòng ghi rõ lý do." in r.get_data(as_text=True)
    r = post(
        editor,
        f"/tin-bai/{piece.id}/return",
        {"version": str(piece.version), "comment": "Bổ sung số liệu xử phạt."},
    )
    db.session.expire_all()
    assert piece.state is PieceState.RETURNED
    note = db.session.scalar(select(Notification).where(Notification.kind == "returned"))
    assert note.user_id == cast["contributor"].id

    # the contributor sees the reason, fixes and resubmits
    edit = writer.get(f"/tin-bai/{piece.id}/sua").get_data(as_text=True)
    assert "Bổ sung số liệu xử phạt." in edit
    r = post(
        writer,
        f"/tin-bai/{piece.id}/sua",
        {
            "title": "Ra quân bảo đảm an toàn giao thông",
            "lead": "Công an huyện Đak Đoa ra quân.",
            "body": "<p>Đã xử phạt 35 trường hợp vi phạm.</p>",
            "genre_id": str(g["tin"].id),
            "category_id": str(category.id),
            "source_kind": "original",
            "author_user_id": [str(cast["contributor"].id)],
            "author_name": [""],
            "author_share": ["100"],
            "version": str(piece.version),
            "submit_piece": "1",
        },
    )
    assert r.status_code == 303, r.get_data(as_text=True)[:3000]
    db.session.expire_all()
    assert piece.state is PieceState.SUBMITTED

    # approve with a coefficient outside the range is refused, inside is accepted
    post(editor, f"/tin-bai/{piece.id}/claim", {"version": str(piece.version)})
    db.session.expire_all()
    r = post(
        editor,
        f"/tin-bai/{piece.id}/approve",
        {"version": str(piece.version), "coefficient": "3"},
        htmx=True,
    )
    assert r.status_code == 422
    assert "phải từ 0,50 đến 2,00" in r.get_data(as_text=True)
    r = post(
        editor,
        f"/tin-bai/{piece.id}/approve",
        {"version": str(piece.version), "coefficient": "1,5"},
    )
    db.session.expire_all()
    assert piece.state is PieceState.APPROVED and piece.coefficient_centi == 150
    r = post(editor, f"/tin-bai/{piece.id}/publish", {"version": str(piece.version)})
    db.session.expire_all()
    assert piece.state is PieceState.PUBLISHED and piece.published_at is not None

    history = db.session.scalars(
        select(WorkflowEvent.action)
        .where(WorkflowEvent.piece_id == piece.id)
        .order_by(WorkflowEvent.id)
    ).all()
    assert history == ["submit", "claim", "return", "submit", "claim", "approve", "publish"]
    page = writer.get(f"/tin-bai/{piece.id}").get_data(as_text=True)
    assert "Bổ sung số liệu xử phạt." in page  # the history shows the reason
    assert db.session.scalar(select(Revision.number).order_by(Revision.number.desc())) >= 2
