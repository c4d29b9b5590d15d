"""Every route declares who may use it, and every role gets the answer the rule promises.

The table below is the one place that says who may use what. A route added
without a rule, or without a line here, makes these tests fail.
"""

import pytest

from tests.conftest import csrf_token, login
from tests.factories import make_category, make_genre, make_topic, make_unit, make_user
from webapp.access import Rule, rule_for
from webapp.roles import Role

ADMIN = {Role.ADMIN}
EDITORS = {Role.EDITOR, Role.CHIEF_EDITOR}
WRITERS = {Role.CONTRIBUTOR, Role.EDITOR, Role.CHIEF_EDITOR}
PUBLIC = "public"
SIGNED_IN = "signed_in"

# Signed in, and then the admin only, unless the installation is a demo (DEMO_MODE, off here):
# the local mailbox holds mail addressed to anyone.
ADMIN_UNLESS_DEMO = {"mail.outbox", "mail.message"}

EXPECTED = {
    "static": PUBLIC,
    "dashboard.home": SIGNED_IN,
    "auth.login": PUBLIC,
    "auth.logout": PUBLIC,
    "auth.set_language": PUBLIC,
    "auth.change_password": SIGNED_IN,
    "auth.login_code": PUBLIC,
    "auth.two_factor_page": SIGNED_IN,
    "auth.two_factor_enable": SIGNED_IN,
    "auth.two_factor_disable": SIGNED_IN,
    "auth.two_factor_recovery_codes": SIGNED_IN,
    "auth.account": SIGNED_IN,
    "auth.logout_everywhere": SIGNED_IN,
    "admin.unit_list": ADMIN,
    "admin.unit_create": ADMIN,
    "admin.unit_row": ADMIN,
    "admin.unit_edit": ADMIN,
    "admin.unit_move": ADMIN,
    "admin.unit_toggle": ADMIN,
    "admin.user_list": ADMIN,
    "admin.user_create": ADMIN,
    "admin.user_edit": ADMIN,
    "admin.user_reset_password": ADMIN,
    "admin.user_toggle": ADMIN,
    "admin.user_reset_two_factor": ADMIN,
    "admin.user_unlock": ADMIN,
    "admin.term_list": ADMIN,
    "admin.term_create": ADMIN,
    "admin.term_row": ADMIN,
    "admin.term_edit": ADMIN,
    "admin.term_toggle": ADMIN,
    "admin.audit_log": ADMIN,
    "settings.index": ADMIN,
    "settings.letterhead": ADMIN,
    "settings.logo": ADMIN,
    "admin.sign_in_log": ADMIN,
    "admin.genre_signoff": ADMIN,
    "pieces.unit_pieces": WRITERS,
    "pieces.new_piece": WRITERS,
    "pieces.edit_piece": WRITERS,
    "pieces.author_row": WRITERS,
    "pieces.act": WRITERS,
    "pieces.add_image": WRITERS,
    "pieces.update_image": WRITERS,
    "pieces.add_attachment": WRITERS,
    "pieces.remove_attachment": WRITERS,
    "pieces.show": SIGNED_IN,
    "pieces.add_comment": SIGNED_IN,
    "pieces.revisions": SIGNED_IN,
    "pieces.duplicate": EDITORS,
    "pieces.upload": PUBLIC,
    "review.queue": EDITORS,
    "notifications.inbox": SIGNED_IN,
    "mail.outbox": SIGNED_IN,
    "mail.message": SIGNED_IN,
    "notifications.counter": SIGNED_IN,
    "notifications.mark_read": SIGNED_IN,
    "notifications.alerts": EDITORS,
    # royalties endpoints
    "royalties.ledger": {Role.ACCOUNTANT, Role.CHIEF_EDITOR, Role.ADMIN},
    "royalties.sign": {Role.CHIEF_EDITOR},
    "royalties.pay": {Role.ACCOUNTANT},
    "royalties.adjust": {Role.ACCOUNTANT},
    "royalties.overdue": {Role.ACCOUNTANT, Role.CHIEF_EDITOR, Role.ADMIN},
    "royalties.flags": {Role.ACCOUNTANT, Role.ADMIN},
    "royalties.resolve": {Role.ACCOUNTANT, Role.ADMIN},
    "royalties.budget": {Role.ACCOUNTANT, Role.CHIEF_EDITOR, Role.ADMIN},
    "royalties.statement": SIGNED_IN,
    # royalties admin endpoints
    "royalties.rule_sets": ADMIN,
    "royalties.rule_set_create": ADMIN,
    "royalties.rule_set_edit": ADMIN,
    "royalties.genre_rule_create": ADMIN,
    "royalties.genre_rule_row": ADMIN,
    "royalties.genre_rule_edit": ADMIN,
    "royalties.genre_rule_delete": ADMIN,
    "royalties.modifier_create": ADMIN,
    "royalties.modifier_row": ADMIN,
    "royalties.modifier_edit": ADMIN,
    "royalties.modifier_delete": ADMIN,
    "royalties.base_salaries": ADMIN,
    "royalties.base_salary_create": ADMIN,
    "royalties.base_salary_row": ADMIN,
    "royalties.base_salary_edit": ADMIN,
    "royalties.tax_rules": ADMIN,
    "royalties.tax_rule_create": ADMIN,
    "royalties.tax_rule_row": ADMIN,
    "royalties.tax_rule_edit": ADMIN,
    "royalties.budgets": {Role.ACCOUNTANT, Role.ADMIN},
    "royalties.annual_budget_create": {Role.ACCOUNTANT, Role.ADMIN},
    "royalties.annual_budget_row": {Role.ACCOUNTANT, Role.ADMIN},
    "royalties.annual_budget_edit": {Role.ACCOUNTANT, Role.ADMIN},
    "royalties.expenses": {Role.ACCOUNTANT, Role.ADMIN},
    "royalties.expense_create": {Role.ACCOUNTANT, Role.ADMIN},
    "royalties.expense_row": {Role.ACCOUNTANT, Role.ADMIN},
    "royalties.expense_edit": {Role.ACCOUNTANT, Role.ADMIN},
    "royalties.expense_delete": {Role.ACCOUNTANT, Role.ADMIN},
    "royalties.payees": {Role.ACCOUNTANT, Role.ADMIN},
    "royalties.payee_create": {Role.ACCOUNTANT, Role.ADMIN},
    "royalties.payee_row": {Role.ACCOUNTANT, Role.ADMIN},
    "royalties.payee_edit": {Role.ACCOUNTANT, Role.ADMIN},
    # royalties export endpoints
    "royalties.export_xlsx": {Role.ACCOUNTANT, Role.CHIEF_EDITOR, Role.ADMIN},
    "royalties.export_csv": {Role.ACCOUNTANT, Role.CHIEF_EDITOR, Role.ADMIN},
    # reminders endpoints
    "reminders.index": EDITORS | ADMIN,
    "reminders.preview": EDITORS | ADMIN,
    "reminders.preview_board": EDITORS | ADMIN,
    "reminders.send_now": EDITORS | ADMIN,
    "reminders.schedule": ADMIN,
    "reminders.stage_update": ADMIN,
    "reminders.count_rule_update": ADMIN,
    # reports endpoints
    "reports.index": {Role.EDITOR, Role.CHIEF_EDITOR, Role.ACCOUNTANT, Role.ADMIN},
    "reports.appendix_download": {Role.EDITOR, Role.CHIEF_EDITOR, Role.ACCOUNTANT, Role.ADMIN},
    "reports.periodic_download": {Role.EDITOR, Role.CHIEF_EDITOR, Role.ACCOUNTANT, Role.ADMIN},
    "reports.topics": {Role.EDITOR, Role.CHIEF_EDITOR, Role.ACCOUNTANT, Role.ADMIN},
    "reports.turnaround": {Role.EDITOR, Role.CHIEF_EDITOR, Role.ACCOUNTANT, Role.ADMIN},
    "reports.charts_page": {Role.EDITOR, Role.CHIEF_EDITOR, Role.ACCOUNTANT, Role.ADMIN},
    "reports.import_form": ADMIN,
    "reports.import_upload": ADMIN,
    "reports.import_sample": ADMIN,
    "public.home": PUBLIC,
    "public.category": PUBLIC,
    "public.article": PUBLIC,
    "public.search": PUBLIC,
    "public.feed": PUBLIC,
}

