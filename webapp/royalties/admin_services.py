"""Changing the royalty data an admin or accountant keeps: rule sets, salaries, tax, budgets,
expenses and payees.

Each function takes the acting user and plain values (integers in hundredths or đồng, dates),
refuses bad input with a ``ServiceError`` naming the field, writes, audits old → new, and
flushes. None commits: the request does, once.
"""

import re
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from webapp.audit.services import diff, record, snapshot
from webapp.extensions import db
from webapp.formatting import day, money
from webapp.royalties import calc
from webapp.royalties.models import (
    BaseSalary,
    Budget,
    CountedPer,
    Expense,
    ModifierKind,
    Payee,
    RoyaltyGenreRule,
    RoyaltyModifier,
    RoyaltyRuleSet,
    TaxRule,
)
from webapp.royalties.rules import format_coefficient
from webapp.services import ServiceError
from webapp.taxonomy.models import Genre
from webapp.text import person_key
from webapp.units.models import Unit

ROUNDINGS = ("half_up", "down", "up")
MAX_COEFFICIENT = 10_000  # 100,00: twice the decree's highest maximum (50 for online media)
MAX_STEP = 1_000_000
CODE_RE = re.compile(r"[a-z0-9_]+")


# --- shared helpers -------------------------------------------------------------------------


def format_hundredths(centi: int | None) -> str:
    """1050 → "10,5"; 5000 → "50"; 50 → "0,5"."""
    if centi is None:
        return ""
    whole, part = divmod(int(centi), 100)
    return f"{whole},{part:02d}".rstrip("0").rstrip(",") if part else str(whole)


def format_percent(centi: int | None) -> str:
    """Hundredths of a percent as shown: 1000 → "10 %"."""
    return "" if centi is None else f"{format_hundredths(centi)} %"


def format_modifier(kind, value: int) -> str:
    """A modifier's value: "50 %" of the royalty, or a fixed coefficient "0,50"."""
    return format_percent(value) if kind == ModifierKind.PERCENT else format_coefficient(value)


def _audited(obj, fields, shown=None) -> dict:
    """The audited values: scaled integers as a reader understands them ("1,50", "10 %")."""
    values = snapshot(obj, fields)
    for name, show in (shown or {}).items():
        if values.get(name) is not None:
            values[name] = show(getattr(obj, name))
    return values


def _created(values: dict) -> dict:
    return {k: [None, v] for k, v in values.items() if v not in (None, "", False)}


def _deleted(values: dict) -> dict:
    return {k: [v, None] for k, v in values.items() if v not in (None, "")}


def _insert(actor, obj, audited, label):
    """Add a new row, flush it (for its id) and audit its creation.

    ``audited(obj)``: the values the audit keeps; ``label(obj)``: how the audit names the row.
    """
    db.session.add(obj)
    db.session.flush()
    record(actor, "create", obj, _created(audited(obj)), label(obj))
    return obj


def _change(actor, obj, checked: dict, audited, label):
    """Set the checked values on a row and audit what changed (``audited``, ``label``: as
    for :func:`_insert`)."""
    before = audited(obj)
    for name, value in checked.items():
        setattr(obj, name, value)
    record(actor, "update", obj, diff(before, audited(obj)), label(obj))
    return obj


def _text(value, limit: int) -> str:
    return " ".join(str(value or "").split())[:limit]


def _need(value, message, field):
    if value is None:
        raise ServiceError(message, field)
    return value


# --- rule sets ------------------------------------------------------------------------------

RULE_SET_FIELDS = (
    "name",
    "legal_basis",
    "valid_from",
    "valid_to",
    "unit_percent_centi",
    "tier_percent_centi",
    "rounding",
    "rounding_step",
    "is_example",
)
RULE_SET_SHOWN = {"unit_percent_centi": format_percent, "tier_percent_centi": format_percent}


