"""Small helpers for answering htmx and plain requests from the same views."""

from flask import Response, make_response, render_template, request


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )


def render(template: str, fragment: str | None = None, status: int = 200, **ctx) -> Response:
    """Render the full page, or only ``fragment`` when htmx asked for it.

    The full page includes the fragment, so each piece of HTML has one source.
    """
    if fragment and is_htmx():
        # Flash messages ride along as an out-of-band swap into the page's message area.
        html = render_template(fragment, **ctx) + render_template("_flashes.html", oob=True)
    else:
        html = render_template(template, **ctx)
    response = make_response(html, status)
    response.vary.add("HX-Request")
    return response


def hx_redirect(url: str) -> Response:
    """Redirect the browser: a full navigation for htmx, a 303 otherwise."""
    if is_htmx():
        response = make_response("", 204)
        response.headers["HX-Redirect"] = url
        return response
    response = make_response("", 303)
    response.headers["Location"] = url
    return response
