"""Contributors' side: writing pieces, and the piece page shared with the board."""

from datetime import UTC, datetime

from flask import abort, flash, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select

from webapp import idempotency, storage
from webapp.access import public, roles, signed_in
from webapp.extensions import db
from webapp.forms import ActionForm
from webapp.htmx import hx_redirect, is_htmx, render
from webapp.pagination import paginate
from webapp.params import choice_arg, int_arg, text_arg
from webapp.pieces import bp, services
from webapp.pieces.forms import PieceForm, authors_from_request
from webapp.pieces.models import Attachment, Piece, PieceImage, PieceState, Revision, WorkflowEvent
from webapp.pieces.services import NotAllowed
from webapp.pieces.uploads import image_type
from webapp.review import workflow
from webapp.roles import Role
from webapp.sanitize import plain_text
from webapp.services import ServiceError, apply_error, race
from webapp.taxonomy.models import Category, Genre, Topic
from webapp.text import fold
from webapp.timeutil import LOCAL_TZ

WRITERS = roles(Role.CONTRIBUTOR, Role.EDITOR, Role.CHIEF_EDITOR)


def load_piece(piece_id: int) -> Piece:
    """The piece, or 404; 403 when the user may not see it."""
    piece = db.session.get(Piece, piece_id)
    if piece is None:
        abort(404)
    if not workflow.can_view(current_user, piece):
        abort(403)
    return piece


def _form(piece=None, formdata=True):
    genres = db.session.scalars(
        select(Genre).where(Genre.active.is_(True)).order_by(Genre.id)
    ).all()
    categories = db.session.scalars(
        select(Category).where(Category.active.is_(True)).order_by(Category.display_order)
    ).all()
    topics = db.session.scalars(
        select(Topic).where(Topic.active.is_(True)).order_by(Topic.name)
    ).all()
    kwargs = {"genres": genres, "categories": categories, "topics": topics}
    if not formdata:
        kwargs["formdata"] = None
    form = PieceForm(obj=piece if not formdata or request.method == "GET" else None, **kwargs)
    if piece is not None and (request.method == "GET" or not formdata):
        form.genre_id.data = str(piece.genre_id)
        form.category_id.data = str(piece.category_id or "")
        form.topic_ids.data = [str(t.id) for t in piece.topics]
        form.source_kind.data = piece.source_kind.value
        form.version.data = str(piece.version)
    return form


def _unit_people(unit_id, piece=None):
    """The co-author picker: whom a contributor of the unit may name, and who is named."""
    people = services.nameable_authors(unit_id)
    if piece is not None:
        listed = {person.id for person in people}
        people += [a.user for a in piece.authors if a.user and a.user_id not in listed]
    return people


# --- our unit's pieces ------------------------------------------------------------


@bp.route("/tin-bai")
@WRITERS
def unit_pieces():
    """“Tin bài của đơn vị”: the unit's pieces, with state filter and search."""
    state = choice_arg("state", {s.value for s in PieceState})
    q = text_arg("q")
    query = select(Piece).where(Piece.unit_id == current_user.unit_id)
    if state in {s.value for s in PieceState}:
        query = query.where(Piece.state == state)
    if q:
        query = query.where(Piece.search_text.contains(fold(q), autoescape=True))
    query = query.order_by(Piece.updated_at.desc(), Piece.id.desc())
    page = paginate(query)
    return render(
        "pieces/unit_pieces.html",
        "pieces/_unit_pieces_table.html",
        page=page,
        state=state,
        q=q,
        states=list(PieceState),
    )


# --- writing ---------------------------------------------------------------------


@bp.route("/tin-bai/moi", methods=["GET", "POST"])
@WRITERS
def new_piece():
    if current_user.unit_id is None:
        flash(_("Tài khoản của bạn chưa thuộc đơn vị nào, chưa thể viết tin, bài."), "error")
        return redirect(url_for("dashboard.home"))
    if (done := _replayed()) is not None:
        return done
    form = _form()
    if request.method == "GET":
        form.genre_id.data = next((v for v, label in form.genre_id.choices), None)
        authors = [{"user_id": current_user.id, "name": current_user.full_name, "share": 100}]
        return render(
            "pieces/edit.html",
            form=form,
            piece=None,
            authors=authors,
            people=_unit_people(current_user.unit_id),
        )
    return _save(None, form)


