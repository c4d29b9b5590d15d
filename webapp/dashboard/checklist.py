"""The admin's first-run checklist: what a district changes before the demo's values go
out on its documents and mail. Each item ticks itself from the data."""

from dataclasses import dataclass

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from webapp.audit.models import AuditEntry
from webapp.extensions import db
from webapp.royalties.models import RoyaltyRuleSet
from webapp.settings import services as settings

# How many recent unit edits to look through for a quota change.
RECENT_UNIT_EDITS = 200


@dataclass
class Item:
    label: str
    url: str
    done: bool


def _quotas_reviewed() -> bool:
    changes = db.session.scalars(
        select(AuditEntry.changes)
        .where(AuditEntry.entity_type == "units", AuditEntry.action == "update")
        .order_by(AuditEntry.id.desc())
        .limit(RECENT_UNIT_EDITS)
    )
    return any("monthly_quota" in (c or {}) for c in changes)


def _own_rule_set() -> bool:
    return (
        db.session.scalar(select(RoyaltyRuleSet.id).where(RoyaltyRuleSet.is_example.is_(False)))
        is not None
    )


def first_run() -> list[Item]:
    """The items, in the order a new district does them; four queries."""
    return [
        Item(
            _l("Đặt tên cơ quan chủ quản và Ban biên tập in trên văn bản"),
            url_for("settings.index"),
            settings.is_set("district_name"),
        ),
        Item(_l("Tải lên logo"), url_for("settings.index"), settings.is_set("logo")),
        Item(
            _l("Đặt định mức tin, bài hằng tháng của các đơn vị"),
            url_for("admin.unit_list"),
            _quotas_reviewed(),
        ),
        Item(
            _l("Cấu hình máy chủ thư để thư được gửi ra ngoài"),
            url_for("settings.index") + "#thu-dien-tu",
            bool(current_app.config.get("MAIL_SERVER")),
        ),
        Item(
            _l("Thay bảng hệ số mẫu bằng quyết định nhuận bút của tỉnh"),
            url_for("royalties.rule_sets"),
            _own_rule_set(),
        ),
    ]
