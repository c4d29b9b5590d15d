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
from webapp.services import ServiceError, apply_error
from webapp.taxonomy.models import Genre
from webapp.timeutil import local_today
from webapp.units.models import Unit

admin_only = roles(Role.ADMIN)
money_keepers = roles(Role.ACCOUNTANT, Role.ADMIN)

EDIT_PAGE = "royalties/admin/edit.html"


def _get_or_404(model, object_id):
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    return obj


def _require_action_form():
    if not ActionForm().validate_on_submit():
        abort(400)


def _values(form) -> dict:
    return {name: field.data for name, field in form._fields.items() if name != "csrf_token"}


def _submit(form, action, *args) -> bool:
    """Validate ``form`` and call the service with its values; commit when it succeeds.

    A refusal lands on the form, under the field it names.
    """
    if not form.validate_on_submit():
        return False
    try:
        action(current_user, *args, **_values(form))
    except ServiceError as err:
        db.session.rollback()
        apply_error(form, err)
        return False
    db.session.commit()
    return True


def _edit_page(form, title, back, status, hidden=()):
    return dict(form=form, title=title, back=back, status=status, hidden=hidden)


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


@bp.route("/quy-dinh")
@admin_only
def rule_sets():
    page = paginate(
        select(RoyaltyRuleSet).order_by(RoyaltyRuleSet.valid_from.desc(), RoyaltyRuleSet.id.desc()),
        per_page=10,
    )
    return render("royalties/admin/rule_sets.html", page=page, **_rule_set_context(_all_genres()))


@bp.route("/quy-dinh/moi", methods=["GET", "POST"])
@admin_only
def rule_set_create():
    form = RuleSetForm()
    status = 200
    if request.method == "POST":
        if _submit(form, svc.create_rule_set):
            flash(_("Đã thêm quy định “%(name)s”.", name=form.name.data.strip()), "success")
            return redirect(url_for("royalties.rule_sets"))
        status = 422
    back = url_for("royalties.rule_sets")
    return render(EDIT_PAGE, **_edit_page(form, _("Thêm quy định nhuận bút"), back, status))


@bp.route("/quy-dinh/<int:rule_set_id>/sua", methods=["GET", "POST"])
@admin_only
def rule_set_edit(rule_set_id):
    rule_set = _get_or_404(RoyaltyRuleSet, rule_set_id)
    form = RuleSetForm(obj=rule_set if request.method == "GET" else None)
    status = 200
    if request.method == "POST":
        if _submit(form, svc.update_rule_set, rule_set):
            flash(_("Đã lưu quy định “%(name)s”.", name=rule_set.name), "success")
            return redirect(url_for("royalties.rule_sets") + f"#rule-set-{rule_set.id}")
        status = 422
    title = _("Sửa quy định: %(name)s", name=rule_set.name)
    return render(EDIT_PAGE, **_edit_page(form, title, url_for("royalties.rule_sets"), status))


@bp.route("/quy-dinh/<int:rule_set_id>/the-loai", methods=["POST"])
@admin_only
def genre_rule_create(rule_set_id):
    rule_set = _get_or_404(RoyaltyRuleSet, rule_set_id)
    form = _genre_form(rule_set, _all_genres())
    if form.validate_on_submit():
        try:
            rule = svc.add_genre_rule(
                current_user,
                rule_set,
                genre_id=form.genre_id.data,
                min_centi=form.min_centi.data,
                default_centi=form.default_centi.data,
                max_centi=form.max_centi.data,
                counted_per=form.counted_per.data,
            )
        except ServiceError as err:
            db.session.rollback()
            apply_error(form, err)
        else:
            db.session.commit()
            flash(_("Đã thêm hệ số cho thể loại “%(genre)s”.", genre=rule.genre.name), "success")
            if not is_htmx():
                return redirect(url_for("royalties.rule_sets") + f"#rule-set-{rule_set.id}")
            return _rule_set_card(rule_set)
    if not is_htmx():
        flash(_("Chưa thêm được: %(errors)s", errors=_errors(form)), "error")
        return redirect(url_for("royalties.rule_sets") + f"#rule-set-{rule_set.id}")
    return _rule_set_card(rule_set, status=422, genre_form=form)


def _errors(form) -> str:
    messages = [str(e) for f in form for e in f.errors] + [str(e) for e in form.form_errors]
    return " ".join(messages)


@bp.route("/quy-dinh/the-loai/<int:rule_id>")
@admin_only
def genre_rule_row(rule_id):
    rule = _get_or_404(RoyaltyGenreRule, rule_id)
    if not is_htmx():
        return redirect(url_for("royalties.genre_rule_edit", rule_id=rule.id))
    return render("royalties/admin/_genre_rule_row.html", rule=rule)