def validity(rule_set: RoyaltyRuleSet) -> str:
    """ "từ 01/06/2014" or "từ 01/06/2014 đến 31/12/2024"."""
    if rule_set.valid_to is None:
        return _("từ %(start)s", start=day(rule_set.valid_from))
    return _("từ %(start)s đến %(end)s", start=day(rule_set.valid_from), end=day(rule_set.valid_to))


def overlapping_rule_set(
    valid_from: date, valid_to: date | None, rule_set_id: int | None = None
) -> RoyaltyRuleSet | None:
    """Another rule set in force on at least one day of [valid_from, valid_to]."""
    query = select(RoyaltyRuleSet).where(
        RoyaltyRuleSet.id != (rule_set_id or 0),
        or_(RoyaltyRuleSet.valid_to.is_(None), RoyaltyRuleSet.valid_to >= valid_from),
    )
    if valid_to is not None:
        query = query.where(RoyaltyRuleSet.valid_from <= valid_to)
    return db.session.scalar(query.order_by(RoyaltyRuleSet.valid_from).limit(1))


def _check_rule_set(values: dict, rule_set_id: int | None = None) -> dict:
    name = _text(values.get("name"), 200)
    if not name:
        raise ServiceError(_("Vui lòng nhập tên quy định."), "name")
    valid_from = _need(
        values.get("valid_from"), _("Vui lòng nhập ngày bắt đầu áp dụng."), "valid_from"
    )
    valid_to = values.get("valid_to")
    if valid_to is not None and valid_to < valid_from:
        raise ServiceError(_("Ngày kết thúc không được trước ngày bắt đầu."), "valid_to")
    unit = values.get("unit_percent_centi")
    if unit is None or not 0 < unit <= 10_000:
        raise ServiceError(
            _("Giá trị một đơn vị hệ số phải lớn hơn 0 % và không quá 100 % lương cơ sở."),
            "unit_percent_centi",
        )
    tier = values.get("tier_percent_centi")
    if tier is None or not 0 < tier <= 10_000:
        raise ServiceError(
            _("Tỷ lệ hưởng theo cấp trang phải lớn hơn 0 % và không quá 100 %."),
            "tier_percent_centi",
        )
    rounding = values.get("rounding") or "half_up"
    if rounding not in ROUNDINGS:
        raise ServiceError(_("Cách làm tròn không hợp lệ."), "rounding")
    step = values.get("rounding_step")
    if step is None or not 1 <= step <= MAX_STEP:
        raise ServiceError(_("Bước làm tròn phải từ 1 đến 1.000.000 đồng."), "rounding_step")
    clash = overlapping_rule_set(valid_from, valid_to, rule_set_id)
    if clash is not None:
        raise ServiceError(
            _(
                "Thời gian áp dụng trùng với quy định “%(name)s” (%(period)s): hai quy định "
                "không thể cùng có hiệu lực trong một ngày. Hãy đặt ngày kết thúc cho quy định "
                "kia trước, hoặc chọn ngày khác.",
                name=clash.name,
                period=validity(clash),
            ),
            "valid_from",
        )
    return dict(
        name=name,
        legal_basis=(values.get("legal_basis") or "").strip(),
        valid_from=valid_from,
        valid_to=valid_to,
        unit_percent_centi=unit,
        tier_percent_centi=tier,
        rounding=rounding,
        rounding_step=step,
        is_example=bool(values.get("is_example")),
    )


def create_rule_set(actor, **values) -> RoyaltyRuleSet:
    """A new, empty rule set (genres and modifiers are added afterwards)."""
    rule_set = RoyaltyRuleSet(**_check_rule_set(values))
    db.session.add(rule_set)
    record(actor, "create", rule_set, _created(_audited(rule_set, RULE_SET_FIELDS, RULE_SET_SHOWN)))
    return rule_set


