"""The royalty ledger: accrual at publication, reversals, months, payment batches, budget.

Services flush and never commit; the caller commits once. Every amount comes from
``calc``; every line records the rule, the coefficient and the base salary it used, so
the accountant can trace each đồng.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from webapp.audit.services import record
from webapp.extensions import db
from webapp.formatting import money
from webapp.pieces.models import Piece, PieceState
from webapp.royalties import calc
from webapp.royalties.models import (
    BaseSalary,
    Budget,
    CountedPer,
    EntryKind,
    Expense,
    MonthState,
    Payee,
    PaymentLine,
    RoyaltyEntry,
    RoyaltyFlag,
    RoyaltyMonth,
    TaxRule,
)
from webapp.royalties.rules import rule_set_on
from webapp.services import Conflict, ServiceError
from webapp.text import person_key
from webapp.timeutil import local_today, to_local, utcnow

PAYMENT_DUE_DAYS = 60  # Nghị định 18/2014: royalties are paid within 60 days of publication
# line_key of an accountant's correction (adjust()); reversals keep the line's own key.
ADJUSTMENT_KEY_PREFIX = "adj:"
# The largest single ledger line, in đồng, unless the ROYALTY_LINE_CEILING setting says
# otherwise: far above any real royalty, far below anything that could overflow.
DEFAULT_LINE_CEILING = 100_000_000


def line_ceiling() -> int:
    """The sanity ceiling of one ledger line (setting ``ROYALTY_LINE_CEILING``)."""
    if has_app_context():
        return int(current_app.config.get("ROYALTY_LINE_CEILING", DEFAULT_LINE_CEILING))
    return DEFAULT_LINE_CEILING


class LineTooLarge(ServiceError):
    """A single line above the ceiling: a typo in a coefficient or a rule, never paid."""


def check_line(amount: int) -> int:
    """Refuse a line whose size is above the ceiling; return it unchanged otherwise."""
    ceiling = line_ceiling()
    if abs(amount) > ceiling:
        raise LineTooLarge(
            _(
                "Một dòng nhuận bút %(amount)s vượt mức trần %(ceiling)s mỗi dòng: hãy kiểm tra "
                "lại hệ số và quy định nhuận bút. Dòng này chưa được ghi.",
                amount=money(amount),
                ceiling=money(ceiling),
            ),
            "amount",
        )
    return amount


class MonthClosed(ServiceError):
    """A signed or paid month never changes."""


class MonthConflict(MonthClosed, Conflict):
    """Someone else signed or paid the month first: says who and when (409)."""


# --- looking things up -------------------------------------------------------------------


def base_salary_on(day: date) -> BaseSalary | None:
    return db.session.scalar(
        select(BaseSalary)
        .where(BaseSalary.valid_from <= day)
        .order_by(BaseSalary.valid_from.desc())
        .limit(1)
    )


def tax_rule_on(day: date) -> TaxRule | None:
    return db.session.scalar(
        select(TaxRule)
        .where(TaxRule.valid_from <= day)
        .order_by(TaxRule.valid_from.desc())
        .limit(1)
    )


def period_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def next_period(period: str) -> str:
    year, month = map(int, period.split("-"))
    return f"{year + month // 12:04d}-{month % 12 + 1:02d}"


def period_bounds(period: str) -> tuple[date, date]:
    """First and last day of a "YYYY-MM" period."""
    year, month = map(int, period.split("-"))
    first = date(year, month, 1)
    last = date.fromisoformat(next_period(period) + "-01") - timedelta(days=1)
    return first, last


def month(period: str, create: bool = True, lock: str | None = None) -> RoyaltyMonth | None:
    """The month's row; created open when missing (``create``).

    ``lock="share"``: held until the transaction ends, so the month cannot be signed or paid
    meanwhile (writing a line into it). ``lock="update"``: held to sign or pay it; waits for
    the writers of lines and makes them wait. PostgreSQL only; SQLite has one writer at a
    time anyway. Either way the row is read again, not taken from the session.
    """
    query = select(RoyaltyMonth).where(RoyaltyMonth.period == period)
    if lock is not None:
        query = query.with_for_update(read=lock == "share").execution_options(
            populate_existing=True
        )
    found = db.session.scalar(query)
    if found is None and create:
        # Two publications may open a new month at once: the unique period keeps one row,
        # and the loser of the race reads the winner's. A row this transaction inserted is
        # locked by it until the commit.
        try:
            with db.session.begin_nested():
                found = RoyaltyMonth(period=period, state=MonthState.OPEN)
                db.session.add(found)
        except IntegrityError:
            found = db.session.scalar(query)
    return found


def open_period_for(day: date) -> str:
    """The month a line for ``day`` goes to: its own if still open, else the next open one.

    The month found stays locked (shared) until the caller's transaction ends: a month
    being signed or paid makes this wait, then read it signed and go on to the next one.
    """
    period = period_of(day)
    while month(period, lock="share").state is not MonthState.OPEN:
        period = next_period(period)
    return period


def _ensure_open(period: str) -> None:
    if month(period, lock="share").state is not MonthState.OPEN:
        raise MonthClosed(
            _("Tháng %(period)s đã ký hoặc đã chi trả, không thể thay đổi.", period=_label(period))
        )


def _label(period: str) -> str:
    year, mon = period.split("-")
    return f"{mon}/{year}"


# --- payees ----------------------------------------------------------------------------------


def _found_or_added(query, **values) -> Payee:
    """The payee ``query`` finds, else one added with ``values``, by an upsert.

    Two publications naming the same person at once both insert; the unique indexes keep
    one row (ON CONFLICT DO NOTHING, the loser waits for the winner's commit), and both
    read it back.
    """
    payee = db.session.scalar(query)
    if payee is not None:
        return payee
    db.session.flush()
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    values.setdefault("normalized_name", person_key(values["full_name"])[:120])
    db.session.execute(insert(Payee.__table__).values(**values).on_conflict_do_nothing())
    return db.session.scalar(query.execution_options(populate_existing=True))


def payee_for_user(user) -> Payee:
    """A member of staff: one payee per account."""
    return _found_or_added(
        select(Payee).where(Payee.user_id == user.id),
        user_id=user.id,
        full_name=user.full_name,
        unit_id=user.unit_id,
    )


def payee_for_name(name: str, unit_id: int | None) -> Payee:
    """An outside person: found by name (normalized: case, spaces, Unicode form) and unit,
    or added."""
    name = " ".join(name.split())[:120]
    key = person_key(name)[:120]
    same_unit = Payee.unit_id == unit_id if unit_id is not None else Payee.unit_id.is_(None)
    return _found_or_added(
        select(Payee).where(Payee.user_id.is_(None), Payee.normalized_name == key, same_unit),
        full_name=name,
        normalized_name=key,
        unit_id=unit_id,
    )


def _author_payee(author, unit_id) -> Payee:
    if author.user is not None:
        return payee_for_user(author.user)
    return payee_for_name(author.name, unit_id)


# --- accrual and reversal --------------------------------------------------------------------


@dataclass
class Quote:
    """What a piece earns, before it is written to the ledger: for screens and for accrual."""

    published_on: date
    rule_set: object
    base: BaseSalary
    coefficient_centi: int
    modifiers: list
    # (line_key, payee maker, share, piece amount, line amount)
    lines: list = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(line[4] for line in self.lines)


def quote(piece: Piece, published_on: date) -> Quote | None:
    """Work out a piece's royalty lines as of its publication date; None when none is due."""
    rule_set = rule_set_on(published_on)
    if rule_set is None:
        raise ServiceError(
            _(
                "Chưa có quy định nhuận bút áp dụng cho ngày %(day)s.",
                day=published_on.strftime("%d/%m/%Y"),
            )
        )
    base = base_salary_on(published_on)
    if base is None:
        raise ServiceError(
            _(
                "Chưa có mức lương cơ sở áp dụng cho ngày %(day)s.",
                day=published_on.strftime("%d/%m/%Y"),
            )
        )
    genre_rule = next((r for r in rule_set.genre_rules if r.genre_id == piece.genre_id), None)
    coefficient = piece.coefficient_centi
    if coefficient is None:
        coefficient = genre_rule.default_centi if genre_rule else 0
    chosen = set(piece.modifier_codes or [])
    modifiers = [[m.code, m.kind.value, m.value] for m in rule_set.modifiers if m.code in chosen]
    result = Quote(published_on, rule_set, base, coefficient, modifiers)
    if coefficient == 0 or not piece.authors:
        return result

    def line_amount():
        return calc.amount(
            coefficient,
            base.amount,
            rule_set.unit_percent_centi,
            rule_set.tier_percent_centi,
            [(kind, value) for _code, kind, value in modifiers],
            rule_set.rounding,
            rule_set.rounding_step,
        )

    per_photo = genre_rule is not None and genre_rule.counted_per is CountedPer.PHOTO
    if per_photo and piece.images:
        # Each photo pays its credit: the author of that name, else an outside person.
        by_name = {a.name.lower(): a for a in piece.authors}
        for image in piece.images:
            credit = (image.credit or "").strip()
            author = by_name.get(credit.lower()) if credit else piece.authors[0]
            each = line_amount()
            maker = (
                (lambda a=author: _author_payee(a, piece.unit_id))
                if author
                else (lambda c=credit: payee_for_name(c, None))
            )
            result.lines.append((f"image:{image.id}", maker, 100, each, each))
        return result
    total = line_amount()
    # Shares all given: by percentage; none given (None): the amount divided equally.
    shares = [a.share for a in piece.authors]
    for author, part in zip(piece.authors, calc.split_lines(total, shares), strict=True):
        result.lines.append(
            ("piece", lambda a=author: _author_payee(a, piece.unit_id), author.share, total, part)
        )
    return result


def accrue_for_piece(piece: Piece, actor=None) -> list[RoyaltyEntry]:
    """Write the accrual lines of a publication, in the caller's transaction.

    The unique constraint on (piece, payee, line, kind, publication) makes a second accrual
    of the same publication impossible, even from two processes at once.
    """
    published_on = to_local(piece.published_at).date() if piece.published_at else local_today()
    try:
        result = quote(piece, published_on)
    except ServiceError as missing:
        # Publication goes ahead; the accountant is told what to enter before it can be paid.
        db.session.add(RoyaltyFlag(piece_id=piece.id, reason=str(missing.message)))
        db.session.flush()
        return []
    if result is None or not result.lines:
        return []
    try:
        for line in result.lines:
            check_line(line[4])
    except LineTooLarge as refused:
        # Nothing is written: the accountant sees why, and the rule or coefficient is fixed.
        db.session.add(RoyaltyFlag(piece_id=piece.id, reason=str(refused.message)))
        db.session.flush()
        return []
    publication_no = (
        db.session.scalar(
            select(func.max(RoyaltyEntry.publication_no)).where(
                RoyaltyEntry.piece_id == piece.id, RoyaltyEntry.kind == EntryKind.ACCRUAL
            )
        )
        or 0
    ) + 1
    period = open_period_for(published_on)
    entries = []
    for line_key, payee_maker, share, piece_amount, line in result.lines:
        entry = RoyaltyEntry(
            period=period,
            kind=EntryKind.ACCRUAL,
            piece_id=piece.id,
            payee_id=payee_maker().id,
            line_key=line_key,
            publication_no=publication_no,
            published_on=published_on,
            rule_set_id=result.rule_set.id,
            base_salary=result.base.amount,
            unit_percent=result.rule_set.unit_percent_centi,
            tier_percent=result.rule_set.tier_percent_centi,
            coefficient_centi=result.coefficient_centi,
            modifiers=result.modifiers,
            share=share,
            piece_amount=piece_amount,
            amount=line,
            created_by_id=actor.id if actor is not None else None,
        )
        db.session.add(entry)
        entries.append(entry)
    db.session.flush()
    return entries


def _open_lines(piece: Piece) -> list[RoyaltyEntry]:
    """The latest publication's accrual lines that nothing has reversed yet."""
    latest = db.session.scalar(
        select(func.max(RoyaltyEntry.publication_no)).where(
            RoyaltyEntry.piece_id == piece.id, RoyaltyEntry.kind == EntryKind.ACCRUAL
        )
    )
    if latest is None:
        return []
    # Only a reversal cancels a line; an accountant's correction (adjust(), "adj:…") also
    # points to its line but leaves it standing, so the take-down must still reverse it.
    reversed_ids = select(RoyaltyEntry.reverses_id).where(
        RoyaltyEntry.piece_id == piece.id,
        RoyaltyEntry.reverses_id.is_not(None),
        ~RoyaltyEntry.line_key.startswith(ADJUSTMENT_KEY_PREFIX),
    )
    return db.session.scalars(
        select(RoyaltyEntry).where(
            RoyaltyEntry.piece_id == piece.id,
            RoyaltyEntry.kind == EntryKind.ACCRUAL,
            RoyaltyEntry.publication_no == latest,
            RoyaltyEntry.id.not_in(reversed_ids),
        )
    ).all()


def reverse_for_piece(piece: Piece, actor=None, reason: str = "") -> dict[str, int]:
    """Undo a publication's royalty when the piece is taken down.

    Open month: a reversal line in that month. Signed month: an adjustment in the current
    open month, pointing to the original line. Paid month: nothing is changed; the piece
    is flagged for the accountant, who decides whether to recover the money.
    """
    done = {"reversed": 0, "adjusted": 0, "flagged": 0}
    flagged = False
    for line in _open_lines(piece):
        state = month(line.period, lock="share").state
        if state is MonthState.PAID:
            flagged = True
            continue
        target = line.period if state is MonthState.OPEN else open_period_for(local_today())
        kind = EntryKind.REVERSAL if state is MonthState.OPEN else EntryKind.ADJUSTMENT
        db.session.add(
            RoyaltyEntry(
                period=target,
                kind=kind,
                piece_id=line.piece_id,
                payee_id=line.payee_id,
                line_key=line.line_key,
                publication_no=line.publication_no,
                published_on=line.published_on,
                rule_set_id=line.rule_set_id,
                base_salary=line.base_salary,
                unit_percent=line.unit_percent,
                tier_percent=line.tier_percent,
                coefficient_centi=line.coefficient_centi,
                modifiers=line.modifiers,
                share=line.share,
                piece_amount=line.piece_amount,
                amount=-line.amount,
                reverses_id=line.id,
                note=reason[:1000],
                created_by_id=actor.id if actor is not None else None,
            )
        )
        done["reversed" if kind is EntryKind.REVERSAL else "adjusted"] += 1
    if flagged:
        db.session.add(
            RoyaltyFlag(
                piece_id=piece.id,
                reason=_("Tin, bài đã chi trả nhuận bút bị gỡ: %(reason)s", reason=reason),
            )
        )
        done["flagged"] = 1
    db.session.flush()
    return done


def adjust(actor, entry: RoyaltyEntry, delta: int, note: str) -> RoyaltyEntry:
    """A later correction of a line: lands in the current open month, pointing to the line."""
    if not note.strip():
        raise ServiceError(_("Vui lòng ghi rõ lý do điều chỉnh."), "note")
    if delta == 0:
        raise ServiceError(_("Số tiền điều chỉnh phải khác 0."), "delta")
    try:
        check_line(delta)
    except LineTooLarge as refused:
        raise LineTooLarge(refused.message, "delta") from None
    # Numbered per line: two corrections of one line in the same second are two lines, not
    # a clash on the unique key (a timestamp in seconds made the second one an error).
    done = db.session.scalar(
        select(func.count(RoyaltyEntry.id)).where(
            RoyaltyEntry.reverses_id == entry.id,
            RoyaltyEntry.line_key.startswith(ADJUSTMENT_KEY_PREFIX),
        )
    )
    line = RoyaltyEntry(
        period=open_period_for(local_today()),
        kind=EntryKind.ADJUSTMENT,
        piece_id=entry.piece_id,
        payee_id=entry.payee_id,
        line_key=f"{ADJUSTMENT_KEY_PREFIX}{entry.id}:{done + 1}",
        publication_no=entry.publication_no,
        published_on=entry.published_on,
        rule_set_id=entry.rule_set_id,
        base_salary=entry.base_salary,
        unit_percent=entry.unit_percent,
        tier_percent=entry.tier_percent,
        coefficient_centi=entry.coefficient_centi,
        modifiers=entry.modifiers,
        share=entry.share,
        piece_amount=entry.piece_amount,
        amount=delta,
        reverses_id=entry.id,
        note=note.strip()[:1000],
        created_by_id=actor.id if actor is not None else None,
    )
    db.session.add(line)
    db.session.flush()
    record(
        actor,
        "create",
        line,
        {"amount": [None, delta], "note": [None, line.note]},
        label=f"{entry.piece.title[:200]}",
    )
    return line


# --- months ----------------------------------------------------------------------------------


def _when(moment) -> str:
    return to_local(moment).strftime("%H:%M %d/%m/%Y") if moment else ""


def month_conflict(period: str) -> MonthClosed:
    """The refusal for the loser of a race on a month: who signed or paid it, and when.

    Reads what is committed now: call it after the loser's transaction was rolled back.
    """
    found = month(period, create=False)
    if found is not None and found.state is MonthState.PAID:
        return MonthConflict(
            _(
                "Tháng %(period)s đã được chi trả bởi %(who)s lúc %(when)s "
                "(chứng từ số %(no)s). Trang đã được tải lại với trạng thái hiện tại.",
                period=_label(period),
                who=found.paid_by.full_name if found.paid_by else "",
                when=_when(found.paid_at),
                no=found.voucher_no,
            )
        )
    if found is not None and found.state is MonthState.SIGNED:
        return MonthConflict(
            _(
                "Tháng %(period)s đã được ký bởi %(who)s lúc %(when)s. "
                "Trang đã được tải lại với trạng thái hiện tại.",
                period=_label(period),
                who=found.signed_by.full_name if found.signed_by else "",
                when=_when(found.signed_at),
            )
        )
    return MonthConflict(
        _(
            "Tháng %(period)s vừa được người khác thay đổi. Vui lòng xem lại rồi thao tác lại.",
            period=_label(period),
        )
    )


def sign_month(actor, period: str) -> RoyaltyMonth:
    """The chief editor signs the month's sheet: from now on it never changes.

    The month's row is locked first: a publication writing into it finishes before, or
    waits and then finds it signed and goes on to the next month.
    """
    target = month(period, lock="update")
    if target.state is not MonthState.OPEN:
        raise month_conflict(period)
    target.state = MonthState.SIGNED
    target.signed_by_id = actor.id
    target.signed_at = utcnow()
    record(actor, "sign", target, {"state": ["open", "signed"]}, label=period)
    db.session.flush()
    return target


def pay_month(actor, period: str, voucher_no: str, voucher_date: date) -> RoyaltyMonth:
    """The accountant records the payment: voucher number and date; the batch is frozen."""
    target = month(period, lock="update")
    if target.state is MonthState.OPEN:
        raise MonthClosed(_("Tháng %(period)s chưa được Trưởng ban ký.", period=_label(period)))
    if target.state is MonthState.PAID:
        raise month_conflict(period)
    voucher_no = (voucher_no or "").strip()
    if not voucher_no:
        raise ServiceError(_("Vui lòng nhập số chứng từ."), "voucher_no")
    if voucher_date is None:
        raise ServiceError(_("Vui lòng nhập ngày chứng từ."), "voucher_date")
    current = batch(period, voucher_date)
    if not current.lines:
        raise ServiceError(
            _(
                "Tháng %(period)s không có khoản nhuận bút nào phải trả: không thể ghi nhận "
                "chi trả. Số chứng từ chưa được dùng.",
                period=_label(period),
            )
        )
    for line in current.lines:
        db.session.add(
            PaymentLine(
                period=period,
                payee_id=line.payee.id,
                gross=line.gross,
                tax=line.tax,
                net=line.net,
                tax_rate=current.tax_rate,
                threshold=current.threshold,
                tax_rule_id=line.tax_rule.id if line.tax_rule is not None else None,
            )
        )
    target.state = MonthState.PAID
    target.paid_by_id = actor.id
    target.paid_at = utcnow()
    target.voucher_no = voucher_no
    target.voucher_date = voucher_date
    record(
        actor,
        "pay",
        target,
        {"state": ["signed", "paid"], "voucher_no": [None, voucher_no]},
        label=period,
    )
    db.session.flush()
    return target


# --- the payment batch -----------------------------------------------------------------------


@dataclass
class BatchLine:
    payee: Payee
    entries: list
    gross: int
    tax: int
    net: int
    tax_rule: TaxRule | None = None  # the dated rule this line was taxed by


@dataclass
class Batch:
    period: str
    payment_date: date
    tax_rate: int
    threshold: int
    lines: list
    tax_rule: TaxRule | None = None

    @property
    def gross(self) -> int:
        return sum(line.gross for line in self.lines)

    @property
    def tax(self) -> int:
        return sum(line.tax for line in self.lines)

    @property
    def net(self) -> int:
        return sum(line.net for line in self.lines)


def entries_of(period: str, **filters):
    """The month's ledger lines, filtered; one query, pieces and payees joined."""
    from webapp.pieces.models import Piece as P

    query = (
        select(RoyaltyEntry)
        .join(P, RoyaltyEntry.piece_id == P.id)
        .join(Payee, RoyaltyEntry.payee_id == Payee.id)
        .where(RoyaltyEntry.period == period)
        .order_by(Payee.full_name, Payee.id, RoyaltyEntry.published_on, RoyaltyEntry.id)
    )
    if filters.get("unit_id"):
        query = query.where(P.unit_id == filters["unit_id"])
    if filters.get("payee_id"):
        query = query.where(RoyaltyEntry.payee_id == filters["payee_id"])
    if filters.get("genre_id"):
        query = query.where(P.genre_id == filters["genre_id"])
    if filters.get("kind"):
        query = query.where(RoyaltyEntry.kind == filters["kind"])
    return query


def batch(period: str, payment_date: date | None = None) -> Batch:
    """Per payee: gross, tax withheld and net. A paid month shows what was frozen then."""
    target = month(period, create=False)
    entries = db.session.scalars(entries_of(period)).all()
    grouped: dict[int, list] = defaultdict(list)
    for entry in entries:
        grouped[entry.payee_id].append(entry)
    if target is not None and target.state is MonthState.PAID:
        frozen = {
            p.payee_id: p
            for p in db.session.scalars(select(PaymentLine).where(PaymentLine.period == period))
        }
        lines = [
            BatchLine(
                frozen[pid].payee,
                rows,
                frozen[pid].gross,
                frozen[pid].tax,
                frozen[pid].net,
                frozen[pid].tax_rule,
            )
            for pid, rows in grouped.items()
            if pid in frozen
        ]
        any_line = next(iter(frozen.values()), None)
        return Batch(
            period,
            target.voucher_date,
            any_line.tax_rate if any_line else 0,
            any_line.threshold if any_line else 0,
            lines,
            any_line.tax_rule if any_line else None,
        )
    payment_date = payment_date or local_today()
    rule = tax_rule_on(payment_date)
    threshold, rate = (rule.threshold, rule.rate) if rule else (0, 0)
    lines = []
    for rows in grouped.values():
        payee = rows[0].payee
        gross = sum(r.amount for r in rows)
        if gross == 0:
            continue
        withheld = calc.tax(gross, threshold, rate, payee.commitment_on_file) if rule else 0
        lines.append(BatchLine(payee, rows, gross, withheld, gross - withheld, rule))
    return Batch(period, payment_date, rate, threshold, lines, rule)


# --- figures for screens and reports -------------------------------------------------------


def overdue(today: date | None = None, limit: int = 200):
    """Lines of pieces published more than 60 days ago whose month is not paid yet."""
    today = today or local_today()
    unpaid = select(RoyaltyMonth.period).where(RoyaltyMonth.state != MonthState.PAID)
    # A line the take-down reversed is owed no more (reversals keep the line's key).
    cancelled = select(RoyaltyEntry.reverses_id).where(
        RoyaltyEntry.reverses_id.is_not(None),
        ~RoyaltyEntry.line_key.startswith(ADJUSTMENT_KEY_PREFIX),
    )
    return db.session.scalars(
        select(RoyaltyEntry)
        .where(
            RoyaltyEntry.period.in_(unpaid),
            RoyaltyEntry.kind == EntryKind.ACCRUAL,
            RoyaltyEntry.published_on < today - timedelta(days=PAYMENT_DUE_DAYS),
            RoyaltyEntry.id.not_in(cancelled),
        )
        .order_by(RoyaltyEntry.published_on, RoyaltyEntry.id)
        .limit(limit)
    ).all()


def royalties_between(start: date, end: date) -> int:
    """Royalties accrued in the months from ``start`` to ``end`` (all kinds of lines)."""
    return db.session.scalar(
        select(func.coalesce(func.sum(RoyaltyEntry.amount), 0)).where(
            RoyaltyEntry.period >= period_of(start), RoyaltyEntry.period <= period_of(end)
        )
    )


def expenses_between(start: date, end: date) -> dict[str, int]:
    rows = db.session.execute(
        select(Expense.category, func.sum(Expense.amount))
        .where(Expense.spent_on >= start, Expense.spent_on <= end)
        .group_by(Expense.category)
        .order_by(Expense.category)
    ).all()
    return {category: int(total) for category, total in rows}


def spending_between(start: date, end: date) -> dict:
    """What the board spent over a period: royalties, other expenses by category, total."""
    royalties = int(royalties_between(start, end))
    expenses = expenses_between(start, end)
    return {
        "royalties": royalties,
        "expenses": expenses,
        "total": royalties + sum(expenses.values()),
    }


def budget_for_year(year: int) -> int | None:
    return db.session.scalar(select(Budget.amount).where(Budget.year == year))


def monthly_spending(year: int) -> list[dict]:
    """Per month of ``year``: royalties and other expenses. Two queries."""
    royalty_rows = dict(
        db.session.execute(
            select(RoyaltyEntry.period, func.sum(RoyaltyEntry.amount))
            .where(RoyaltyEntry.period.like(f"{year:04d}-%"))
            .group_by(RoyaltyEntry.period)
        ).all()
    )
    expense_rows = defaultdict(int)
    for spent_on, total in db.session.execute(
        select(Expense.spent_on, Expense.amount).where(
            Expense.spent_on >= date(year, 1, 1), Expense.spent_on <= date(year, 12, 31)
        )
    ):
        expense_rows[spent_on.month] += total
    return [
        {
            "month": m,
            "royalties": int(royalty_rows.get(f"{year:04d}-{m:02d}", 0) or 0),
            "expenses": int(expense_rows.get(m, 0)),
        }
        for m in range(1, 13)
    ]


def budget_status(year: int, today: date | None = None) -> dict:
    """Budget, spent, remaining, a straight-line projection to the year's end, and a warning."""
    today = today or local_today()
    budget = budget_for_year(year) or 0
    months = monthly_spending(year)
    spent = sum(m["royalties"] + m["expenses"] for m in months)
    if today.year > year:
        elapsed_days, year_days = 365, 365
    else:
        start = date(year, 1, 1)
        year_days = (date(year, 12, 31) - start).days + 1
        elapsed_days = max((today - start).days + 1, 1) if today.year == year else 0
    projected = spent * year_days // elapsed_days if elapsed_days else spent
    ratio = (spent * 100 // budget) if budget else 0
    level = "over" if budget and spent >= budget else ("warn" if budget and ratio >= 80 else "ok")
    return {
        "year": year,
        "budget": budget,
        "spent": spent,
        "royalties": sum(m["royalties"] for m in months),
        "expenses": sum(m["expenses"] for m in months),
        "remaining": budget - spent,
        "projected": projected,
        "percent": ratio,
        "level": level,
        "months": months,
    }


def statement_for(user, limit: int = 500):
    """A person's own royalty lines, with whether their month is paid."""
    payee = db.session.scalar(select(Payee).where(Payee.user_id == user.id))
    if payee is None:
        return None, []
    rows = db.session.execute(
        select(RoyaltyEntry, RoyaltyMonth.state)
        .join(RoyaltyMonth, RoyaltyMonth.period == RoyaltyEntry.period)
        .where(RoyaltyEntry.payee_id == payee.id)
        .order_by(RoyaltyEntry.period.desc(), RoyaltyEntry.id.desc())
        .limit(limit)
    ).all()
    return payee, rows


def published_pieces_without_lines(limit: int = 50):
    """Published pieces with no ledger line: a rule or a salary was missing at publication."""
    has_lines = select(RoyaltyEntry.piece_id)
    return db.session.scalars(
        select(Piece)
        .where(
            Piece.state == PieceState.PUBLISHED,
            Piece.id.not_in(has_lines),
            Piece.coefficient_centi > 0,
        )
        .order_by(Piece.published_at.desc())
        .limit(limit)
    ).all()


def resolve_flag(actor, flag: RoyaltyFlag, resolution: str) -> RoyaltyFlag:
    """Close a flag with what was done about it. Flushes; the caller commits."""
    resolution = (resolution or "").strip()
    if flag.resolved_at is not None:
        raise ServiceError(_("Mục này đã được xử lý trước đó."))
    if not resolution:
        raise ServiceError(_("Vui lòng ghi cách đã xử lý."), "resolution")
    flag.resolved_at = utcnow()
    flag.resolved_by_id = actor.id
    flag.resolution = resolution[:2000]
    db.session.flush()
    record(
        actor,
        "update",
        flag,
        {"resolution": [None, flag.resolution]},
        label=flag.piece.title[:200] if flag.piece else None,
    )
    return flag
