"""Admin screens: units, users, categories, topics, genres, the audit trail."""

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select

from webapp.access import roles
from webapp.admin import bp
from webapp.admin.forms import GenreForm, TermForm, UnitForm, UserForm
from webapp.audit.labels import ENTITY_LABELS
from webapp.audit.models import AuditEntry
from webapp.auth import services as users
from webapp.auth import two_factor
from webapp.auth.models import User, UserRole
from webapp.auth.sessions import request_origin
from webapp.extensions import db
from webapp.forms import ActionForm
from webapp.htmx import is_htmx, render
from webapp.inline import inline_edit, inline_row, list_changed, submit
from webapp.pagination import paginate
from webapp.params import choice_arg, int_arg, text_arg
from webapp.roles import Role
from webapp.services import ServiceError, apply_error
from webapp.taxonomy import services as terms
from webapp.taxonomy.models import Category, Genre, Topic
from webapp.text import fold
from webapp.units import services as units
from webapp.units.models import Unit, UnitGroup

admin_only = roles(Role.ADMIN)


def _require_action_form():
    if not ActionForm().validate_on_submit():
        abort(400)


# --- units ----------------------------------------------------------------------


def _units_page(form=None, status=200):
    page = paginate(Unit.ordered(), per_page=100)
    return render(
        "admin/units.html",
        "admin/_units_panel.html",
        page=page,
        form=form or UnitForm(formdata=None),
        status=status,
        grouped=_grouped,
    )


def _grouped(items):
    """Units split by group, group I first, keeping their order."""
    return [(g, rows) for g in UnitGroup if (rows := [u for u in items if u.group == g])]


@bp.route("/don-vi")
@admin_only
def unit_list():
    return _units_page()


@bp.route("/don-vi", methods=["POST"])
@admin_only
def unit_create():
    form = UnitForm()
    unit = submit(form, units.create_unit)
    if unit:
        message = _("Đã thêm đơn vị “%(name)s”.", name=unit.name)
        return list_changed(message, url_for("admin.unit_list"), _units_page)
    return _units_page(form=form, status=422)


@bp.route("/don-vi/<int:unit_id>")
@admin_only
def unit_row(unit_id):
    unit = db.get_or_404(Unit, unit_id)
    edit_url = url_for("admin.unit_edit", unit_id=unit.id)
    return inline_row(edit_url, "admin/_unit_row.html", unit=unit)


@bp.route("/don-vi/<int:unit_id>/sua", methods=["GET", "POST"])
@admin_only
def unit_edit(unit_id):
    unit = db.get_or_404(Unit, unit_id)
    form = UnitForm(obj=unit if request.method == "GET" else None)
    if request.method == "GET":
        form.group.data = unit.group.value
    return inline_edit(
        submit(form, units.update_unit, unit),
        form,
        row_template="admin/_unit_row.html",
        edit_template="admin/_unit_row_edit.html",
        full_template="admin/unit_edit.html",
        done_url=url_for("admin.unit_list"),
        saved_message=_("Đã lưu đơn vị “%(name)s”.", name=unit.name),
        unit=unit,
    )


@bp.route("/don-vi/<int:unit_id>/di-chuyen/<direction>", methods=["POST"])
@admin_only
def unit_move(unit_id, direction):
    unit = db.get_or_404(Unit, unit_id)
    _require_action_form()
    if direction not in ("len", "xuong"):
        abort(404)
    units.move_unit(current_user, unit, -1 if direction == "len" else 1)
    db.session.commit()
    if not is_htmx():
        return redirect(url_for("admin.unit_list"))
    return _units_page()


@bp.route("/don-vi/<int:unit_id>/trang-thai", methods=["POST"])
@admin_only
def unit_toggle(unit_id):
    unit = db.get_or_404(Unit, unit_id)
    _require_action_form()
    units.set_unit_active(current_user, unit, not unit.active)
    db.session.commit()
    if unit.active:
        flash(_("Đã mở lại đơn vị “%(name)s”.", name=unit.name), "success")
    else:
        flash(_("Đã ngừng hoạt động đơn vị “%(name)s”.", name=unit.name), "success")
    if not is_htmx():
        return redirect(url_for("admin.unit_list"))
    return render("admin/_unit_row.html", "admin/_unit_row.html", unit=unit)


# --- users ----------------------------------------------------------------------


def _all_units():
    return db.session.scalars(Unit.ordered()).all()


@bp.route("/nguoi-dung")
@admin_only
def user_list():
    q = text_arg("q")
    unit_id = int_arg("unit")
    role = request.args.get("role", "")
    query = select(User).order_by(User.active.desc(), User.full_name, User.id)
    if q:
        pattern = f"%{q.lower()}%"
        query = query.where(
            or_(
                User.username.ilike(pattern),
                User.full_name.ilike(pattern),
                User.email.ilike(pattern),
            )
        )
    if unit_id:
        query = query.where(User.unit_id == unit_id)
    if role in {r.value for r in Role}:
        query = query.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
    page = paginate(query)
    return render(
        "admin/users.html",
        "admin/_users_table.html",
        page=page,
        units=_all_units(),
        q=q,
        unit_id=unit_id,
        role=role,
        fold=fold,
    )


