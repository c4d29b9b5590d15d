"""Nothing lost on a refused form; a double click acts once.

A first send that is refused keeps the piece as a draft, and the form comes back with all
that was typed, now posting to that draft; the second send submits it once. A form posted
twice (the same rendered form: double click, back-and-resend) acts once and answers the same.
"""

import html as htmllib
import io
import re
from datetime import datetime
from io import BytesIO

import pytest
from PIL import Image
from sqlalchemy import func, select

from tests.conftest import login, post
from tests.factories import make_category, make_unit, make_user
from tests.pieces.helpers import draft, genres, move, people
from tests.reports.conftest import district  # noqa: F401 - the fixture, for the import
from tests.reports.helpers import import_rows, to_csv
from tests.royalties.test_services import MARCH_2024, published
from webapp import idempotency
from webapp.extensions import db
from webapp.pieces.models import Attachment, Piece, PieceImage, PieceState, WorkflowEvent
from webapp.royalties import services as royalty_services
from webapp.royalties.models import MonthState, RoyaltyEntry

TEXT = "<div>Sáng 4/12, Công an huyện Đak Đoa ra quân bảo đảm an toàn giao thông.</div>"


def _token(html: str, action: str | None = None) -> str:
    """The form token of the form posting to ``action`` (the first form when None)."""
    start = html.index(f'action="{action}"') if action else 0
    match = re.search(r'name="form_token" value="([^"]+)"', html[start:])
    assert match, f"no form token in the form posting to {action}"
    return match.group(1)


def _form_action(html: str) -> str:
    return re.search(r'<form id="piece-form" method="post" action="([^"]+)"', html).group(1)


def _version(html: str) -> str:
    return re.search(r'id="version" name="version" type="hidden" value="(\d*)"', html).group(1)


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _events(piece, action) -> int:
    return _count(WorkflowEvent, WorkflowEvent.piece_id == piece.id, WorkflowEvent.action == action)


def _piece_form(genre, category=None, **over):
    data = {
        "title": "Ra quân bảo đảm an toàn giao thông",
        "lead": "Công an huyện Đak Đoa ra quân.",
        "body": TEXT,
        "genre_id": str(genre.id),
        "category_id": str(category.id) if category else "",
        "source_kind": "original",
        "author_user_id": [],
        "author_name": [],
        "author_share": [],
    }
    data.update(over)
    return data


def _with_authors(data, me, share_me="60", share_other="40"):
    data["author_user_id"] = [str(me.id), ""]
    data["author_name"] = ["", "Trần Thị Cộng Tác"]
    data["author_share"] = [share_me, share_other]
    return data


@pytest.fixture
def writer(client):
    g = genres()
    cast = people()
    login(client, cast["contributor"])
    return {"client": client, "genre": g["tin"], "me": cast["contributor"], "cast": cast}


def _assert_all_kept(html, data):
    """Every field the user typed is in the form that came back."""
    assert f'value="{data["title"]}"' in html
    assert data["lead"] in html
    assert htmllib.escape(TEXT, quote=True) in html  # the editor's hidden input
    assert 'value="Trần Thị Cộng Tác"' in html
    for share in data["author_share"]:
        assert f'name="author_share" value="{share}"' in html


# --- 1. a refused first send loses nothing ---------------------------------------------------


