"""Signing in, passwords and the administration of accounts. Services flush; callers commit."""

import math
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import case, func, or_, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from webapp import dblocks
from webapp.audit.models import AuditEntry
from webapp.audit.services import Origin, diff, record, record_account_event, snapshot
from webapp.auth import passwords
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

# Account events in the audit trail (entity "users"), shown on the sign-in log.
SIGN_IN = "sign_in"
SIGN_IN_FAILED = "sign_in_failed"
SIGN_IN_BLOCKED = "sign_in_blocked"  # tried while the account was locked
LOCK = "lock"
UNLOCK = "unlock"
SIGN_OUT = "sign_out"
SIGN_OUT_EVERYWHERE = "sign_out_everywhere"
CHANGE_PASSWORD = "change_password"
SIGN_IN_ACTIONS = (SIGN_IN, SIGN_IN_FAILED, SIGN_IN_BLOCKED, LOCK)
ACCOUNT_ACTIONS = (
    *SIGN_IN_ACTIONS,
    UNLOCK,
    SIGN_OUT,
    SIGN_OUT_EVERYWHERE,
    CHANGE_PASSWORD,
    "reset_password",
)


def find_user(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == normalise_username(username)))


def normalise_username(username: str) -> str:
    return (username or "").strip().lower()


def _account_event(action, user, origin, *, actor=None, label="", changes=None):
    """An account event in the audit trail, with the client's address and browser."""
    return record_account_event(actor, action, user, origin, label=label, changes=changes)


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in: the user, or None; ``locked_minutes`` when the account is
    locked (the answer is then "try again in N minutes")."""

    user: User | None
    locked_minutes: int | None = None


def _minutes_left(until, now) -> int:
    return max(1, math.ceil((until - now).total_seconds() / 60))


def lock_minutes_left(user: User) -> int | None:
    """Minutes until a locked account can sign in again; None if it is not locked."""
    now = utcnow()
    if user.locked_until is not None and user.locked_until > now:
        return _minutes_left(user.locked_until, now)
    return None


def authenticate(username: str, password: str, origin: Origin | None = None) -> SignIn:
    """Check a username and password, count failures per account, and log the attempt.

    An account with LOGIN_MAX_FAILURES failures within LOGIN_FAILURE_WINDOW_MINUTES is locked
    for LOGIN_LOCK_MINUTES; while locked even the right password is refused (unchecked). The
    counter lives in the users table, so every worker and machine shares it.
    """
    user = find_user(username)
    if user is None:
        check_password_hash(_DUMMY_HASH, password or "")
        dblocks.take_write_lock()
        _account_event(SIGN_IN_FAILED, None, origin, label=normalise_username(username)[:60])
        return SignIn(None)
    now = utcnow()
    locked = user.locked_until is not None and user.locked_until > now
    right = not locked and user.check_password(password or "")
    # The slow hash is checked: from here on it writes, holding SQLite's write lock (the
    # user is read again under it, so a lock set meanwhile by another request counts).
    dblocks.take_write_lock()
    if user.locked_until is not None and user.locked_until > now:
        _account_event(SIGN_IN_BLOCKED, user, origin)
        return SignIn(None, _minutes_left(user.locked_until, now))
    if not right or not user.active:
        _account_event(SIGN_IN_FAILED, user, origin)
        locked_until = _failure(user, now, origin)
        if locked_until is not None:
            return SignIn(None, _minutes_left(locked_until, now))
        return SignIn(None)
    if user.has_two_factor:
        # Not signed in yet: the failure count stands until the second factor is given too,
        # so that the right password cannot reset it between rounds of guessed codes.
        return SignIn(user)
    complete_sign_in(user, origin)
    return SignIn(user)


def complete_sign_in(user: User, origin: Origin | None) -> None:
    """Every factor is given: reset the failure count, note the time, log the sign-in."""
    if user.failed_logins or user.first_failed_login_at or user.locked_until:
        user.failed_logins = 0
        user.first_failed_login_at = None
        user.locked_until = None
    user.last_login_at = utcnow()
    _account_event(SIGN_IN, user, origin, actor=user)
    db.session.flush()


def second_factor_failed(user: User, origin: Origin | None) -> int | None:
    """A wrong one-time code counts like a wrong password; the minutes of the lock when
    this failure locked the account."""
    now = utcnow()
    _account_event(SIGN_IN_FAILED, user, origin, actor=user)
    locked_until = _failure(user, now, origin)
    return _minutes_left(locked_until, now) if locked_until is not None else None


def _failure(user: User, now, origin: Origin | None):
    """Count a wrong password against the account; lock it (and log the lock) at the limit.
    Returns the end of the lock if this failure locked the account."""
    config = current_app.config
    locked_until = _count_failure(
        user,
        now,
        window=timedelta(minutes=config["LOGIN_FAILURE_WINDOW_MINUTES"]),
        max_failures=config["LOGIN_MAX_FAILURES"],
        lock=timedelta(minutes=config["LOGIN_LOCK_MINUTES"]),
    )
    if locked_until is not None:
        _account_event(LOCK, user, origin, changes={"locked_until": [None, locked_until]})
    return locked_until


def _count_failure(user: User, now, *, window, max_failures, lock):
    """Add one failure to the account's counter in one UPDATE (two workers at once both
    count); lock the account when the counter reaches max_failures. Returns the end of the
    lock if this failure locked it, else None."""
    starts_anew = or_(
        User.first_failed_login_at.is_(None), User.first_failed_login_at < now - window
    )
    count = db.session.execute(
        update(User)
        .where(User.id == user.id)
        .values(
            failed_logins=case((starts_anew, 1), else_=User.failed_logins + 1),
            first_failed_login_at=case((starts_anew, now), else_=User.first_failed_login_at),
        )
        .returning(User.failed_logins)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    locked_until = None
    if count >= max_failures:
        locked = db.session.execute(
            update(User)
            .where(
                User.id == user.id,
                or_(User.locked_until.is_(None), User.locked_until <= now),
            )
            .values(locked_until=now + lock, failed_logins=0, first_failed_login_at=None)
            .execution_options(synchronize_session=False)
        ).rowcount
        if locked:
            locked_until = now + lock
    db.session.refresh(user)
    return locked_until


def unlock(actor, user: User) -> User:
    """The admin lets a locked account sign in again at once."""
    if user.locked_until is not None or user.failed_logins:
        record(actor, UNLOCK, user, {"locked_until": [user.locked_until, None]})
    user.failed_logins = 0
    user.first_failed_login_at = None
    user.locked_until = None
    db.session.flush()
    return user


def sign_out(user: User, origin: Origin | None, *, everywhere: bool = False) -> None:
    """End the user's sessions: a new session token voids every copied session and
    remember cookie, on this device and (they are the same token) on every other."""
    user.rotate_session_token()
    _account_event(SIGN_OUT_EVERYWHERE if everywhere else SIGN_OUT, user, origin, actor=user)
    db.session.flush()


def recent_sign_ins(user: User, limit: int = 10) -> list[AuditEntry]:
    """The user's last sign-ins, failed ones and locks included, newest first."""
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(
                AuditEntry.entity_type == User.__tablename__,
                AuditEntry.entity_id == user.id,
                AuditEntry.action.in_(SIGN_IN_ACTIONS),
            )
            .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
            .limit(limit)
        )
    )