def update_rule_set(actor, rule_set: RoyaltyRuleSet, **values) -> RoyaltyRuleSet:
    before = _audited(rule_set, RULE_SET_FIELDS, RULE_SET_SHOWN)
    checked = _check_rule_set(values, rule_set.id)
    _check_ranges_under_ceiling(rule_set, checked)
    for name, value in checked.items():
        setattr(rule_set, name, value)
    record(
        actor,
        "update",
        rule_set,
        diff(before, _audited(rule_set, RULE_SET_FIELDS, RULE_SET_SHOWN)),
    )
    return rule_set


def _check_ranges_under_ceiling(rule_set: RoyaltyRuleSet, checked: dict) -> None:
    """A new unit value or tier must not lift any genre's top coefficient above the ceiling."""
    from types import SimpleNamespace

    from webapp.royalties.services import line_ceiling

    changed = SimpleNamespace(
        unit_percent_centi=checked["unit_percent_centi"],
        tier_percent_centi=checked["tier_percent_centi"],
        rounding=checked["rounding"],
        rounding_step=checked["rounding_step"],
    )
    for rule in rule_set.genre_rules:
        largest, salary = _largest_line(changed, rule.max_centi)
        if largest > line_ceiling():
            raise ServiceError(
                _(
                    "Với hệ số tối đa %(max)s và lương cơ sở %(salary)s, một tin, bài được "
                    "%(amount)s, vượt mức trần %(ceiling)s mỗi dòng nhuận bút.",
                    max=format_coefficient(rule.max_centi),
                    salary=money(salary.amount),
                    amount=money(largest),
                    ceiling=money(line_ceiling()),
                ),
                "unit_percent_centi",
            )


# --- genre rules ----------------------------------------------------------------------------

GENRE_RULE_FIELDS = ("min_centi", "default_centi", "max_centi", "counted_per")
GENRE_RULE_SHOWN = dict.fromkeys(("min_centi", "default_centi", "max_centi"), format_coefficient)


def _genre_rule_label(rule: RoyaltyGenreRule) -> str:
    return f"{rule.rule_set.name} · {rule.genre.name}"


def _largest_line(rule_set: RoyaltyRuleSet, max_centi: int) -> tuple[int, BaseSalary | None]:
    """What one piece at the range's top earns under the rule set, at the highest base
    salary on record (the newest): the largest line an editor could approve."""
    salary = db.session.scalar(select(BaseSalary).order_by(BaseSalary.amount.desc()).limit(1))
    if salary is None:
        return 0, None
    amount = calc.amount(
        max_centi,
        salary.amount,
        rule_set.unit_percent_centi,
        rule_set.tier_percent_centi,
        (),
        rule_set.rounding or "half_up",
        rule_set.rounding_step or 1,
    )
    return amount, salary


def _check_range(min_centi, default_centi, max_centi, counted_per, rule_set=None) -> dict:
    values = {"min_centi": min_centi, "default_centi": default_centi, "max_centi": max_centi}
    for field, value in values.items():
        if value is None:
            raise ServiceError(_("Vui lòng nhập hệ số."), field)
        if value < 0:
            raise ServiceError(_("Hệ số không được âm."), field)
        if value > MAX_COEFFICIENT:
            raise ServiceError(_("Hệ số không được lớn hơn 100."), field)
    if min_centi > max_centi:
        raise ServiceError(
            _(
                "Hệ số tối thiểu (%(min)s) không được lớn hơn hệ số tối đa (%(max)s).",
                min=format_coefficient(min_centi),
                max=format_coefficient(max_centi),
            ),
            "min_centi",
        )
    if not min_centi <= default_centi <= max_centi:
        raise ServiceError(
            _(
                "Hệ số mặc định phải nằm trong khoảng từ %(min)s đến %(max)s.",
                min=format_coefficient(min_centi),
                max=format_coefficient(max_centi),
            ),
            "default_centi",
        )
    if counted_per not in CountedPer._value2member_map_:
        raise ServiceError(_("Cách tính không hợp lệ."), "counted_per")
    if rule_set is not None:
        from webapp.royalties.services import line_ceiling

        largest, salary = _largest_line(rule_set, max_centi)
        if largest > line_ceiling():
            raise ServiceError(
                _(
                    "Với hệ số tối đa %(max)s và lương cơ sở %(salary)s, một tin, bài được "
                    "%(amount)s, vượt mức trần %(ceiling)s mỗi dòng nhuận bút.",
                    max=format_coefficient(max_centi),
                    salary=money(salary.amount),
                    amount=money(largest),
                    ceiling=money(line_ceiling()),
                ),
                "max_centi",
            )
    return dict(values, counted_per=CountedPer(counted_per))


