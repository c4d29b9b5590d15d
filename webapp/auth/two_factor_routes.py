"""The second factor's screens: the code after the password, and the user's own setup."""

import time

from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from webapp import access
from webapp.access import public, signed_in
from webapp.auth import bp, services, totp, two_factor
from webapp.auth.forms import TwoFactorCodeForm, TwoFactorDisableForm
from webapp.auth.models import User
from webapp.auth.sessions import request_origin, start_session
from webapp.extensions import db
from webapp.htmx import hx_redirect, is_htmx, render
from webapp.services import ServiceError, apply_error

PENDING = "two_factor_pending"  # the user who gave the right password, awaiting the code
SETUP = "two_factor_setup"  # a secret being set up, until the app's first code confirms it
PENDING_SECONDS = 300
MAX_CODE_TRIES = 5


def begin_second_step(user: User, remember: bool, next_url: str):
    """After the right password: ask for the code before signing in. Returns the redirect."""
    session[PENDING] = {
        "user_id": user.id,
        "remember": bool(remember),
        "next": next_url,
        "at": int(time.time()),
        "tries": 0,
    }
    return redirect(url_for("auth.login_code"))


def _pending_user() -> tuple[dict, User] | None:
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        session.pop(PENDING, None)
        return None
    user = db.session.get(User, pending.get("user_id"))
    if user is None or not user.active or not user.has_two_factor:
        session.pop(PENDING, None)
        return None
    return pending, user


@bp.route("/dang-nhap/ma-xac-thuc", methods=["GET", "POST"])
@public
def login_code():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.home"))
    found = _pending_user()
    if found is None:
        flash(_("Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại."), "info")
        return redirect(url_for("auth.login"))
    pending, user = found
    form = TwoFactorCodeForm()
    status = 200
    origin = request_origin()
    if form.validate_on_submit():
        if (minutes := services.lock_minutes_left(user)) is not None:
            session.pop(PENDING, None)
            flash(_("Quá nhiều lần đăng nhập sai; thử lại sau %(n)s phút.", n=minutes), "error")
            return redirect(url_for("auth.login"))
        if two_factor.verify(user, form.code.data, origin):
            services.complete_sign_in(user, origin)
            start_session(user, remember=pending["remember"])
            db.session.commit()
            return redirect(pending["next"])
        locked = services.second_factor_failed(user, origin)
        db.session.commit()
        pending["tries"] = pending.get("tries", 0) + 1
        session[PENDING] = pending
        if locked is not None:
            session.pop(PENDING, None)
            flash(_("Quá nhiều lần đăng nhập sai; thử lại sau %(n)s phút.", n=locked), "error")
            return redirect(url_for("auth.login"))
        if pending["tries"] >= MAX_CODE_TRIES:
            session.pop(PENDING, None)
            flash(_("Nhập sai mã quá nhiều lần. Vui lòng đăng nhập lại."), "error")
            return redirect(url_for("auth.login"))
        form.code.errors.append(_("Mã xác thực không đúng hoặc đã dùng."))
        status = 422
    elif form.is_submitted():
        status = 422
    return render("auth/login_code.html", form=form, status=status)


def _setup_secret() -> str:
    secret = session.get(SETUP)
    if not secret:
        secret = session[SETUP] = totp.new_secret()
    return secret


def _page(form=None, disable_form=None, codes=None, status=200):
    ctx = {
        "enabled": current_user.has_two_factor,
        "required": two_factor.required_for(current_user),
        "codes": codes,
        "form": form or TwoFactorCodeForm(formdata=None),
        "disable_form": disable_form or TwoFactorDisableForm(formdata=None),
    }
    if current_user.has_two_factor:
        ctx["remaining"] = two_factor.remaining_recovery_codes(current_user)
    else:
        secret = _setup_secret()
        ctx["secret"] = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
        # segno draws the SVG from our own data: nothing in it comes from the user.
        ctx["qr"] = Markup(
            totp.qr_svg(two_factor.setup_uri(current_user, secret), _("Mã QR để quét"))
        )
    return render("auth/two_factor.html", status=status, **ctx)


@bp.route("/tai-khoan/xac-thuc-hai-buoc")
@signed_in
def two_factor_page():
    return _page()


@bp.route("/tai-khoan/xac-thuc-hai-buoc/bat", methods=["POST"])
@signed_in
def two_factor_enable():
    form = TwoFactorCodeForm()
    if not form.validate_on_submit():
        return _page(form=form, status=422)
    try:
        codes = two_factor.enable(current_user, _setup_secret(), form.code.data, request_origin())
    except ServiceError as err:
        db.session.rollback()
        apply_error(form, err)
        return _page(form=form, status=422)
    db.session.commit()
    session.pop(SETUP, None)
    flash(_("Đã bật xác thực hai bước."), "success")
    return _page(codes=codes)


@bp.route("/tai-khoan/xac-thuc-hai-buoc/tat", methods=["POST"])
@signed_in
def two_factor_disable():
    form = TwoFactorDisableForm()
    if not form.validate_on_submit():
        return _page(disable_form=form, status=422)
    try:
        two_factor.disable(current_user, form.password.data, form.code.data, request_origin())
    except ServiceError as err:
        db.session.commit()  # a code that was used stays used
        apply_error(form, err)
        return _page(disable_form=form, status=422)
    db.session.commit()
    flash(_("Đã tắt xác thực hai bước."), "success")
    return redirect(url_for("auth.two_factor_page"))


@bp.route("/tai-khoan/xac-thuc-hai-buoc/ma-du-phong", methods=["POST"])
@signed_in
def two_factor_recovery_codes():
    form = TwoFactorCodeForm()
    if not form.validate_on_submit():
        return _page(form=form, status=422)
    try:
        codes = two_factor.regenerate_recovery_codes(current_user, form.code.data, request_origin())
    except ServiceError as err:
        db.session.rollback()
        apply_error(form, err)
        return _page(form=form, status=422)
    db.session.commit()
    flash(_("Đã tạo mã dự phòng mới; các mã cũ không dùng được nữa."), "success")
    return _page(codes=codes)


# Pages a user who must set up the second factor can still reach.
_SETUP_ENDPOINTS = {
    "auth.two_factor_page",
    "auth.two_factor_enable",
    "auth.logout",
    "auth.set_language",
}


@bp.before_app_request
def require_enrolment():
    """Where the setting demands it, a user of a money or admin role sets up the second
    factor before doing anything else."""
    if not current_app.config.get("TWO_FACTOR_REQUIRED") or request.endpoint is None:
        return None
    if request.endpoint in _SETUP_ENDPOINTS:
        return None
    rule = access.rule_for(request.endpoint)
    if rule is not None and rule.kind == "public":
        return None
    if not current_user.is_authenticated or current_user.has_two_factor:
        return None
    if not two_factor.required_for(current_user):
        return None
    target = url_for("auth.two_factor_page")
    if is_htmx():
        return hx_redirect(target)
    flash(_("Vai trò của bạn cần xác thực hai bước. Hãy cài đặt trước khi tiếp tục."), "info")
    return redirect(target)
