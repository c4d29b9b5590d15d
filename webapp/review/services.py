"""Applying workflow transitions: atomic, recorded, refused when stale.

``transition`` is the one door through which a piece changes state. It checks the
table in ``workflow``, the user's right, the reason where one is required and the
piece's version; writes the WorkflowEvent; and tells the people concerned. It
flushes, never commits: the caller commits once, or everything is rolled back.
"""

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from webapp.extensions import db
from webapp.notifications import services as notifications
from webapp.pieces.models import Piece, PieceState, WorkflowEvent
from webapp.pieces.services import NotAllowed, StaleError, form_version, problems_before_submit
from webapp.review import workflow
from webapp.review.workflow import Action
from webapp.royalties import rules
from webapp.royalties import services as royalties
from webapp.services import Conflict, ServiceError, race
from webapp.text import slugify
from webapp.timeutil import local_today, to_local, utcnow

# States whose pieces a new submission is compared with.
COMPARED_STATES = (
    PieceState.SUBMITTED,
    PieceState.IN_REVIEW,
    PieceState.APPROVED,
    PieceState.AWAITING_SIGNOFF,
    PieceState.SCHEDULED,
    PieceState.PUBLISHED,
)


class InvalidTransition(ServiceError):
    """The piece is not in a state where this action applies (someone else may have acted)."""


class PieceConflict(InvalidTransition, Conflict):
    """Someone else acted on the piece first: says who did what, and when (409)."""


def conflict_for(piece_id: int, action: Action) -> ServiceError:
    """The refusal for the loser of a race on a piece, from the winner's WorkflowEvent.

    Reads what is committed now: call it after the loser's transaction was rolled back.
    """
    event = db.session.scalar(
        select(WorkflowEvent)
        .where(WorkflowEvent.piece_id == piece_id)
        .order_by(WorkflowEvent.id.desc())
        .limit(1)
    )
    if event is None:
        return StaleError()
    try:
        done = workflow.ACTION_DONE[Action(event.action)]
    except ValueError:
        done = event.action
    return PieceConflict(
        _(
            "Tin bài đã được %(done)s bởi %(who)s lúc %(when)s. "
            "Thao tác “%(action)s” của bạn chưa được thực hiện; "
            "trang đã được tải lại với trạng thái hiện tại.",
            done=done,
            who=event.actor.full_name if event.actor is not None else _("hệ thống"),
            when=to_local(event.created_at).strftime("%H:%M %d/%m/%Y"),
            action=action.label,
        )
    )


def transition(
    user,
    piece: Piece,
    action: Action,
    *,
    expected_version=None,
    comment: str = "",
    coefficient=None,
    modifiers=None,
    publish_at: datetime | None = None,
    now: datetime | None = None,
) -> WorkflowEvent:
    """Move ``piece`` by ``action``; ``user`` is None only for the job runner."""
    now = now or utcnow()
    rule = workflow.TRANSITIONS[action]
    expected = form_version(expected_version)
    if expected is not None and expected != piece.version:
        raise conflict_for(piece.id, action)
    if piece.state not in rule.sources:
        conflict = conflict_for(piece.id, action)
        if isinstance(conflict, PieceConflict):
            raise conflict
        raise InvalidTransition(
            _(
                "Tin, bài đang ở trạng thái “%(state)s”, không thể “%(action)s”. "
                "Có thể người khác vừa thao tác; vui lòng tải lại trang.",
                state=piece.state.label,
                action=action.label,
            )
        )
    if not workflow.fits(rule.who, user, piece):
        raise NotAllowed(_("Bạn không có quyền “%(action)s” tin, bài này.", action=action.label))
    comment = (comment or "").strip()
    if rule.needs_reason and not comment:
        raise ServiceError(_("Vui lòng ghi rõ lý do."), "comment")

    source = piece.state
    target = workflow.target_state(action, piece)
    piece_id = piece.id
    # Whatever the other editor's transaction did first (moved the version on, took a unique
    # key, held the row), the loser is told who won and when, not shown an error page.
    with race(lambda: conflict_for(piece_id, action)):
        _before(
            action,
            user,
            piece,
            coefficient=coefficient,
            modifiers=modifiers,
            publish_at=publish_at,
            now=now,
        )
        piece.state = target
        piece.updated_at = now
        event = WorkflowEvent(
            piece_id=piece.id,
            actor_id=user.id if user is not None else None,
            action=action.value,
            from_state=source.value,
            to_state=target.value,
            comment=comment[:5000],
            created_at=now,
        )
        db.session.add(event)
        db.session.flush()
        _after(action, user, piece, comment=comment)
    return event


def _before(action: Action, user, piece: Piece, *, coefficient, modifiers, publish_at, now):
    """What each action changes on the piece besides its state."""
    if action is Action.SUBMIT:
        problems = problems_before_submit(piece)
        if problems:
            raise ServiceError(" ".join(problems))
        piece.submitted_at = now
        piece.first_submitted_at = piece.first_submitted_at or now
        piece.claimed_by_id = None
        piece.claimed_at = None
    elif action is Action.CLAIM:
        piece.claimed_by_id = user.id
        piece.claimed_at = now
    elif action is Action.RELEASE:
        piece.claimed_by_id = None
        piece.claimed_at = None
    elif action in (Action.RETURN, Action.REJECT):
        piece.decided_at = now
    elif action is Action.APPROVE:
        piece.coefficient_centi = _checked_coefficient(piece, coefficient)
        piece.modifier_codes = _checked_modifiers(piece, modifiers)
        piece.approved_by_id = user.id
        piece.decided_at = now
    elif action is Action.SCHEDULE:
        if publish_at is None or publish_at <= now:
            raise ServiceError(_("Giờ hẹn đăng phải ở tương lai."), "publish_at")
        piece.publish_at = publish_at
    elif action is Action.UNSCHEDULE:
        piece.publish_at = None
    elif action in (Action.PUBLISH, Action.PUBLISH_DUE):
        piece.published_at = piece.publish_at if action is Action.PUBLISH_DUE else now
        piece.publish_at = None
        piece.slug = slugify(piece.title, 120)


