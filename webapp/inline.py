"""The inline-edited table, shared by the admin and royalty data screens.

Each kind of row has a list page with a create form, a display row and an edit row that
htmx swaps into each other, and full pages for the same steps without htmx:

- create (POST), and delete where a kind has it: a flash, then the fresh panel for htmx
  or a redirect to the list; a refused create shows the panel again with the form's errors
  and 422 (the view's own page function);
- row (GET): the display row for htmx (the edit row's Cancel); a plain request goes to
  the edit page;
- edit (GET/POST): the edit row for htmx, else the full edit page (422 when refused);
  saved, the display row for htmx, else a flash and a redirect.

The views keep their routes, access rules, forms and templates; these helpers hold only the
flow they share.
"""

from collections.abc import Callable

from flask import flash, redirect, request
from flask_login import current_user
from werkzeug.wrappers import Response

from webapp.extensions import db
from webapp.htmx import is_htmx, render
from webapp.services import ServiceError, apply_error


def form_values(form) -> dict:
    """The form's data by field name, without the CSRF token."""
    return {name: field.data for name, field in form._fields.items() if name != "csrf_token"}


def submit(form, action, *args):
    """Validate ``form`` and call the service with its values; commit when it succeeds.

    Calls ``action(current_user, *args, **values)`` and returns what it returned (the row
    it created or saved). None when nothing was saved: a GET, an invalid form, or a refusal
    by the service, which lands on the form (under the field it names) after a rollback.
    """
    if not form.validate_on_submit():
        return None
    try:
        result = action(current_user, *args, **form_values(form))
    except ServiceError as err:
        db.session.rollback()
        apply_error(form, err)
        return None
    db.session.commit()
    return result


def list_changed(message: str, list_url: str, panel: Callable[[], Response]) -> Response:
    """The answer once a row was added or removed: flash ``message``; htmx gets ``panel()``
    (rendered after the flash, so that the message rides along), a plain request a redirect
    to ``list_url``."""
    flash(message, "success")
    if not is_htmx():
        return redirect(list_url)
    return panel()


def inline_row(edit_url: str, row_template: str, **ctx) -> Response:
    """The display row for htmx; a plain request is sent to the edit page ``edit_url``."""
    if not is_htmx():
        return redirect(edit_url)
    return render(row_template, **ctx)


def inline_edit(
    saved,
    form,
    *,
    row_template: str,
    edit_template: str,
    full_template: str,
    done_url: str,
    saved_message: str,
    page_ctx: dict | None = None,
    **ctx,
) -> Response:
    """The answer to an edit GET or POST, once the view has tried to save (``saved``: what
    :func:`submit` returned).

    Saved: the display row for htmx; a plain request gets ``saved_message`` as a flash and a
    redirect to ``done_url``. Otherwise the edit row for htmx, or the full page, with 200 on
    a GET and 422 on a refused POST. ``ctx`` goes to every template, ``page_ctx`` (a title,
    a back link) only to the edit row and the full page, together with ``form``.

    The view calls :func:`submit` as the first argument, so the arguments after it (the
    message, the redirect) see the values just saved.
    """
    if saved:
        if is_htmx():
            return render(row_template, **ctx)
        flash(saved_message, "success")
        return redirect(done_url)
    status = 422 if request.method == "POST" else 200
    return render(full_template, edit_template, status=status, form=form, **ctx, **(page_ctx or {}))
