"""The royalty data screens: rule sets, base salaries, tax, budgets, expenses, payees."""

import re
from datetime import date

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import IntegrityError

from tests.conftest import login, post
from tests.factories import make_unit, make_user
from tests.pieces.helpers import genres
from webapp.audit.models import AuditEntry
from webapp.extensions import db
from webapp.royalties.forms import parse_hundredths, parse_money
from webapp.royalties.models import (
    BaseSalary,
    Budget,
    Expense,
    Payee,
    RoyaltyGenreRule,
    RoyaltyModifier,
    RoyaltyRuleSet,
    TaxRule,
)

HX = {"HX-Request": "true"}


def _admin(client):
    admin = make_user("admin", unit=make_unit(), full_name="Quản Trị Viên")
    login(client, admin)
    return admin


def _accountant(client):
    accountant = make_user("accountant", unit=make_unit(), full_name="Kế Toán Viên")
    login(client, accountant)
    return accountant


def _example():
    genres()
    return db.session.scalar(select(RoyaltyRuleSet).where(RoyaltyRuleSet.is_example.is_(True)))


def _rule(rule_set, code) -> RoyaltyGenreRule:
    return next(r for r in rule_set.genre_rules if r.genre.code == code)


def _row(html, row_id) -> str:
    """The HTML of one table row, by its id."""
    match = re.search(rf'<tr id="{row_id}".*?</tr>', html, re.S)
    assert match, f"no row {row_id}"
    return match.group(0)


# --- parsing what users type ----------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("2.000.000", 2_000_000),
        ("2000000", 2_000_000),
        ("2 000 000 đ", 2_000_000),
        ("2.000.000đ", 2_000_000),
        (" 149.000 ", 149_000),
        ("8,620,000", 8_620_000),
        ("1\u00a0490\u00a0000", 1_490_000),
        ("0", 0),
        ("", None),
        ("   ", None),
    ],
)
def test_parse_money_reads_vietnamese_amounts(typed, expected):
    assert parse_money(typed) == expected


@pytest.mark.parametrize(
    "typed", ["2,5", "2.50", "1.2345", "2.000,000", "-5", "abc", "2tr", "12.000.000.000"]
)
def test_parse_money_refuses_what_is_not_whole_dong(app, typed):
    with app.test_request_context(), pytest.raises(ValueError) as err:
        parse_money(typed)
    assert "Số tiền" in str(err.value)


@pytest.mark.parametrize(
    "typed, expected",
    [("10", 1000), ("10,5", 1050), ("0.5", 50), ("0,5", 50), ("100 %", 10000), ("", None)],
)
def test_parse_hundredths(typed, expected):
    assert parse_hundredths(typed) == expected


@pytest.mark.parametrize("typed", ["0,125", "-1", "mười", "nan"])
def test_parse_hundredths_refuses(app, typed):
    with app.test_request_context(), pytest.raises(ValueError):
        parse_hundredths(typed)


# --- who may see what -----------------------------------------------------------------------

ADMIN_PAGES = ["/nhuan-but/quy-dinh", "/nhuan-but/luong-co-so", "/nhuan-but/thue"]
MONEY_PAGES = ["/nhuan-but/du-toan", "/nhuan-but/chi-khac", "/nhuan-but/nguoi-nhan"]


@pytest.mark.parametrize("role", ["contributor", "editor", "chief_editor"])
def test_writers_and_editors_are_refused(client, role):
    login(client, make_user(role, unit=make_unit()))
    for url in ADMIN_PAGES + MONEY_PAGES:
        assert client.get(url).status_code == 403, url


def test_accountant_keeps_the_books_but_not_the_rules(client):
    _accountant(client)
    for url in ADMIN_PAGES:
        assert client.get(url).status_code == 403, url
    for url in MONEY_PAGES:
        assert client.get(url).status_code == 200, url
    tabs = client.get("/nhuan-but/chi-khac").get_data(as_text=True)
    assert "Chi khác" in tabs and "Người nhận" in tabs and "Quy định nhuận bút" not in tabs