def add_genre_rule(
    actor, rule_set: RoyaltyRuleSet, *, genre_id, min_centi, default_centi, max_centi, counted_per
) -> RoyaltyGenreRule:
    """The coefficient range of a genre that has none in this rule set yet."""
    genre = db.session.get(Genre, genre_id) if genre_id else None
    if genre is None:
        raise ServiceError(_("Vui lòng chọn thể loại."), "genre_id")
    if any(r.genre_id == genre.id for r in rule_set.genre_rules):
        raise ServiceError(
            _("Thể loại “%(genre)s” đã có trong quy định này.", genre=genre.name), "genre_id"
        )
    rule = RoyaltyGenreRule(
        genre=genre, **_check_range(min_centi, default_centi, max_centi, counted_per, rule_set)
    )
    rule_set.genre_rules.append(rule)
    changes = {"genre_id": [None, genre.name]}
    changes.update(_created(_audited(rule, GENRE_RULE_FIELDS, GENRE_RULE_SHOWN)))
    record(actor, "create", rule, changes, label=_genre_rule_label(rule))
    return rule


def update_genre_rule(
    actor, rule: RoyaltyGenreRule, *, min_centi, default_centi, max_centi, counted_per
) -> RoyaltyGenreRule:
    before = _audited(rule, GENRE_RULE_FIELDS, GENRE_RULE_SHOWN)
    checked = _check_range(min_centi, default_centi, max_centi, counted_per, rule.rule_set)
    for name, value in checked.items():
        setattr(rule, name, value)
    after = _audited(rule, GENRE_RULE_FIELDS, GENRE_RULE_SHOWN)
    record(actor, "update", rule, diff(before, after), label=_genre_rule_label(rule))
    return rule


def remove_genre_rule(actor, rule: RoyaltyGenreRule) -> None:
    """Take a genre out of a rule set: its pieces then earn nothing under this set."""
    changes = {"genre_id": [rule.genre.name, None]}
    changes.update(_deleted(_audited(rule, GENRE_RULE_FIELDS, GENRE_RULE_SHOWN)))
    record(actor, "delete", rule, changes, label=_genre_rule_label(rule))
    rule.rule_set.genre_rules.remove(rule)
    db.session.flush()


# --- modifiers ------------------------------------------------------------------------------

MODIFIER_FIELDS = ("code", "name", "kind", "value")


def _modifier_values(modifier: RoyaltyModifier) -> dict:
    values = snapshot(modifier, MODIFIER_FIELDS)
    values["value"] = format_modifier(modifier.kind, modifier.value)
    return values


def _modifier_label(modifier: RoyaltyModifier) -> str:
    return f"{modifier.rule_set.name} · {modifier.name}"


def _check_modifier(name, kind, value) -> dict:
    name = _text(name, 200)
    if not name:
        raise ServiceError(_("Vui lòng nhập tên."), "name")
    if kind not in ModifierKind._value2member_map_:
        raise ServiceError(_("Cách điều chỉnh không hợp lệ."), "kind")
    kind = ModifierKind(kind)
    if value is None:
        raise ServiceError(_("Vui lòng nhập giá trị."), "value")
    if kind == ModifierKind.PERCENT and not 0 < value <= 100_000:
        raise ServiceError(_("Tỷ lệ phải lớn hơn 0 % và không quá 1000 %."), "value")
    if kind == ModifierKind.FIXED and not 0 <= value <= MAX_COEFFICIENT:
        raise ServiceError(_("Hệ số phải từ 0 đến 100."), "value")
    return dict(name=name, kind=kind, value=value)


