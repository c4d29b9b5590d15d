"""Users and their roles."""

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import BigInteger, Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from webapp.extensions import db
from webapp.roles import STAFF_ROLES, Role
from webapp.timeutil import utcnow
from webapp.units.models import Unit


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-case, so "NguyenVanA" and "nguyenvana" are one account.
    username: Mapped[str] = mapped_column(String(60), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254), default="")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(5))
    # Editors: how new submissions reach them by e-mail: "immediate", "digest" (daily) or "off".
    submission_alerts: Mapped[str] = mapped_column(String(10), default="immediate")
    last_login_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The second factor (TOTP): the shared secret, when it was switched on, and the last
    # time step accepted, so that one code never signs in twice.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None]
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    # Part of the id that Flask-Login keeps in the session and the remember cookie; a new one
    # (sign-out, new password, roles changed, account locked) makes every copy of them void.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    # Sign-in throttling, held here so that every worker and machine sees the same count.
    failed_logins: Mapped[int] = mapped_column(default=0)
    first_failed_login_at: Mapped[datetime | None]
    locked_until: Mapped[datetime | None]

    unit: Mapped[Unit | None] = relationship(lazy="joined")
    role_rows: Mapped[list["UserRole"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    def __repr__(self) -> str:
        return f"<User {self.username!r}>"

    # Flask-Login: an inactive user is never signed in.
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_locked(self) -> bool:
        """Locked for a while after too many wrong passwords."""
        return self.locked_until is not None and self.locked_until > utcnow()

    def get_id(self) -> str:
        """Flask-Login's "alternative token": the id and the current session token."""
        return f"{self.id}:{self.session_token}"

    def rotate_session_token(self) -> None:
        """Sign the user out everywhere: every session and remember cookie stops working."""
        self.session_token = new_session_token()

    def set_password(self, password: str) -> None:
        # werkzeug's default is scrypt, a current memory-hard algorithm.
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def role_set(self) -> frozenset[Role]:
        return frozenset(r.role for r in self.role_rows)

    @role_set.setter
    def role_set(self, wanted) -> None:
        wanted = {Role(r) for r in wanted}
        self.role_rows = [r for r in self.role_rows if r.role in wanted] + [
            UserRole(role=r) for r in sorted(wanted - self.role_set)
        ]

    def has_role(self, *candidates: Role) -> bool:
        return bool(self.role_set & set(candidates))

    @property
    def is_staff(self) -> bool:
        """Editorial-side users, who see every unit's data."""
        return bool(self.role_set & STAFF_ROLES)

    def sorted_roles(self) -> list[Role]:
        return [r for r in Role if r in self.role_set]

    @property
    def has_two_factor(self) -> bool:
        return self.totp_enabled_at is not None and bool(self.totp_secret)


class UserRole(db.Model):
    __tablename__ = "user_roles"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[Role] = mapped_column(
        Enum(
            Role,
            name="role",
            native_enum=False,
            length=20,
            values_callable=lambda e: [m.value for m in e],
        ),
        index=True,
    )

    user: Mapped[User] = relationship(back_populates="role_rows")


class RecoveryCode(db.Model):
    """A one-time code that stands in for the authenticator app; only its hash is kept."""

    __tablename__ = "recovery_codes"
    __table_args__ = (UniqueConstraint("user_id", "code_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
