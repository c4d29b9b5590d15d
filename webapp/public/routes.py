"""The portal's public pages: anyone may read what has been published.

Each page view by a reader is counted (see services.count_visit); the count is the
only thing these views write, and each commits it once, at the end, after rendering
(a commit before would expire the loaded pieces and reload them one by one).
"""

from datetime import datetime

from flask import (
    Response,
    abort,
    current_app,
    has_request_context,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from webapp import dblocks, storage
from webapp.access import public
from webapp.extensions import db
from webapp.htmx import is_htmx, render
from webapp.pagination import paginate
from webapp.pieces.models import Piece
from webapp.public import bp, services
from webapp.taxonomy.models import Category
from webapp.text import normalize
from webapp.timeutil import utcnow

MAX_QUERY_LENGTH = 200


def article_url(piece: Piece) -> str:
    """The article's canonical path: with its slug, or the bare id when it has none."""
    return url_for("public.article", piece_id=piece.id, slug=piece.slug or None)


def absolute(path: str) -> str:
    """An absolute URL on the public site, for the feed and canonical links: on the host and
    port the reader asked for (behind the proxy, as the proxy says), so that
    `make run PORT=8080` and a second domain name give links that work. BASE_URL is for
    mail sent by the job runner, which has no request to go by."""
    if has_request_context():
        return request.host_url.rstrip("/") + path
    return current_app.config["BASE_URL"].rstrip("/") + path


def utc_iso(moment: datetime) -> str:
    """A stored (naive UTC) time in RFC 3339, as Atom and <time datetime> want it."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@bp.context_processor
def inject() -> dict:
    # Callables, so that the queries behind the navigation and the footer run only
    # when a full page is rendered, not for an htmx fragment.
    return {
        "site_name": _("Trang thông tin điện tử"),
        "nav_categories": services.active_categories,
        "site_total": services.site_total,
        "article_url": article_url,
        "absolute": absolute,
        "file_url": storage.url_path,
        "utc_iso": utc_iso,
    }


def load_published(piece_id: int) -> Piece:
    """The published piece, or 404: drafts and withdrawn pieces do not exist publicly."""
    piece = services.published_piece(piece_id)
    if piece is None:
        abort(404)
    return piece


def load_category(slug: str) -> Category:
    """The active section with this slug, or 404."""
    category = db.session.scalar(
        select(Category).where(Category.slug == slug, Category.active.is_(True))
    )
    if category is None:
        abort(404)
    return category


def _count_visit(piece_id: int | None = None) -> bool:
    """Count a reader's page view (not staff, not bots); the view commits."""
    user_agent = request.headers.get("User-Agent", "")
    if not services.is_reader(user_agent, current_user.is_authenticated):
        return False
    dblocks.take_write_lock()  # a GET that writes: SQLite must not upgrade a read lock
    services.count_visit(piece_id)
    return True


def _committed(response: Response) -> Response:
    """Commit the visit count once the page is rendered (nothing else is written)."""
    db.session.commit()
    return response


@bp.route("/")
@public
def home():
    _count_visit()
    categories = services.active_categories()
    by_category = services.latest_by_category(categories)
    sections = [(c, by_category[c.id]) for c in categories if by_category[c.id]]
    return _committed(render("public/home.html", latest=services.latest(), sections=sections))


@bp.route("/chuyen-muc/<slug>")
@public
def category(slug: str):
    category = load_category(slug)
    _count_visit()
    page = paginate(services.in_category(category))
    return _committed(render("public/category.html", category=category, page=page))


@bp.route("/tin/<int:piece_id>")
@bp.route("/tin/<int:piece_id>-<slug>")
@public
def article(piece_id: int, slug: str | None = None):
    piece = load_published(piece_id)
    if (slug or "") != piece.slug:
        # A shortened link or an old slug: send readers and search engines to the one URL.
        return redirect(article_url(piece), 301)
    if _count_visit(piece.id):
        # The database did the increment: read back the count it left, with this view.
        db.session.refresh(piece, ["view_count"])
    return _committed(render("public/article.html", piece=piece))


@bp.route("/tim-kiem")
@public
def search():
    q = normalize(request.args.get("q", "")).strip()[:MAX_QUERY_LENGTH]
    if not is_htmx():
        _count_visit()  # a page view; the requests made while typing are not
    query = services.search(q)
    page = paginate(query) if query is not None else None
    return _committed(render("public/search.html", "public/_search_results.html", q=q, page=page))


@bp.route("/feed.atom")
@public
def feed() -> Response:
    pieces = services.for_feed()
    updated = max((_updated(p) for p in pieces), default=None) or utcnow()
    xml = render_template("public/feed.xml", pieces=pieces, updated=updated, entry_updated=_updated)
    response = make_response(xml)
    response.headers["Content-Type"] = "application/atom+xml; charset=utf-8"
    return response


def _updated(piece: Piece) -> datetime:
    # An edit made before publication is not news; one made after it is.
    return max(filter(None, (piece.published_at, piece.updated_at)))
