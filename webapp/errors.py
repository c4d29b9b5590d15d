"""Error pages in the user's language: never a bare 500.

Every error status gets a page in the site's layout (a fragment for htmx, which
shows it as a message) saying what happened and what to do. When the database
cannot be reached, the answer is a 503 with ``Retry-After`` and a page that needs
no database; the pool's pre-ping lets the next request succeed once it is back.
"""

from flask import current_app, g, make_response, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc as sa_exc
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import HTTPException, InternalServerError

from webapp.extensions import db, login_manager
from webapp.htmx import is_htmx
from webapp.params import BadParameter

# Seconds a client (or a proxy) should wait before trying again when the database is down.
RETRY_AFTER_SECONDS = 30


def is_database_down(err: BaseException | None) -> bool:
    """The database cannot be reached: a lost or refused connection, or a full pool."""
    if isinstance(err, sa_exc.OperationalError | sa_exc.InterfaceError | sa_exc.TimeoutError):
        return True
    return isinstance(err, sa_exc.DBAPIError) and err.connection_invalidated


def _forget_user() -> None:
    """Show the error page as to a visitor: the signed-in user cannot be read, or is stale."""
    g._login_user = login_manager.anonymous_user()


def _rollback() -> None:
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - a dead connection must not hide the page
        current_app.logger.warning("rollback failed while answering an error", exc_info=True)


def _texts(status: int) -> tuple[str, str, str]:
    """(title, what happened, what to do) for a status."""
    limit_mb = (current_app.config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024)
    texts = {
        400: (
            _("Yêu cầu không hợp lệ"),
            _("Yêu cầu gửi lên có giá trị mà hệ thống không dùng được."),
            _("Quay lại trang trước, kiểm tra các ô đã nhập rồi thử lại."),
        ),
        403: (
            _("Không có quyền truy cập"),
            _("Tài khoản của bạn không được phép làm việc này."),
            _("Nếu bạn cần quyền này, hãy liên hệ quản trị viên."),
        ),
        404: (
            _("Không tìm thấy trang"),
            _("Trang bạn tìm không tồn tại hoặc đã bị gỡ."),
            _("Kiểm tra lại đường dẫn, hoặc về trang chính để tìm lại."),
        ),
        405: (
            _("Thao tác không được hỗ trợ"),
            _("Trang này không nhận thao tác đó."),
            _("Quay lại trang trước và dùng các nút trên trang."),
        ),
        409: (
            _("Dữ liệu vừa được người khác thay đổi"),
            _("Thao tác của bạn trùng với một thay đổi khác nên chưa được lưu."),
            _("Tải lại trang để xem bản mới nhất rồi làm lại."),
        ),
        413: (
            _("Tệp quá lớn"),
            _("Tệp gửi lên vượt quá dung lượng cho phép (%(limit)d MB).", limit=limit_mb),
            _("Chọn tệp nhỏ hơn, hoặc thu nhỏ ảnh rồi gửi lại."),
        ),
        422: (
            _("Dữ liệu chưa đúng"),
            _("Dữ liệu gửi lên không đúng dạng nên chưa được lưu."),
            _("Kiểm tra lại các ô đã nhập rồi gửi lại."),
        ),
        429: (
            _("Quá nhiều yêu cầu"),
            _("Bạn đã gửi quá nhiều yêu cầu trong thời gian ngắn."),
            _("Vui lòng đợi một lát rồi thử lại."),
        ),
        500: (
            _("Đã có lỗi xảy ra"),
            _("Hệ thống gặp sự cố, không có thay đổi nào được lưu."),
            _("Vui lòng thử lại. Nếu vẫn lỗi, hãy báo quản trị viên kèm thời điểm xảy ra."),
        ),
        503: (
            _("Hệ thống tạm thời gián đoạn"),
            _("Không kết nối được cơ sở dữ liệu, không có thay đổi nào được lưu."),
            _("Vui lòng thử lại sau ít phút; hệ thống tự hoạt động lại khi kết nối được."),
        ),
    }
    return texts.get(status) or texts[500 if status >= 500 else 400]