def _user_form_values(form):
    return dict(
        username=form.username.data,
        full_name=form.full_name.data,
        email=form.email.data,
        unit_id=form.unit_id.data or None,
        roles=form.roles.data,
    )


@bp.route("/nguoi-dung/moi", methods=["GET", "POST"])
@admin_only
def user_create():
    form = UserForm(units=_all_units())
    if request.method == "GET":
        form.roles.data = [Role.CONTRIBUTOR.value]
    status = 200
    if form.validate_on_submit():
        try:
            user, password = users.create_user(current_user, **_user_form_values(form))
        except ServiceError as err:
            db.session.rollback()
            apply_error(form, err)
            status = 422
        else:
            db.session.commit()
            flash(_("Đã tạo tài khoản “%(name)s”.", name=user.username), "success")
            return render("admin/user_password.html", user=user, password=password)
    elif form.is_submitted():
        status = 422
    return render(
        "admin/user_form.html", "admin/_user_form.html", form=form, user=None, status=status
    )


@bp.route("/nguoi-dung/<int:user_id>", methods=["GET", "POST"])
@admin_only
def user_edit(user_id):
    user = db.get_or_404(User, user_id)
    form = UserForm(obj=user if request.method == "GET" else None, units=_all_units())
    if request.method == "GET":
        form.unit_id.data = str(user.unit_id or "")
        form.roles.data = [r.value for r in user.sorted_roles()]
    status = 200
    if form.validate_on_submit():
        try:
            users.update_user(current_user, user, **_user_form_values(form))
        except ServiceError as err:
            db.session.rollback()
            user = db.get_or_404(User, user_id)
            apply_error(form, err)
            status = 422
        else:
            db.session.commit()
            flash(_("Đã lưu tài khoản “%(name)s”.", name=user.username), "success")
            if not is_htmx():
                return redirect(url_for("admin.user_list"))
    elif form.is_submitted():
        status = 422
    return render(
        "admin/user_form.html", "admin/_user_form.html", form=form, user=user, status=status
    )


@bp.route("/nguoi-dung/<int:user_id>/dat-lai-mat-khau", methods=["POST"])
@admin_only
def user_reset_password(user_id):
    user = db.get_or_404(User, user_id)
    _require_action_form()
    password = users.reset_password(current_user, user)
    db.session.commit()
    return render(
        "admin/user_password.html", "admin/_user_password.html", user=user, password=password
    )


@bp.route("/nguoi-dung/<int:user_id>/xac-thuc-hai-buoc", methods=["POST"])
@admin_only
def user_reset_two_factor(user_id):
    """A lost phone: the admin clears the user's second factor, audited."""
    user = db.get_or_404(User, user_id)
    _require_action_form()
    try:
        two_factor.admin_reset(current_user, user, request_origin())
    except ServiceError as err:
        db.session.rollback()
        flash(str(err.message), "error")
    else:
        db.session.commit()
        flash(
            _("Đã xóa xác thực hai bước của “%(name)s”.", name=user.username),
            "success",
        )
    return redirect(url_for("admin.user_edit", user_id=user.id))


@bp.route("/nguoi-dung/<int:user_id>/trang-thai", methods=["POST"])
@admin_only
def user_toggle(user_id):
    user = db.get_or_404(User, user_id)
    _require_action_form()
    try:
        users.set_user_active(current_user, user, not user.active)
    except ServiceError as err:
        db.session.rollback()
        flash(str(err.message), "error")
    else:
        db.session.commit()
        if user.active:
            flash(_("Đã mở khóa tài khoản “%(name)s”.", name=user.username), "success")
        else:
            flash(_("Đã khóa tài khoản “%(name)s”.", name=user.username), "success")
    return redirect(url_for("admin.user_edit", user_id=user.id))


@bp.route("/nguoi-dung/<int:user_id>/mo-khoa-dang-nhap", methods=["POST"])
@admin_only
def user_unlock(user_id):
    """Let an account locked by wrong passwords sign in again at once."""
    user = db.get_or_404(User, user_id)
    _require_action_form()
    users.unlock(current_user, user)
    db.session.commit()
    flash(_("Đã mở khóa đăng nhập cho “%(name)s”.", name=user.username), "success")
    return redirect(url_for("admin.user_edit", user_id=user.id))


# --- categories, topics, genres ----------------------------------------------------

TERM_KINDS = {
    "chuyen-muc": (Category, TermForm),
    "linh-vuc": (Topic, TermForm),
    "the-loai": (Genre, GenreForm),
}


def _kind(kind):
    if kind not in TERM_KINDS:
        abort(404)
    return TERM_KINDS[kind]


