"""Every state-changing route refuses a request without the CSRF token."""

from tests.conftest import login
from tests.factories import make_category, make_unit, make_user


def test_every_post_route_refuses_without_token(app, client):
    admin = make_user("admin", unit=make_unit())
    unit = make_unit()
    category = make_category()
    login(client, admin)
    values = {
        "unit_id": unit.id,
        "user_id": admin.id,
        "term_id": category.id,
        "kind": "chuyen-muc",
        "direction": "len",
        "code": "en",
        "action": "submit",
        "piece_id": 1,
        "image_id": 1,
        "attachment_id": 1,
        "period": "2021-07",
    }
    checked = []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods:
            continue
        # other ids need not exist: the token is checked before the view runs
        url = rule.build({a: values.get(a, 1) for a in rule.arguments}, append_unknown=False)[1]
        for headers in ({}, {"HX-Request": "true"}):
            response = client.post(url, data={"name": "x"}, headers=headers)
            assert response.status_code == 400, (url, response.status_code)
            assert "Phiên làm việc đã hết hạn" in response.get_data(as_text=True)
        checked.append(rule.endpoint)
    assert len(checked) >= 10
    # and nothing happened: the admin is still signed in and active
    assert client.get("/toa-soan").status_code == 200