def test_first_send_without_a_section_keeps_the_piece_and_the_second_send_submits_once(writer):
    client, me = writer["client"], writer["me"]
    token = _token(client.get("/tin-bai/moi").get_data(as_text=True))
    data = _with_authors(_piece_form(writer["genre"]), me)
    first = post(client, "/tin-bai/moi", {**data, "submit_piece": "1", "form_token": token})

    assert first.status_code == 422
    html = first.get_data(as_text=True)
    assert "Chưa chọn chuyên mục." in html
    _assert_all_kept(html, data)
    piece = db.session.scalar(select(Piece))
    assert piece is not None and piece.state is PieceState.DRAFT
    assert piece.title == data["title"] and "Đak Đoa ra quân" in piece.body
    assert [(a.name, a.share) for a in piece.authors] == [
        (me.full_name, 60),
        ("Trần Thị Cộng Tác", 40),
    ]
    # the form now edits the draft; the images and attachments sections are there
    assert _form_action(html) == f"/tin-bai/{piece.id}/sua"
    assert 'id="images"' in html and 'id="attachments"' in html
    assert _version(html) == str(piece.version)
    second_token = _token(html)
    assert second_token != token

    category = make_category(name="An ninh - Trật tự")
    again = {
        **data,
        "category_id": str(category.id),
        "version": _version(html),
        "submit_piece": "1",
        "form_token": second_token,
    }
    sent = post(client, f"/tin-bai/{piece.id}/sua", again)
    assert sent.status_code == 303 and sent.headers["Location"] == f"/tin-bai/{piece.id}"
    db.session.expire_all()
    assert piece.state is PieceState.SUBMITTED and "Đak Đoa ra quân" in piece.body
    assert _events(piece, "submit") == 1

    # the same two forms posted again (a double click, back and resend) act no more
    replay = post(client, f"/tin-bai/{piece.id}/sua", again)
    assert replay.status_code == 303 and replay.headers["Location"] == f"/tin-bai/{piece.id}"
    replay = post(client, "/tin-bai/moi", {**data, "submit_piece": "1", "form_token": token})
    assert replay.status_code == 303 and replay.headers["Location"] == f"/tin-bai/{piece.id}/sua"
    db.session.expire_all()
    assert _count(Piece) == 1 and _events(piece, "submit") == 1
    assert piece.state is PieceState.SUBMITTED


@pytest.mark.parametrize("button", ["submit_piece", "save"])
def test_a_bad_co_author_share_keeps_a_draft_and_the_input(writer, button):
    client, me = writer["client"], writer["me"]
    category = make_category()
    token = _token(client.get("/tin-bai/moi").get_data(as_text=True))
    data = _with_authors(_piece_form(writer["genre"], category), me, share_other="150")

    first = post(client, "/tin-bai/moi", {**data, button: "1", "form_token": token})

    assert first.status_code == 422
    html = first.get_data(as_text=True)
    assert "Tỉ lệ của mỗi tác giả phải từ 1 đến 100%." in html
    _assert_all_kept(html, data)
    piece = db.session.scalar(select(Piece))
    assert piece.state is PieceState.DRAFT and "Đak Đoa ra quân" in piece.body
    assert piece.category_id == category.id
    assert _form_action(html) == f"/tin-bai/{piece.id}/sua"

    fixed = _with_authors(dict(data), me)
    fixed.update(version=_version(html), form_token=_token(html), **{button: "1"})
    r = post(client, f"/tin-bai/{piece.id}/sua", fixed)
    assert r.status_code == 303
    db.session.expire_all()
    assert [a.share for a in piece.authors] == [60, 40]
    expected = PieceState.SUBMITTED if button == "submit_piece" else PieceState.DRAFT
    assert piece.state is expected and _count(Piece) == 1
    assert _events(piece, "submit") == (1 if button == "submit_piece" else 0)


def test_a_form_nothing_of_which_can_be_stored_comes_back_whole_and_creates_nothing(writer):
    client, me = writer["client"], writer["me"]
    data = _with_authors(_piece_form(writer["genre"], make_category()), me)
    data["title"] = "Quá dài " * 60  # more than 300 characters: not even a draft
    r = post(client, "/tin-bai/moi", {**data, "submit_piece": "1"})
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert "Độ dài phải từ" in html or "Không được dài quá" in html
    data["title"] = data["title"].strip()
    assert data["lead"] in html and htmllib.escape(TEXT, quote=True) in html
    assert 'value="Trần Thị Cộng Tác"' in html
    assert _count(Piece) == 0
    assert _form_action(html) == "/tin-bai/moi"


