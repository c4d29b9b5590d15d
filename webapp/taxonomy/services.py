"""Categories, topics and genres: one set of services for the three lists."""

from flask_babel import gettext as _
from sqlalchemy import func, select

from webapp.audit.services import record
from webapp.extensions import db
from webapp.services import ServiceError
from webapp.taxonomy.models import Category, Genre, Topic
from webapp.text import slugify

CODE_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_")


def _check_name(model, name: str, term_id: int | None = None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ServiceError(_("Vui lòng nhập tên."), "name")
    clash = db.session.scalar(
        select(model.id).where(func.lower(model.name) == name.lower(), model.id != (term_id or 0))
    )
    if clash:
        raise ServiceError(_("Tên “%(name)s” đã có trong danh sách.", name=name), "name")
    return name


def _unique_slug(name: str, term_id: int | None = None) -> str:
    base = slugify(name)
    slug, n = base, 2
    while db.session.scalar(
        select(Category.id).where(Category.slug == slug, Category.id != (term_id or 0))
    ):
        slug, n = f"{base}-{n}", n + 1
    return slug


def _check_code(code: str) -> str:
    code = (code or "").strip().lower()
    if not code or not set(code) <= CODE_CHARS:
        raise ServiceError(_("Mã chỉ gồm chữ thường không dấu, số và dấu gạch dưới."), "code")
    if db.session.scalar(select(Genre.id).where(Genre.code == code)):
        raise ServiceError(_("Mã “%(code)s” đã được dùng.", code=code), "code")
    return code


def create_term(actor, model, *, name: str, code: str | None = None):
    """A new category, topic or genre (a genre also needs its code)."""
    term = model(name=_check_name(model, name), active=True)
    if model is Genre:
        term.code = _check_code(code)
    if model is Category:
        term.slug = _unique_slug(term.name)
        term.display_order = (db.session.scalar(select(func.max(Category.display_order))) or 0) + 1
    db.session.add(term)
    changes = {"name": [None, term.name]}
    if model is Genre:
        changes["code"] = [None, term.code]
    record(actor, "create", term, changes)
    return term


def update_term(actor, term, *, name: str):
    """Rename a term. A genre's code never changes: reports and rules refer to it."""
    new = _check_name(type(term), name, term.id)
    if new != term.name:
        record(actor, "update", term, {"name": [term.name, new]})
        term.name = new
    return term


def set_term_active(actor, term, active: bool):
    if term.active != active:
        record(
            actor, "activate" if active else "deactivate", term, {"active": [term.active, active]}
        )
        term.active = active
    return term


def set_genre_signoff(actor, genre: Genre, required: bool) -> Genre:
    """Switch the chief editor's sign-off step on or off for a genre."""
    if genre.requires_signoff != required:
        record(actor, "update", genre, {"requires_signoff": [genre.requires_signoff, required]})
        genre.requires_signoff = required
    return genre


KINDS = {"categories": Category, "topics": Topic, "genres": Genre}
