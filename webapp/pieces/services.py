"""Writing pieces: drafts, saves with revisions, authors, images, attachments, comments.

Services change state and flush; the caller (a view, a job, the CLI) commits once.
"""

from dataclasses import dataclass, field, replace
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm.exc import StaleDataError

from webapp.auth.models import User
from webapp.extensions import db
from webapp.params import BadParameter
from webapp.pieces import uploads
from webapp.pieces.models import (
    Attachment,
    Comment,
    Piece,
    PieceAuthor,
    PieceImage,
    PieceState,
    Revision,
    SourceKind,
    WorkflowEvent,
)
from webapp.review import workflow
from webapp.roles import Role
from webapp.sanitize import clean_html, plain_text
from webapp.services import ServiceError
from webapp.taxonomy.models import Category, Genre, Topic
from webapp.text import fold
from webapp.timeutil import utcnow
from webapp.units.models import Unit, UnitGroup


class NotAllowed(ServiceError):
    """The user may not do this (shown as 403)."""


class StaleError(ServiceError):
    """Someone changed the piece since the user loaded it."""

    def __init__(self):
        super().__init__(
            _(
                "Tin, bài này vừa được người khác thay đổi. "
                "Vui lòng tải lại trang để xem bản mới nhất; thao tác của bạn chưa được thực hiện."
            )
        )


@dataclass
class AuthorLine:
    name: str
    share: int | None  # None (or blank) for every author: an equal split
    user_id: int | None = None


@dataclass
class PieceData:
    """What the piece form carries."""

    title: str = ""
    lead: str = ""
    body: str = ""
    genre_id: int | None = None
    category_id: int | None = None
    topic_ids: list[int] = field(default_factory=list)
    event_date: date | None = None
    source_kind: str = SourceKind.ORIGINAL.value
    source_name: str = ""
    source_url: str = ""
    authors: list[AuthorLine] = field(default_factory=list)


def form_version(expected_version) -> int | None:
    """The piece version a form carried back: None when it carried none; a bad request when
    it is not a version this app wrote into the form."""
    if expected_version is None or str(expected_version).strip() == "":
        return None
    raw = str(expected_version).strip()
    if not raw.isdigit() or len(raw) > 10:
        raise BadParameter("version")
    return int(raw)


def check_version(piece: Piece, expected_version) -> None:
    version = form_version(expected_version)
    if version is not None and version != piece.version:
        raise StaleError()


def flush_or_stale() -> None:
    """Flush; a concurrent change to the same piece (version moved on) becomes StaleError."""
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise StaleError() from None


def _active(model, object_id, field_name, message):
    if object_id in (None, ""):
        return None
    obj = db.session.get(model, int(object_id))
    if obj is None or not obj.active:
        raise ServiceError(message, field_name)
    return obj


def _apply_data(piece: Piece, data: PieceData) -> None:
    genre = _active(Genre, data.genre_id, "genre_id", _("Thể loại không hợp lệ."))
    if genre is None:
        raise ServiceError(_("Vui lòng chọn thể loại."), "genre_id")
    piece.genre_id = genre.id
    piece.genre = genre
    category = _active(Category, data.category_id, "category_id", _("Chuyên mục không hợp lệ."))
    piece.category_id = category.id if category else None
    piece.title = " ".join((data.title or "").split())[:300]
    piece.lead = (data.lead or "").strip()
    piece.body = clean_html(data.body or "")
    piece.event_date = data.event_date
    kind = SourceKind(data.source_kind or SourceKind.ORIGINAL.value)
    piece.source_kind = kind
    piece.source_name = (data.source_name or "").strip()[:200] if kind is SourceKind.REPOST else ""
    url = (data.source_url or "").strip()[:500] if kind is SourceKind.REPOST else ""
    if url and not url.lower().startswith(("http://", "https://")):
        raise ServiceError(
            _("Đường dẫn nguồn phải bắt đầu bằng http:// hoặc https://"), "source_url"
        )
    piece.source_url = url
    ids = {int(i) for i in data.topic_ids if str(i).strip()}
    piece.topics = (
        db.session.scalars(select(Topic).where(Topic.id.in_(ids), Topic.active.is_(True))).all()
        if ids
        else []
    )
    piece.search_text = fold(f"{piece.title}\n{piece.lead}\n{plain_text(piece.body)}")
    if data.authors:
        _set_authors(piece, data.authors)


