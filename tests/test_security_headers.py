"""Every page tells the browser what it may do: no framing, no inline script, no sniffing."""

import io
import re
from pathlib import Path

from PIL import Image

from config import BASE_DIR
from tests.conftest import login
from tests.factories import make_category, make_genre, make_topic, make_unit, make_user
from tests.pieces.helpers import draft, genres
from tests.test_access import _fill
from webapp.extensions import db
from webapp.pieces import services
from webapp.roles import Role

EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}


def _directives(response) -> dict[str, str]:
    policy = response.headers.get("Content-Security-Policy", "")
    return {
        part.strip().split(" ", 1)[0]: part.strip().partition(" ")[2]
        for part in policy.split(";")
        if part.strip()
    }


def _missing(response) -> list[str]:
    missing = [name for name, value in EXPECTED.items() if response.headers.get(name) != value]
    directives = _directives(response)
    if directives.get("frame-ancestors") != "'none'":
        missing.append("frame-ancestors 'none'")
    script = directives.get("script-src", directives.get("default-src", ""))
    if not script or "unsafe-inline" in script or "unsafe-eval" in script:
        missing.append(f"script-src without unsafe-inline/eval (is {script!r})")
    permissions = response.headers.get("Permissions-Policy", "")
    for feature in ("camera=()", "microphone=()", "geolocation=()"):
        if feature not in permissions:
            missing.append(f"Permissions-Policy {feature}")
    return missing


def test_every_html_page_of_every_role_carries_the_headers(app):
    unit = make_unit()
    genres()
    users = {role: make_user(role.value, unit=unit) for role in Role}
    piece = draft(users[Role.CONTRIBUTOR])
    ids = {
        "unit_id": unit.id,
        "user_id": users[Role.CONTRIBUTOR].id,
        "piece_id": piece.id,
        "category": make_category().id,
    }
    make_topic()
    make_genre()
    checked, failures = set(), []
    for actor in [None, *Role]:
        client = app.test_client()
        if actor is not None:
            login(client, users[actor])
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint == "auth.logout":
                continue
            url = _fill(rule, ids)
            response = client.get(url)
            if response.mimetype != "text/html":
                continue
            checked.add((rule.endpoint, response.status_code))
            if missing := _missing(response):
                failures.append((actor, url, response.status_code, missing))
    assert failures == []
    # Pages that render (200), refusals (403) and the missing (404) were all looked at.
    assert {status for _, status in checked} >= {200, 403, 404}
    assert len({endpoint for endpoint, status in checked if status == 200}) >= 30


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/dang-nhap").headers
    secure = client.get("/dang-nhap", base_url="https://toasoan.example")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")
    assert not _missing(secure)


def test_a_refused_post_carries_them_too(client):
    response = client.post("/dang-nhap", data={"username": "x", "password": "y"})
    assert response.status_code in (200, 400, 422) and not _missing(response)


def _png(transparent=False) -> bytes:
    out = io.BytesIO()
    mode = "RGBA" if transparent else "RGB"
    Image.new(mode, (400, 300), (10, 120, 200, 128) if transparent else (10, 120, 200)).save(
        out, "PNG"
    )
    return out.getvalue()


PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def test_uploads_are_served_with_their_checked_type_and_a_disposition(app, client):
    genres()
    author = make_user("contributor")
    piece = draft(author)
    with app.test_request_context():
        image = services.add_image(author, piece, "anh.png", _png())
        attachment = services.add_attachment(author, piece, "ke-hoach.pdf", PDF)
    db.session.commit()
    login(client, author)

    full = client.get(f"/tep/{image.key}")
    assert full.status_code == 200 and full.mimetype == "image/png"
    assert full.headers["Content-Disposition"].startswith("inline")
    # The thumbnail of an opaque PNG is a JPEG: it says so.
    thumb = client.get(f"/tep/{image.thumb_key}")
    assert thumb.data[:3] == b"\xff\xd8\xff" and thumb.mimetype == "image/jpeg"
    assert thumb.headers["Content-Disposition"].startswith("inline")

    document = client.get(f"/tep/{attachment.key}")
    assert document.mimetype == "application/pdf"
    assert document.headers["Content-Disposition"].startswith("attachment")
    assert "ke-hoach.pdf" in document.headers["Content-Disposition"]
    for response in (full, thumb, document):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert _directives(response)["default-src"] == "'none'"


INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>"  # a script without src
    r"|\son[a-z]+\s*="  # an event handler attribute
    r"|\bhx-on\b|hx-on:"  # htmx handlers: need eval
    r"|javascript:",
    re.IGNORECASE,
)
TRIGGER = re.compile(r'hx-trigger="([^"]*)"')


def _has_trigger_filter(line: str) -> bool:
    """An htmx trigger filter ("every 60s [cond]") needs eval; "from:input[name=q]" does not."""
    return any("[" in re.sub(r"(from|target):\S+", "", value) for value in TRIGGER.findall(line))


def test_no_template_has_inline_script_or_handlers():
    found = []
    for path in sorted((BASE_DIR / "templates").rglob("*.html")):
        for number, line in enumerate(Path(path).read_text().splitlines(), 1):
            if INLINE_SCRIPT.search(line) or _has_trigger_filter(line):
                found.append(f"{path.relative_to(BASE_DIR)}:{number}: {line.strip()[:100]}")
    assert found == []