def test_admin_sees_every_page_with_the_tabs(client):
    _admin(client)
    genres()
    for url in ADMIN_PAGES + MONEY_PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'aria-current="page"' in response.get_data(as_text=True)


# --- rule sets ------------------------------------------------------------------------------


def test_rule_sets_page_shows_the_example_table(client):
    _admin(client)
    _example()
    html = client.get("/nhuan-but/quy-dinh").get_data(as_text=True)
    assert "VÍ DỤ — cần thay bằng quyết định của tỉnh" in html
    assert "570/2013/QĐ-UBND" in html and "từ 01/06/2014" in html
    assert "10 % lương cơ sở" in html and "100 %" in html
    assert "Đăng lại từ cơ quan báo chí khác" in html and "Dịch từ tiếng nước ngoài" in html
    assert "50 %" in html  # translated: half of the genre's royalty
    tin = _row(html, f"genre-rule-{_rule(_example(), 'tin').id}")
    assert "0,50" in tin and "1,00" in tin and "2,00" in tin and "mỗi tin, bài" in tin
    anh = _row(html, f"genre-rule-{_rule(_example(), 'anh').id}")
    assert "mỗi ảnh" in anh


def test_editing_a_genre_rule_is_audited_old_to_new(client):
    admin = _admin(client)
    rule = _rule(_example(), "tin")
    url = f"/nhuan-but/quy-dinh/the-loai/{rule.id}/sua"
    edit = client.get(url, headers=HX)
    assert edit.status_code == 200
    assert "<html" not in edit.get_data(as_text=True) and 'value="1"' in edit.get_data(as_text=True)
    assert "<html" in client.get(url).get_data(as_text=True)  # the same URL as a full page
    data = {"min_centi": "0,5", "default_centi": "1,2", "max_centi": "3", "counted_per": "piece"}
    response = post(client, url, data, htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert "1,20" in _row(html, f"genre-rule-{rule.id}") and "3,00" in html
    db.session.expire_all()
    assert (rule.min_centi, rule.default_centi, rule.max_centi) == (50, 120, 300)
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.entity_type == "royalty_genre_rules")
    )
    assert entry.actor_id == admin.id and entry.action == "update"
    assert entry.changes == {"default_centi": ["1,00", "1,20"], "max_centi": ["2,00", "3,00"]}
    audit = client.get("/quan-tri/nhat-ky").get_data(as_text=True)
    assert "Hệ số thể loại" in audit and "Tin" in audit
    assert "Hệ số tối đa" in audit and "<del>2,00</del> → " in audit and "<ins>3,00</ins>" in audit