@bp.route("/quy-dinh/the-loai/<int:rule_id>/sua", methods=["GET", "POST"])
@admin_only
def genre_rule_edit(rule_id):
    rule = _get_or_404(RoyaltyGenreRule, rule_id)
    form = GenreRuleForm(obj=rule if request.method == "GET" else None)
    if request.method == "GET":
        form.counted_per.data = rule.counted_per.value
    status = 200
    if request.method == "POST":
        if _submit(form, svc.update_genre_rule, rule):
            if is_htmx():
                return render("royalties/admin/_genre_rule_row.html", rule=rule)
            flash(_("Đã lưu hệ số thể loại “%(genre)s”.", genre=rule.genre.name), "success")
            return redirect(url_for("royalties.rule_sets") + f"#rule-set-{rule.rule_set_id}")
        status = 422
    title = _(
        "Hệ số thể loại “%(genre)s” · %(rule_set)s",
        genre=rule.genre.name,
        rule_set=rule.rule_set.name,
    )
    return render(
        EDIT_PAGE,
        "royalties/admin/_genre_rule_row_edit.html",
        rule=rule,
        **_edit_page(form, title, url_for("royalties.rule_sets"), status),
    )


@bp.route("/quy-dinh/the-loai/<int:rule_id>/xoa", methods=["POST"])
@admin_only
def genre_rule_delete(rule_id):
    rule = _get_or_404(RoyaltyGenreRule, rule_id)
    _require_action_form()
    rule_set, genre_name = rule.rule_set, rule.genre.name
    svc.remove_genre_rule(current_user, rule)
    db.session.commit()
    flash(_("Đã bỏ thể loại “%(genre)s” khỏi quy định.", genre=genre_name), "success")
    if not is_htmx():
        return redirect(url_for("royalties.rule_sets") + f"#rule-set-{rule_set.id}")
    return _rule_set_card(rule_set)


@bp.route("/quy-dinh/<int:rule_set_id>/dieu-chinh", methods=["POST"])
@admin_only
def modifier_create(rule_set_id):
    rule_set = _get_or_404(RoyaltyRuleSet, rule_set_id)
    form = _modifier_form(rule_set)
    if form.validate_on_submit():
        try:
            modifier = svc.add_modifier(
                current_user,
                rule_set,
                code=form.code.data,
                name=form.name.data,
                kind=form.kind.data,
                value=form.value.data,
            )
        except ServiceError as err:
            db.session.rollback()
            apply_error(form, err)
        else:
            db.session.commit()
            flash(_("Đã thêm điều chỉnh “%(name)s”.", name=modifier.name), "success")
            if not is_htmx():
                return redirect(url_for("royalties.rule_sets") + f"#rule-set-{rule_set.id}")
            return _rule_set_card(rule_set)
    if not is_htmx():
        flash(_("Chưa thêm được: %(errors)s", errors=_errors(form)), "error")
        return redirect(url_for("royalties.rule_sets") + f"#rule-set-{rule_set.id}")
    return _rule_set_card(rule_set, status=422, modifier_form=form)


@bp.route("/quy-dinh/dieu-chinh/<int:modifier_id>")
@admin_only
def modifier_row(modifier_id):
    modifier = _get_or_404(RoyaltyModifier, modifier_id)
    if not is_htmx():
        return redirect(url_for("royalties.modifier_edit", modifier_id=modifier.id))
    return render(
        "royalties/admin/_modifier_row.html",
        modifier=modifier,
        format_modifier=svc.format_modifier,
    )


@bp.route("/quy-dinh/dieu-chinh/<int:modifier_id>/sua", methods=["GET", "POST"])
@admin_only
def modifier_edit(modifier_id):
    modifier = _get_or_404(RoyaltyModifier, modifier_id)
    form = ModifierForm(obj=modifier if request.method == "GET" else None)
    if request.method == "GET":
        form.kind.data = modifier.kind.value
    status = 200
    if request.method == "POST":
        if _submit(form, svc.update_modifier, modifier):
            if is_htmx():
                return render(
                    "royalties/admin/_modifier_row.html",
                    modifier=modifier,
                    format_modifier=svc.format_modifier,
                )
            flash(_("Đã lưu điều chỉnh “%(name)s”.", name=modifier.name), "success")
            return redirect(url_for("royalties.rule_sets") + f"#rule-set-{modifier.rule_set_id}")
        status = 422
    title = _(
        "Điều chỉnh “%(code)s” · %(rule_set)s", code=modifier.code, rule_set=modifier.rule_set.name
    )
    return render(
        EDIT_PAGE,
        "royalties/admin/_modifier_row_edit.html",
        modifier=modifier,
        **_edit_page(form, title, url_for("royalties.rule_sets"), status),
    )