def add_modifier(actor, rule_set: RoyaltyRuleSet, *, code, name, kind, value) -> RoyaltyModifier:
    """An adjustment editors may pick for a piece: a percentage or a fixed coefficient."""
    code = (code or "").strip().lower()
    if not code or not CODE_RE.fullmatch(code) or len(code) > 30:
        raise ServiceError(
            _("Mã chỉ gồm chữ thường không dấu, số và dấu gạch dưới (tối đa 30 ký tự)."), "code"
        )
    if any(m.code == code for m in rule_set.modifiers):
        raise ServiceError(_("Mã “%(code)s” đã có trong quy định này.", code=code), "code")
    modifier = RoyaltyModifier(code=code, **_check_modifier(name, kind, value))
    rule_set.modifiers.append(modifier)
    record(
        actor, "create", modifier, _created(_modifier_values(modifier)), _modifier_label(modifier)
    )
    return modifier


def update_modifier(actor, modifier: RoyaltyModifier, *, name, kind, value) -> RoyaltyModifier:
    """Its code stays: pieces refer to a modifier by code."""
    before = _modifier_values(modifier)
    for field, new in _check_modifier(name, kind, value).items():
        setattr(modifier, field, new)
    record(
        actor,
        "update",
        modifier,
        diff(before, _modifier_values(modifier)),
        _modifier_label(modifier),
    )
    return modifier


def remove_modifier(actor, modifier: RoyaltyModifier) -> None:
    record(
        actor, "delete", modifier, _deleted(_modifier_values(modifier)), _modifier_label(modifier)
    )
    modifier.rule_set.modifiers.remove(modifier)
    db.session.flush()


# --- base salaries and tax rules ---------------------------------------------------------------

SALARY_FIELDS = ("valid_from", "amount", "legal_basis", "verified")
TAX_FIELDS = ("valid_from", "threshold", "rate", "legal_basis", "verified")
TAX_SHOWN = {"rate": format_percent}


def _salary_label(salary: BaseSalary) -> str:
    return _("Lương cơ sở từ %(day)s", day=day(salary.valid_from))


def _check_salary(values: dict, salary_id: int | None = None) -> dict:
    valid_from = _need(
        values.get("valid_from"), _("Vui lòng nhập ngày bắt đầu áp dụng."), "valid_from"
    )
    if db.session.scalar(
        select(BaseSalary.id).where(
            BaseSalary.valid_from == valid_from, BaseSalary.id != (salary_id or 0)
        )
    ):
        raise ServiceError(
            _("Đã có mức lương cơ sở áp dụng từ ngày %(day)s.", day=day(valid_from)),
            "valid_from",
        )
    amount = values.get("amount")
    if amount is None or amount <= 0:
        raise ServiceError(_("Mức lương cơ sở phải lớn hơn 0 đồng."), "amount")
    return dict(
        valid_from=valid_from,
        amount=amount,
        legal_basis=_text(values.get("legal_basis"), 200),
        verified=bool(values.get("verified")),
    )


def _salary_values(salary: BaseSalary) -> dict:
    return snapshot(salary, SALARY_FIELDS)


def create_base_salary(actor, **values) -> BaseSalary:
    salary = BaseSalary(**_check_salary(values))
    return _insert(actor, salary, _salary_values, _salary_label)


def update_base_salary(actor, salary: BaseSalary, **values) -> BaseSalary:
    """Ledger lines keep the salary they used; a change applies to what is accrued next."""
    checked = _check_salary(values, salary.id)
    return _change(actor, salary, checked, _salary_values, _salary_label)


def _tax_label(rule: TaxRule) -> str:
    return _("Thuế TNCN từ %(day)s", day=day(rule.valid_from))