def _term_order(model):
    if model is Category:
        return (Category.display_order, Category.id)
    return (model.name, model.id)


def _terms_page(kind, form=None, status=200):
    model, form_class = _kind(kind)
    page = paginate(select(model).order_by(*_term_order(model)), per_page=100)
    return render(
        "admin/terms.html",
        "admin/_terms_panel.html",
        kind=kind,
        model=model,
        page=page,
        form=form or form_class(formdata=None),
        status=status,
    )


@bp.route("/danh-muc/<kind>")
@admin_only
def term_list(kind):
    return _terms_page(kind)


@bp.route("/danh-muc/<kind>", methods=["POST"])
@admin_only
def term_create(kind):
    model, form_class = _kind(kind)
    form = form_class()
    term = submit(form, terms.create_term, model)
    if term:
        message = _("Đã thêm “%(name)s”.", name=term.name)
        return list_changed(
            message, url_for("admin.term_list", kind=kind), lambda: _terms_page(kind)
        )
    return _terms_page(kind, form=form, status=422)


@bp.route("/danh-muc/<kind>/<int:term_id>")
@admin_only
def term_row(kind, term_id):
    model, _form = _kind(kind)
    term = db.get_or_404(model, term_id)
    edit_url = url_for("admin.term_edit", kind=kind, term_id=term.id)
    return inline_row(edit_url, "admin/_term_row.html", kind=kind, model=model, term=term)


@bp.route("/danh-muc/<kind>/<int:term_id>/sua", methods=["GET", "POST"])
@admin_only
def term_edit(kind, term_id):
    model, _form = _kind(kind)
    term = db.get_or_404(model, term_id)
    form = TermForm(obj=term if request.method == "GET" else None)
    return inline_edit(
        submit(form, terms.update_term, term),
        form,
        row_template="admin/_term_row.html",
        edit_template="admin/_term_row_edit.html",
        full_template="admin/term_edit.html",
        done_url=url_for("admin.term_list", kind=kind),
        saved_message=_("Đã lưu “%(name)s”.", name=term.name),
        kind=kind,
        model=model,
        term=term,
    )


@bp.route("/danh-muc/<kind>/<int:term_id>/trang-thai", methods=["POST"])
@admin_only
def term_toggle(kind, term_id):
    model, _form = _kind(kind)
    term = db.get_or_404(model, term_id)
    _require_action_form()
    terms.set_term_active(current_user, term, not term.active)
    db.session.commit()
    if not is_htmx():
        return redirect(url_for("admin.term_list", kind=kind))
    return render("admin/_term_row.html", kind=kind, model=model, term=term)


@bp.route("/danh-muc/the-loai/<int:term_id>/ky-duyet", methods=["POST"])
@admin_only
def genre_signoff(term_id):
    """Switch the chief editor's sign-off step for a genre."""
    genre = db.get_or_404(Genre, term_id)
    _require_action_form()
    terms.set_genre_signoff(current_user, genre, not genre.requires_signoff)
    db.session.commit()
    if not is_htmx():
        return redirect(url_for("admin.term_list", kind="the-loai"))
    return render("admin/_term_row.html", kind="the-loai", model=Genre, term=genre)


# --- audit ------------------------------------------------------------------------

AUDIT_ENTITIES = tuple(ENTITY_LABELS)
SIGN_IN_RESULTS = users.ACCOUNT_ACTIONS


@bp.route("/dang-nhap")
@admin_only
def sign_in_log():
    """Every sign-in, failure, lock, sign-out and password change; by account and result."""
    q = request.args.get("q", "").strip().lower()
    result = request.args.get("result", "")
    query = (
        select(AuditEntry)
        .where(
            AuditEntry.entity_type == User.__tablename__,
            AuditEntry.action.in_(SIGN_IN_RESULTS),
        )
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    )
    if q:
        # the name as typed (also for names that are no one's), and the account's own
        # entries under an earlier username
        named = AuditEntry.entity_label == users.normalise_username(q)
        user = users.find_user(q)
        query = query.where(or_(named, AuditEntry.entity_id == user.id) if user else named)
    if result in SIGN_IN_RESULTS:
        query = query.where(AuditEntry.action == result)
    page = paginate(query, per_page=50)
    return render(
        "admin/sign_ins.html",
        "admin/_sign_ins_table.html",
        page=page,
        q=q,
        result=result,
        results=SIGN_IN_RESULTS,
    )


@bp.route("/nhat-ky")
@admin_only
def audit_log():
    entity = choice_arg("entity", AUDIT_ENTITIES)
    query = select(AuditEntry).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    if entity:
        query = query.where(AuditEntry.entity_type == entity)
    page = paginate(query, per_page=50)
    return render(
        "admin/audit.html",
        "admin/_audit_table.html",
        page=page,
        entity=entity,
        entities=AUDIT_ENTITIES,
    )
