"""The royalty data screens: rule sets, base salaries, tax, budgets (admin); expenses and
payees (accountant and admin).

Every view: load (404) → validate the form (422) → one service call → commit once → the
fragment htmx asked for, or the full page.
"""

from datetime import date

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from webapp.access import roles
from webapp.extensions import db
from webapp.forms import ActionForm
from webapp.htmx import is_htmx, render
from webapp.inline import inline_edit, inline_row, list_changed, submit
from webapp.pagination import paginate
from webapp.roles import Role
from webapp.royalties import admin_services as svc
from webapp.royalties import bp
from webapp.royalties.forms import (
    BaseSalaryForm,
    BudgetForm,
    ExpenseForm,
    GenreRuleForm,
    ModifierForm,
    NewGenreRuleForm,
    NewModifierForm,
    PayeeForm,
    RuleSetForm,
    TaxRuleForm,
)
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
from webapp.taxonomy.models import Genre
from webapp.text import normalize
from webapp.timeutil import local_today
from webapp.units.models import Unit

admin_only = roles(Role.ADMIN)
money_keepers = roles(Role.ACCOUNTANT, Role.ADMIN)

EDIT_PAGE = "royalties/admin/edit.html"


def _require_action_form():
    if not ActionForm().validate_on_submit():
        abort(400)


def _edit_page(title, back, hidden=()):
    """What the full edit page shows besides the form: its title, the way back, the fields
    it leaves out."""
    return dict(title=title, back=back, hidden=hidden)


# --- rule sets ------------------------------------------------------------------------------


def _genre_form(rule_set, all_genres, formdata=None):
    """The form adding a genre rule: only genres that have none in this set yet."""
    taken = {r.genre_id for r in rule_set.genre_rules}
    kwargs = {} if formdata is not False else {"formdata": None}
    return NewGenreRuleForm(
        prefix=f"g{rule_set.id}",
        genres=[g for g in all_genres if g.id not in taken],
        **kwargs,
    )


def _modifier_form(rule_set, formdata=None):
    kwargs = {} if formdata is not False else {"formdata": None}
    return NewModifierForm(prefix=f"m{rule_set.id}", **kwargs)


def _all_genres():
    return db.session.scalars(select(Genre).order_by(Genre.name, Genre.id)).all()


def _rule_set_context(all_genres):
    today = local_today()
    return dict(
        today=today,
        all_genres=all_genres,
        new_genre_form=lambda rs: _genre_form(rs, all_genres, formdata=False),
        new_modifier_form=lambda rs: _modifier_form(rs, formdata=False),
        validity=svc.validity,
        format_modifier=svc.format_modifier,
        format_percent=svc.format_percent,
    )


def _rule_set_card(rule_set, status=200, **forms):
    """One rule set's card: its facts, genre table and modifiers."""
    return render(
        "royalties/admin/_rule_set.html",
        "royalties/admin/_rule_set.html",
        rule_set=rule_set,
        status=status,
        **forms,
        **_rule_set_context(_all_genres()),
    )


def _card_url(rule_set_id):
    """The rule sets page, scrolled to one rule set's card."""
    return url_for("royalties.rule_sets") + f"#rule-set-{rule_set_id}"


def _not_added(rule_set, form, form_name):
    """A refused genre rule or modifier: the card again with the form as typed and its
    errors (422); htmx gets the card, a plain request the whole page."""
    if not is_htmx():
        return _rule_sets_page(status=422, refused={rule_set.id: {form_name: form}})
    return _rule_set_card(rule_set, status=422, **{form_name: form})


def _rule_sets_page(status=200, refused=None):
    page = paginate(
        select(RoyaltyRuleSet).order_by(RoyaltyRuleSet.valid_from.desc(), RoyaltyRuleSet.id.desc()),
        per_page=10,
    )
    return render(
        "royalties/admin/rule_sets.html",
        page=page,
        status=status,
        refused=refused or {},
        **_rule_set_context(_all_genres()),
    )