def page(status: int, message: str | None = None, *, title: str | None = None, headers=None):
    """The error page for ``status``: the full page, or a fragment for htmx."""
    default_title, default_message, hint = _texts(status)
    context = {
        "status": status,
        "title": title or default_title,
        "message": message or default_message,
        "hint": hint,
    }
    template = "errors/_error.html" if is_htmx() else "errors/error.html"
    try:
        html = render_template(template, **context)
    except Exception as err:  # noqa: BLE001 - the error page itself must not fail
        # The layout asked the database for the signed-in user (or something else in it
        # failed): show the page as to a visitor, and at worst without the layout.
        current_app.logger.warning("error page %s rendered as to a visitor: %r", status, err)
        _rollback()
        _forget_user()
        try:
            html = render_template(template, **context)
        except Exception:  # noqa: BLE001
            html = render_template("errors/_error.html", **context)
    response = make_response(html, status)
    response.vary.add("HX-Request")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def database_down(err: BaseException):
    current_app.logger.error("database unreachable on %s: %s", request.path, err)
    _rollback()
    _forget_user()
    return page(503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


def register(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(e):
        return page(
            400,
            _("Biểu mẫu đã cũ hoặc thiếu mã bảo vệ. Vui lòng tải lại trang và thử lại."),
            title=_("Phiên làm việc đã hết hạn"),
        )

    @app.errorhandler(BadParameter)
    def bad_parameter(e):
        return page(400, str(e.description))

    @app.errorhandler(HTTPException)
    def http_error(e):
        if e.code is None or e.code < 400:
            return e
        if e.code >= 500:
            return server_error(e)
        if e.code == 413:
            _drain_request_body()
        headers = {}
        if e.code == 429 and getattr(e, "retry_after", None):
            headers["Retry-After"] = str(e.retry_after)
        return page(e.code, headers=headers)

    @app.errorhandler(sa_exc.DBAPIError)
    @app.errorhandler(sa_exc.TimeoutError)
    def database_error(e):
        if is_database_down(e):
            return database_down(e)
        raise e

    @app.errorhandler(429)
    def too_many_requests(e):
        if getattr(e, "response", None) is not None:  # a page made for it (Flask-Limiter)
            return e.response
        headers = {}
        if getattr(e, "retry_after", None):
            headers["Retry-After"] = str(e.retry_after)
        return page(429, headers=headers)

    @app.errorhandler(500)
    def server_error(e):
        original = getattr(e, "original_exception", None)
        if is_database_down(original):
            return database_down(original)
        _rollback()
        if isinstance(e, InternalServerError) or e.code == 500:
            app.logger.error("error on %s", request.path, exc_info=original or e)
        status = e.code if isinstance(e, HTTPException) and e.code else 500
        headers = {"Retry-After": str(RETRY_AFTER_SECONDS)} if status == 503 else None
        return page(status, headers=headers)


# Read at most this much of a refused upload, so that the browser gets the 413 page
# instead of a connection reset; a larger body is not worth the bandwidth.
MAX_DRAIN_BYTES = 256 * 1024 * 1024


def _drain_request_body() -> None:
    """Read and drop what is left of a too-large request body.

    A server that answers before reading the body and then closes the socket makes
    the client's TCP stack see a reset: the browser shows "connection reset" instead
    of our page. Reading the rest first lets the answer arrive.
    """
    # The page's own forms (the language switch) must not parse the refused body again.
    request.__dict__["form"] = ImmutableMultiDict()
    request.__dict__["files"] = ImmutableMultiDict()
    stream = request.environ.get("wsgi.input")
    length = request.content_length
    if stream is None or not length or length > MAX_DRAIN_BYTES:
        return
    remaining = length
    try:
        while remaining > 0:
            chunk = stream.read(min(remaining, 1024 * 1024))
            if not chunk:
                break
            remaining -= len(chunk)
    except (OSError, ValueError):
        pass