@bp.route("/tin-bai/<int:piece_id>/sua", methods=["GET", "POST"])
@WRITERS
def edit_piece(piece_id):
    piece = load_piece(piece_id)
    if (done := _replayed()) is not None:
        return done
    if not workflow.can_edit(current_user, piece):
        flash(
            _(
                "Tin, bài đang ở trạng thái “%(state)s”, bạn không sửa được.",
                state=piece.state.label,
            ),
            "info",
        )
        return redirect(url_for("pieces.show", piece_id=piece.id))
    form = _form(piece)
    if request.method == "GET":
        authors = [{"user_id": a.user_id, "name": a.name, "share": a.share} for a in piece.authors]
        return render(
            "pieces/edit.html",
            form=form,
            piece=piece,
            authors=authors,
            people=_unit_people(piece.unit_id, piece),
            return_reason=_return_reason(piece),
        )
    return _save(piece, form)


def _replayed():
    """The answer again when this very piece form has acted (the autosave carries no promise:
    it may save the same form many times)."""
    if request.method != "POST" or request.form.get("autosave") == "1":
        return None
    if (done := idempotency.replay()) is None:
        return None
    return hx_redirect(done["redirect"])


def _return_reason(piece):
    """The board's reason for the latest return, shown while the unit fixes the piece."""
    if piece.state is not PieceState.RETURNED:
        return None
    return db.session.scalar(
        select(WorkflowEvent.comment)
        .where(WorkflowEvent.piece_id == piece.id, WorkflowEvent.action == "return")
        .order_by(WorkflowEvent.id.desc())
        .limit(1)
    )


def _save(piece, form):
    """Save (explicitly, or the half-minute autosave) and, when asked, submit.

    Nothing typed is lost on a refusal: a new piece is kept as a draft with all that can
    be stored, and the form comes back (422) with every field as sent, now posting to
    that draft. A submit refused after a good save keeps the save. A form posted twice
    (its ``form_token``) acts once; the autosave uses no token.
    """
    autosave = request.form.get("autosave") == "1"
    submit = request.form.get("submit_piece") == "1"
    authors = authors_from_request(request.form)
    refusals = []
    kept = False  # something was stored
    if form.validate_on_submit():
        data = form.to_data(authors)
        try:
            if piece is None:
                piece, refusals = services.create_draft_keeping(current_user, data)
            else:
                services.save_piece(current_user, piece, data, form.version.data, autosave=autosave)
            kept = True
        except NotAllowed:
            db.session.rollback()
            abort(403)
        except ServiceError as err:
            db.session.rollback()
            refusals = [err]
        if kept and submit and not refusals:
            refusals = _submit(piece)
    if autosave:
        if kept:
            db.session.commit()
        errors = [str(e) for f in form for e in f.errors] + [str(e) for e in form.form_errors]
        errors += _messages(refusals)
        ok = kept and not refusals
        response = render(
            "pieces/_autosave_status.html",
            piece=piece,
            ok=ok,
            errors=errors,
            status=200 if ok else 422,
        )
        if kept:
            response.headers["HX-Replace-Url"] = url_for("pieces.edit_piece", piece_id=piece.id)
        return response
    if kept:
        if refusals:
            result = url_for("pieces.edit_piece", piece_id=piece.id)
        elif submit:
            result = url_for("pieces.show", piece_id=piece.id)
        else:
            result = url_for("pieces.edit_piece", piece_id=piece.id)
        if (done := idempotency.finish(redirect=result, errors=_messages(refusals))) is not None:
            return hx_redirect(done["redirect"])
        if not refusals:
            if submit:
                flash(_("Đã gửi “%(title)s” tới Ban biên tập.", title=piece.title), "success")
            else:
                flash(_("Đã lưu nháp."), "success")
            return hx_redirect(result)
        flash(_("Đã lưu nháp những gì hợp lệ; vui lòng sửa các mục báo lỗi."), "warning")
        # What was kept is saved; the form now edits it, at its new version.
        form.version.data = str(piece.version)
    for err in refusals:
        apply_error(form, err)
    author_rows = [{"user_id": a.user_id, "name": a.name, "share": a.share} for a in authors]
    unit_id = piece.unit_id if piece else current_user.unit_id
    return render(
        "pieces/edit.html",
        form=form,
        piece=piece,
        authors=author_rows,
        people=_unit_people(unit_id, piece),
        status=422,
        return_reason=_return_reason(piece) if piece else None,
    )