@bp.route("/quy-dinh")
@admin_only
def rule_sets():
    return _rule_sets_page()


@bp.route("/quy-dinh/moi", methods=["GET", "POST"])
@admin_only
def rule_set_create():
    form = RuleSetForm()
    status = 200
    if request.method == "POST":
        if submit(form, svc.create_rule_set):
            flash(_("Đã thêm quy định “%(name)s”.", name=form.name.data.strip()), "success")
            return redirect(url_for("royalties.rule_sets"))
        status = 422
    page = _edit_page(_("Thêm quy định nhuận bút"), url_for("royalties.rule_sets"))
    return render(EDIT_PAGE, form=form, status=status, **page)


@bp.route("/quy-dinh/<int:rule_set_id>/sua", methods=["GET", "POST"])
@admin_only
def rule_set_edit(rule_set_id):
    rule_set = db.get_or_404(RoyaltyRuleSet, rule_set_id)
    form = RuleSetForm(obj=rule_set if request.method == "GET" else None)
    status = 200
    if request.method == "POST":
        if submit(form, svc.update_rule_set, rule_set):
            flash(_("Đã lưu quy định “%(name)s”.", name=rule_set.name), "success")
            return redirect(_card_url(rule_set.id))
        status = 422
    title = _("Sửa quy định: %(name)s", name=rule_set.name)
    page = _edit_page(title, url_for("royalties.rule_sets"))
    return render(EDIT_PAGE, form=form, status=status, **page)


@bp.route("/quy-dinh/<int:rule_set_id>/the-loai", methods=["POST"])
@admin_only
def genre_rule_create(rule_set_id):
    rule_set = db.get_or_404(RoyaltyRuleSet, rule_set_id)
    form = _genre_form(rule_set, _all_genres())
    rule = submit(form, svc.add_genre_rule, rule_set)
    if rule:
        message = _("Đã thêm hệ số cho thể loại “%(genre)s”.", genre=rule.genre.name)
        return list_changed(message, _card_url(rule_set.id), lambda: _rule_set_card(rule_set))
    return _not_added(rule_set, form, "genre_form")


@bp.route("/quy-dinh/the-loai/<int:rule_id>")
@admin_only
def genre_rule_row(rule_id):
    rule = db.get_or_404(RoyaltyGenreRule, rule_id)
    edit_url = url_for("royalties.genre_rule_edit", rule_id=rule.id)
    return inline_row(edit_url, "royalties/admin/_genre_rule_row.html", rule=rule)


@bp.route("/quy-dinh/the-loai/<int:rule_id>/sua", methods=["GET", "POST"])
@admin_only
def genre_rule_edit(rule_id):
    rule = db.get_or_404(RoyaltyGenreRule, rule_id)
    form = GenreRuleForm(obj=rule if request.method == "GET" else None)
    if request.method == "GET":
        form.counted_per.data = rule.counted_per.value
    title = _(
        "Hệ số thể loại “%(genre)s” · %(rule_set)s",
        genre=rule.genre.name,
        rule_set=rule.rule_set.name,
    )
    return inline_edit(
        submit(form, svc.update_genre_rule, rule),
        form,
        row_template="royalties/admin/_genre_rule_row.html",
        edit_template="royalties/admin/_genre_rule_row_edit.html",
        full_template=EDIT_PAGE,
        done_url=_card_url(rule.rule_set_id),
        saved_message=_("Đã lưu hệ số thể loại “%(genre)s”.", genre=rule.genre.name),
        page_ctx=_edit_page(title, url_for("royalties.rule_sets")),
        rule=rule,
    )


