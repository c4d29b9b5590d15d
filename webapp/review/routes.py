"""The editors' queue."""

from datetime import timedelta

from flask import request
from sqlalchemy import select
from sqlalchemy.orm import joinedload, lazyload

from webapp.access import roles
from webapp.extensions import db
from webapp.htmx import render
from webapp.pagination import paginate
from webapp.params import int_arg
from webapp.pieces.models import Piece, PieceState
from webapp.review import bp
from webapp.roles import Role
from webapp.taxonomy.models import Category, Genre
from webapp.text import fold
from webapp.timeutil import utcnow
from webapp.units.models import Unit, UnitGroup

QUEUE_STATES = {
    "": (PieceState.SUBMITTED, PieceState.IN_REVIEW),
    "submitted": (PieceState.SUBMITTED,),
    "in_review": (PieceState.IN_REVIEW,),
    "awaiting_signoff": (PieceState.AWAITING_SIGNOFF,),
    "approved": (PieceState.APPROVED,),
    "scheduled": (PieceState.SCHEDULED,),
}
AGES = (1, 2, 3, 7, 14)


def queue_query(args, user, now):
    """The queue's query for the filters in ``args``: one query, whatever the page holds."""
    state = args.get("state", "")
    query = (
        select(Piece)
        .join(Unit, Piece.unit_id == Unit.id)
        .where(Piece.state.in_(QUEUE_STATES.get(state, QUEUE_STATES[""])))
        .options(
            joinedload(Piece.claimed_by),
            joinedload(Piece.duplicate_of),
            lazyload(Piece.authors),
            lazyload(Piece.images),
            lazyload(Piece.topics),
        )
    )
    if unit_id := int_arg("unit", args=args):
        query = query.where(Piece.unit_id == unit_id)
    if args.get("group") in {g.value for g in UnitGroup}:
        query = query.where(Unit.group == args.get("group"))
    if genre_id := int_arg("genre", args=args):
        query = query.where(Piece.genre_id == genre_id)
    if category_id := int_arg("category", args=args):
        query = query.where(Piece.category_id == category_id)
    if (age := int_arg("age", args=args)) in AGES:
        query = query.where(Piece.submitted_at <= now - timedelta(days=age))
    if args.get("mine") == "1":
        query = query.where(Piece.claimed_by_id == user.id)
    if q := args.get("q", "").strip():
        query = query.where(Piece.search_text.contains(fold(q), autoescape=True))
    if args.get("sort") == "newest":
        return query.order_by(Piece.submitted_at.desc(), Piece.id.desc())
    return query.order_by(Piece.submitted_at.asc(), Piece.id.asc())


@bp.route("/bien-tap")
@roles(Role.EDITOR, Role.CHIEF_EDITOR)
def queue():
    from flask_login import current_user

    now = utcnow()
    page = paginate(queue_query(request.args, current_user, now))
    return render(
        "review/queue.html",
        "review/_queue_table.html",
        page=page,
        now=now,
        args=request.args,
        units=db.session.scalars(Unit.ordered()).all(),
        genres=db.session.scalars(select(Genre).order_by(Genre.id)).all(),
        categories=db.session.scalars(select(Category).order_by(Category.display_order)).all(),
        groups=list(UnitGroup),
        ages=AGES,
        states=QUEUE_STATES,
    )
