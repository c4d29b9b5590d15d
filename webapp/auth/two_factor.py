"""The second factor: switching it on and off, checking a code, the admin's reset.

Services flush, never commit. A code is used once: the last accepted time step and each
recovery code's use are written with a conditional UPDATE, so two requests racing with
the same code cannot both pass.
"""

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, or_, update

from webapp.audit.services import Origin, record_account_event
from webapp.auth import totp
from webapp.auth.models import RecoveryCode, User
from webapp.extensions import db
from webapp.roles import Role
from webapp.services import ServiceError
from webapp.timeutil import utcnow

# Where money is signed and paid, or accounts are made: these roles may be made to use it.
ROLES_THAT_MAY_NEED_IT = frozenset({Role.ADMIN, Role.ACCOUNTANT, Role.CHIEF_EDITOR})


def required_for(user: User) -> bool:
    """Whether the installation's setting obliges this user to use a second factor."""
    return bool(current_app.config.get("TWO_FACTOR_REQUIRED")) and bool(
        user.role_set & ROLES_THAT_MAY_NEED_IT
    )


def setup_uri(user: User, secret: str) -> str:
    return totp.provisioning_uri(secret, user.username, current_app.config["TWO_FACTOR_ISSUER"])


def _take_step(user: User, code: str) -> bool:
    """Accept a TOTP code once: the step is recorded only if no later one was."""
    step = totp.matching_step(user.totp_secret, code, utcnow(), user.totp_last_step)
    if step is None:
        return False
    taken = db.session.execute(
        update(User)
        .where(
            User.id == user.id,
            or_(User.totp_last_step.is_(None), User.totp_last_step < step),
        )
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    ).rowcount
    if taken:
        user.totp_last_step = step
    return bool(taken)


def _take_recovery_code(user: User, code: str, origin: Origin | None) -> bool:
    used = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == totp.hash_recovery_code(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if used:
        record_account_event(user, "two_factor_recovery_used", user, origin)
    return bool(used)


def verify(user: User, code: str, origin: Origin | None = None) -> bool:
    """Whether ``code`` (from the app, or a recovery code) is good for ``user``, now, once."""
    if not user.has_two_factor:
        return False
    if totp.looks_like_recovery_code(code):
        return _take_recovery_code(user, code, origin)
    return _take_step(user, code)


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = totp.new_recovery_codes()
    db.session.add_all(
        RecoveryCode(user_id=user.id, code_hash=totp.hash_recovery_code(c)) for c in codes
    )
    return codes


def enable(user: User, secret: str, code: str, origin: Origin | None = None) -> list[str]:
    """Switch the second factor on once the app shows the right code; the recovery codes."""
    if user.has_two_factor:
        raise ServiceError(_("Xác thực hai bước đã được bật."))
    step = totp.matching_step(secret, code, utcnow(), None)
    if step is None:
        raise ServiceError(
            _("Mã không đúng. Kiểm tra giờ của điện thoại và nhập mã đang hiện trong ứng dụng."),
            "code",
        )
    user.totp_secret = secret
    user.totp_enabled_at = utcnow()
    user.totp_last_step = step
    codes = _new_recovery_codes(user)
    record_account_event(user, "two_factor_enable", user, origin)
    db.session.flush()
    return codes


def disable(user: User, password: str, code: str, origin: Origin | None = None) -> None:
    """Switch it off: the password and a current code (or a recovery code) are asked for."""
    if not user.check_password(password or ""):
        raise ServiceError(_("Mật khẩu không đúng."), "password")
    if not verify(user, code, origin):
        raise ServiceError(_("Mã xác thực không đúng hoặc đã dùng."), "code")
    if required_for(user):
        raise ServiceError(_("Vai trò của bạn bắt buộc dùng xác thực hai bước; không tắt được."))
    _clear(user)
    record_account_event(user, "two_factor_disable", user, origin)
    db.session.flush()


def regenerate_recovery_codes(user: User, code: str, origin: Origin | None = None) -> list[str]:
    if not verify(user, code, origin):
        raise ServiceError(_("Mã xác thực không đúng hoặc đã dùng."), "code")
    codes = _new_recovery_codes(user)
    record_account_event(user, "two_factor_recovery_codes", user, origin)
    db.session.flush()
    return codes


def remaining_recovery_codes(user: User) -> int:
    return db.session.query(RecoveryCode).filter_by(user_id=user.id, used_at=None).count()


def admin_reset(actor: User, user: User, origin: Origin | None = None) -> None:
    """The admin clears a user's second factor (a lost phone); the user sets it up again."""
    if not user.has_two_factor:
        raise ServiceError(_("Tài khoản này chưa bật xác thực hai bước."))
    _clear(user)
    record_account_event(actor, "two_factor_reset", user, origin)
    db.session.flush()


def _clear(user: User) -> None:
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
