"""The settings a district changes: read through ``get`` (the database, else Config), changed
through the services below, which audit and flush."""

from dataclasses import dataclass

from flask import current_app, g, has_request_context
from flask_babel import gettext as _
from sqlalchemy import select

from webapp.audit.services import record
from webapp.extensions import db
from webapp.pieces.uploads import store_image
from webapp.services import ServiceError
from webapp.settings.models import Setting

# key: (Config name, default). The defaults are the demo district's: a new installation's
# first-run checklist asks the admin to replace them.
DEFAULTS = {
    "district_name": ("DISTRICT_NAME", "UBND HUYỆN ĐAK ĐOA"),
    "board_name": ("BOARD_NAME", "BAN BIÊN TẬP TRANG THÔNG TIN ĐIỆN TỬ"),
    "place_name": ("PLACE_NAME", "Đak Đoa"),
    "logo": (None, None),
}
LETTERHEAD_KEYS = ("district_name", "board_name", "place_name")


def _stored() -> dict:
    """Every stored setting, read once per request (one query)."""
    if has_request_context() and "settings" in g:
        return g.settings
    values = {s.key: s.value for s in db.session.scalars(select(Setting))}
    if has_request_context():
        g.settings = values
    return values


def _forget() -> None:
    if has_request_context():
        g.pop("settings", None)


def get(key: str):
    """A setting's value: the admin's, else the environment's (Config), else the default."""
    config_name, default = DEFAULTS[key]
    stored = _stored()
    if stored.get(key) not in (None, ""):
        return stored[key]
    if config_name and current_app.config.get(config_name):
        return current_app.config[config_name]
    return default


def is_set(key: str) -> bool:
    """Whether the admin has saved this setting (the checklist ticks on that)."""
    return _stored().get(key) not in (None, "")


@dataclass(frozen=True)
class Letterhead:
    """Who issues the district's documents: the one place the payment sheet, the appendix
    and the periodic report read it from."""

    district: str
    board: str
    place: str


def letterhead() -> Letterhead:
    return Letterhead(
        district=get("district_name"), board=get("board_name"), place=get("place_name")
    )


def _put(actor, key: str, value) -> bool:
    setting = db.session.get(Setting, key)
    before = setting.value if setting else None
    if before == value:
        return False
    if setting is None:
        setting = Setting(key=key)
        db.session.add(setting)
    setting.value = value
    setting.updated_by_id = actor.id if actor else None
    db.session.flush()
    record(actor, "update", setting, {key: [before, value]}, label=key)
    return True


def update_letterhead(actor, *, district_name: str, board_name: str, place_name: str) -> None:
    """Save the letterhead; every field is needed on an administrative document."""
    values = {
        "district_name": " ".join((district_name or "").split()),
        "board_name": " ".join((board_name or "").split()),
        "place_name": " ".join((place_name or "").split()),
    }
    for key, value in values.items():
        if not value:
            raise ServiceError(_("Vui lòng nhập trường này."), key)
    for key, value in values.items():
        _put(actor, key, value)
    _forget()


def set_logo(actor, filename: str, data: bytes) -> None:
    """Check, re-encode and store the logo as every uploaded image is; keep its key."""
    stored = store_image(filename, data)
    _put(actor, "logo", stored.key)
    _forget()
