from urllib.parse import urlsplit

from flask import flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from config import Config
from webapp import dblocks
from webapp.access import public, signed_in
from webapp.auth import bp, services, two_factor_routes
from webapp.auth.forms import ChangePasswordForm, LoginForm
from webapp.demo_data import DEMO_PASSWORD
from webapp.extensions import db
from webapp.forms import ActionForm
from webapp.htmx import render


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never an open redirect."""
    if target and target.startswith("/") and not target.startswith("//"):
        if not urlsplit(target).netloc:
            return target
    return url_for("dashboard.home")


@bp.route("/dang-nhap", methods=["GET", "POST"])
@public
@dblocks.reads_first  # the password check must not hold SQLite's write lock
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.home"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        user = services.authenticate(form.username.data, form.password.data)
        if user is not None and user.has_two_factor:
            db.session.commit()
            return two_factor_routes.begin_second_step(
                user, form.remember.data, _safe_next(request.args.get("next"))
            )
        if user is not None:
            dblocks.take_write_lock()
            services.record_login(user)
            login_user(user, remember=form.remember.data)
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append(
            _("Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đã bị khóa.")
        )
        status = 422
    elif form.is_submitted():
        status = 422
    return render(
        "auth/login.html",
        form=form,
        status=status,
        demo_accounts=services.demo_accounts(),
        demo_password=DEMO_PASSWORD,
    )


@bp.route("/dang-xuat", methods=["POST"])
@public
def logout():
    if ActionForm().validate_on_submit():
        logout_user()
        flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/tai-khoan/mat-khau", methods=["GET", "POST"])
@signed_in
def change_password():
    form = ChangePasswordForm()
    status = 200
    if form.validate_on_submit():
        if services.change_password(
            current_user, form.current_password.data, form.new_password.data
        ):
            db.session.commit()
            flash(_("Đã đổi mật khẩu."), "success")
            return redirect(url_for("dashboard.home"))
        form.current_password.errors.append(_("Mật khẩu hiện tại không đúng."))
        status = 422
    elif form.is_submitted():
        status = 422
    return render("auth/password.html", "auth/_password_form.html", form=form, status=status)


@bp.route("/ngon-ngu/<code>", methods=["POST"])
@public
def set_language(code):
    if code in Config.LANGUAGES and ActionForm().validate_on_submit():
        session["locale"] = code
        if current_user.is_authenticated:
            current_user.locale = code
            db.session.commit()
    return redirect(_safe_next(request.form.get("next")))