@bp.route("/quy-dinh/dieu-chinh/<int:modifier_id>/xoa", methods=["POST"])
@admin_only
def modifier_delete(modifier_id):
    modifier = _get_or_404(RoyaltyModifier, modifier_id)
    _require_action_form()
    rule_set, name = modifier.rule_set, modifier.name
    svc.remove_modifier(current_user, modifier)
    db.session.commit()
    flash(_("Đã xóa điều chỉnh “%(name)s”.", name=name), "success")
    if not is_htmx():
        return redirect(url_for("royalties.rule_sets") + f"#rule-set-{rule_set.id}")
    return _rule_set_card(rule_set)


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
    if _submit(form, svc.create_base_salary):
        flash(_("Đã thêm mức lương cơ sở."), "success")
        if not is_htmx():
            return redirect(url_for("royalties.base_salaries"))
        return _salaries_page()
    return _salaries_page(form, 422)


@bp.route("/luong-co-so/<int:salary_id>")
@admin_only
def base_salary_row(salary_id):
    salary = _get_or_404(BaseSalary, salary_id)
    if not is_htmx():
        return redirect(url_for("royalties.base_salary_edit", salary_id=salary.id))
    return render("royalties/admin/_base_salary_row.html", salary=salary)


@bp.route("/luong-co-so/<int:salary_id>/sua", methods=["GET", "POST"])
@admin_only
def base_salary_edit(salary_id):
    salary = _get_or_404(BaseSalary, salary_id)
    form = BaseSalaryForm(obj=salary if request.method == "GET" else None)
    status = 200
    if request.method == "POST":
        if _submit(form, svc.update_base_salary, salary):
            if is_htmx():
                return render("royalties/admin/_base_salary_row.html", salary=salary)
            flash(_("Đã lưu mức lương cơ sở."), "success")
            return redirect(url_for("royalties.base_salaries"))
        status = 422
    return render(
        EDIT_PAGE,
        "royalties/admin/_base_salary_row_edit.html",
        salary=salary,
        **_edit_page(form, _("Sửa mức lương cơ sở"), url_for("royalties.base_salaries"), status),
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
    if _submit(form, svc.create_tax_rule):
        flash(_("Đã thêm quy định thuế."), "success")
        if not is_htmx():
            return redirect(url_for("royalties.tax_rules"))
        return _tax_page()
    return _tax_page(form, 422)


@bp.route("/thue/<int:tax_rule_id>")
@admin_only
def tax_rule_row(tax_rule_id):
    rule = _get_or_404(TaxRule, tax_rule_id)
    if not is_htmx():
        return redirect(url_for("royalties.tax_rule_edit", tax_rule_id=rule.id))
    return render(
        "royalties/admin/_tax_rule_row.html", rule=rule, format_percent=svc.format_percent
    )


@bp.route("/thue/<int:tax_rule_id>/sua", methods=["GET", "POST"])
@admin_only
def tax_rule_edit(tax_rule_id):
    rule = _get_or_404(TaxRule, tax_rule_id)
    form = TaxRuleForm(obj=rule if request.method == "GET" else None)
    status = 200
    if request.method == "POST":
        if _submit(form, svc.update_tax_rule, rule):
            if is_htmx():
                return render(
                    "royalties/admin/_tax_rule_row.html",
                    rule=rule,
                    format_percent=svc.format_percent,
                )
            flash(_("Đã lưu quy định thuế."), "success")
            return redirect(url_for("royalties.tax_rules"))
        status = 422
    return render(
        EDIT_PAGE,
        "royalties/admin/_tax_rule_row_edit.html",
        rule=rule,
        **_edit_page(form, _("Sửa quy định thuế TNCN"), url_for("royalties.tax_rules"), status),
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
    if _submit(form, svc.create_budget):
        flash(_("Đã thêm dự toán năm %(year)d.", year=form.year.data), "success")
        if not is_htmx():
            return redirect(url_for("royalties.budgets"))
        return _budgets_page()
    return _budgets_page(form, 422)


@bp.route("/du-toan/<int:budget_id>")
@money_keepers
def annual_budget_row(budget_id):
    budget = _get_or_404(Budget, budget_id)
    if not is_htmx():
        return redirect(url_for("royalties.annual_budget_edit", budget_id=budget.id))
    return render("royalties/admin/_budget_row.html", budget=budget)


@bp.route("/du-toan/<int:budget_id>/sua", methods=["GET", "POST"])
@money_keepers
def annual_budget_edit(budget_id):
    budget = _get_or_404(Budget, budget_id)
    form = BudgetForm(obj=budget if request.method == "GET" else None)
    status = 200
    if request.method == "POST":
        if _submit(form, svc.update_budget, budget):
            if is_htmx():
                return render("royalties/admin/_budget_row.html", budget=budget)
            flash(_("Đã lưu dự toán năm %(year)d.", year=budget.year), "success")
            return redirect(url_for("royalties.budgets"))
        status = 422
    return render(
        EDIT_PAGE,
        "royalties/admin/_budget_row_edit.html",
        budget=budget,
        **_edit_page(form, _("Sửa dự toán năm"), url_for("royalties.budgets"), status),
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
    if _submit(form, svc.create_expense):
        flash(
            _("Đã ghi khoản chi “%(category)s”.", category=" ".join(form.category.data.split())),
            "success",
        )
        if not is_htmx():
            return redirect(url_for("royalties.expenses", year=form.spent_on.data.year))
        return _expenses_page(form.spent_on.data.year)
    return _expenses_page(_year_arg(), form, 422)


@bp.route("/chi-khac/<int:expense_id>")
@money_keepers
def expense_row(expense_id):
    expense = _get_or_404(Expense, expense_id)
    if not is_htmx():
        return redirect(url_for("royalties.expense_edit", expense_id=expense.id))
    return render("royalties/admin/_expense_row.html", expense=expense)


@bp.route("/chi-khac/<int:expense_id>/sua", methods=["GET", "POST"])
@money_keepers
def expense_edit(expense_id):
    expense = _get_or_404(Expense, expense_id)
    form = ExpenseForm(obj=expense if request.method == "GET" else None)
    status = 200
    if request.method == "POST":
        if _submit(form, svc.update_expense, expense):
            if is_htmx():
                return render("royalties/admin/_expense_row.html", expense=expense)
            flash(_("Đã lưu khoản chi."), "success")
            return redirect(url_for("royalties.expenses", year=expense.spent_on.year))
        status = 422
    return render(
        EDIT_PAGE,
        "royalties/admin/_expense_row_edit.html",
        expense=expense,
        categories=svc.expense_categories(),
        **_edit_page(form, _("Sửa khoản chi"), url_for("royalties.expenses"), status),
    )


@bp.route("/chi-khac/<int:expense_id>/xoa", methods=["POST"])
@money_keepers
def expense_delete(expense_id):
    expense = _get_or_404(Expense, expense_id)
    _require_action_form()
    year = expense.spent_on.year
    svc.delete_expense(current_user, expense)
    db.session.commit()
    flash(_("Đã xóa khoản chi."), "success")
    if not is_htmx():
        return redirect(url_for("royalties.expenses", year=year))
    return _expenses_page(year)


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
    q = request.args.get("q", "").strip()
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
    if _submit(form, svc.create_payee):
        flash(_("Đã thêm người nhận “%(name)s”.", name=form.full_name.data.strip()), "success")
        if not is_htmx():
            return redirect(url_for("royalties.payees"))
        return _payees_page("_payees_panel")
    return _payees_page("_payees_panel", form, 422)


@bp.route("/nguoi-nhan/<int:payee_id>")
@money_keepers
def payee_row(payee_id):
    payee = _get_or_404(Payee, payee_id)
    if not is_htmx():
        return redirect(url_for("royalties.payee_edit", payee_id=payee.id))
    return render("royalties/admin/_payee_row.html", payee=payee, payee_name=svc.payee_name)


@bp.route("/nguoi-nhan/<int:payee_id>/sua", methods=["GET", "POST"])
@money_keepers
def payee_edit(payee_id):
    payee = _get_or_404(Payee, payee_id)
    form = PayeeForm(obj=payee if request.method == "GET" else None, units=_all_units())
    if request.method == "GET":
        form.unit_id.data = str(payee.unit_id or "")
    status = 200
    if request.method == "POST":
        if _submit(form, svc.update_payee, payee):
            if is_htmx():
                return render(
                    "royalties/admin/_payee_row.html", payee=payee, payee_name=svc.payee_name
                )
            flash(_("Đã lưu người nhận “%(name)s”.", name=svc.payee_name(payee)), "success")
            return redirect(url_for("royalties.payees"))
        status = 422
    hidden = ("full_name",) if payee.user_id else ()
    title = _("Sửa người nhận: %(name)s", name=svc.payee_name(payee))
    return render(
        EDIT_PAGE,
        "royalties/admin/_payee_row_edit.html",
        payee=payee,
        payee_name=svc.payee_name,
        **_edit_page(form, title, url_for("royalties.payees"), status, hidden),
    )