def _check_tax(values: dict, rule_id: int | None = None) -> dict:
    valid_from = _need(
        values.get("valid_from"), _("Vui lòng nhập ngày bắt đầu áp dụng."), "valid_from"
    )
    if db.session.scalar(
        select(TaxRule.id).where(TaxRule.valid_from == valid_from, TaxRule.id != (rule_id or 0))
    ):
        raise ServiceError(
            _("Đã có quy định thuế áp dụng từ ngày %(day)s.", day=day(valid_from)), "valid_from"
        )
    threshold = values.get("threshold")
    if threshold is None or threshold < 0:
        raise ServiceError(_("Ngưỡng khấu trừ không được âm."), "threshold")
    rate = values.get("rate")
    if rate is None or not 0 <= rate <= 10_000:
        raise ServiceError(_("Thuế suất phải từ 0 đến 100 %."), "rate")
    return dict(
        valid_from=valid_from,
        threshold=threshold,
        rate=rate,
        legal_basis=_text(values.get("legal_basis"), 200),
        verified=bool(values.get("verified")),
    )


def _tax_values(rule: TaxRule) -> dict:
    return _audited(rule, TAX_FIELDS, TAX_SHOWN)


def create_tax_rule(actor, **values) -> TaxRule:
    return _insert(actor, TaxRule(**_check_tax(values)), _tax_values, _tax_label)


def update_tax_rule(actor, rule: TaxRule, **values) -> TaxRule:
    return _change(actor, rule, _check_tax(values, rule.id), _tax_values, _tax_label)


# --- budgets and expenses -------------------------------------------------------------------

BUDGET_FIELDS = ("year", "amount", "note")
EXPENSE_FIELDS = ("spent_on", "category", "amount", "note")
STATIONERY = "Văn phòng phẩm"


def _budget_label(budget: Budget) -> str:
    return _("Dự toán năm %(year)d", year=budget.year)


def _check_budget(values: dict, budget_id: int | None = None) -> dict:
    year = values.get("year")
    if year is None or not 2000 <= year <= 2100:
        raise ServiceError(_("Năm phải từ 2000 đến 2100."), "year")
    if db.session.scalar(
        select(Budget.id).where(Budget.year == year, Budget.id != (budget_id or 0))
    ):
        raise ServiceError(_("Năm %(year)d đã có dự toán.", year=year), "year")
    amount = values.get("amount")
    if amount is None or amount <= 0:
        raise ServiceError(_("Dự toán phải lớn hơn 0 đồng."), "amount")
    return dict(year=year, amount=amount, note=(values.get("note") or "").strip())


def _budget_values(budget: Budget) -> dict:
    return snapshot(budget, BUDGET_FIELDS)


def create_budget(actor, **values) -> Budget:
    return _insert(actor, Budget(**_check_budget(values)), _budget_values, _budget_label)


def update_budget(actor, budget: Budget, **values) -> Budget:
    checked = _check_budget(values, budget.id)
    return _change(actor, budget, checked, _budget_values, _budget_label)


def _expense_label(expense: Expense) -> str:
    return f"{expense.category} · {day(expense.spent_on)}"


def _check_expense(values: dict) -> dict:
    spent_on = _need(values.get("spent_on"), _("Vui lòng nhập ngày chi."), "spent_on")
    category = _text(values.get("category"), 120)
    if not category:
        raise ServiceError(_("Vui lòng nhập khoản chi, ví dụ Văn phòng phẩm."), "category")
    amount = values.get("amount")
    if amount is None or amount <= 0:
        raise ServiceError(_("Số tiền phải lớn hơn 0 đồng."), "amount")
    return dict(
        spent_on=spent_on, category=category, amount=amount, note=(values.get("note") or "").strip()
    )


def _expense_values(expense: Expense) -> dict:
    return snapshot(expense, EXPENSE_FIELDS)