@bp.route("/quy-dinh/the-loai/<int:rule_id>/xoa", methods=["POST"])
@admin_only
def genre_rule_delete(rule_id):
    rule = db.get_or_404(RoyaltyGenreRule, rule_id)
    _require_action_form()
    rule_set, genre_name = rule.rule_set, rule.genre.name
    svc.remove_genre_rule(current_user, rule)
    db.session.commit()
    message = _("Đã bỏ thể loại “%(genre)s” khỏi quy định.", genre=genre_name)
    return list_changed(message, _card_url(rule_set.id), lambda: _rule_set_card(rule_set))


@bp.route("/quy-dinh/<int:rule_set_id>/dieu-chinh", methods=["POST"])
@admin_only
def modifier_create(rule_set_id):
    rule_set = db.get_or_404(RoyaltyRuleSet, rule_set_id)
    form = _modifier_form(rule_set)
    modifier = submit(form, svc.add_modifier, rule_set)
    if modifier:
        message = _("Đã thêm điều chỉnh “%(name)s”.", name=modifier.name)
        return list_changed(message, _card_url(rule_set.id), lambda: _rule_set_card(rule_set))
    return _not_added(rule_set, form, "modifier_form")


@bp.route("/quy-dinh/dieu-chinh/<int:modifier_id>")
@admin_only
def modifier_row(modifier_id):
    modifier = db.get_or_404(RoyaltyModifier, modifier_id)
    return inline_row(
        url_for("royalties.modifier_edit", modifier_id=modifier.id),
        "royalties/admin/_modifier_row.html",
        modifier=modifier,
        format_modifier=svc.format_modifier,
    )


@bp.route("/quy-dinh/dieu-chinh/<int:modifier_id>/sua", methods=["GET", "POST"])
@admin_only
def modifier_edit(modifier_id):
    modifier = db.get_or_404(RoyaltyModifier, modifier_id)
    form = ModifierForm(obj=modifier if request.method == "GET" else None)
    if request.method == "GET":
        form.kind.data = modifier.kind.value
    title = _(
        "Điều chỉnh “%(code)s” · %(rule_set)s", code=modifier.code, rule_set=modifier.rule_set.name
    )
    return inline_edit(
        submit(form, svc.update_modifier, modifier),
        form,
        row_template="royalties/admin/_modifier_row.html",
        edit_template="royalties/admin/_modifier_row_edit.html",
        full_template=EDIT_PAGE,
        done_url=_card_url(modifier.rule_set_id),
        saved_message=_("Đã lưu điều chỉnh “%(name)s”.", name=modifier.name),
        page_ctx=_edit_page(title, url_for("royalties.rule_sets")),
        modifier=modifier,
        format_modifier=svc.format_modifier,
    )


@bp.route("/quy-dinh/dieu-chinh/<int:modifier_id>/xoa", methods=["POST"])
@admin_only
def modifier_delete(modifier_id):
    modifier = db.get_or_404(RoyaltyModifier, modifier_id)
    _require_action_form()
    rule_set, name = modifier.rule_set, modifier.name
    svc.remove_modifier(current_user, modifier)
    db.session.commit()
    message = _("Đã xóa điều chỉnh “%(name)s”.", name=name)
    return list_changed(message, _card_url(rule_set.id), lambda: _rule_set_card(rule_set))


# --- simple dated lists: base salaries, tax rules, annual budgets ----------------------------


def _salaries_page(form=None, status=200):
    page = paginate(select(BaseSalary).order_by(BaseSalary.valid_from.desc()))
    return render(
        "royalties/admin/base_salaries.html",
        "royalties/admin/_base_salaries_panel.html",
        page=page,
        form=form or BaseSalaryForm(formdata=None),
        status=status,
    )


@bp.route("/luong-co-so")
@admin_only
def base_salaries():
    return _salaries_page()


@bp.route("/luong-co-so", methods=["POST"])
@admin_only
def base_salary_create():
    form = BaseSalaryForm()
    if submit(form, svc.create_base_salary):
        message = _("Đã thêm mức lương cơ sở.")
        return list_changed(message, url_for("royalties.base_salaries"), _salaries_page)
    return _salaries_page(form, 422)


