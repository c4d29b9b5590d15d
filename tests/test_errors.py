"""Errors say what to do: every error status is a page in the site's layout (a fragment for
htmx), in Vietnamese or English; a database that cannot be reached is a 503 with
Retry-After, and the app recovers by itself once it is back."""

import socket
import sys
import threading
import time
from types import SimpleNamespace

import pytest
from flask import abort
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url

from config import BASE_DIR
from tests.conftest import IS_POSTGRES, Client, Config, login, post
from tests.factories import make_unit, make_user
from webapp import create_app
from webapp.access import public
from webapp.extensions import db, login_manager

STATUSES = [400, 403, 404, 405, 409, 413, 422, 429, 500, 503]
# What each page says, in Vietnamese and in English (a word of the title and of the advice).
SAYS = {
    400: (("Yêu cầu không hợp lệ", "thử lại"), ("Bad request", "try again")),
    403: (("Không có quyền", "quản trị viên"), ("Access denied", "administrator")),
    404: (("Không tìm thấy trang", "trang chính"), ("Page not found", "home page")),
    405: (("không được hỗ trợ", "trang trước"), ("not supported", "previous page")),
    409: (("người khác thay đổi", "Tải lại trang"), ("changed by someone else", "Reload")),
    413: (("Tệp quá lớn", "tệp nhỏ hơn"), ("File too large", "smaller file")),
    422: (("Dữ liệu chưa đúng", "gửi lại"), ("not valid", "submit again")),
    429: (("Quá nhiều yêu cầu", "đợi một lát"), ("Too many requests", "wait")),
    500: (("Đã có lỗi xảy ra", "báo quản trị viên"), ("Something went wrong", "administrator")),
    503: (("tạm thời gián đoạn", "thử lại sau"), ("temporarily unavailable", "try again")),
}


@pytest.fixture(scope="module")
def error_app():
    """The app, with one route that answers a given error status and one whose database is
    gone (a forced OperationalError, as SQLite or PostgreSQL raise when unreachable)."""
    app = create_app(Config)
    app.test_client_class = Client

    @app.route("/_thu-loi/<int:code>")
    @public
    def answer_error(code):
        if code == 500:
            raise RuntimeError("a bug")
        abort(code)

    @app.route("/_thu-loi/csdl")
    @public
    def database_gone():
        raise sa_exc.OperationalError("SELECT 1", {}, ConnectionRefusedError("refused"))

    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: a bug becomes the 500 page
    return app


def _status_of(client, code, htmx=False):
    return client.get(f"/_thu-loi/{code}", headers={"HX-Request": "true"} if htmx else {})


@pytest.fixture
def _allow_5xx():
    """These tests answer 500 and 503 on purpose (the suite otherwise refuses any 5xx)."""
    yield
    # pytest loads tests/conftest.py as the module "conftest"; the tests import it as well.
    for name in ("conftest", "tests.conftest"):
        if name in sys.modules:
            sys.modules[name].SERVER_ERRORS.clear()


@pytest.mark.parametrize("code", STATUSES)
def test_every_error_status_is_a_page_in_the_layout_in_both_languages(error_app, code, _allow_5xx):
    client = error_app.test_client()
    for lang, (title, advice) in zip(("vi", "en"), SAYS[code], strict=True):
        if lang == "en":
            post(client, "/ngon-ngu/en", {"next": "/"})
        response = _status_of(client, code)
        html = response.get_data(as_text=True)
        assert response.status_code == code
        assert response.mimetype == "text/html"
        assert '<header class="topbar">' in html and "<footer" in html  # the site's layout
        assert f'lang="{lang}"' in html
        assert title.lower() in html.lower(), (code, lang)
        assert advice.lower() in html.lower(), (code, lang)


