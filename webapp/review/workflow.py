"""The transition table: which role may do what, from which state, to which.

This module is the one place that says so. ``review.services.transition`` applies
a transition; the views and templates ask ``allowed_actions`` what to offer.
"""

from dataclasses import dataclass
from enum import StrEnum

from flask_babel import lazy_gettext as _l

from webapp.pieces.models import Piece, PieceState
from webapp.roles import Role

S = PieceState
EDITORS = frozenset({Role.EDITOR, Role.CHIEF_EDITOR})
CHIEF = frozenset({Role.CHIEF_EDITOR})


class Action(StrEnum):
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    CLAIM = "claim"
    RELEASE = "release"
    RETURN = "return"
    REJECT = "reject"
    APPROVE = "approve"
    SIGN_OFF = "sign_off"
    REFUSE_SIGNOFF = "refuse_signoff"
    PUBLISH = "publish"
    SCHEDULE = "schedule"
    UNSCHEDULE = "unschedule"
    UNPUBLISH = "unpublish"
    PUBLISH_DUE = "publish_due"  # the job runner, when a scheduled time comes

    @property
    def label(self):
        return ACTION_LABELS[self]


ACTION_LABELS = {
    Action.SUBMIT: _l("Gửi Ban biên tập"),
    Action.WITHDRAW: _l("Rút lại"),
    Action.CLAIM: _l("Nhận biên tập"),
    Action.RELEASE: _l("Trả về hàng chờ"),
    Action.RETURN: _l("Trả lại đơn vị"),
    Action.REJECT: _l("Từ chối"),
    Action.APPROVE: _l("Duyệt"),
    Action.SIGN_OFF: _l("Ký duyệt"),
    Action.REFUSE_SIGNOFF: _l("Không ký, trả biên tập viên"),
    Action.PUBLISH: _l("Đăng ngay"),
    Action.SCHEDULE: _l("Hẹn giờ đăng"),
    Action.UNSCHEDULE: _l("Hủy hẹn giờ"),
    Action.UNPUBLISH: _l("Gỡ bài"),
    Action.PUBLISH_DUE: _l("Tự động đăng theo giờ hẹn"),
}


# What an action did, for "Tin bài đã được … bởi … lúc …" when someone else acted first.
ACTION_DONE = {
    Action.SUBMIT: _l("gửi Ban biên tập"),
    Action.WITHDRAW: _l("rút lại"),
    Action.CLAIM: _l("nhận biên tập"),
    Action.RELEASE: _l("trả về hàng chờ"),
    Action.RETURN: _l("trả lại đơn vị"),
    Action.REJECT: _l("từ chối"),
    Action.APPROVE: _l("duyệt"),
    Action.SIGN_OFF: _l("ký duyệt"),
    Action.REFUSE_SIGNOFF: _l("trả lại biên tập viên, không ký duyệt"),
    Action.PUBLISH: _l("đăng"),
    Action.SCHEDULE: _l("hẹn giờ đăng"),
    Action.UNSCHEDULE: _l("hủy hẹn giờ đăng"),
    Action.UNPUBLISH: _l("gỡ"),
    Action.PUBLISH_DUE: _l("tự động đăng theo giờ hẹn"),
}


class Who(StrEnum):
    OWNER = "owner"  # the submitter, or a contributor of the piece's unit
    EDITOR = "editor"  # any editor or chief editor
    HOLDER = "holder"  # the editor who claimed the piece, or a chief editor
    CHIEF = "chief"  # a chief editor
    SYSTEM = "system"  # the job runner only


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset[PieceState]
    target: PieceState
    who: Who
    needs_reason: bool = False


def _t(action, sources, target, who, needs_reason=False):
    return Transition(action, frozenset(sources), target, who, needs_reason)


