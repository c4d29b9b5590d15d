"""Bad parameters get a 4xx, never a 500: every route, walked with hostile values.

For each route of the URL map, signed in with a role that may use it, the walker
sends hostile values in the URL's own parameters, in every query parameter the
app reads and in every form field any form declares: huge numbers, negative
numbers, words where numbers belong, NUL bytes, 5,000-character strings, bytes
that are not UTF-8, impossible dates, NaN and infinities. No answer may be a 5xx
(tests/conftest.py fails the test on any) and no exception may escape a view.
"""

from urllib.parse import quote

import pytest
from sqlalchemy import select
from wtforms.fields.core import UnboundField

from tests.conftest import csrf_token, login
from tests.factories import make_unit, make_user
from tests.pieces.helpers import draft, people
from webapp.access import rule_for
from webapp.cli import seed_demo
from webapp.extensions import db
from webapp.forms import Form
from webapp.roles import Role

HUGE = "99999999999999999999"
HOSTILE = [
    HUGE,
    "-1",
    "0",
    "abc",
    "%00",  # NUL, already percent-encoded
    "a%00b",
    "x" * 5000,
    "%ff%fe",  # not UTF-8, already percent-encoded
    "2021-13-45",
    "NaN",
    "-Infinity",
    "1e999999",
    "9" * 400,
    "",
]

# The query parameters the views read (besides those of their forms).
QUERY_NAMES = {
    "page", "q", "unit", "role", "entity", "loai", "next", "state", "a", "b", "thang", "nam",
    "year", "tu", "den", "the_loai", "chuyen_muc", "don_vi", "trang_thai", "kind", "period",
    "from_date", "to_date", "genre", "category", "status", "sort", "per_page", "month",
}  # fmt: skip
# Form fields views read by hand.
FORM_NAMES = {
    "autosave", "submit_piece", "publish_at", "version", "comment", "coefficient", "modifiers",
    "caption", "credit", "remove", "body", "choice", "next", "author_name", "author_share",
    "author_user_id",
}  # fmt: skip

# Preferred actor per rule: the one most likely to get deep into the view.
PREFERENCE = [Role.CONTRIBUTOR, Role.EDITOR, Role.CHIEF_EDITOR, Role.ACCOUNTANT, Role.ADMIN]
SKIP = {"auth.logout", "static"}


def _form_field_names() -> set[str]:
    names = set()
    stack = [Form]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        for klass in cls.__mro__:
            for name, value in vars(klass).items():
                if isinstance(value, UnboundField):
                    names.add(name)
    names.discard("csrf_token")
    return names


def _raw_query(names, value) -> str:
    """A query string with ``value`` sent as is when it is already percent-encoded."""
    encoded = value if "%" in value else quote(value, safe="")
    return "&".join(f"{name}={encoded}" for name in sorted(names))


@pytest.fixture
def world(app):
    seed_demo()
    folks = people(make_unit(name="Đơn vị thử tham số"))
    unit = folks["unit"]
    users = {
        Role.CONTRIBUTOR: folks["contributor"],
        Role.EDITOR: folks["editor"],
        Role.CHIEF_EDITOR: folks["chief"],
        Role.ACCOUNTANT: make_user("accountant", unit=unit),
        Role.ADMIN: make_user("admin", unit=unit),
    }
    piece = draft(folks["contributor"])
    target = make_user("contributor", unit=unit)  # the user the admin screens act on
    ids = {"unit_id": unit.id, "user_id": target.id, "piece_id": piece.id}
    from webapp.reminders.models import ReminderStage
    from webapp.royalties import models as r
    from webapp.taxonomy.models import Category

    for arg, model in {
        "term_id": Category,
        "rule_set_id": r.RoyaltyRuleSet,
        "rule_id": r.RoyaltyGenreRule,
        "modifier_id": r.RoyaltyModifier,
        "salary_id": r.BaseSalary,
        "tax_rule_id": r.TaxRule,
        "budget_id": r.Budget,
        "expense_id": r.Expense,
        "payee_id": r.Payee,
        "stage_id": ReminderStage,
    }.items():
        ids[arg] = db.session.scalar(select(model.id).order_by(model.id).limit(1)) or 1
    db.session.commit()
    return users, ids


STRING_ARGS = {
    "kind": "chuyen-muc",
    "direction": "len",
    "code": "vi",
    "action": "submit",
    "period": "2021-07",
    "slug": "tin",
    "key": "a/b.jpg",
}