@bp.route("/luong-co-so/<int:salary_id>")
@admin_only
def base_salary_row(salary_id):
    salary = db.get_or_404(BaseSalary, salary_id)
    edit_url = url_for("royalties.base_salary_edit", salary_id=salary.id)
    return inline_row(edit_url, "royalties/admin/_base_salary_row.html", salary=salary)


@bp.route("/luong-co-so/<int:salary_id>/sua", methods=["GET", "POST"])
@admin_only
def base_salary_edit(salary_id):
    salary = db.get_or_404(BaseSalary, salary_id)
    form = BaseSalaryForm(obj=salary if request.method == "GET" else None)
    return inline_edit(
        submit(form, svc.update_base_salary, salary),
        form,
        row_template="royalties/admin/_base_salary_row.html",
        edit_template="royalties/admin/_base_salary_row_edit.html",
        full_template=EDIT_PAGE,
        done_url=url_for("royalties.base_salaries"),
        saved_message=_("Đã lưu mức lương cơ sở."),
        page_ctx=_edit_page(_("Sửa mức lương cơ sở"), url_for("royalties.base_salaries")),
        salary=salary,
    )


def _tax_page(form=None, status=200):
    page = paginate(select(TaxRule).order_by(TaxRule.valid_from.desc()))
    return render(
        "royalties/admin/tax_rules.html",
        "royalties/admin/_tax_rules_panel.html",
        page=page,
        form=form or TaxRuleForm(formdata=None),
        status=status,
        format_percent=svc.format_percent,
    )


@bp.route("/thue")
@admin_only
def tax_rules():
    return _tax_page()


@bp.route("/thue", methods=["POST"])
@admin_only
def tax_rule_create():
    form = TaxRuleForm()
    if submit(form, svc.create_tax_rule):
        return list_changed(_("Đã thêm quy định thuế."), url_for("royalties.tax_rules"), _tax_page)
    return _tax_page(form, 422)


@bp.route("/thue/<int:tax_rule_id>")
@admin_only
def tax_rule_row(tax_rule_id):
    rule = db.get_or_404(TaxRule, tax_rule_id)
    return inline_row(
        url_for("royalties.tax_rule_edit", tax_rule_id=rule.id),
        "royalties/admin/_tax_rule_row.html",
        rule=rule,
        format_percent=svc.format_percent,
    )


@bp.route("/thue/<int:tax_rule_id>/sua", methods=["GET", "POST"])
@admin_only
def tax_rule_edit(tax_rule_id):
    rule = db.get_or_404(TaxRule, tax_rule_id)
    form = TaxRuleForm(obj=rule if request.method == "GET" else None)
    return inline_edit(
        submit(form, svc.update_tax_rule, rule),
        form,
        row_template="royalties/admin/_tax_rule_row.html",
        edit_template="royalties/admin/_tax_rule_row_edit.html",
        full_template=EDIT_PAGE,
        done_url=url_for("royalties.tax_rules"),
        saved_message=_("Đã lưu quy định thuế."),
        page_ctx=_edit_page(_("Sửa quy định thuế TNCN"), url_for("royalties.tax_rules")),
        rule=rule,
        format_percent=svc.format_percent,
    )


def _budgets_page(form=None, status=200):
    page = paginate(select(Budget).order_by(Budget.year.desc()))
    return render(
        "royalties/admin/budgets.html",
        "royalties/admin/_budgets_panel.html",
        page=page,
        form=form or BudgetForm(formdata=None, year=local_today().year),
        status=status,
    )


@bp.route("/du-toan")
@money_keepers
def budgets():
    return _budgets_page()


