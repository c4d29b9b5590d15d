"""What the public portal reads (published pieces, sections) and the visit counter.

Every list is built with a fixed number of queries, however many pieces or sections
there are: relationships shown in lists load with one query per page, and those not
shown are not loaded at all.
"""

import re
from collections.abc import Sequence

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import lazyload

from webapp.extensions import db
from webapp.pieces.models import Piece, PieceState
from webapp.public.models import SiteVisit
from webapp.taxonomy.models import Category
from webapp.text import fold
from webapp.timeutil import local_today

HOME_LATEST = 10
HOME_PER_CATEGORY = 5
FEED_SIZE = 30

# Crawlers, link previews, uptime monitors and scripts: not readers.
_BOT_RE = re.compile(
    r"bot|crawl|spider|slurp|bing|yandex|baidu|curl|wget|python-requests|httpx|headless"
    r"|monitor|preview",
    re.IGNORECASE,
)


def published(*, with_authors: bool = False) -> Select:
    """Published pieces, newest first.

    Lists show images (the thumbnail) but neither topics nor, unless asked, authors;
    skipping them saves a query per page.
    """
    options = [lazyload(Piece.topics)]
    if not with_authors:
        options.append(lazyload(Piece.authors))
    return (
        select(Piece)
        .where(Piece.state == PieceState.PUBLISHED)
        .options(*options)
        .order_by(Piece.published_at.desc(), Piece.id.desc())
    )


def latest(limit: int = HOME_LATEST) -> Sequence[Piece]:
    """The ``limit`` most recently published pieces."""
    return db.session.scalars(published().limit(limit)).all()


def published_piece(piece_id: int) -> Piece | None:
    """The piece if it is published, else None: drafts and withdrawn pieces are not public."""
    return db.session.scalar(published(with_authors=True).where(Piece.id == piece_id))


def for_feed(limit: int = FEED_SIZE) -> Sequence[Piece]:
    """The latest pieces for the Atom feed: with their authors, without images."""
    return db.session.scalars(
        published(with_authors=True).options(lazyload(Piece.images)).limit(limit)
    ).all()


def active_categories() -> Sequence[Category]:
    """The sections shown on the portal, in their display order."""
    return db.session.scalars(
        select(Category)
        .where(Category.active.is_(True))
        .order_by(Category.display_order, Category.name)
    ).all()


def latest_by_category(
    categories: Sequence[Category], per_category: int = HOME_PER_CATEGORY
) -> dict[int, list[Piece]]:
    """The latest ``per_category`` pieces of each section, fetched in one query.

    A window function ranks each section's pieces by date; both SQLite and
    PostgreSQL support it, so the number of queries does not grow with the sections.
    """
    ids = [c.id for c in categories]
    if not ids:
        return {}
    ranked = (
        select(
            Piece.id,
            func.row_number()
            .over(
                partition_by=Piece.category_id,
                order_by=(Piece.published_at.desc(), Piece.id.desc()),
            )
            .label("rank"),
        )
        .where(Piece.state == PieceState.PUBLISHED, Piece.category_id.in_(ids))
        .subquery()
    )
    query = published().join(ranked, ranked.c.id == Piece.id).where(ranked.c.rank <= per_category)
    grouped: dict[int, list[Piece]] = {category_id: [] for category_id in ids}
    for piece in db.session.scalars(query):
        grouped[piece.category_id].append(piece)  # already newest first
    return grouped


def in_category(category: Category) -> Select:
    """A section's published pieces, newest first (to paginate)."""
    return published().where(Piece.category_id == category.id)


def search(q: str | None) -> Select | None:
    """Published pieces whose text contains ``q``, ignoring case and diacritics.

    None when there is nothing to look for. ``autoescape`` keeps "%" and "_" in
    the query literal instead of wildcards.
    """
    needle = fold(q)
    if not needle:
        return None
    return published().where(Piece.search_text.contains(needle, autoescape=True))


def is_reader(user_agent: str | None, signed_in: bool) -> bool:
    """Whether a request counts as a reader's visit: not staff, not an obvious bot."""
    if signed_in or not user_agent or not user_agent.strip():
        return False
    return _BOT_RE.search(user_agent) is None


def count_visit(piece_id: int | None = None) -> None:
    """Add one visit to today's site total and, for an article, to the piece.

    Both are increments done by the database, so simultaneous readers never lose a
    count. The piece is updated with a bulk UPDATE, not through the ORM object: that
    would bump the piece's version and make an editor's open form look out of date.
    The caller commits.
    """
    if piece_id is not None:
        db.session.execute(
            update(Piece)
            .where(Piece.id == piece_id)
            .values(view_count=Piece.view_count + 1)
            .execution_options(synchronize_session=False)
        )
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    upsert = (
        insert(SiteVisit)
        .values(day=local_today(), count=1)
        .on_conflict_do_update(index_elements=[SiteVisit.day], set_={"count": SiteVisit.count + 1})
    )
    db.session.execute(upsert)


def site_total() -> int:
    """All visits ever counted, for the footer."""
    return db.session.scalar(select(func.coalesce(func.sum(SiteVisit.count), 0))) or 0