@pytest.mark.parametrize("code", STATUSES)
def test_htmx_gets_a_fragment_not_a_page(error_app, code, _allow_5xx):
    response = _status_of(error_app.test_client(), code, htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == code
    assert "<html" not in html and "topbar" not in html
    assert 'class="error-page"' in html and "error-hint" in html


def test_htmx_error_responses_are_not_swapped_but_shown_as_a_message(client):
    """The htmx config swaps 2xx/3xx and the 422 form pages only; app.js shows the rest."""
    html = client.get("/dang-nhap").get_data(as_text=True)
    assert '{"code":"[45]..","swap":false,"error":true}' in html
    js = (BASE_DIR / "static" / "js" / "app.js").read_text()
    assert "htmx:responseError" in js and ".error-hint" in js


def test_a_bad_parameter_page_names_the_parameter(client):
    editor = make_user("editor", unit=make_unit())
    login(client, editor)
    response = client.get("/bien-tap?page=99999999999999999999")
    assert response.status_code == 400
    assert "page" in response.get_data(as_text=True)
    assert client.get("/bien-tap?page=-1").status_code == 400
    assert client.get("/bien-tap?page=2").status_code == 200


def test_database_unreachable_is_a_503_with_retry_after(error_app, _allow_5xx):
    for htmx in (False, True):
        response = error_app.test_client().get(
            "/_thu-loi/csdl", headers={"HX-Request": "true"} if htmx else {}
        )
        assert response.status_code == 503
        assert int(response.headers["Retry-After"]) > 0
        assert "tạm thời gián đoạn" in response.get_data(as_text=True)


def test_signed_in_page_with_the_database_down_then_back(client, monkeypatch, _allow_5xx):
    """The user loader is the first to touch the database: its OperationalError is a 503
    page that needs no database (no user shown), and the next request works again."""
    user = make_user("editor", unit=make_unit(), full_name="Phan Thị Hạnh")
    login(client, user)
    real_loader = login_manager._user_callback

    def unreachable(user_id):
        raise sa_exc.OperationalError(
            "SELECT users", {}, ConnectionRefusedError("connection refused")
        )

    monkeypatch.setattr(login_manager, "_user_callback", unreachable)
    for htmx in (False, True):
        response = client.get("/toa-soan", headers={"HX-Request": "true"} if htmx else {})
        html = response.get_data(as_text=True)
        assert response.status_code == 503
        assert response.headers["Retry-After"]
        assert "Không kết nối được cơ sở dữ liệu" in html
        assert "Phan Thị Hạnh" not in html
        assert ('<header class="topbar">' in html) is not htmx
    monkeypatch.setattr(login_manager, "_user_callback", real_loader)
    response = client.get("/toa-soan")
    assert response.status_code == 200
    assert "Phan Thị Hạnh" in response.get_data(as_text=True)


class _Proxy:
    """A TCP forwarder to the database that can be stopped (the database is "down") and
    started again on the same port."""

    def __init__(self, target):
        self.target = target
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.sockets = []
        self.listener = None

    def start(self):
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen(16)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(a, b):
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        finally:
            for s in (a, b):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def stop(self):
        try:
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() of the thread
        except OSError:
            pass
        self.listener.close()
        for s in self.sockets:
            try:
                s.shutdown(socket.SHUT_RDWR)
                s.close()
            except OSError:
                pass
        self.sockets = []


@pytest.mark.real_commits
@pytest.mark.skipif(not IS_POSTGRES, reason="needs a PostgreSQL server to cut off")
def test_postgresql_going_away_and_coming_back(app, _allow_5xx):
    """For real: the app's connections to PostgreSQL go through a proxy that is stopped,
    then started again; the app answers 503 meanwhile and recovers by itself."""
    url = make_url(Config.SQLALCHEMY_DATABASE_URI)
    proxy = _Proxy((url.host or "127.0.0.1", url.port or 5432))
    proxy.start()

    class Cut(Config):
        SQLALCHEMY_DATABASE_URI = url.set(host="127.0.0.1", port=proxy.port).render_as_string(
            hide_password=False
        )

    cut = create_app(Cut)
    cut.test_client_class = Client
    with cut.app_context():
        user = make_user("editor", unit=make_unit(), full_name="Võ Minh Khang")
        db.session.commit()
        user = SimpleNamespace(username=user.username)
    client = cut.test_client()
    try:
        login(client, user)
        assert client.get("/toa-soan").status_code == 200
        proxy.stop()
        response = client.get("/toa-soan")
        assert response.status_code == 503
        assert response.headers["Retry-After"]
        assert "Võ Minh Khang" not in response.get_data(as_text=True)
        assert client.get("/", headers={"HX-Request": "true"}).status_code == 503
        proxy.start()
        started = time.monotonic()
        response = client.get("/toa-soan")
        assert response.status_code == 200
        assert "Võ Minh Khang" in response.get_data(as_text=True)
        assert time.monotonic() - started < 5
    finally:
        proxy.stop()
        with cut.app_context():
            db.session.remove()
            db.engine.dispose()