@bp.route("/du-toan", methods=["POST"])
@money_keepers
def annual_budget_create():
    form = BudgetForm()
    if submit(form, svc.create_budget):
        message = _("Đã thêm dự toán năm %(year)d.", year=form.year.data)
        return list_changed(message, url_for("royalties.budgets"), _budgets_page)
    return _budgets_page(form, 422)


@bp.route("/du-toan/<int:budget_id>")
@money_keepers
def annual_budget_row(budget_id):
    budget = db.get_or_404(Budget, budget_id)
    edit_url = url_for("royalties.annual_budget_edit", budget_id=budget.id)
    return inline_row(edit_url, "royalties/admin/_budget_row.html", budget=budget)


@bp.route("/du-toan/<int:budget_id>/sua", methods=["GET", "POST"])
@money_keepers
def annual_budget_edit(budget_id):
    budget = db.get_or_404(Budget, budget_id)
    form = BudgetForm(obj=budget if request.method == "GET" else None)
    return inline_edit(
        submit(form, svc.update_budget, budget),
        form,
        row_template="royalties/admin/_budget_row.html",
        edit_template="royalties/admin/_budget_row_edit.html",
        full_template=EDIT_PAGE,
        done_url=url_for("royalties.budgets"),
        saved_message=_("Đã lưu dự toán năm %(year)d.", year=budget.year),
        page_ctx=_edit_page(_("Sửa dự toán năm"), url_for("royalties.budgets")),
        budget=budget,
    )


# --- other expenses -------------------------------------------------------------------------


def _year_arg():
    """The year shown: ?year=2021; an empty value shows every year; none: the current year."""
    raw = request.args.get("year")
    if raw is None:
        return local_today().year
    return int(raw) if raw.isdigit() and 1900 <= int(raw) <= 2100 else None


def _expenses_page(year, form=None, status=200):
    query = select(Expense).order_by(Expense.spent_on.desc(), Expense.id.desc())
    total = select(func.coalesce(func.sum(Expense.amount), 0))
    if year:
        within = Expense.spent_on.between(date(year, 1, 1), date(year, 12, 31))
        query, total = query.where(within), total.where(within)
    spent_year = func.extract("year", Expense.spent_on)
    years = {int(y) for y in db.session.scalars(select(spent_year).distinct())}
    # The year shown stays in the list, even when its last expense was just deleted.
    years |= {local_today().year, *([year] if year else [])}
    return render(
        "royalties/admin/expenses.html",
        "royalties/admin/_expenses_panel.html",
        page=paginate(query),
        total=db.session.scalar(total),
        year=year,
        years=sorted(years, reverse=True),
        categories=svc.expense_categories(),
        form=form or ExpenseForm(formdata=None, spent_on=local_today()),
        status=status,
    )


@bp.route("/chi-khac")
@money_keepers
def expenses():
    return _expenses_page(_year_arg())


@bp.route("/chi-khac", methods=["POST"])
@money_keepers
def expense_create():
    form = ExpenseForm()
    if submit(form, svc.create_expense):
        year = form.spent_on.data.year
        message = _(
            "Đã ghi khoản chi “%(category)s”.", category=" ".join(form.category.data.split())
        )
        return list_changed(
            message, url_for("royalties.expenses", year=year), lambda: _expenses_page(year)
        )
    return _expenses_page(_year_arg(), form, 422)


@bp.route("/chi-khac/<int:expense_id>")
@money_keepers
def expense_row(expense_id):
    expense = db.get_or_404(Expense, expense_id)
    edit_url = url_for("royalties.expense_edit", expense_id=expense.id)
    return inline_row(edit_url, "royalties/admin/_expense_row.html", expense=expense)