ACTORS = [None, *Role]  # None: not signed in


def _rules(app):
    return [r for r in app.url_map.iter_rules()]


def test_every_route_declares_a_rule(app):
    with app.test_request_context():
        missing = [r.endpoint for r in _rules(app) if rule_for(r.endpoint) is None]
    assert missing == [], f"routes without an access rule: {missing}"


def test_every_route_is_in_the_table_with_its_rule(app):
    with app.test_request_context():
        declared = {}
        for r in _rules(app):
            rule = rule_for(r.endpoint)
            declared[r.endpoint] = rule.kind if rule.kind != "roles" else set(rule.roles)
    assert set(declared) == set(EXPECTED), (
        f"not in the table: {set(declared) - set(EXPECTED)}; "
        f"in the table but gone: {set(EXPECTED) - set(declared)}"
    )
    for endpoint, expected in EXPECTED.items():
        assert declared[endpoint] == expected, endpoint


def _fill(rule, ids):
    values = {}
    for arg in rule.arguments:
        if arg == "kind":
            values[arg] = "chuyen-muc"
        elif arg == "direction":
            values[arg] = "len"
        elif arg == "code":
            values[arg] = "vi"
        elif arg == "filename":
            values[arg] = "css/app.css"
        elif arg == "term_id":
            values[arg] = ids["category"]
        else:
            values[arg] = ids.get(arg, 1)
    return rule.build(values, append_unknown=False)[1]