def _jpeg(size=(640, 480)):
    buffer = io.BytesIO()
    Image.effect_noise(size, 80).convert("RGB").save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


def test_an_oversized_image_loses_neither_the_text_nor_the_photos(writer, app, monkeypatch):
    client, me = writer["client"], writer["me"]
    token = _token(client.get("/tin-bai/moi").get_data(as_text=True))
    data = _with_authors(_piece_form(writer["genre"]), me)
    saved = post(client, "/tin-bai/moi", {**data, "save": "1", "form_token": token})
    assert saved.status_code == 303
    piece = db.session.scalar(select(Piece))
    html = client.get(f"/tin-bai/{piece.id}/sua").get_data(as_text=True)
    upload = f"/tin-bai/{piece.id}/anh"
    small = post(
        client,
        upload,
        {"image": (BytesIO(_jpeg((320, 240))), "nho.jpg"), "caption": "Lễ ra quân"},
        htmx=True,
        content_type="multipart/form-data",
    )
    assert small.status_code == 200
    attached = post(
        client,
        f"/tin-bai/{piece.id}/tep",
        {"attachment": (BytesIO(b"%PDF-1.4\n%%EOF\n"), "ke-hoach.pdf")},
        htmx=True,
        content_type="multipart/form-data",
    )
    assert attached.status_code in (200, 422)
    attachments = _count(Attachment, Attachment.piece_id == piece.id)

    # an image over the image limit: refused in the image section only (the piece form,
    # with the text being written, is not replaced)
    big = _jpeg((1600, 1200))
    monkeypatch.setitem(app.config, "MAX_IMAGE_BYTES", len(big) - 1)
    refused = post(
        client,
        upload,
        {"image": (BytesIO(big), "lon.jpg")},
        htmx=True,
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422
    section = refused.get_data(as_text=True)
    assert "Ảnh quá lớn" in section and "<html" not in section and 'id="piece-form"' not in section
    assert "Lễ ra quân" in section  # the photo already there is still listed
    # a request over the whole-request limit: a plain refusal, nothing changed
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 4096)
    too_big = post(
        client,
        upload,
        {"image": (BytesIO(big), "lon.jpg")},
        htmx=True,
        content_type="multipart/form-data",
    )
    assert too_big.status_code == 413 and "Tệp quá lớn" in too_big.get_data(as_text=True)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 25 * 1024 * 1024)
    db.session.expire_all()
    assert _count(PieceImage, PieceImage.piece_id == piece.id) == 1
    assert "Đak Đoa ra quân" in piece.body

    # sending without a section: refused, photos and attachments still on the form
    form = {**data, "version": _version(html), "submit_piece": "1", "form_token": _token(html)}
    refused = post(client, f"/tin-bai/{piece.id}/sua", form)
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "Chưa chọn chuyên mục." in page and "Lễ ra quân" in page
    _assert_all_kept(page, data)
    category = make_category()
    form = {
        **data,
        "category_id": str(category.id),
        "version": _version(page),
        "submit_piece": "1",
        "form_token": _token(page),
    }
    assert post(client, f"/tin-bai/{piece.id}/sua", form).status_code == 303
    db.session.expire_all()
    assert piece.state is PieceState.SUBMITTED and _events(piece, "submit") == 1
    assert _count(PieceImage, PieceImage.piece_id == piece.id) == 1
    assert _count(Attachment, Attachment.piece_id == piece.id) == attachments


def test_a_refused_submit_of_a_saved_draft_keeps_the_save(writer):
    client, me = writer["client"], writer["me"]
    piece = draft(me, title="Bản cũ")
    piece.category_id = None
    db.session.commit()
    page = client.get(f"/tin-bai/{piece.id}/sua").get_data(as_text=True)
    data = _with_authors(_piece_form(writer["genre"]), me)
    r = post(
        client,
        f"/tin-bai/{piece.id}/sua",
        {**data, "version": _version(page), "submit_piece": "1", "form_token": _token(page)},
    )
    assert r.status_code == 422 and "Chưa chọn chuyên mục." in r.get_data(as_text=True)
    db.session.expire_all()
    assert piece.title == data["title"] and piece.state is PieceState.DRAFT
    assert _version(r.get_data(as_text=True)) == str(piece.version)