def create_expense(actor, **values) -> Expense:
    expense = Expense(created_by_id=actor.id if actor else None, **_check_expense(values))
    return _insert(actor, expense, _expense_values, _expense_label)


def update_expense(actor, expense: Expense, **values) -> Expense:
    """Expenses are not a ledger: a typo is fixed in place, and the audit keeps the old value."""
    return _change(actor, expense, _check_expense(values), _expense_values, _expense_label)


def delete_expense(actor, expense: Expense) -> None:
    record(
        actor,
        "delete",
        expense,
        _deleted(_expense_values(expense)),
        _expense_label(expense),
    )
    db.session.delete(expense)
    db.session.flush()


def expense_categories(limit: int = 50) -> list[str]:
    """Categories used so far, most used first, "Văn phòng phẩm" always first."""
    used = db.session.scalars(
        select(Expense.category)
        .group_by(Expense.category)
        .order_by(func.count().desc(), Expense.category)
        .limit(limit)
    ).all()
    return [STATIONERY, *(c for c in used if c.lower() != STATIONERY.lower())]


# --- payees ---------------------------------------------------------------------------------

PAYEE_FIELDS = (
    "full_name",
    "pen_name",
    "unit_id",
    "tax_code",
    "bank_account",
    "bank_name",
    "commitment_on_file",
    "active",
)


def _payee_values(payee: Payee) -> dict:
    values = snapshot(payee, PAYEE_FIELDS)
    unit = db.session.get(Unit, payee.unit_id) if payee.unit_id else None
    values["unit_id"] = unit.name if unit else None
    return values


def payee_name(payee: Payee) -> str:
    """A payee linked to an account is known by the account's name."""
    return payee.user.full_name if payee.user is not None else payee.full_name


def _check_payee(values: dict, payee: Payee | None = None) -> dict:
    checked = {}
    if payee is None or payee.user_id is None:
        name = _text(values.get("full_name"), 120)
        if not name:
            raise ServiceError(_("Vui lòng nhập họ tên."), "full_name")
        clash = db.session.scalar(
            select(Payee.id).where(
                Payee.user_id.is_(None),
                Payee.normalized_name == person_key(name)[:120],
                Payee.id != (payee.id if payee else 0),
            )
        )
        if clash:
            raise ServiceError(
                _("Đã có người nhận ngoài hệ thống tên “%(name)s”.", name=name), "full_name"
            )
        checked["full_name"] = name
    unit_id = values.get("unit_id") or None
    if unit_id is not None:
        unit_id = int(unit_id)
        if db.session.get(Unit, unit_id) is None:
            raise ServiceError(_("Đơn vị không tồn tại."), "unit_id")
    tax_code = re.sub(r"[\s.\-]", "", values.get("tax_code") or "")
    if tax_code and not (tax_code.isdigit() and len(tax_code) in (10, 13)):
        raise ServiceError(_("Mã số thuế gồm 10 hoặc 13 chữ số."), "tax_code")
    bank_account = re.sub(r"\s", "", values.get("bank_account") or "")
    if bank_account and not bank_account.isdigit():
        raise ServiceError(_("Số tài khoản chỉ gồm chữ số."), "bank_account")
    checked.update(
        pen_name=_text(values.get("pen_name"), 120),
        unit_id=unit_id,
        tax_code=tax_code,
        bank_account=bank_account[:40],
        bank_name=_text(values.get("bank_name"), 120),
        commitment_on_file=bool(values.get("commitment_on_file")),
        active=bool(values.get("active", True)),
    )
    return checked


def create_payee(actor, **values) -> Payee:
    """Someone without an account who writes or takes photos for the portal."""
    payee = Payee(user_id=None, **_check_payee(dict(values, active=True)))
    return _insert(actor, payee, _payee_values, payee_name)


def update_payee(actor, payee: Payee, **values) -> Payee:
    """A payee linked to an account keeps the link and the account's name."""
    return _change(actor, payee, _check_payee(values, payee), _payee_values, payee_name)
