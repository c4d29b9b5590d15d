"""The contributors' screens: their unit only, autosave, images, comments, revisions, duplicates."""

import io

from PIL import Image
from sqlalchemy import func, select

from tests.conftest import login, post
from tests.factories import make_category, make_unit, make_user
from tests.pieces.helpers import draft, genres, move, people
from webapp.extensions import db
from webapp.pieces.models import Comment, Piece, PieceImage, PieceState, Revision


def _form(piece_or_none, genre_id, category_id, **over):
    data = {
        "title": "Tiêu đề",
        "lead": "Sapo",
        "body": "<p>Nội dung</p>",
        "genre_id": str(genre_id),
        "category_id": str(category_id),
        "source_kind": "original",
        "author_user_id": [""],
        "author_name": ["Tác giả ngoài"],
        "author_share": ["100"],
    }
    if piece_or_none is not None:
        data["version"] = str(piece_or_none.version)
    data.update(over)
    return data


def _jpeg():
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_a_contributor_sees_only_their_unit(client):
    genres()
    mine = make_unit(name="Phòng Tư pháp")
    other = make_unit(name="Phòng Nội vụ")
    me = make_user("contributor", unit=mine)
    colleague = make_user("contributor", unit=mine)
    stranger = make_user("contributor", unit=other)
    ours = draft(colleague, title="Tin của phòng Tư pháp")
    theirs = draft(stranger, title="Tin của phòng Nội vụ")
    login(client, me)
    listing = client.get("/tin-bai").get_data(as_text=True)
    assert "Tin của phòng Tư pháp" in listing and "Tin của phòng Nội vụ" not in listing
    assert client.get(f"/tin-bai/{ours.id}").status_code == 200
    assert client.get(f"/tin-bai/{theirs.id}").status_code == 403
    assert client.get(f"/tin-bai/{theirs.id}/sua").status_code == 403
    assert client.get(f"/tin-bai/{theirs.id}/phien-ban").status_code == 403
    r = post(client, f"/tin-bai/{theirs.id}/submit", {"version": str(theirs.version)})
    assert r.status_code == 403
    db.session.expire_all()
    assert theirs.state is PieceState.DRAFT


def test_autosave_keeps_the_page_and_folds_into_one_revision(client):
    g = genres()
    cast = people()
    category = make_category()
    login(client, cast["contributor"])
    r = post(
        client,
        "/tin-bai/moi",
        _form(None, g["tin"].id, category.id, autosave="1", title="Bản nháp đầu"),
        htmx=True,
    )
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert 'id="autosave-status"' in html and "<html" not in html
    piece = db.session.scalar(select(Piece).where(Piece.title == "Bản nháp đầu"))
    assert r.headers["HX-Replace-Url"] == f"/tin-bai/{piece.id}/sua"
    for n in range(3):
        db.session.expire_all()
        r = post(
            client,
            f"/tin-bai/{piece.id}/sua",
            _form(piece, g["tin"].id, category.id, autosave="1", body=f"<p>Lần {n}</p>"),
            htmx=True,
        )
        assert r.status_code == 200, r.get_data(as_text=True)
    db.session.expire_all()
    assert piece.body == "<p>Lần 2</p>"
    revisions = db.session.scalar(
        select(func.count(Revision.id)).where(Revision.piece_id == piece.id)
    )
    assert revisions == 1
    # an autosave against an old version is refused and says why
    r = post(
        client,
        f"/tin-bai/{piece.id}/sua",
        _form(piece, g["tin"].id, category.id, autosave="1", version="1"),
        htmx=True,
    )
    assert r.status_code == 422
    assert "vừa được người khác thay đổi" in r.get_data(as_text=True)


def test_shares_must_sum_to_100_before_submitting(client):
    g = genres()
    cast = people()
    category = make_category()
    login(client, cast["contributor"])
    data = _form(
        None,
        g["tin"].id,
        category.id,
        author_user_id=["", ""],
        author_name=["Nguyễn A", "Trần B"],
        author_share=["50", "30"],
        submit_piece="1",
    )
    r = post(client, "/tin-bai/moi", data)
    assert r.status_code == 422
    assert "Tổng tỉ lệ của các tác giả phải bằng 100% (hiện là 80%)." in r.get_data(as_text=True)
    # not sent, but not lost either: kept as a draft, shares as typed
    piece = db.session.scalar(select(Piece))
    assert piece.state is PieceState.DRAFT
    assert [a.share for a in piece.authors] == [50, 30]


def test_blank_shares_mean_an_equal_split_and_half_blank_is_refused(client):
    g = genres()
    cast = people()
    category = make_category()
    login(client, cast["contributor"])
    names = ["Nguyễn A", "Trần B", "Lê C"]
    data = _form(
        None,
        g["tin"].id,
        category.id,
        author_user_id=["", "", ""],
        author_name=names,
        author_share=["", "", ""],
        submit_piece="1",
    )
    r = post(client, "/tin-bai/moi", data)
    assert r.status_code in (200, 302, 303), r.get_data(as_text=True)
    piece = db.session.scalar(select(Piece))
    assert [(a.name, a.share) for a in piece.authors] == [(n, None) for n in names]
    assert piece.state is PieceState.SUBMITTED  # no "shares must make 100 %" for an equal split
    page = client.get(f"/tin-bai/{piece.id}").get_data(as_text=True)
    assert "Nguyễn A (chia đều)" in page
    edit = client.get(f"/tin-bai/{piece.id}/sua").get_data(as_text=True)
    assert 'value="None"' not in edit

    mixed = dict(data, author_share=["50", "", ""], title="Tin khác")
    r = post(client, "/tin-bai/moi", mixed)
    assert r.status_code == 422
    assert "Ghi tỉ lệ cho tất cả tác giả, hoặc để trống tỉ lệ của tất cả" in r.get_data(
        as_text=True
    )
    # Nothing lost: the second one is kept as a draft, not sent.
    kept = db.session.scalar(select(Piece).where(Piece.title == "Tin khác"))
    assert kept is not None and kept.state is PieceState.DRAFT
    assert db.session.scalar(select(func.count(Piece.id))) == 2