def nameable_authors(unit_id: int | None) -> list[User]:
    """The people a contributor of the unit may name as co-authors, by name order.

    The unit's own active people, and the active people of collaborating units (group II)
    who have written with the unit before: named on one of its pieces, or on a piece
    where one of its people is named. Anyone else is an outside author, named by name
    only (no account).
    """
    if unit_id is None:
        return []
    with_unit = select(PieceAuthor.piece_id).join(User, User.id == PieceAuthor.user_id)
    shared_pieces = or_(
        PieceAuthor.piece_id.in_(select(Piece.id).where(Piece.unit_id == unit_id)),
        PieceAuthor.piece_id.in_(with_unit.where(User.unit_id == unit_id)),
    )
    worked_with = select(PieceAuthor.user_id).where(PieceAuthor.user_id.is_not(None), shared_pieces)
    collaborating = select(Unit.id).where(Unit.group == UnitGroup.COLLABORATOR)
    return db.session.scalars(
        select(User)
        .where(
            User.active.is_(True),
            or_(
                User.unit_id == unit_id,
                and_(User.unit_id.in_(collaborating), User.id.in_(worked_with)),
            ),
        )
        .order_by(User.full_name, User.id)
    ).all()


def may_name_anyone(user) -> bool:
    """Editors and the chief editor name whoever wrote the piece."""
    return user.has_role(Role.EDITOR, Role.CHIEF_EDITOR)


def check_named_authors(user, unit_id: int | None, lines: list[AuthorLine], piece=None) -> None:
    """Refuse a co-author with an account the user may not name (whatever the form sent).

    Authors already on the piece stay allowed, so a later save does not fail on them.
    """
    ids = {line.user_id for line in lines if line.user_id is not None}
    if not ids:
        return
    existing = {a.user_id for a in piece.authors} if piece is not None and piece.id else set()
    if may_name_anyone(user):
        allowed = set(db.session.scalars(select(User.id).where(User.id.in_(ids))))
    else:
        allowed = {person.id for person in nameable_authors(unit_id)}
    if ids - allowed - existing:
        raise ServiceError(
            _(
                "Chỉ chọn được tác giả là người của đơn vị hoặc cộng tác viên đã từng cùng viết "
                "với đơn vị. Với người khác, hãy chọn “Người ngoài đơn vị” và nhập họ tên."
            ),
            "authors",
        )


def _set_authors(piece: Piece, lines: list[AuthorLine]) -> None:
    rows = []
    for position, line in enumerate(lines):
        user = db.session.get(User, int(line.user_id)) if line.user_id else None
        name = user.full_name if user else " ".join((line.name or "").split())
        if not name:
            raise ServiceError(_("Mỗi tác giả cần có họ tên."), "authors")
        share = None
        if line.share is not None and str(line.share).strip() != "":
            try:
                share = int(str(line.share).strip())
            except (TypeError, ValueError):
                raise ServiceError(
                    _("Tỉ lệ của tác giả phải là số nguyên phần trăm."), "authors"
                ) from None
            if not 1 <= share <= 100:
                raise ServiceError(_("Tỉ lệ của mỗi tác giả phải từ 1 đến 100%."), "authors")
        rows.append((position, user, name[:120], share))
    given = [row[3] for row in rows if row[3] is not None]
    if given and len(given) != len(rows):
        raise ServiceError(
            _(
                "Ghi tỉ lệ cho tất cả tác giả, hoặc để trống tỉ lệ của tất cả để chia đều "
                "nhuận bút."
            ),
            "authors",
        )
    # Replace the lines: drop the old rows first, so (piece, position) stays unique.
    if piece.id is not None and piece.authors:
        piece.authors.clear()
        db.session.flush()
    for position, user, name, share in rows:
        piece.authors.append(
            PieceAuthor(
                position=position, user_id=user.id if user else None, name=name, share=share
            )
        )