def _unit_names(user: User, unit_id: int | None = None) -> tuple[str, ...]:
    unit = db.session.get(Unit, unit_id) if unit_id else user.unit
    return (unit.name, unit.short_name or "") if unit is not None else ()


def check_new_password(password: str, *, username: str, unit_names=()) -> None:
    """Refuse a password the policy does not allow (ServiceError on "new_password")."""
    key = passwords.problem(password, username=username, names=tuple(unit_names))
    if key is not None:
        raise ServiceError(passwords.message(key), "new_password")


def check_current_password(user: User, current: str, origin: Origin | None = None) -> str | None:
    """Why the current password asked for before a change is refused, or None if it is right.

    A wrong one counts like a failed sign-in (someone at an unlocked computer must not get
    unlimited guesses), and a locked account is refused unchecked. The caller commits either
    way, so that the count is kept.
    """
    minutes = lock_minutes_left(user)
    if minutes is None and user.check_password(current or ""):
        return None
    if minutes is None:
        _account_event(SIGN_IN_FAILED, user, origin, actor=user)
        now = utcnow()
        locked_until = _failure(user, now, origin)
        if locked_until is None:
            return _("Mật khẩu hiện tại không đúng.")
        minutes = _minutes_left(locked_until, now)
    return _("Quá nhiều lần đăng nhập sai; thử lại sau %(n)s phút.", n=minutes)


def change_password(user: User, current: str, new: str, origin: Origin | None = None) -> None:
    """Set a new password if the current one is right and the new one is allowed; every
    session of the user ends (the caller signs this one in again)."""
    if not user.check_password(current or ""):
        raise ServiceError(_("Mật khẩu hiện tại không đúng."), "current_password")
    check_new_password(new, username=user.username, unit_names=_unit_names(user))
    if user.check_password(new):
        raise ServiceError(passwords.message("same"), "new_password")
    user.set_password(new)
    user.rotate_session_token()
    _account_event(CHANGE_PASSWORD, user, origin, actor=user)
    db.session.flush()


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
    if password:  # chosen by a person (the demo, the command line): the policy applies
        check_new_password(password, username=user.username, unit_names=_unit_names(user, unit_id))
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
    if user.role_set != frozenset(Role(r) for r in before["roles"]):
        user.rotate_session_token()  # signed in with other rights: sign in again
    db.session.flush()
    record(actor, "update", user, diff(before, _user_snapshot(user)))
    return user


def reset_password(actor, user: User) -> str:
    """Give the user a new random password and return it (shown once, never stored plain)."""
    password = generate_password()
    user.set_password(password)
    user.rotate_session_token()
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
        if not active:
            user.rotate_session_token()
    return user