def test_min_above_max_is_refused_in_vietnamese(client):
    _admin(client)
    rule = _rule(_example(), "bai")
    url = f"/nhuan-but/quy-dinh/the-loai/{rule.id}/sua"
    data = {"min_centi": "5", "default_centi": "4", "max_centi": "2", "counted_per": "piece"}
    response = post(client, url, data, htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert (
        "<html" not in html and f'id="genre-rule-{rule.id}"' in html and 'class="editing"' in html
    )
    assert "Hệ số tối thiểu (5,00) không được lớn hơn hệ số tối đa (2,00)." in html
    assert 'value="5"' in html  # what the user typed stays in place
    response = post(client, url, dict(data, min_centi="1", default_centi="6"))
    assert response.status_code == 422 and "<html" in response.get_data(as_text=True)
    assert "Hệ số mặc định phải nằm trong khoảng từ 1,00 đến 2,00." in response.get_data(
        as_text=True
    )
    db.session.expire_all()
    assert (rule.min_centi, rule.max_centi) == (200, 500)
    changes = select(func.count(AuditEntry.id)).where(AuditEntry.entity_type != "users")
    assert db.session.scalar(changes) == 0  # (the admin's sign-in is the only entry)


@pytest.mark.parametrize(
    "data, message",
    [
        ({"max_centi": "150"}, "Hệ số không được lớn hơn 100."),
        ({"max_centi": "10000"}, "Hệ số không được lớn hơn 100."),
        ({"min_centi": "-1"}, "Phải là một số không âm."),
        ({"default_centi": "6"}, "Hệ số mặc định phải nằm trong khoảng từ 2,00 đến 5,00."),
        (
            {"max_centi": "50", "default_centi": "50"},
            # 50 × 10 % × 2.530.000 đ = 12.650.000 đ: above a ceiling of 10.000.000 đ
            "Với hệ số tối đa 50,00 và lương cơ sở 2.530.000 đ, một tin, bài được 12.650.000 đ, "
            "vượt mức trần 10.000.000 đ mỗi dòng nhuận bút.",
        ),
    ],
)
def test_a_range_out_of_bounds_is_refused_on_the_rules_screen(
    client, app, monkeypatch, data, message
):
    monkeypatch.setitem(app.config, "ROYALTY_LINE_CEILING", 10_000_000)
    _admin(client)
    rule = _rule(_example(), "bai")
    url = f"/nhuan-but/quy-dinh/the-loai/{rule.id}/sua"
    typed = {"min_centi": "2", "default_centi": "3", "max_centi": "5", "counted_per": "piece"}
    response = post(client, url, typed | data, htmx=True)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert (rule.min_centi, rule.default_centi, rule.max_centi) == (200, 300, 500)
    # Within the ceiling, the same screen takes it.
    response = post(client, url, typed | {"max_centi": "39"}, htmx=True)
    assert response.status_code == 200
    db.session.expire_all()
    assert rule.max_centi == 3900


def test_a_budget_above_two_billion_dong_is_kept_to_the_dong(client):
    _accountant(client)
    response = post(
        client, "/nhuan-but/du-toan", {"year": "2027", "amount": "3.000.000.000"}, htmx=True
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    budget = db.session.scalar(select(Budget).where(Budget.year == 2027))
    assert budget.amount == 3_000_000_000  # above 2^31: a 32-bit column could not hold it


def test_the_database_refuses_an_unordered_range_too(app):
    rule = _rule(_example(), "tin")
    with pytest.raises(IntegrityError), db.session.begin_nested():
        rule.min_centi, rule.max_centi = 300, 100
        db.session.flush()


def test_overlapping_rule_sets_are_refused(client):
    _admin(client)
    example = _example()
    data = {
        "name": "Quy định của tỉnh Gia Lai",
        "legal_basis": "Quyết định số 12/2025/QĐ-UBND",
        "valid_from": "2025-01-01",
        "valid_to": "",
        "unit_percent_centi": "10",
        "tier_percent_centi": "100",
        "rounding": "half_up",
        "rounding_step": "1.000",
    }
    response = post(client, "/nhuan-but/quy-dinh/moi", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "trùng với quy định “Bảng hệ số mẫu" in html
    assert "hai quy định không thể cùng có hiệu lực trong một ngày" in html
    assert db.session.scalar(select(func.count(RoyaltyRuleSet.id))) == 1
    # End the example the day before: now the new one fits.
    edit = {
        "name": example.name,
        "legal_basis": example.legal_basis,
        "valid_from": "2014-06-01",
        "valid_to": "2024-12-31",
        "unit_percent_centi": "10",
        "tier_percent_centi": "100",
        "rounding": "half_up",
        "rounding_step": "1",
        "is_example": "y",
    }
    assert post(client, f"/nhuan-but/quy-dinh/{example.id}/sua", edit).status_code == 302
    assert post(client, "/nhuan-but/quy-dinh/moi", data).status_code == 302
    new = db.session.scalar(select(RoyaltyRuleSet).where(RoyaltyRuleSet.name.like("%Gia Lai")))
    assert (new.unit_percent_centi, new.tier_percent_centi, new.rounding_step) == (
        1000,
        10000,
        1000,
    )
    assert new.is_example is False and new.genre_rules == []
    # Stretching the old one back over the new one is refused as well.
    response = post(client, f"/nhuan-but/quy-dinh/{example.id}/sua", dict(edit, valid_to=""))
    assert response.status_code == 422
    assert "trùng với quy định “Quy định của tỉnh Gia Lai”" in response.get_data(as_text=True)
    changes = db.session.scalars(
        select(AuditEntry.changes).where(
            AuditEntry.entity_type == "royalty_rule_sets", AuditEntry.action == "update"
        )
    ).all()
    assert changes == [{"valid_to": [None, "2024-12-31"]}]
    page = client.get("/nhuan-but/quy-dinh").get_data(as_text=True)
    assert "từ 01/06/2014 đến 31/12/2024" in page and "hết hiệu lực" in page


def test_add_and_remove_a_genre_rule_and_modifiers(client):
    _admin(client)
    example = _example()
    media = _rule(example, "media")
    response = post(client, f"/nhuan-but/quy-dinh/the-loai/{media.id}/xoa", htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and f'id="rule-set-{example.id}"' in html
    assert "Đã bỏ thể loại “Media” khỏi quy định." in html  # the flash, out of band
    genre_id = genres()["media"].id
    prefix = f"g{example.id}-"
    bad = {prefix + "genre_id": genre_id, prefix + "min_centi": "3", prefix + "default_centi": "1"}
    bad[prefix + "max_centi"] = "5"
    bad[prefix + "counted_per"] = "piece"
    response = post(client, f"/nhuan-but/quy-dinh/{example.id}/the-loai", bad, htmx=True)
    assert response.status_code == 422
    assert "Hệ số mặc định phải nằm trong khoảng từ 3,00 đến 5,00." in response.get_data(
        as_text=True
    )
    good = dict(bad, **{prefix + "default_centi": "4"})
    response = post(client, f"/nhuan-but/quy-dinh/{example.id}/the-loai", good, htmx=True)
    assert response.status_code == 200
    db.session.expire_all()
    added = _rule(example, "media")
    assert (added.min_centi, added.default_centi, added.max_centi) == (300, 400, 500)

    prefix = f"m{example.id}-"
    data = {prefix + "code": "vung_kho", prefix + "name": "Vùng đặc biệt khó khăn"}
    data.update({prefix + "kind": "percent", prefix + "value": "120"})
    assert post(client, f"/nhuan-but/quy-dinh/{example.id}/dieu-chinh", data).status_code == 302
    # without htmx, a refusal is the whole page again, with what was typed and why (422)
    refused = post(client, f"/nhuan-but/quy-dinh/{example.id}/dieu-chinh", data)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "<html" in html
    assert "Mã “vung_kho” đã có trong quy định này." in html
    assert 'value="Vùng đặc biệt khó khăn"' in html and 'value="120"' in html
    response = post(client, f"/nhuan-but/quy-dinh/{example.id}/dieu-chinh", data, htmx=True)
    assert response.status_code == 422
    assert "Mã “vung_kho” đã có trong quy định này." in response.get_data(as_text=True)
    modifier = db.session.scalar(select(RoyaltyModifier).where(RoyaltyModifier.code == "vung_kho"))
    assert modifier.value == 12000
    response = post(
        client,
        f"/nhuan-but/quy-dinh/dieu-chinh/{modifier.id}/sua",
        {"name": "Vùng đặc biệt khó khăn", "kind": "fixed", "value": "0,5"},
        htmx=True,
    )
    assert response.status_code == 200 and "0,50" in response.get_data(as_text=True)
    db.session.expire_all()
    assert (modifier.kind.value, modifier.value) == ("fixed", 50)
    post(client, f"/nhuan-but/quy-dinh/dieu-chinh/{modifier.id}/xoa", htmx=True)
    assert (
        db.session.scalar(select(RoyaltyModifier.id).where(RoyaltyModifier.code == "vung_kho"))
        is None
    )
    trail = db.session.execute(
        select(AuditEntry.entity_type, AuditEntry.action, AuditEntry.changes)
        .where(AuditEntry.entity_type != "users")  # not the sign-in
        .order_by(AuditEntry.id)
    ).all()
    assert [(t, a) for t, a, _c in trail] == [
        ("royalty_genre_rules", "delete"),
        ("royalty_genre_rules", "create"),
        ("royalty_modifiers", "create"),
        ("royalty_modifiers", "update"),
        ("royalty_modifiers", "delete"),
    ]
    assert trail[3][2] == {"kind": ["percent", "fixed"], "value": ["120 %", "0,50"]}


def test_delete_buttons_ask_first(client):
    _admin(client)
    _example()
    html = client.get("/nhuan-but/quy-dinh").get_data(as_text=True)
    assert 'hx-confirm="Bỏ thể loại “Tin” khỏi quy định?' in html
    assert 'hx-confirm="Xóa điều chỉnh “Dịch từ tiếng nước ngoài”?' in html


# --- base salaries, tax, budgets ------------------------------------------------------------


def test_unverified_base_salary_is_marked(client):
    _admin(client)
    genres()
    html = client.get("/nhuan-but/luong-co-so").get_data(as_text=True)
    by_day = {s.valid_from: s for s in db.session.scalars(select(BaseSalary))}
    earlier = _row(html, f"base-salary-{by_day[date(2018, 7, 1)].id}")
    assert "1.390.000 đ" in earlier and "cần xác minh" in earlier
    current = _row(html, f"base-salary-{by_day[date(2024, 7, 1)].id}")
    assert "2.340.000 đ" in current and "cần xác minh" not in current
    # Nghị định 161/2026/NĐ-CP is confirmed: the 2026 salary is no longer marked.
    later = _row(html, f"base-salary-{by_day[date(2026, 7, 1)].id}")
    assert "2.530.000 đ" in later and "161/2026/NĐ-CP" in later and "cần xác minh" not in later
    assert html.index("01/07/2026") < html.index("01/07/2024") < html.index("01/07/2019")


def test_base_salary_add_and_verify(client):
    admin = _admin(client)
    genres()
    response = post(
        client,
        "/nhuan-but/luong-co-so",
        {"valid_from": "2024-07-01", "amount": "2.340.000", "legal_basis": "x"},
        htmx=True,
    )
    assert response.status_code == 422
    assert "Đã có mức lương cơ sở áp dụng từ ngày 01/07/2024." in response.get_data(as_text=True)
    response = post(
        client, "/nhuan-but/luong-co-so", {"valid_from": "2027-01-01", "amount": "0"}, htmx=True
    )
    assert response.status_code == 422
    assert "Mức lương cơ sở phải lớn hơn 0 đồng." in response.get_data(as_text=True)
    salary = db.session.scalar(select(BaseSalary).where(BaseSalary.valid_from == date(2018, 7, 1)))
    response = post(
        client,
        f"/nhuan-but/luong-co-so/{salary.id}/sua",
        {"valid_from": "2018-07-01", "amount": "1 390 000", "legal_basis": "NĐ 72/2018/NĐ-CP"}
        | {"verified": "y"},
        htmx=True,
    )
    assert response.status_code == 200 and "cần xác minh" not in response.get_data(as_text=True)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.entity_type == "base_salaries"))
    assert entry.actor_id == admin.id and entry.changes["verified"] == [False, True]
    assert "amount" not in entry.changes  # "1 390 000" is the same amount
    assert entry.entity_label == "Lương cơ sở từ 01/07/2018"


def test_tax_rule_threshold_and_rate(client):
    _admin(client)
    genres()
    html = client.get("/nhuan-but/thue").get_data(as_text=True)
    assert "2.000.000 đ" in html and "10 %" in html and "Thông tư 111/2013" in html
    response = post(
        client,
        "/nhuan-but/thue",
        {"valid_from": "2027-01-01", "threshold": "6.000.000", "rate": "10", "legal_basis": ""},
        htmx=True,
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html and "6.000.000 đ" in html and "cần xác minh" in html
    rule = db.session.scalar(select(TaxRule).where(TaxRule.valid_from == date(2027, 1, 1)))
    assert (rule.threshold, rule.rate, rule.verified) == (6_000_000, 1000, False)
    response = post(
        client,
        "/nhuan-but/thue",
        {"valid_from": "2028-01-01", "threshold": "2.000.000", "rate": "150"},
        htmx=True,
    )
    assert response.status_code == 422
    assert "Thuế suất phải từ 0 đến 100 %." in response.get_data(as_text=True)


def test_one_budget_a_year(client):
    _accountant(client)
    data = {"year": "2030", "amount": "150.000.000", "note": "Kinh phí năm 2030"}
    assert post(client, "/nhuan-but/du-toan", data, htmx=True).status_code == 200
    response = post(client, "/nhuan-but/du-toan", dict(data, amount="1"), htmx=True)
    assert response.status_code == 422
    assert "Năm 2030 đã có dự toán." in response.get_data(as_text=True)
    budget = db.session.scalar(select(Budget).where(Budget.year == 2030))
    assert budget.amount == 150_000_000
    response = post(
        client, f"/nhuan-but/du-toan/{budget.id}/sua", dict(data, amount="160000000"), htmx=True
    )
    assert response.status_code == 200 and "160.000.000 đ" in response.get_data(as_text=True)
    response = post(
        client, f"/nhuan-but/du-toan/{budget.id}/sua", dict(data, amount="1,5"), htmx=True
    )
    assert response.status_code == 422
    assert 'value="1,5"' in response.get_data(as_text=True)
    assert "Số tiền không hợp lệ" in response.get_data(as_text=True)


# --- expenses -------------------------------------------------------------------------------


def test_accountant_records_fixes_and_deletes_an_expense(client):
    accountant = _accountant(client)
    data = {"spent_on": "2021-06-30", "category": "Văn phòng phẩm", "amount": "8.620.000"}
    data["note"] = "6 tháng đầu năm"
    response = post(client, "/nhuan-but/chi-khac", data, htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="expenses-panel"' in html
    assert "8.620.000 đ" in html and "Tổng chi khác năm 2021:" in html
    expense = db.session.scalar(select(Expense))
    assert (expense.amount, expense.created_by_id) == (8_620_000, accountant.id)
    # A typo: fixed in place, audited.
    response = post(
        client, f"/nhuan-but/chi-khac/{expense.id}/sua", data | {"amount": "8.260.000"}, htmx=True
    )
    assert response.status_code == 200 and "8.260.000 đ" in response.get_data(as_text=True)
    page = client.get("/nhuan-but/chi-khac?year=2021").get_data(as_text=True)
    assert 'hx-confirm="Xóa khoản chi “Văn phòng phẩm” 8.260.000 đ ngày 30/06/2021?"' in page
    response = post(client, f"/nhuan-but/chi-khac/{expense.id}/xoa", htmx=True)
    assert response.status_code == 200 and "Đã xóa khoản chi." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Expense.id))) == 0
    trail = db.session.execute(
        select(AuditEntry.action, AuditEntry.changes, AuditEntry.actor_id)
        .where(AuditEntry.entity_type == "expenses")
        .order_by(AuditEntry.id)
    ).all()
    assert [a for a, _c, _u in trail] == ["create", "update", "delete"]
    assert trail[1][1] == {"amount": [8_620_000, 8_260_000]}
    assert trail[2][1]["amount"] == [8_260_000, None]
    assert {u for _a, _c, u in trail} == {accountant.id}


def test_expenses_filtered_by_year_with_suggested_categories(client):
    _accountant(client)
    for spent_on, category, amount in [
        (date(2021, 3, 1), "In ấn", 500_000),
        (date(2021, 6, 30), "Văn phòng phẩm", 8_620_000),
        (date(2022, 1, 5), "Mực in", 300_000),
    ]:
        db.session.add(Expense(spent_on=spent_on, category=category, amount=amount))
    db.session.flush()
    html = client.get("/nhuan-but/chi-khac?year=2021").get_data(as_text=True)
    assert "In ấn" in _table(html) and "Mực in" not in _table(html)
    assert "9.120.000 đ" in html
    datalist = re.search(r'<datalist id="expense-categories">(.*?)</datalist>', html, re.S)
    options = re.findall(r'value="([^"]+)"', datalist.group(1))
    assert options[0] == "Văn phòng phẩm" and set(options) == {"Văn phòng phẩm", "In ấn", "Mực in"}
    every_year = client.get("/nhuan-but/chi-khac?year=", headers=HX).get_data(as_text=True)
    assert "<html" not in every_year and "Mực in" in _table(every_year)
    response = post(
        client, "/nhuan-but/chi-khac?year=2021", {"spent_on": "2021-07-01", "category": " "}
    )
    assert response.status_code == 422
    assert "Vui lòng nhập trường này." in response.get_data(as_text=True)


def _table(html):
    return re.search(r"<table.*?</table>", html, re.S).group(0)


# --- payees ---------------------------------------------------------------------------------


def test_add_an_outside_payee_and_check_the_tax_code(client):
    _accountant(client)
    unit = make_unit(name="Xã Glar")
    data = {"full_name": "Rơ Mah Hlinh", "pen_name": "H'Linh", "unit_id": str(unit.id)}
    response = post(client, "/nhuan-but/nguoi-nhan", data | {"tax_code": "12345"}, htmx=True)
    assert response.status_code == 422
    assert "Mã số thuế gồm 10 hoặc 13 chữ số." in response.get_data(as_text=True)
    data |= {"tax_code": "5900 123 456", "bank_account": "6200 2050 12345", "bank_name": "Agribank"}
    response = post(client, "/nhuan-but/nguoi-nhan", data | {"commitment_on_file": "y"}, htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="payees-panel"' in html
    assert "Rơ Mah Hlinh" in html and "ngoài hệ thống" in html and "Xã Glar" in html
    payee = db.session.scalar(select(Payee).where(Payee.full_name == "Rơ Mah Hlinh"))
    assert (payee.tax_code, payee.bank_account) == ("5900123456", "62002050" + "12345")
    assert payee.user_id is None and payee.commitment_on_file and payee.active
    response = post(client, "/nhuan-but/nguoi-nhan", {"full_name": "rơ mah HLINH"}, htmx=True)
    assert response.status_code == 422
    assert "Đã có người nhận ngoài hệ thống tên" in response.get_data(as_text=True)


def test_a_payee_linked_to_an_account_keeps_the_account_name(client):
    _admin(client)
    writer = make_user("contributor", full_name="Lê Văn An")
    payee = Payee(user_id=writer.id, full_name="Lê Văn An (cũ)", unit_id=writer.unit_id)
    db.session.add(payee)
    db.session.flush()
    html = client.get("/nhuan-but/nguoi-nhan").get_data(as_text=True)
    row = _row(html, f"payee-{payee.id}")
    assert "Lê Văn An" in row and "(cũ)" not in row and "có tài khoản" in row
    edit = client.get(f"/nhuan-but/nguoi-nhan/{payee.id}/sua", headers=HX).get_data(as_text=True)
    assert 'name="full_name"' not in edit
    response = post(
        client,
        f"/nhuan-but/nguoi-nhan/{payee.id}/sua",
        {"full_name": "Người Khác", "pen_name": "Văn An", "unit_id": "", "active": "y"},
        htmx=True,
    )
    assert response.status_code == 200
    db.session.expire_all()
    assert payee.user_id == writer.id and payee.full_name == "Lê Văn An (cũ)"
    assert payee.pen_name == "Văn An" and payee.unit_id is None
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.entity_type == "payees"))
    assert entry.entity_label == "Lê Văn An"
    assert entry.changes == {"pen_name": ["", "Văn An"], "unit_id": [writer.unit.name, None]}


