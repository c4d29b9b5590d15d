"""The admin's settings screen: the letterhead and the logo."""

from flask import current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp import storage
from webapp.access import roles
from webapp.extensions import db
from webapp.htmx import render
from webapp.roles import Role
from webapp.services import ServiceError, apply_error
from webapp.settings import bp, services
from webapp.settings.forms import LetterheadForm, LogoForm


def _page(form=None, logo_form=None, status=200):
    head = services.letterhead()
    if form is None:
        form = LetterheadForm(
            formdata=None,
            district_name=head.district,
            board_name=head.board,
            place_name=head.place,
        )
    logo = services.get("logo")
    return render(
        "settings/index.html",
        form=form,
        logo_form=logo_form or LogoForm(formdata=None),
        logo_url=storage.url_path(logo) if logo else None,
        mail_server=current_app.config.get("MAIL_SERVER"),
        status=status,
    )


@bp.route("/quan-tri/cai-dat")
@roles(Role.ADMIN)
def index():
    return _page()


@bp.route("/quan-tri/cai-dat/tieu-de", methods=["POST"])
@roles(Role.ADMIN)
def letterhead():
    form = LetterheadForm()
    if not form.validate_on_submit():
        return _page(form=form, status=422)
    try:
        services.update_letterhead(
            current_user,
            district_name=form.district_name.data,
            board_name=form.board_name.data,
            place_name=form.place_name.data,
        )
    except ServiceError as err:
        db.session.rollback()
        apply_error(form, err)
        return _page(form=form, status=422)
    db.session.commit()
    flash(_("Đã lưu tiêu đề văn bản."), "success")
    return redirect(url_for("settings.index"))


@bp.route("/quan-tri/cai-dat/logo", methods=["POST"])
@roles(Role.ADMIN)
def logo():
    form = LogoForm()
    upload = request.files.get("logo")
    if not form.validate_on_submit() or upload is None or not upload.filename:
        form.logo.errors = [_("Vui lòng chọn tệp ảnh logo.")]
        return _page(logo_form=form, status=422)
    try:
        services.set_logo(current_user, upload.filename, upload.read())
    except ServiceError as err:
        db.session.rollback()
        form.logo.errors = [str(err.message)]
        return _page(logo_form=form, status=422)
    db.session.commit()
    flash(_("Đã lưu logo."), "success")
    return redirect(url_for("settings.index"))
