"""Creating, changing and ordering units. Each change is audited; nothing commits."""

from flask_babel import gettext as _
from sqlalchemy import func, select

from webapp.audit.services import diff, record, snapshot
from webapp.extensions import db
from webapp.services import ServiceError
from webapp.units.models import Unit, UnitGroup

FIELDS = (
    "name",
    "short_name",
    "group",
    "monthly_quota",
    "contact_emails",
    "head_email",
    "active",
)


def _check_name(name: str, unit_id: int | None = None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ServiceError(_("Vui lòng nhập tên đơn vị."), "name")
    clash = db.session.scalar(
        select(Unit.id).where(func.lower(Unit.name) == name.lower(), Unit.id != (unit_id or 0))
    )
    if clash:
        raise ServiceError(_("Đã có đơn vị tên “%(name)s”.", name=name), "name")
    return name


def _clean_emails(text: str) -> str:
    emails = [e.strip() for e in (text or "").replace(",", "\n").replace(";", "\n").splitlines()]
    return "\n".join(dict.fromkeys(e.lower() for e in emails if e))


def create_unit(
    actor, *, name, group, short_name="", monthly_quota=0, contact_emails="", head_email=""
) -> Unit:
    group = UnitGroup(group)
    unit = Unit(
        name=_check_name(name),
        short_name=(short_name or "").strip(),
        group=group,
        display_order=Unit.next_order(group),
        monthly_quota=int(monthly_quota or 0),
        contact_emails=_clean_emails(contact_emails),
        head_email=(head_email or "").strip().lower(),
        active=True,
    )
    db.session.add(unit)
    record(actor, "create", unit, {f: [None, v] for f, v in snapshot(unit, FIELDS).items()})
    return unit


def update_unit(actor, unit: Unit, **values) -> Unit:
    before = snapshot(unit, FIELDS + ("display_order",))
    if "name" in values:
        unit.name = _check_name(values["name"], unit.id)
    if "short_name" in values:
        unit.short_name = (values["short_name"] or "").strip()
    if "monthly_quota" in values:
        unit.monthly_quota = int(values["monthly_quota"] or 0)
    if "contact_emails" in values:
        unit.contact_emails = _clean_emails(values["contact_emails"])
    if "head_email" in values:
        unit.head_email = (values["head_email"] or "").strip().lower()
    if "group" in values and UnitGroup(values["group"]) != unit.group:
        # Moving to the other group puts the unit at the end of that group.
        unit.group = UnitGroup(values["group"])
        unit.display_order = Unit.next_order(unit.group)
    record(actor, "update", unit, diff(before, snapshot(unit, FIELDS + ("display_order",))))
    return unit


def set_unit_active(actor, unit: Unit, active: bool) -> Unit:
    if unit.active != active:
        record(
            actor, "activate" if active else "deactivate", unit, {"active": [unit.active, active]}
        )
        unit.active = active
    return unit


def move_unit(actor, unit: Unit, direction: int) -> Unit:
    """Swap the unit with its neighbour above (-1) or below (+1) in its group."""
    order = Unit.display_order
    query = select(Unit).where(Unit.group == unit.group, Unit.id != unit.id)
    if direction < 0:
        neighbour = db.session.scalar(
            query.where(order <= unit.display_order).order_by(order.desc(), Unit.id.desc()).limit(1)
        )
    else:
        neighbour = db.session.scalar(
            query.where(order >= unit.display_order).order_by(order, Unit.id).limit(1)
        )
    if neighbour is None:
        return unit
    old = unit.display_order
    if neighbour.display_order == old:  # equal orders: make room first
        neighbour.display_order = old + (1 if direction > 0 else -1)
    unit.display_order, neighbour.display_order = neighbour.display_order, old
    record(actor, "reorder", unit, {"display_order": [old, unit.display_order]})
    return unit