def problems_before_submit(piece: Piece) -> list[str]:
    """What must be fixed before the piece can go to the board."""
    problems = []
    if not piece.title.strip():
        problems.append(_("Tin, bài chưa có tiêu đề."))
    if not plain_text(piece.body).strip() and not piece.images:
        problems.append(_("Tin, bài chưa có nội dung."))
    if piece.category_id is None:
        problems.append(_("Chưa chọn chuyên mục."))
    if not piece.authors:
        problems.append(_("Chưa có tác giả."))
    elif all(a.share is not None for a in piece.authors):  # shares given (none: equal split)
        total = sum(a.share for a in piece.authors)
        if total != 100:
            problems.append(
                _("Tổng tỉ lệ của các tác giả phải bằng 100%% (hiện là %(total)d%%).", total=total)
            )
    if piece.source_kind is SourceKind.REPOST and not piece.source_name:
        problems.append(_("Tin, bài đăng lại cần ghi tên cơ quan báo chí nguồn."))
    return problems


def create_piece(user, data: PieceData) -> Piece:
    """A new draft in the user's unit, the user its only author unless told otherwise."""
    if user.unit_id is None:
        raise NotAllowed(_("Tài khoản của bạn chưa thuộc đơn vị nào, chưa thể viết tin, bài."))
    piece = Piece(unit_id=user.unit_id, submitter_id=user.id, state=PieceState.DRAFT, version=1)
    if not data.authors:
        data.authors = [AuthorLine(name=user.full_name, share=100, user_id=user.id)]
    check_named_authors(user, user.unit_id, data.authors)
    with db.session.no_autoflush:
        _apply_data(piece, data)
    db.session.add(piece)
    db.session.flush()
    _record_revision(piece, user, autosave=False)
    return piece


# What a draft can be stored without, so that the rest of what the user wrote is kept.
_DROPPABLE = {
    "authors": lambda data: setattr(data, "authors", []),
    "source_url": lambda data: setattr(data, "source_url", ""),
    "category_id": lambda data: setattr(data, "category_id", None),
}


def create_draft_keeping(user, data: PieceData) -> tuple[Piece, list[ServiceError]]:
    """A new draft with everything in ``data`` that can be kept, and the refusals of the rest.

    A first send with a bad co-author share still stores the title, lead and text (the
    writer as the only author until the shares are fixed). Raises the refusal when not
    even a draft can be stored (no valid genre).
    """
    data = replace(data, authors=list(data.authors), topic_ids=list(data.topic_ids))
    refusals: list[ServiceError] = []
    while True:
        try:
            return create_piece(user, data), refusals
        except NotAllowed:
            raise
        except ServiceError as err:
            drop = _DROPPABLE.get(err.field)
            if drop is None or any(r.field == err.field for r in refusals):
                raise
            refusals.append(err)
            drop(data)


def save_piece(user, piece: Piece, data: PieceData, expected_version, autosave=False) -> Piece:
    """Save changes to a piece; each explicit save by an editor is a revision.

    Autosaves of the same person fold into their latest revision, so the history is
    not thirty copies of a half-typed paragraph.
    """
    if not workflow.can_edit(user, piece):
        raise NotAllowed(_("Bạn không thể sửa tin, bài này ở trạng thái hiện tại."))
    check_version(piece, expected_version)
    check_named_authors(user, piece.unit_id, data.authors, piece)
    with db.session.no_autoflush:
        _apply_data(piece, data)
    piece.updated_at = utcnow()
    flush_or_stale()
    _record_revision(piece, user, autosave=autosave)
    return piece


def _record_revision(piece: Piece, user, autosave: bool) -> Revision | None:
    last = db.session.scalar(
        select(Revision)
        .where(Revision.piece_id == piece.id)
        .order_by(Revision.number.desc())
        .limit(1)
    )
    if last and (last.title, last.lead, last.body) == (piece.title, piece.lead, piece.body):
        return None
    if last and last.author_id == user.id and (autosave or _same_sitting(piece, last, user)):
        last.title, last.lead, last.body, last.created_at = (
            piece.title,
            piece.lead,
            piece.body,
            utcnow(),
        )
        return last
    revision = Revision(
        piece_id=piece.id,
        number=(last.number + 1) if last else 1,
        title=piece.title,
        lead=piece.lead,
        body=piece.body,
        author_id=user.id,
    )
    db.session.add(revision)
    return revision


