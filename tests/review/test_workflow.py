"""Every state × action × person: allowed where the table says, refused everywhere else.

The expectations are written out here independently of webapp/review/workflow.py, so a
change to the transition table shows up as a failing test, not as a silent change.
"""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.factories import make_unit, make_user
from tests.pieces.helpers import draft, genres
from webapp.extensions import db
from webapp.pieces.models import PieceState, WorkflowEvent
from webapp.pieces.services import NotAllowed
from webapp.review.services import InvalidTransition, PieceConflict, transition
from webapp.review.workflow import Action
from webapp.services import ServiceError
from webapp.timeutil import utcnow

S = PieceState
OWNERS = {"submitter", "unit_mate"}
EDITORS = {"holder", "other_editor", "chief"}
HOLDERS = {"holder", "chief"}

# action: (states it starts from, who may take it, the state it leads to)
EXPECTED = {
    "submit": ({S.DRAFT, S.RETURNED}, OWNERS, S.SUBMITTED),
    "withdraw": ({S.SUBMITTED}, OWNERS, S.DRAFT),
    "claim": ({S.SUBMITTED}, EDITORS, S.IN_REVIEW),
    "release": ({S.IN_REVIEW}, HOLDERS, S.SUBMITTED),
    "return": ({S.IN_REVIEW}, HOLDERS, S.RETURNED),
    "reject": ({S.IN_REVIEW}, HOLDERS, S.REJECTED),
    "approve": ({S.IN_REVIEW}, HOLDERS, S.APPROVED),
    "sign_off": ({S.AWAITING_SIGNOFF}, {"chief"}, S.APPROVED),
    "refuse_signoff": ({S.AWAITING_SIGNOFF}, {"chief"}, S.IN_REVIEW),
    "publish": ({S.APPROVED, S.UNPUBLISHED}, EDITORS, S.PUBLISHED),
    "schedule": ({S.APPROVED, S.UNPUBLISHED}, EDITORS, S.SCHEDULED),
    "unschedule": ({S.SCHEDULED}, EDITORS, S.APPROVED),
    "unpublish": ({S.PUBLISHED}, EDITORS, S.UNPUBLISHED),
    "publish_due": ({S.SCHEDULED}, {"system"}, S.PUBLISHED),
}
ACTORS = [
    "submitter",
    "unit_mate",
    "outsider",
    "holder",
    "other_editor",
    "chief",
    "accountant",
    "admin",
    "system",
]


def test_the_table_covers_every_action():
    assert set(EXPECTED) == {a.value for a in Action}


@pytest.fixture
def cast():
    genres()
    unit = make_unit(name="Phòng Tư pháp")
    return {
        "submitter": make_user("contributor", unit=unit),
        "unit_mate": make_user("contributor", unit=unit),
        "outsider": make_user("contributor"),
        "holder": make_user("editor", unit=make_unit()),
        "other_editor": make_user("editor", unit=make_unit()),
        "chief": make_user("chief_editor", unit=make_unit()),
        "accountant": make_user("accountant", unit=make_unit()),
        "admin": make_user("admin", unit=make_unit()),
        "system": None,
    }


def _params(action):
    return {
        "comment": "Lý do cụ thể",
        "publish_at": utcnow() + timedelta(days=1) if action == "schedule" else None,
    }


@pytest.mark.parametrize("state", list(S), ids=lambda s: s.value)
@pytest.mark.parametrize("action", list(EXPECTED), ids=str)
def test_state_action_person(cast, state, action):
    sources, allowed, target = EXPECTED[action]
    piece = draft(cast["submitter"])
    piece.state = state
    piece.claimed_by_id = cast["holder"].id
    if state is S.SCHEDULED:
        piece.publish_at = utcnow() - timedelta(minutes=1)
    db.session.flush()
    for name in ACTORS:
        user = cast[name]
        savepoint = db.session.begin_nested()
        events_before = db.session.scalar(select(func.count(WorkflowEvent.id)))
        try:
            transition(
                user, piece, Action(action), expected_version=piece.version, **_params(action)
            )
        except (NotAllowed, InvalidTransition) as refusal:
            outcome = "refused"
            assert state not in sources or name not in allowed, (name, refusal.message)
        except ServiceError as other:  # pragma: no cover - would be a bug in the fixture
            pytest.fail(f"{name} {action} from {state}: {other.message}")
        else:
            outcome = "done"
            assert piece.state is target
            assert db.session.scalar(select(func.count(WorkflowEvent.id))) == events_before + 1
        expected = "done" if state in sources and name in allowed else "refused"
        assert outcome == expected, f"{name} {action} from {state.value}: {outcome}"
        savepoint.rollback()
        db.session.refresh(piece)
        assert piece.state is state


def test_signoff_genre_goes_through_the_chief(cast):
    g = genres()
    g["van_ban"].requires_signoff = True
    piece = draft(cast["submitter"], genre="van_ban")
    transition(cast["submitter"], piece, Action.SUBMIT)
    transition(cast["holder"], piece, Action.CLAIM)
    transition(cast["holder"], piece, Action.APPROVE)
    assert piece.state is S.AWAITING_SIGNOFF
    with pytest.raises(NotAllowed):
        transition(cast["holder"], piece, Action.SIGN_OFF)
    transition(cast["chief"], piece, Action.SIGN_OFF)
    assert piece.state is S.APPROVED


def test_reason_is_required_for_return_reject_and_unpublish(cast):
    piece = draft(cast["submitter"])
    transition(cast["submitter"], piece, Action.SUBMIT)
    transition(cast["holder"], piece, Action.CLAIM)
    for action in (Action.RETURN, Action.REJECT):
        with pytest.raises(ServiceError, match="lý do"):
            transition(cast["holder"], piece, action, comment="   ")
    assert piece.state is S.IN_REVIEW


def test_a_stale_version_is_refused_and_nothing_happens(cast):
    piece = draft(cast["submitter"])
    transition(cast["submitter"], piece, Action.SUBMIT)
    seen = piece.version
    transition(cast["holder"], piece, Action.CLAIM, expected_version=seen)
    with pytest.raises(
        PieceConflict, match=f"đã được nhận biên tập bởi {cast['holder'].full_name}"
    ):
        transition(cast["other_editor"], piece, Action.CLAIM, expected_version=seen)
    assert piece.claimed_by_id == cast["holder"].id


def test_incomplete_piece_cannot_be_submitted(cast):
    piece = draft(cast["submitter"], title=" ")
    with pytest.raises(ServiceError, match="chưa có tiêu đề"):
        transition(cast["submitter"], piece, Action.SUBMIT)
    assert piece.state is S.DRAFT