def test_payee_search_answers_htmx_with_the_table(client):
    _accountant(client)
    db.session.add_all(
        [Payee(full_name="Nguyễn Thị Hoa"), Payee(full_name="Trần Văn Bình", pen_name="Hoa Đá")]
    )
    db.session.add(Payee(full_name="Lê Thị Mai"))
    db.session.flush()
    response = client.get("/nhuan-but/nguoi-nhan?q=hoa", headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    assert "<html" not in html and html.lstrip().startswith('<div id="payees-table">')
    assert "Nguyễn Thị Hoa" in html and "Trần Văn Bình" in html and "Lê Thị Mai" not in html
    full = client.get("/nhuan-but/nguoi-nhan?q=hoa").get_data(as_text=True)
    assert "<html" in full and 'value="hoa"' in full and "Lê Thị Mai" not in full


def test_payees_page_query_count_does_not_grow_with_the_data(app, client):
    _accountant(client)
    units = [make_unit() for _ in range(3)]

    def add_payees(n, start):
        for i in range(start, start + n):
            user = make_user("contributor", unit=units[i % 3]) if i % 2 else None
            db.session.add(
                Payee(
                    full_name=f"Tác giả {i:03d}",
                    user_id=user.id if user else None,
                    unit_id=units[i % 3].id,
                    tax_code="0123456789",
                )
            )
        db.session.flush()

    statements = []

    def count(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
            statements.append(statement)

    def queries(url):
        statements.clear()
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert client.get(url).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    add_payees(5, 0)
    queries("/nhuan-but/nguoi-nhan")  # warm up
    few = queries("/nhuan-but/nguoi-nhan")
    few_htmx = queries("/nhuan-but/nguoi-nhan?page=1&q=t")
    add_payees(55, 5)
    many = queries("/nhuan-but/nguoi-nhan")
    assert few == many, statements
    assert queries("/nhuan-but/nguoi-nhan?page=1&q=t") == few_htmx
    assert queries("/nhuan-but/nguoi-nhan?page=3") == many


def test_every_list_keeps_its_query_count_as_data_grows(client):
    _admin(client)
    genres()
    urls = [
        "/nhuan-but/quy-dinh",
        "/nhuan-but/luong-co-so",
        "/nhuan-but/thue",
        "/nhuan-but/du-toan",
        "/nhuan-but/chi-khac?year=2021",
    ]
    statements = []

    def count(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
            statements.append(statement)

    def queries():
        found = {}
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            for url in urls:
                statements.clear()
                assert client.get(url).status_code == 200
                found[url] = len(statements)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return found

    queries()  # warm up
    few = queries()
    for i in range(40):
        first = date(1990 + i // 12, 1 + i % 12, 1)
        db.session.add(
            Expense(spent_on=date(2021, 1, 1 + i % 28), category=f"Mục {i % 7}", amount=1)
        )
        db.session.add(BaseSalary(valid_from=first, amount=1_000_000))
        db.session.add(TaxRule(valid_from=first, threshold=1, rate=1000))
        db.session.add(Budget(year=2040 + i, amount=1))
        db.session.add(
            RoyaltyRuleSet(name=f"Cũ {i}", valid_from=date(1900 + i, 1, 1), valid_to=first)
        )
    db.session.flush()
    assert queries() == few


def test_a_unit_value_that_lifts_a_range_above_the_ceiling_is_refused(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "ROYALTY_LINE_CEILING", 10_000_000)
    _admin(client)
    example = _example()
    edit = {
        "name": example.name,
        "legal_basis": example.legal_basis,
        "valid_from": "2014-06-01",
        "unit_percent_centi": "100",  # one coefficient unit = the whole base salary
        "tier_percent_centi": "100",
        "rounding": "half_up",
        "rounding_step": "1",
        "is_example": "y",
    }
    response = post(client, f"/nhuan-but/quy-dinh/{example.id}/sua", edit)
    assert response.status_code == 422
    assert (
        "Với hệ số tối đa 5,00 và lương cơ sở 2.530.000 đ, một tin, bài được 12.650.000 đ, "
        "vượt mức trần 10.000.000 đ mỗi dòng nhuận bút." in response.get_data(as_text=True)
    )
    db.session.expire_all()
    assert example.unit_percent_centi == 1000
    assert (
        post(
            client, f"/nhuan-but/quy-dinh/{example.id}/sua", edit | {"unit_percent_centi": "20"}
        ).status_code
        == 302
    )