def test_images_are_added_in_place_and_bad_files_refused(client, app):
    genres()
    cast = people()
    piece = draft(cast["contributor"])
    login(client, cast["contributor"])
    r = post(
        client,
        f"/tin-bai/{piece.id}/anh",
        {"image": (io.BytesIO(_jpeg()), "anh.jpg"), "caption": "Lễ ra quân", "credit": "Lê An"},
        htmx=True,
        content_type="multipart/form-data",
    )
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "Lễ ra quân" in html and "<html" not in html
    image = db.session.scalar(select(PieceImage))
    assert image.width == 640 and image.credit == "Lê An"
    r = post(
        client,
        f"/tin-bai/{piece.id}/anh",
        {"image": (io.BytesIO(b"<script>alert(1)</script>"), "virus.jpg")},
        htmx=True,
        content_type="multipart/form-data",
    )
    assert r.status_code == 422 and "không phải là ảnh" in r.get_data(as_text=True)
    # a draft's image is not public
    anonymous = app.test_client()
    assert anonymous.get(f"/tep/{image.thumb_key}").status_code == 404
    assert client.get(f"/tep/{image.thumb_key}").status_code == 200


def test_comments_and_revision_diff(client):
    genres()
    cast = people()
    piece = draft(cast["contributor"], body="<p>Sáng nay có 30 trường hợp vi phạm.</p>")
    move(piece, cast["contributor"], "submit")
    move(piece, cast["editor"], "claim")
    from webapp.pieces import services
    from webapp.pieces.services import PieceData

    data = PieceData(
        title=piece.title,
        lead=piece.lead,
        body="<p>Sáng nay có 35 trường hợp vi phạm bị xử phạt.</p>",
        genre_id=piece.genre_id,
        category_id=piece.category_id,
    )
    services.save_piece(cast["editor"], piece, data, piece.version)
    login(client, cast["editor"])
    r = post(client, f"/tin-bai/{piece.id}/binh-luan", {"body": "Đã sửa số liệu."}, htmx=True)
    assert r.status_code == 200 and "Đã sửa số liệu." in r.get_data(as_text=True)
    assert db.session.scalar(select(Comment.body)) == "Đã sửa số liệu."
    diff = client.get(f"/tin-bai/{piece.id}/phien-ban?a=1&b=2").get_data(as_text=True)
    assert "<del>30</del>" in diff and "<ins>35</ins>" in diff


def test_near_copy_is_flagged_with_a_side_by_side_view(client):
    genres()
    body = (
        "<p>Chiều ngày 15/3, Huyện Đoàn Đak Đoa phối hợp với Đoàn xã Glar tổ chức ra quân chiến "
        "dịch tình nguyện mùa hè xanh năm 2021 với sự tham gia của hơn 200 đoàn viên thanh niên. "
        "Các đội hình tình nguyện đã dọn vệ sinh môi trường, trồng cây xanh, sửa chữa đường giao "
        "thông nông thôn và tặng quà cho các hộ gia đình có hoàn cảnh khó khăn trên địa bàn.</p>"
    )
    first_unit, second_unit = make_unit(name="Huyện Đoàn"), make_unit(name="Đoàn xã Glar")
    first = draft(make_user("contributor", unit=first_unit), title="Ra quân mùa hè xanh", body=body)
    move(first, first.submitter, "submit")
    copy = draft(
        make_user("contributor", unit=second_unit),
        title="Tuổi trẻ Glar ra quân",
        body=body.replace("200", "hai trăm"),
    )
    other = draft(
        make_user("contributor", unit=second_unit),
        title="Tiêm vắc xin",
        body="<p>Trung tâm Y tế huyện triển khai tiêm vắc xin phòng Covid-19 đợt 3 cho "
        "người dân từ 18 tuổi trở lên tại các trạm y tế xã.</p>",
    )
    move(copy, copy.submitter, "submit")
    move(other, other.submitter, "submit")
    assert copy.duplicate_of_id == first.id and copy.duplicate_score >= 0.8
    assert other.duplicate_of_id is None
    login(client, make_user("editor", unit=make_unit()))
    queue = client.get("/bien-tap").get_data(as_text=True)
    assert "Trùng" in queue
    side = client.get(f"/tin-bai/{copy.id}/trung-lap").get_data(as_text=True)
    assert "Ra quân mùa hè xanh" in side and "Tuổi trẻ Glar ra quân" in side


def test_withdraw_before_review(client):
    genres()
    cast = people()
    piece = draft(cast["contributor"])
    move(piece, cast["contributor"], "submit")
    login(client, cast["contributor"])
    r = post(client, f"/tin-bai/{piece.id}/withdraw", {"version": str(piece.version)})
    assert r.status_code == 303
    db.session.expire_all()
    assert piece.state is PieceState.DRAFT