@bp.route("/chi-khac/<int:expense_id>/sua", methods=["GET", "POST"])
@money_keepers
def expense_edit(expense_id):
    expense = db.get_or_404(Expense, expense_id)
    form = ExpenseForm(obj=expense if request.method == "GET" else None)
    return inline_edit(
        submit(form, svc.update_expense, expense),
        form,
        row_template="royalties/admin/_expense_row.html",
        edit_template="royalties/admin/_expense_row_edit.html",
        full_template=EDIT_PAGE,
        done_url=url_for("royalties.expenses", year=expense.spent_on.year),
        saved_message=_("Đã lưu khoản chi."),
        page_ctx=dict(
            categories=svc.expense_categories(),
            **_edit_page(_("Sửa khoản chi"), url_for("royalties.expenses")),
        ),
        expense=expense,
    )


@bp.route("/chi-khac/<int:expense_id>/xoa", methods=["POST"])
@money_keepers
def expense_delete(expense_id):
    expense = db.get_or_404(Expense, expense_id)
    _require_action_form()
    year = expense.spent_on.year
    svc.delete_expense(current_user, expense)
    db.session.commit()
    url = url_for("royalties.expenses", year=year)
    return list_changed(_("Đã xóa khoản chi."), url, lambda: _expenses_page(year))


# --- payees ---------------------------------------------------------------------------------


def _all_units():
    return db.session.scalars(Unit.ordered()).all()


def _payees_query(q: str):
    query = (
        select(Payee)
        .options(joinedload(Payee.user))
        .order_by(Payee.active.desc(), Payee.full_name, Payee.id)
    )
    if q:
        pattern = f"%{q}%"
        query = query.where(or_(Payee.full_name.ilike(pattern), Payee.pen_name.ilike(pattern)))
    return query


def _payees_page(fragment, form=None, status=200):
    """The payees page; htmx gets the table (search, pages) or the panel (after adding)."""
    q = normalize(request.args.get("q", "")).strip()
    return render(
        "royalties/admin/payees.html",
        f"royalties/admin/{fragment}.html",
        page=paginate(_payees_query(q)),
        q=q,
        form=form or PayeeForm(formdata=None, units=_all_units()),
        status=status,
        payee_name=svc.payee_name,
    )


@bp.route("/nguoi-nhan")
@money_keepers
def payees():
    return _payees_page("_payees_table")


@bp.route("/nguoi-nhan", methods=["POST"])
@money_keepers
def payee_create():
    form = PayeeForm(units=_all_units())
    if submit(form, svc.create_payee):
        message = _("Đã thêm người nhận “%(name)s”.", name=form.full_name.data.strip())
        return list_changed(
            message, url_for("royalties.payees"), lambda: _payees_page("_payees_panel")
        )
    return _payees_page("_payees_panel", form, 422)


@bp.route("/nguoi-nhan/<int:payee_id>")
@money_keepers
def payee_row(payee_id):
    payee = db.get_or_404(Payee, payee_id)
    return inline_row(
        url_for("royalties.payee_edit", payee_id=payee.id),
        "royalties/admin/_payee_row.html",
        payee=payee,
        payee_name=svc.payee_name,
    )


@bp.route("/nguoi-nhan/<int:payee_id>/sua", methods=["GET", "POST"])
@money_keepers
def payee_edit(payee_id):
    payee = db.get_or_404(Payee, payee_id)
    form = PayeeForm(obj=payee if request.method == "GET" else None, units=_all_units())
    if request.method == "GET":
        form.unit_id.data = str(payee.unit_id or "")
    hidden = ("full_name",) if payee.user_id else ()
    title = _("Sửa người nhận: %(name)s", name=svc.payee_name(payee))
    return inline_edit(
        submit(form, svc.update_payee, payee),
        form,
        row_template="royalties/admin/_payee_row.html",
        edit_template="royalties/admin/_payee_row_edit.html",
        full_template=EDIT_PAGE,
        done_url=url_for("royalties.payees"),
        saved_message=_("Đã lưu người nhận “%(name)s”.", name=svc.payee_name(payee)),
        page_ctx=_edit_page(title, url_for("royalties.payees"), hidden),
        payee=payee,
        payee_name=svc.payee_name,
    )