def _cases(app):
    cases = []
    for rule in _rules(app):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for actor in ACTORS:
                cases.append((rule.endpoint, rule.rule, method, actor))
    return cases


@pytest.fixture
def world():
    unit = make_unit()
    users = {role: make_user(role.value, unit=unit) for role in Role}
    ids = {
        "unit_id": unit.id,
        "user_id": users[Role.CONTRIBUTOR].id,
        "category": make_category().id,
    }
    make_topic()
    make_genre()
    return users, ids


def test_each_role_gets_the_answer_its_rule_promises(app, client, world):
    users, ids = world
    failures = []
    for actor in ACTORS:
        client = app.test_client()
        if actor is not None:
            login(client, users[actor])
        token = csrf_token(client)
        for rule in _rules(app):
            url = _fill(rule, ids)
            access = rule_for_endpoint(app, rule.endpoint)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                if rule.endpoint in ("auth.logout", "auth.logout_everywhere"):
                    continue  # would end the session of the loop
                response = client.open(url, method=method, data={"csrf_token": token})
                status = response.status_code
                allowed = access.allows(users[actor]) if actor else access.kind == "public"
                if rule.endpoint in ADMIN_UNLESS_DEMO and actor is not None:
                    allowed = actor is Role.ADMIN
                went_to_login = status in (302, 303) and "/dang-nhap" in response.location
                if status >= 500:
                    failures.append((method, url, actor, status, "server error"))
                elif allowed and (status == 403 or (went_to_login and actor is not None)):
                    failures.append((method, url, actor, status, "refused but allowed"))
                elif not allowed and actor is None and not went_to_login:
                    failures.append((method, url, actor, status, "anonymous not sent to login"))
                elif not allowed and actor is not None and status != 403:
                    failures.append((method, url, actor, status, "allowed but should be refused"))
    assert failures == []


def rule_for_endpoint(app, endpoint) -> Rule:
    with app.test_request_context():
        return rule_for(endpoint)


def test_a_view_without_a_rule_is_refused(app):
    """Fail closed: a route registered without a decorator answers 403, not its content."""
    from flask import Flask

    from webapp.access import enforce_access

    bare = Flask("bare")
    bare.config.update(SECRET_KEY="x", LOGIN_DISABLED=False)
    from webapp.extensions import login_manager

    login_manager.init_app(bare)

    @bare.route("/secret")
    def secret():
        return "the secret"

    bare.before_request(enforce_access)
    response = bare.test_client().get("/secret")
    assert response.status_code == 403
    assert b"the secret" not in response.data