def _url(rule, ids, hostile=None, which=None) -> str:
    """The rule's URL with real ids, or with ``hostile`` in the argument ``which``."""
    parts = []
    for is_dynamic, data in rule._trace:
        if not is_dynamic:
            parts.append(data)
            continue
        if data == which:
            parts.append(hostile if "%" in hostile else quote(hostile, safe=""))
        else:
            value = ids.get(data, STRING_ARGS.get(data, 1))
            parts.append(quote(str(value), safe="/"))
    url = "".join(parts)
    return url[url.index("|") + 1 :] if "|" in url else url


def _actor(rule_obj):
    if rule_obj.kind == "public":
        return None
    if rule_obj.kind == "signed_in":
        return Role.CONTRIBUTOR
    return next(role for role in PREFERENCE if role in rule_obj.roles)


def _walk(app, world, methods, values):
    users, ids = world
    form_names = _form_field_names() | FORM_NAMES
    clients, tokens = {}, {}

    def client_for(actor):
        if actor not in clients:
            client = app.test_client()
            if actor is not None:
                login(client, users[actor])
            clients[actor] = client
            tokens[actor] = csrf_token(client)
        return clients[actor], tokens[actor]

    seen, failures = 0, []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIP:
            continue
        with app.test_request_context():
            actor = _actor(rule_for(rule.endpoint))
        for method in sorted((rule.methods or set()) & methods):
            client, token = client_for(actor)
            for value in values:
                urls = [_url(rule, ids, value, arg) for arg in rule.arguments] or []
                urls.append(_url(rule, ids))
                for url in urls:
                    query = _raw_query(QUERY_NAMES, value)
                    for htmx in (False, True):
                        headers = {"HX-Request": "true"} if htmx else {}
                        try:
                            if method == "GET":
                                response = client.get(f"{url}?{query}", headers=headers)
                            else:
                                body = _raw_query(form_names, value) + f"&csrf_token={token}"
                                response = client.post(
                                    f"{url}?{query}",
                                    data=body.encode("latin-1", "replace"),
                                    content_type="application/x-www-form-urlencoded",
                                    headers=headers,
                                )
                        except Exception as err:  # noqa: BLE001 - every escape is a failure
                            db.session.rollback()
                            failures.append((method, url, value[:20], htmx, repr(err)[:200]))
                            continue
                        seen += 1
                        if response.status_code >= 500:
                            failures.append((method, url, value[:20], htmx, response.status_code))
    return seen, failures


@pytest.mark.parametrize("value", HOSTILE, ids=lambda v: v[:12] or "empty")
def test_no_get_route_answers_5xx_to_hostile_values(app, world, value):
    seen, failures = _walk(app, world, {"GET"}, [value])
    assert seen > 100
    assert failures == [], "\n".join(map(str, failures))


@pytest.mark.parametrize("value", HOSTILE, ids=lambda v: v[:12] or "empty")
def test_no_post_route_answers_5xx_to_hostile_values(app, world, value):
    seen, failures = _walk(app, world, {"POST"}, [value])
    assert seen > 100
    assert failures == [], "\n".join(map(str, failures))


def test_the_walker_covers_every_route(app):
    """A route added later is walked too: the walker reads the URL map, not a list."""
    endpoints = {r.endpoint for r in app.url_map.iter_rules()} - SKIP
    assert len(endpoints) > 100
    assert {"pieces.act", "royalties.ledger", "public.search"} <= endpoints


def test_the_cases_of_the_issue_get_a_clear_4xx(app, world):
    users, ids = world
    client = app.test_client()
    login(client, users[Role.CONTRIBUTOR])
    token = csrf_token(client)
    piece = ids["piece_id"]
    cases = [
        (client.get("/tin-bai?page=99999999999999999999"), 400),
        (client.get("/tin-bai?page=-1"), 400),
        (client.get("/tin-bai?state=khong-co"), 400),
        (client.get("/tin-bai?q=a%00b"), 400),
        (client.get("/tin-bai/99999999999999999999"), 404),
        (
            client.post(f"/tin-bai/{piece}/submit", data={"csrf_token": token, "version": "abc"}),
            400,
        ),
    ]
    for response, status in cases:
        assert response.status_code == status, (response.request.full_path, response.status_code)
        html = response.get_data(as_text=True)
        assert 'class="error-page"' in html
    page = client.get("/tin-bai?page=abc").get_data(as_text=True)
    assert "“page”" in page  # the page names the parameter