def _submit(piece) -> list[ServiceError]:
    """Send the saved piece to the board; a refusal undoes the submit only, not the save."""
    from webapp.review.services import transition

    try:
        with db.session.begin_nested():
            transition(current_user, piece, workflow.Action.SUBMIT, expected_version=piece.version)
    except NotAllowed:
        db.session.rollback()
        abort(403)
    except ServiceError as err:
        return [err]
    return []


def _messages(refusals) -> list[str]:
    return [str(e.message) for e in refusals]


@bp.route("/tin-bai/tac-gia")
@WRITERS
def author_row():
    """One more empty author row for the piece form."""
    unit_id = int_arg("unit") or current_user.unit_id
    if unit_id != current_user.unit_id and not services.may_name_anyone(current_user):
        unit_id = current_user.unit_id  # a contributor picks among their own unit's circle
    if not is_htmx():
        return redirect(url_for("pieces.new_piece"))
    return render(
        "pieces/_author_row.html",
        author={"user_id": None, "name": "", "share": ""},
        people=_unit_people(unit_id),
    )


# --- the piece page -----------------------------------------------------------------


@bp.route("/tin-bai/<int:piece_id>")
@signed_in
def show(piece_id):
    piece = load_piece(piece_id)
    return render("pieces/show.html", **_show_context(piece))


def _show_context(piece, action_form=None, failed_action=None):
    from webapp.review.services import coefficient_rule

    events = db.session.scalars(
        select(WorkflowEvent).where(WorkflowEvent.piece_id == piece.id).order_by(WorkflowEvent.id)
    ).all()
    from webapp.pieces.models import Comment

    comments = db.session.scalars(
        select(Comment).where(Comment.piece_id == piece.id).order_by(Comment.id)
    ).all()
    revisions = db.session.scalars(
        select(Revision.id, Revision.number)
        .where(Revision.piece_id == piece.id)
        .order_by(Revision.number)
    ).all()
    return {
        "piece": piece,
        "events": events,
        "comments": comments,
        "revision_count": len(revisions),
        "actions": workflow.allowed_actions(current_user, piece),
        "can_edit": workflow.can_edit(current_user, piece),
        "rule": coefficient_rule(piece) if piece.state is PieceState.IN_REVIEW else None,
        "modifiers": _modifiers_in_force() if piece.state is PieceState.IN_REVIEW else [],
        "failed_action": failed_action,
        "action_error": action_form,
    }


def _modifiers_in_force():
    from webapp.royalties.rules import rule_set_on
    from webapp.timeutil import local_today

    rule_set = rule_set_on(local_today())
    return rule_set.modifiers if rule_set else []


@bp.route("/tin-bai/<int:piece_id>/<action>", methods=["POST"])
@WRITERS
def act(piece_id, action):
    """Apply one workflow action from the piece page or the queue."""
    from webapp.review.services import conflict_for, transition

    try:
        action = workflow.Action(action)
    except ValueError:
        abort(404)
    if action is workflow.Action.PUBLISH_DUE:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    if (done := idempotency.replay()) is not None:  # this very form has acted already
        return _acted(db.get_or_404(Piece, piece_id), done["redirect"])
    piece = load_piece(piece_id)
    publish_at = None
    raw = request.form.get("publish_at", "").strip()
    if raw:
        try:
            local = datetime.fromisoformat(raw).replace(tzinfo=LOCAL_TZ)
            publish_at = local.astimezone(UTC).replace(tzinfo=None)
        except ValueError:
            publish_at = None
    try:
        # A race lost at the commit is told like one lost in the service: who won, and when.
        with race(lambda: conflict_for(piece_id, action)):
            transition(
                current_user,
                piece,
                action,
                expected_version=request.form.get("version"),
                comment=request.form.get("comment", ""),
                coefficient=request.form.get("coefficient"),
                modifiers=request.form.getlist("modifiers")
                if action is workflow.Action.APPROVE
                else None,
                publish_at=publish_at,
            )
            if workflow.can_view(current_user, piece):
                result = url_for("pieces.show", piece_id=piece.id)
            else:
                result = url_for("dashboard.home")
            # Commits the action with this form's token: a resend answers the same.
            done = idempotency.finish(redirect=result)
    except NotAllowed:
        db.session.rollback()
        abort(403)
    except ServiceError as err:
        db.session.rollback()
        piece = load_piece(piece_id)
        target = request.headers.get("HX-Target", "")
        if target.startswith("queue-row-"):
            return render(
                "review/_queue_row.html",
                "review/_queue_row.html",
                piece=piece,
                error=str(err.message),
                status=409,
            )
        context = _show_context(piece, action_form=str(err.message), failed_action=action)
        return render("pieces/show.html", "pieces/_actions.html", status=err.status, **context)
    if done is not None:
        return _acted(db.get_or_404(Piece, piece_id), done["redirect"])
    flash(_("Đã thực hiện: %(action)s.", action=action.label), "success")
    return _acted(piece, result)


