"""Signing in, passwords and the administration of accounts. Services flush; callers commit."""

import re
import secrets

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from webapp.audit.services import diff, record, snapshot
from webapp.auth.models import User, UserRole
from webapp.demo_data import ACCOUNTS
from webapp.extensions import db
from webapp.roles import Role
from webapp.services import ServiceError
from webapp.timeutil import utcnow
from webapp.units.models import Unit

# Checked against when the username is unknown, so that a wrong username takes
# as long as a wrong password and the answer reveals nothing.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def find_user(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == normalise_username(username)))


def normalise_username(username: str) -> str:
    return (username or "").strip().lower()


def authenticate(username: str, password: str) -> User | None:
    """The active user with this username and password, or None (for every kind of failure)."""
    user = find_user(username)
    if user is None:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not user.check_password(password or "") or not user.active:
        return None
    return user


def demo_accounts() -> list[User]:
    """In demo mode, the demo district's accounts for the sign-in page; otherwise none."""
    if not current_app.config.get("DEMO_MODE"):
        return []
    names = [username for username, *_ in ACCOUNTS]
    found = {
        u.username: u
        for u in db.session.scalars(
            select(User).where(User.username.in_(names), User.active.is_(True))
        )
    }
    return [found[n] for n in names if n in found]


def record_login(user: User) -> None:
    """Note the time of a successful sign-in."""
    user.last_login_at = utcnow()


def change_password(user: User, current: str, new: str) -> bool:
    """Set a new password if the current one is right."""
    if not user.check_password(current):
        return False
    user.set_password(new)
    db.session.flush()
    return True


# --- administration of accounts ------------------------------------------------

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,59}$")
USER_FIELDS = ("username", "full_name", "email", "unit_id", "roles", "active")


def _user_snapshot(user: User) -> dict:
    data = snapshot(user, ("username", "full_name", "email", "unit_id", "active"))
    data["roles"] = sorted(r.value for r in user.role_set)
    return data


def generate_password() -> str:
    """A password that is easy to read out and type: four groups of letters and digits."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(3))


def _check_username(username: str, user_id: int | None = None) -> str:
    username = normalise_username(username)
    if not USERNAME_RE.match(username):
        raise ServiceError(
            _("Tên đăng nhập từ 3 đến 60 ký tự: chữ không dấu, số, dấu chấm, gạch ngang."),
            "username",
        )
    clash = db.session.scalar(
        select(User.id).where(User.username == username, User.id != (user_id or 0))
    )
    if clash:
        raise ServiceError(
            _("Tên đăng nhập “%(name)s” đã có người dùng.", name=username), "username"
        )
    return username


def _check_roles_and_unit(roles, unit_id) -> tuple[set[Role], int | None]:
    roles = {Role(r) for r in roles}
    if not roles:
        raise ServiceError(_("Chọn ít nhất một vai trò."), "roles")
    unit_id = int(unit_id) if unit_id else None
    if unit_id is not None and db.session.get(Unit, unit_id) is None:
        raise ServiceError(_("Đơn vị không tồn tại."), "unit_id")
    if Role.CONTRIBUTOR in roles and unit_id is None:
        raise ServiceError(_("Cán bộ viết tin bài phải thuộc một đơn vị."), "unit_id")
    return roles, unit_id


def _active_admins_besides(user: User) -> int:
    return db.session.scalar(
        select(func.count(User.id))
        .join(UserRole)
        .where(UserRole.role == Role.ADMIN, User.active.is_(True), User.id != user.id)
    )


def create_user(actor, *, username, full_name, email="", unit_id=None, roles=(), password=None):
    """A new account. Returns (user, password): the password is shown once to the admin."""
    full_name = " ".join((full_name or "").split())
    if not full_name:
        raise ServiceError(_("Vui lòng nhập họ tên."), "full_name")
    roles, unit_id = _check_roles_and_unit(roles, unit_id)
    user = User(
        username=_check_username(username),
        full_name=full_name,
        email=(email or "").strip().lower(),
        unit_id=unit_id,
        active=True,
    )
    user.role_set = roles
    password = password or generate_password()
    user.set_password(password)
    db.session.add(user)
    record(actor, "create", user, {k: [None, v] for k, v in _user_snapshot(user).items()})
    return user, password


def update_user(actor, user: User, *, username, full_name, email, unit_id, roles) -> User:
    before = _user_snapshot(user)
    full_name = " ".join((full_name or "").split())
    if not full_name:
        raise ServiceError(_("Vui lòng nhập họ tên."), "full_name")
    roles, unit_id = _check_roles_and_unit(roles, unit_id)
    if Role.ADMIN in user.role_set and Role.ADMIN not in roles:
        if actor is not None and actor.id == user.id:
            raise ServiceError(_("Bạn không thể tự bỏ quyền quản trị của mình."), "roles")
        if _active_admins_besides(user) == 0:
            raise ServiceError(_("Phải còn ít nhất một quản trị viên."), "roles")
    user.username = _check_username(username, user.id)
    user.full_name = full_name
    user.email = (email or "").strip().lower()
    user.unit_id = unit_id
    user.role_set = roles
    db.session.flush()
    record(actor, "update", user, diff(before, _user_snapshot(user)))
    return user


def reset_password(actor, user: User) -> str:
    """Give the user a new random password and return it (shown once, never stored plain)."""
    password = generate_password()
    user.set_password(password)
    record(actor, "reset_password", user, {"password": ["***", "***"]})
    return password


def set_user_active(actor, user: User, active: bool) -> User:
    if not active:
        if actor is not None and actor.id == user.id:
            raise ServiceError(_("Bạn không thể tự khóa tài khoản của mình."))
        if Role.ADMIN in user.role_set and _active_admins_besides(user) == 0:
            raise ServiceError(_("Phải còn ít nhất một quản trị viên."))
    if user.active != active:
        record(
            actor, "activate" if active else "deactivate", user, {"active": [user.active, active]}
        )
        user.active = active
    return user