def _after(action: Action, user, piece: Piece, *, comment: str) -> None:
    """Who is told what."""
    unit_people = [piece.submitter] + [a.user for a in piece.authors if a.user is not None]
    if action is Action.SUBMIT:
        check_duplicates(piece)
        notifications.notify(
            notifications.editors(), "submitted", piece, actor=user, unit=piece.unit.name
        )
    elif action is Action.RETURN:
        notifications.notify(unit_people, "returned", piece, actor=user, reason=comment)
    elif action is Action.REJECT:
        notifications.notify(unit_people, "rejected", piece, actor=user, reason=comment)
    elif action is Action.APPROVE and piece.state is PieceState.AWAITING_SIGNOFF:
        notifications.notify(notifications.chief_editors(), "signoff_needed", piece, actor=user)
    elif action is Action.REFUSE_SIGNOFF:
        notifications.notify(
            [piece.claimed_by], "signoff_refused", piece, actor=user, reason=comment
        )
    elif action in (Action.PUBLISH, Action.PUBLISH_DUE):
        # The royalty accrues in the same transaction as the publication: both or neither.
        royalties.accrue_for_piece(piece, actor=user)
        notifications.notify(unit_people, "published", piece, actor=user)
    elif action is Action.UNPUBLISH:
        royalties.reverse_for_piece(piece, actor=user, reason=comment)
        notifications.notify(unit_people, "unpublished", piece, actor=user, reason=comment)


def coefficient_rule(piece: Piece):
    """The genre's coefficient range in force today, or None when no rule covers it."""
    return rules.genre_rule(piece.genre_id, local_today())


def _checked_coefficient(piece: Piece, coefficient) -> int:
    rule = coefficient_rule(piece)
    if rule is None:
        raise ServiceError(
            _(
                "Chưa có quy định nhuận bút cho thể loại “%(genre)s”. "
                "Quản trị viên cần nhập bảng hệ số trước khi duyệt.",
                genre=piece.genre.name,
            ),
            "coefficient",
        )
    if coefficient in (None, ""):
        return rule.default_centi
    centi = rules.parse_coefficient(coefficient)
    if not rule.min_centi <= centi <= rule.max_centi:
        raise ServiceError(
            _(
                "Hệ số của thể loại “%(genre)s” phải từ %(low)s đến %(high)s.",
                genre=piece.genre.name,
                low=rules.format_coefficient(rule.min_centi),
                high=rules.format_coefficient(rule.max_centi),
            ),
            "coefficient",
        )
    return centi


def _checked_modifiers(piece: Piece, codes) -> list[str]:
    """The modifiers the editor ticked, each one the rule set in force knows.

    With none given, a piece re-posted from another outlet gets the rule set's "repost".
    """
    rule_set = rules.rule_set_on(local_today())
    known = {m.code for m in rule_set.modifiers} if rule_set else set()
    if codes is None:
        return ["repost"] if piece.source_kind.value == "repost" and "repost" in known else []
    codes = [c for c in dict.fromkeys(codes) if c]
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ServiceError(
            _("Hệ số điều chỉnh không hợp lệ: %(codes)s", codes=", ".join(unknown)), "modifiers"
        )
    return codes


def check_duplicates(piece: Piece, now: datetime | None = None):
    """Compare the piece with published and pending pieces of the last 180 days.

    Stores the piece's signature, and the closest match at or above the threshold.
    """
    from webapp.review import duplicates

    now = now or utcnow()
    text = piece.search_text
    piece.signature = duplicates.signature(text)
    since = now - timedelta(days=180)
    rows = db.session.execute(
        select(Piece.id, Piece.signature, Piece.search_text).where(
            Piece.id != piece.id,
            Piece.state.in_(COMPARED_STATES),
            Piece.signature.is_not(None),
            ((Piece.submitted_at >= since) | (Piece.published_at >= since)),
        )
    ).all()
    threshold = current_app.config["DUPLICATE_THRESHOLD"]
    matches = duplicates.find_matches(text, [(r[0], r[1], r[2]) for r in rows], threshold)
    if matches:
        piece.duplicate_of_id, piece.duplicate_score = matches[0].piece_id, matches[0].score
    else:
        piece.duplicate_of_id, piece.duplicate_score = None, None
    return matches


def publish_due(now: datetime | None = None) -> int:
    """Publish the scheduled pieces whose time has come. Commits per piece.

    Safe on several machines at once: the version check lets one runner win each piece;
    the others find it already published and skip it.
    """
    now = now or utcnow()
    due = db.session.scalars(
        select(Piece.id).where(Piece.state == PieceState.SCHEDULED, Piece.publish_at <= now)
    ).all()
    db.session.commit()
    published = 0
    for piece_id in due:
        piece = db.session.get(Piece, piece_id)
        if piece is None or piece.state is not PieceState.SCHEDULED:
            db.session.rollback()
            continue
        try:
            transition(None, piece, Action.PUBLISH_DUE, now=now)
            db.session.commit()
            published += 1
        except ServiceError:
            db.session.rollback()
            current_app.logger.info("piece %s was published by another runner", piece_id)
    return published