def test_old_tokens_are_forgotten_when_a_new_one_is_stored(writer):
    client = writer["client"]
    old = idempotency.FormToken(
        token=idempotency.new_token(),
        user_id=writer["me"].id,
        created_at=datetime(2020, 1, 1),
    )
    recent = idempotency.FormToken(token=idempotency.new_token(), user_id=writer["me"].id)
    db.session.add_all([old, recent])
    db.session.commit()
    old, recent = old.token, recent.token
    data = {**_piece_form(writer["genre"]), "save": "1", "form_token": idempotency.new_token()}
    assert post(client, "/tin-bai/moi", data).status_code == 303
    tokens = db.session.scalars(select(idempotency.FormToken.token)).all()
    assert old not in tokens and recent in tokens and data["form_token"] in tokens


def test_a_resend_racing_the_first_is_stopped_by_the_unique_token(writer, monkeypatch):
    """Both requests passed the look-up before either stored its token: the table's key stops
    the second, which is rolled back and answers what the first did."""
    client = writer["client"]
    token = _token(client.get("/tin-bai/moi").get_data(as_text=True))
    data = {**_piece_form(writer["genre"], make_category()), "save": "1", "form_token": token}
    first = post(client, "/tin-bai/moi", data)
    assert first.status_code == 303

    real = idempotency.replay
    calls = []

    def missed_once():
        calls.append(1)
        return None if len(calls) == 1 else real()

    monkeypatch.setattr(idempotency, "replay", missed_once)
    second = post(client, "/tin-bai/moi", data)
    assert len(calls) == 2  # the look-up missed, the key stopped it, the stored answer came
    assert second.status_code == 303 and second.headers["Location"] == first.headers["Location"]
    assert _count(Piece) == 1


# --- 16. a double click acts once --------------------------------------------------------------


def _act(client, piece, action, extra=None):
    page = client.get(f"/tin-bai/{piece.id}").get_data(as_text=True)
    url = f"/tin-bai/{piece.id}/{action}"
    form = {"version": str(piece.version), "form_token": _token(page, url), **(extra or {})}
    return url, form


def test_submit_approve_and_publish_posted_twice_act_once(app):
    genres()
    cast = people()
    piece = draft(cast["contributor"])
    db.session.commit()
    writer = app.test_client()
    login(writer, cast["contributor"])
    editor = app.test_client()
    login(editor, cast["editor"])

    url, form = _act(writer, piece, "submit")
    answers = [post(writer, url, form) for _ in range(2)]
    assert [a.status_code for a in answers] == [303, 303]
    assert answers[1].headers["Location"] == answers[0].headers["Location"]
    assert _events(piece, "submit") == 1

    db.session.expire_all()
    move(piece, cast["editor"], "claim")
    db.session.commit()
    url, form = _act(editor, piece, "approve", {"coefficient": "1,00"})
    answers = [post(editor, url, form, htmx=True) for _ in range(2)]
    assert [a.status_code for a in answers] == [204, 204]
    assert answers[1].headers["HX-Redirect"] == answers[0].headers["HX-Redirect"]
    db.session.expire_all()
    assert piece.state is PieceState.APPROVED and _events(piece, "approve") == 1

    url, form = _act(editor, piece, "publish")
    answers = [post(editor, url, form, htmx=True) for _ in range(3)]
    assert [a.status_code for a in answers] == [204, 204, 204]
    assert answers[2].headers["HX-Redirect"] == answers[0].headers["HX-Redirect"]
    db.session.expire_all()
    assert piece.state is PieceState.PUBLISHED and _events(piece, "publish") == 1
    assert _count(RoyaltyEntry, RoyaltyEntry.piece_id == piece.id) == 1