TRANSITIONS: dict[Action, Transition] = {
    t.action: t
    for t in [
        _t(Action.SUBMIT, {S.DRAFT, S.RETURNED}, S.SUBMITTED, Who.OWNER),
        _t(Action.WITHDRAW, {S.SUBMITTED}, S.DRAFT, Who.OWNER),
        _t(Action.CLAIM, {S.SUBMITTED}, S.IN_REVIEW, Who.EDITOR),
        _t(Action.RELEASE, {S.IN_REVIEW}, S.SUBMITTED, Who.HOLDER),
        _t(Action.RETURN, {S.IN_REVIEW}, S.RETURNED, Who.HOLDER, needs_reason=True),
        _t(Action.REJECT, {S.IN_REVIEW}, S.REJECTED, Who.HOLDER, needs_reason=True),
        # Approving a genre with sign-off switched on leads to AWAITING_SIGNOFF instead.
        _t(Action.APPROVE, {S.IN_REVIEW}, S.APPROVED, Who.HOLDER),
        _t(Action.SIGN_OFF, {S.AWAITING_SIGNOFF}, S.APPROVED, Who.CHIEF),
        _t(Action.REFUSE_SIGNOFF, {S.AWAITING_SIGNOFF}, S.IN_REVIEW, Who.CHIEF, needs_reason=True),
        _t(Action.PUBLISH, {S.APPROVED, S.UNPUBLISHED}, S.PUBLISHED, Who.EDITOR),
        _t(Action.SCHEDULE, {S.APPROVED, S.UNPUBLISHED}, S.SCHEDULED, Who.EDITOR),
        _t(Action.UNSCHEDULE, {S.SCHEDULED}, S.APPROVED, Who.EDITOR),
        _t(Action.UNPUBLISH, {S.PUBLISHED}, S.UNPUBLISHED, Who.EDITOR, needs_reason=True),
        _t(Action.PUBLISH_DUE, {S.SCHEDULED}, S.PUBLISHED, Who.SYSTEM),
    ]
}


def is_owner(user, piece: Piece) -> bool:
    """The submitter, or a contributor of the piece's unit."""
    if user is None or not user.is_authenticated:
        return False
    if piece.submitter_id == user.id:
        return True
    return user.has_role(Role.CONTRIBUTOR) and user.unit_id == piece.unit_id


def fits(who: Who, user, piece: Piece) -> bool:
    """Whether ``user`` is one of the people ``who`` names, for this piece."""
    if who is Who.SYSTEM:
        return user is None
    if user is None or not user.is_authenticated:
        return False
    if who is Who.OWNER:
        return is_owner(user, piece)
    if who is Who.EDITOR:
        return bool(user.role_set & EDITORS)
    if who is Who.CHIEF:
        return bool(user.role_set & CHIEF)
    if who is Who.HOLDER:
        return user.has_role(Role.CHIEF_EDITOR) or (
            user.has_role(Role.EDITOR) and piece.claimed_by_id == user.id
        )
    return False


def can(user, piece: Piece, action: Action) -> bool:
    t = TRANSITIONS[action]
    return piece.state in t.sources and fits(t.who, user, piece)


def allowed_actions(user, piece: Piece) -> list[Action]:
    return [a for a in TRANSITIONS if a is not Action.PUBLISH_DUE and can(user, piece, a)]


def target_state(action: Action, piece: Piece) -> PieceState:
    if action is Action.APPROVE and piece.genre is not None and piece.genre.requires_signoff:
        return PieceState.AWAITING_SIGNOFF
    return TRANSITIONS[action].target


def can_edit(user, piece: Piece) -> bool:
    """Who may change the text: the unit while draft or returned, the holder while in review."""
    if piece.state in (PieceState.DRAFT, PieceState.RETURNED):
        return is_owner(user, piece)
    if piece.state is PieceState.IN_REVIEW:
        return fits(Who.HOLDER, user, piece)
    return False


def can_view(user, piece: Piece) -> bool:
    """Staff see every unit's pieces; a contributor sees their own unit's, and what they wrote."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    if is_owner(user, piece):
        return True
    return any(a.user_id == user.id for a in piece.authors)
