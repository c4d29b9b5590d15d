import math
import time
from urllib.parse import urlsplit

from flask import abort, current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from config import Config
from webapp import dblocks
from webapp.access import public, signed_in
from webapp.auth import bp, services, two_factor_routes
from webapp.auth.forms import ChangePasswordForm, LoginForm
from webapp.auth.sessions import request_origin, start_session
from webapp.demo_data import DEMO_PASSWORD
from webapp.extensions import db, limiter
from webapp.forms import ActionForm
from webapp.htmx import hx_redirect, is_htmx, render
from webapp.services import ServiceError, apply_error


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never an open redirect."""
    if target and target.startswith("/") and not target.startswith("//"):
        if not urlsplit(target).netloc:
            return target
    return url_for("dashboard.home")


def _has_remember_cookie() -> bool:
    return request.cookies.get(current_app.config["REMEMBER_COOKIE_NAME"]) is not None


def _sign_in_failed(response) -> bool:
    """Flask-Limiter counts a sign-in against the address only when it failed."""
    return bool(g.get("sign_in_failed"))


def _address_limited(limit):
    """Too many failed sign-ins from this address: the sign-in page, answering 429."""
    minutes = max(1, math.ceil((limit.reset_at - time.time()) / 60))
    form = LoginForm()
    form.form_errors.append(
        _("Quá nhiều lần đăng nhập sai từ địa chỉ này; thử lại sau %(n)s phút.", n=minutes)
    )
    response = render("auth/login.html", form=form, status=429)
    response.headers["Retry-After"] = str(minutes * 60)
    return response


@bp.route("/dang-nhap", methods=["GET", "POST"])
@public
@dblocks.reads_first  # the password check must not hold SQLite's write lock
@limiter.limit(
    lambda: current_app.config["LOGIN_ADDRESS_LIMIT"],
    methods=["POST"],
    deduct_when=_sign_in_failed,
    on_breach=_address_limited,
)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.home"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        result = services.authenticate(form.username.data, form.password.data, request_origin())
        if result.user is not None and result.user.has_two_factor:
            db.session.commit()
            return two_factor_routes.begin_second_step(
                result.user, form.remember.data, _safe_next(request.args.get("next"))
            )
        if result.user is not None:
            start_session(result.user, remember=form.remember.data)
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")))
        g.sign_in_failed = True
        db.session.commit()  # the failure counted, and logged
        if result.locked_minutes:
            form.form_errors.append(
                _(
                    "Quá nhiều lần đăng nhập sai; thử lại sau %(n)s phút.",
                    n=result.locked_minutes,
                )
            )
            status = 429
        else:
            form.password.errors.append(
                _("Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đã bị khóa.")
            )
            status = 422
    elif form.is_submitted():
        status = 422
    response = render(
        "auth/login.html",
        form=form,
        status=status,
        demo_accounts=services.demo_accounts(),
        demo_password=DEMO_PASSWORD,
    )
    if status == 429:
        response.headers["Retry-After"] = str(result.locked_minutes * 60)
    return response


@bp.route("/dang-xuat", methods=["POST"])
@public
def logout():
    if ActionForm().validate_on_submit():
        if current_user.is_authenticated:
            services.sign_out(current_user, request_origin())
            db.session.commit()
        logout_user()
        flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/tai-khoan")
@signed_in
def account():
    return render(
        "auth/account.html",
        form=ChangePasswordForm(formdata=None),
        sign_ins=services.recent_sign_ins(current_user),
    )


@bp.route("/tai-khoan/dang-xuat-moi-thiet-bi", methods=["POST"])
@signed_in
def logout_everywhere():
    if not ActionForm().validate_on_submit():
        abort(400)
    services.sign_out(current_user, request_origin(), everywhere=True)
    db.session.commit()
    logout_user()
    flash(_("Bạn đã đăng xuất khỏi mọi thiết bị."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/tai-khoan/mat-khau", methods=["GET", "POST"])
@signed_in
def change_password():
    form = ChangePasswordForm()
    status = 200
    if form.validate_on_submit():
        refusal = services.check_current_password(
            current_user, form.current_password.data, request_origin()
        )
        db.session.commit()  # a wrong password counts against the account, as at sign-in
        if refusal is not None:
            form.current_password.errors.append(refusal)
            status = 422  # re-rendered in place (htmx swaps 422, not 429)
        else:
            try:
                services.change_password(
                    current_user,
                    form.current_password.data,
                    form.new_password.data,
                    request_origin(),
                )
            except ServiceError as err:
                db.session.rollback()
                apply_error(form, err)
                status = 422
            else:
                remember = _has_remember_cookie()
                db.session.commit()
                # Every other session has ended; this one goes on, with the new token.
                start_session(current_user._get_current_object(), remember=remember)
                flash(_("Đã đổi mật khẩu. Các thiết bị khác đã được đăng xuất."), "success")
                if is_htmx():
                    return hx_redirect(url_for("auth.account"))
                return redirect(url_for("auth.account"))
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