def test_claiming_from_the_queue_twice_answers_the_row_again(app):
    genres()
    cast = people()
    piece = draft(cast["contributor"])
    move(piece, cast["contributor"], "submit")
    db.session.commit()
    editor = app.test_client()
    login(editor, cast["editor"])
    queue = editor.get("/bien-tap").get_data(as_text=True)
    url = f"/tin-bai/{piece.id}/claim"
    form = {"version": str(piece.version), "form_token": _token(queue, url)}
    headers = {"HX-Target": f"queue-row-{piece.id}"}
    answers = [post(editor, url, form, htmx=True, headers=dict(headers)) for _ in range(2)]
    assert [a.status_code for a in answers] == [200, 200]
    assert all(f'id="queue-row-{piece.id}"' in a.get_data(as_text=True) for a in answers)
    assert _events(piece, "claim") == 1


def test_paying_a_month_twice_pays_once(app):
    genres()
    cast = people()
    chief = cast["chief"]
    accountant = make_user("accountant", unit=make_unit(), full_name="Trần Văn Kế Toán")
    published(cast, "Tin tháng 3", MARCH_2024)
    db.session.commit()
    signer = app.test_client()
    login(signer, chief)
    ledger = signer.get("/nhuan-but/?thang=2024-03").get_data(as_text=True)
    sign = "/nhuan-but/2024-03/ky"
    form = {"form_token": _token(ledger, sign)}
    answers = [post(signer, sign, form, htmx=True) for _ in range(2)]
    assert [a.status_code for a in answers] == [204, 204]
    assert answers[1].headers["HX-Redirect"] == "/nhuan-but/?thang=2024-03"

    payer = app.test_client()
    login(payer, accountant)
    ledger = payer.get("/nhuan-but/?thang=2024-03").get_data(as_text=True)
    pay = "/nhuan-but/2024-03/chi-tra"
    form = {"voucher_no": "125/PC", "voucher_date": "2024-04-10", "form_token": _token(ledger, pay)}
    answers = [post(payer, pay, form) for _ in range(2)]
    assert [a.status_code for a in answers] == [303, 303]
    assert answers[1].headers["Location"] == answers[0].headers["Location"]
    db.session.expire_all()
    month = royalty_services.month("2024-03")
    assert month.state is MonthState.PAID and month.voucher_no == "125/PC"
    # without the token, the second payment is refused (the month is paid): the token is
    # what makes the resend answer like the first
    again = post(payer, pay, {k: v for k, v in form.items() if k != "form_token"})
    assert again.status_code == 409  # told who paid it, and when


def test_importing_the_same_upload_twice_imports_once_and_answers_the_same(
    client,
    district,  # noqa: F811
):
    login(client, make_user("admin"))
    page = client.get("/bao-cao/nhap-tin-bai").get_data(as_text=True)
    token = _token(page, "/bao-cao/nhap-tin-bai")
    text = to_csv(import_rows()[:12])

    def upload():
        data = {"file": (BytesIO(text.encode("utf-8")), "tin-cu.csv"), "form_token": token}
        return post(
            client, "/bao-cao/nhap-tin-bai", data, htmx=True, content_type="multipart/form-data"
        )

    first, second = upload(), upload()
    assert first.status_code == second.status_code == 200
    assert "Đã nhập 12 tin, bài; bỏ qua 0 tin, bài đã có." in first.get_data(as_text=True)
    assert "Đã nhập 12 tin, bài; bỏ qua 0 tin, bài đã có." in second.get_data(as_text=True)
    assert _count(Piece) == 12
    # a new upload of the same file is a new import: it skips what is there
    token = idempotency.new_token()
    third = upload()
    assert "bỏ qua 12 tin, bài đã có" in third.get_data(as_text=True)
    assert _count(Piece) == 12
