"""Error pages in the user's language: never a bare 500."""

from flask import render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from webapp.extensions import db
from webapp.htmx import is_htmx


def _page(status: int, title: str, message: str):
    template = "errors/_error.html" if is_htmx() else "errors/error.html"
    return render_template(template, status=status, title=title, message=message), status


def register(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(e):
        return _page(
            400,
            _("Phiên làm việc đã hết hạn"),
            _("Biểu mẫu đã cũ hoặc thiếu mã bảo vệ. Vui lòng tải lại trang và thử lại."),
        )

    @app.errorhandler(400)
    def bad_request(e):
        return _page(400, _("Yêu cầu không hợp lệ"), _("Yêu cầu gửi lên không hợp lệ."))

    @app.errorhandler(403)
    def forbidden(e):
        return _page(
            403, _("Không có quyền truy cập"), _("Tài khoản của bạn không được phép làm việc này.")
        )

    @app.errorhandler(404)
    def not_found(e):
        return _page(
            404, _("Không tìm thấy trang"), _("Trang bạn tìm không tồn tại hoặc đã bị gỡ.")
        )

    @app.errorhandler(405)
    def method_not_allowed(e):
        return _page(405, _("Thao tác không được hỗ trợ"), _("Trang này không nhận thao tác đó."))

    @app.errorhandler(413)
    def too_large(e):
        return _page(413, _("Tệp quá lớn"), _("Tệp gửi lên vượt quá dung lượng cho phép."))

    @app.errorhandler(429)
    def too_many_requests(e):
        if getattr(e, "response", None) is not None:  # a page made for it (Flask-Limiter)
            return e.response
        return _page(
            429, _("Quá nhiều yêu cầu"), _("Bạn đã thử quá nhiều lần. Vui lòng đợi ít phút.")
        )

    @app.errorhandler(500)
    def server_error(e):
        db.session.rollback()
        app.logger.exception("error on %s", request.path)
        return _page(
            500,
            _("Đã có lỗi xảy ra"),
            _("Hệ thống gặp sự cố, không có thay đổi nào được lưu. Vui lòng thử lại sau."),
        )
