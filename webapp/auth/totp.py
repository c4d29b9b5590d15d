"""One-time codes for the second factor (RFC 6238 TOTP) and recovery codes.

Pure functions: no database, no request. The services in ``two_factor.py`` keep the
secret, the last step used and the hashed recovery codes.
"""

import hashlib
import hmac
import secrets
from datetime import datetime

import pyotp
import segno

STEP_SECONDS = 30
# A code from the step before or after the current one is accepted too: phones' clocks drift.
DRIFT_STEPS = 1
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
RECOVERY_CODE_COUNT = 10


def new_secret() -> str:
    """A fresh shared secret: 32 base32 characters, 160 bits."""
    return pyotp.random_base32()


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer)


def qr_svg(uri: str, title: str = "") -> str:
    """The QR code of ``uri`` as an inline SVG element, drawn here (no remote service)."""
    return segno.make(uri, error="m").svg_inline(scale=5, title=title or None, border=2)


def current_step(now: datetime) -> int:
    return int(now.timestamp()) // STEP_SECONDS


def code_for_step(secret: str, step: int) -> str:
    return pyotp.TOTP(secret).generate_otp(step)


def matching_step(secret: str, code: str, now: datetime, last_step: int | None) -> int | None:
    """The time step whose code ``code`` is, within the allowed drift, or None.

    A step at or before ``last_step`` never matches: a code that signed someone in once
    cannot be replayed.
    """
    code = "".join(ch for ch in (code or "") if not ch.isspace())
    if len(code) != 6 or not code.isdigit():
        return None
    now_step = current_step(now)
    for step in range(now_step - DRIFT_STEPS, now_step + DRIFT_STEPS + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(code_for_step(secret, step), code):
            return step
    return None


def new_recovery_codes(count: int = RECOVERY_CODE_COUNT) -> list[str]:
    """Codes to keep on paper, each good once: three groups of four, about 59 bits."""
    return [
        "-".join("".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(4)) for _ in range(3))
        for _ in range(count)
    ]


def normalise_recovery_code(code: str) -> str:
    return "".join(ch for ch in (code or "").lower() if ch in RECOVERY_ALPHABET)


def hash_recovery_code(code: str) -> str:
    """What is stored of a recovery code. The codes are random and long, so one SHA-256
    is enough: there is no dictionary to try against it."""
    return hashlib.sha256(normalise_recovery_code(code).encode()).hexdigest()


def looks_like_recovery_code(code: str) -> bool:
    return len(normalise_recovery_code(code)) == 12
