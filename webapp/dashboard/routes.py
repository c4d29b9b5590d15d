"""The staff home page: what each role works on, first."""

from flask_login import current_user
from sqlalchemy import func, select

from webapp.access import signed_in
from webapp.auth.models import User
from webapp.dashboard import bp
from webapp.dashboard.checklist import first_run as checklist_items
from webapp.extensions import db
from webapp.htmx import render
from webapp.pieces.models import Piece, PieceState
from webapp.roles import Role
from webapp.units.models import Unit


def _count_by_state(*where) -> dict[PieceState, int]:
    rows = db.session.execute(
        select(Piece.state, func.count(Piece.id)).where(*where).group_by(Piece.state)
    ).all()
    return {state: n for state, n in rows}


@bp.route("/toa-soan")
@signed_in
def home():
    counts = {}
    checklist = None
    if current_user.has_role(Role.CONTRIBUTOR) and current_user.unit_id:
        counts["unit"] = _count_by_state(Piece.unit_id == current_user.unit_id)
    if current_user.has_role(Role.EDITOR, Role.CHIEF_EDITOR):
        counts["board"] = _count_by_state(
            Piece.state.in_(
                [
                    PieceState.SUBMITTED,
                    PieceState.IN_REVIEW,
                    PieceState.AWAITING_SIGNOFF,
                    PieceState.APPROVED,
                    PieceState.SCHEDULED,
                ]
            )
        )
        counts["mine"] = db.session.scalar(
            select(func.count(Piece.id)).where(
                Piece.claimed_by_id == current_user.id, Piece.state == PieceState.IN_REVIEW
            )
        )
    if current_user.has_role(Role.ADMIN):
        counts["units"] = db.session.scalar(
            select(func.count(Unit.id)).where(Unit.active.is_(True))
        )
        counts["users"] = db.session.scalar(
            select(func.count(User.id)).where(User.active.is_(True))
        )
        checklist = checklist_items()
        if all(item.done for item in checklist):
            checklist = None  # done with: the home page is the desk again
    return render("dashboard/home.html", counts=counts, S=PieceState, checklist=checklist)