def _acted(piece, url):
    """The answer to an action that is done: the queue row in place, or the next page."""
    if request.headers.get("HX-Target", "").startswith("queue-row-"):
        return render("review/_queue_row.html", "review/_queue_row.html", piece=piece, error=None)
    return hx_redirect(url)


# --- images and attachments ---------------------------------------------------------------


def _editable(piece_id):
    piece = load_piece(piece_id)
    if not workflow.can_edit(current_user, piece):
        abort(403)
    return piece


def _receive_upload(piece_id, field, missing_message, store, template, error_name):
    """Take one uploaded file for a piece: store it, or say plainly why not; then answer
    with the section re-rendered (htmx) or a redirect back to the form."""
    piece = _editable(piece_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    upload = request.files.get(field)
    error = None
    if upload is None or not upload.filename:
        error = missing_message
    else:
        try:
            store(piece, upload)
        except ServiceError as err:
            db.session.rollback()
            error = str(err.message)
        else:
            db.session.commit()
    piece = load_piece(piece_id)
    if not is_htmx():
        if error:
            flash(error, "error")
        return redirect(url_for("pieces.edit_piece", piece_id=piece.id))
    return render(template, piece=piece, status=422 if error else 200, **{error_name: error})


@bp.route("/tin-bai/<int:piece_id>/anh", methods=["POST"])
@WRITERS
def add_image(piece_id):
    def store(piece, upload):
        services.add_image(
            current_user,
            piece,
            upload.filename,
            upload.read(),
            caption=request.form.get("caption", ""),
            credit=request.form.get("credit", ""),
        )

    return _receive_upload(
        piece_id,
        "image",
        _("Vui lòng chọn một tệp ảnh."),
        store,
        "pieces/_images.html",
        "image_error",
    )


@bp.route("/tin-bai/<int:piece_id>/anh/<int:image_id>", methods=["POST"])
@WRITERS
def update_image(piece_id, image_id):
    piece = _editable(piece_id)
    image = db.session.get(PieceImage, image_id)
    if image is None or image.piece_id != piece.id or not ActionForm().validate_on_submit():
        abort(404)
    if request.form.get("remove") == "1":
        services.remove_image(current_user, piece, image)
    else:
        services.update_image(
            current_user,
            piece,
            image,
            request.form.get("caption", ""),
            request.form.get("credit", ""),
        )
    db.session.commit()
    if not is_htmx():
        return redirect(url_for("pieces.edit_piece", piece_id=piece.id))
    return render("pieces/_images.html", piece=load_piece(piece_id), image_error=None)


@bp.route("/tin-bai/<int:piece_id>/tep", methods=["POST"])
@WRITERS
def add_attachment(piece_id):
    def store(piece, upload):
        services.add_attachment(current_user, piece, upload.filename, upload.read())

    return _receive_upload(
        piece_id,
        "attachment",
        _("Vui lòng chọn một tệp."),
        store,
        "pieces/_attachments.html",
        "attachment_error",
    )


@bp.route("/tin-bai/<int:piece_id>/tep/<int:attachment_id>/xoa", methods=["POST"])
@WRITERS
def remove_attachment(piece_id, attachment_id):
    piece = _editable(piece_id)
    attachment = db.session.get(Attachment, attachment_id)
    if (
        attachment is None
        or attachment.piece_id != piece.id
        or not ActionForm().validate_on_submit()
    ):
        abort(404)
    services.remove_attachment(current_user, piece, attachment)
    db.session.commit()
    if not is_htmx():
        return redirect(url_for("pieces.edit_piece", piece_id=piece.id))
    return render("pieces/_attachments.html", piece=load_piece(piece_id), attachment_error=None)


@bp.route("/tep/<path:key>")
@public
def upload(key):
    """Uploaded files: anyone for a published piece; otherwise those who may see the piece."""
    image = db.session.scalar(
        select(PieceImage).where(or_(PieceImage.key == key, PieceImage.thumb_key == key))
    )
    owner = image.piece if image else None
    attachment = None
    if owner is None:
        attachment = db.session.scalar(select(Attachment).where(Attachment.key == key))
        owner = attachment.piece if attachment else None
    if owner is None:
        abort(404)
    if owner.state is not PieceState.PUBLISHED and not workflow.can_view(current_user, owner):
        abort(404)
    try:
        path = storage.path(key)
    except ValueError:
        abort(404)
    if not path.exists():
        abort(404)
    if attachment is not None:
        response = send_file(
            path,
            mimetype=attachment.content_type,
            as_attachment=True,
            download_name=attachment.original_name or path.name,
        )
    else:
        # The thumbnail may be of another format than the image (a PNG's is a JPEG).
        response = send_file(
            path,
            mimetype=image_type(key, fallback=image.content_type),
            as_attachment=False,
            download_name=path.name,
        )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.cache_control.private = owner.state is not PieceState.PUBLISHED
    return response


# --- comments, revisions, duplicates -------------------------------------------------------


@bp.route("/tin-bai/<int:piece_id>/binh-luan", methods=["POST"])
@signed_in
def add_comment(piece_id):
    piece = load_piece(piece_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    error = None
    try:
        services.add_comment(current_user, piece, request.form.get("body", ""))
    except ServiceError as err:
        db.session.rollback()
        error = str(err.message)
    else:
        db.session.commit()
    if not is_htmx():
        if error:
            flash(error, "error")
        return redirect(url_for("pieces.show", piece_id=piece_id) + "#binh-luan")
    context = _show_context(load_piece(piece_id))
    return render(
        "pieces/_comments.html", comment_error=error, status=422 if error else 200, **context
    )


@bp.route("/tin-bai/<int:piece_id>/phien-ban")
@signed_in
def revisions(piece_id):
    """The revisions, and a word-level comparison of any two."""
    from webapp.review import diff as word_diff

    piece = load_piece(piece_id)
    all_revisions = db.session.scalars(
        select(Revision).where(Revision.piece_id == piece.id).order_by(Revision.number)
    ).all()
    by_number = {r.number: r for r in all_revisions}
    newest = all_revisions[-1].number if all_revisions else 0
    a = int_arg("a") or max(newest - 1, 1)
    b = int_arg("b") or newest
    old, new = by_number.get(a), by_number.get(b)
    comparison = None
    if old and new:
        old_text = f"{old.title}\n\n{old.lead}\n\n{plain_text(old.body)}"
        new_text = f"{new.title}\n\n{new.lead}\n\n{plain_text(new.body)}"
        ops = word_diff.word_diff(old_text, new_text)
        comparison = {"html": word_diff.render_html(ops), "stats": word_diff.stats(ops)}
    return render(
        "pieces/revisions.html",
        "pieces/_diff.html",
        piece=piece,
        revisions=all_revisions,
        a=a,
        b=b,
        comparison=comparison,
    )


@bp.route("/tin-bai/<int:piece_id>/trung-lap")
@roles(Role.EDITOR, Role.CHIEF_EDITOR)
def duplicate(piece_id):
    """The piece and its closest earlier piece, side by side."""
    piece = load_piece(piece_id)
    if piece.duplicate_of is None:
        abort(404)
    return render("pieces/duplicate.html", piece=piece, other=piece.duplicate_of)