def _same_sitting(piece: Piece, last: Revision, user) -> bool:
    """A contributor's saves before the piece moves on are one revision; editors' are each one."""
    if piece.state is PieceState.IN_REVIEW:
        return False
    moved = db.session.scalar(
        select(func.count(WorkflowEvent.id)).where(
            WorkflowEvent.piece_id == piece.id, WorkflowEvent.created_at >= last.created_at
        )
    )
    return moved == 0


def _require_edit(user, piece: Piece) -> None:
    if not workflow.can_edit(user, piece):
        raise NotAllowed(_("Bạn không thể sửa tin, bài này ở trạng thái hiện tại."))


def add_image(user, piece: Piece, filename: str, data: bytes, caption="", credit="") -> PieceImage:
    _require_edit(user, piece)
    stored = uploads.store_image(filename, data)
    position = (max((i.position for i in piece.images), default=-1)) + 1
    image = PieceImage(
        piece_id=piece.id,
        position=position,
        key=stored.key,
        thumb_key=stored.thumb_key,
        content_type=stored.content_type,
        width=stored.width,
        height=stored.height,
        size=stored.size,
        original_name=stored.original_name,
        sha256=stored.sha256,
        thumb_sha256=stored.thumb_sha256,
        caption=(caption or "").strip()[:500],
        credit=(credit or "").strip()[:120],
    )
    piece.images.append(image)
    db.session.flush()
    return image


def update_image(user, piece: Piece, image: PieceImage, caption: str, credit: str) -> PieceImage:
    _require_edit(user, piece)
    image.caption = (caption or "").strip()[:500]
    image.credit = (credit or "").strip()[:120]
    return image


def remove_image(user, piece: Piece, image: PieceImage) -> None:
    """Remove the image from the piece. The file stays until the row is gone for good."""
    _require_edit(user, piece)
    from webapp import storage

    keys = (image.key, image.thumb_key)
    piece.images.remove(image)
    db.session.flush()
    for key in keys:
        storage.delete(key)


def add_attachment(user, piece: Piece, filename: str, data: bytes) -> Attachment:
    _require_edit(user, piece)
    stored = uploads.store_attachment(filename, data)
    attachment = Attachment(
        piece_id=piece.id,
        key=stored.key,
        kind=stored.kind,
        content_type=stored.content_type,
        size=stored.size,
        original_name=stored.original_name,
        sha256=stored.sha256,
    )
    piece.attachments.append(attachment)
    db.session.flush()
    return attachment


def remove_attachment(user, piece: Piece, attachment: Attachment) -> None:
    _require_edit(user, piece)
    from webapp import storage

    key = attachment.key
    piece.attachments.remove(attachment)
    db.session.flush()
    storage.delete(key)


def add_comment(user, piece: Piece, body: str) -> Comment:
    """A comment in the piece's thread, between the unit and the board."""
    from webapp.notifications.services import notify

    if not workflow.can_view(user, piece):
        raise NotAllowed(_("Bạn không xem được tin, bài này."))
    body = (body or "").strip()
    if not body:
        raise ServiceError(_("Bình luận đang để trống."), "body")
    comment = Comment(piece_id=piece.id, author_id=user.id, body=body[:5000])
    db.session.add(comment)
    db.session.flush()
    # Tell the other side: the unit when the board writes, the holder (or the editors) otherwise.
    if workflow.is_owner(user, piece):
        from webapp.notifications.services import editors

        recipients = [piece.claimed_by] if piece.claimed_by else editors()
    else:
        recipients = [piece.submitter] + [a.user for a in piece.authors if a.user]
    excerpt = body if len(body) <= 140 else body[:137] + "…"
    notify(
        recipients, "comment", piece, actor=user, email=False, author=user.full_name, text=excerpt
    )
    return comment
