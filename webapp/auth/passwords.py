"""The password policy (OWASP ASVS 4.0 V2.1): long enough, not a common password, not the
user's own name or unit. No composition rules ("one capital, one digit"): length and the
common-password list do more, and a passphrase of plain words is welcome.

Pure functions: no database, no request. ``problem()`` says what is wrong, or None.
"""

import gzip
import re
from functools import cache
from pathlib import Path

from flask_babel import lazy_gettext as _l

from webapp.text import fold

MIN_LENGTH = 10
MAX_LENGTH = 128  # scrypt hashes any length; this only stops absurd requests

COMMON_LIST = Path(__file__).with_name("common-passwords.txt.gz")

# What people here choose when asked for a password, compared without diacritics, spaces or
# punctuation, and with digits at the end ignored ("MatKhau@2024" is "matkhau").
VIETNAMESE = frozenset(
    {
        "123456789",
        "matkhau",
        "matkhaumoi",
        "matkhaucuatoi",
        "doimatkhau",
        "anhyeuem",
        "emyeuanh",
        "yeuem",
        "iloveyou",
        "toasoan",
        "bientap",
        "banbientap",
        "quantri",
        "quantrivien",
        "admin",
        "administrator",
        "ketoan",
        "nhuanbut",
        "congan",
        "ubnd",
        "ubndhuyen",
        "uybannhandan",
        "huyenuy",
        "vanhoa",
        "thongtin",
        "vanhoathongtin",
        "trangthongtin",
        "trangthongtindientu",
        "congthongtin",
        "vietnam",
        "vietnamvodich",
        "hanoi",
        "saigon",
        "hochiminh",
        "abc",
        "abcd",
        "qwerty",
        "asdfgh",
        "zxcvbn",
    }
)

MESSAGES = {
    "short": _l("Mật khẩu cần ít nhất %(n)s ký tự.", n=MIN_LENGTH),
    "long": _l("Mật khẩu dài tối đa %(n)s ký tự.", n=MAX_LENGTH),
    "common": _l("Mật khẩu này quá phổ biến, dễ bị đoán. Hãy chọn mật khẩu khác."),
    "username": _l("Mật khẩu không được trùng với tên đăng nhập."),
    "unit": _l("Mật khẩu không được là tên đơn vị."),
    "same": _l("Mật khẩu mới phải khác mật khẩu hiện tại."),
}


@cache
def common_passwords() -> frozenset[str]:
    """The vendored list of 20,000 common passwords (lower-case), read once."""
    with gzip.open(COMMON_LIST, "rt", encoding="utf-8") as f:
        return frozenset(line.strip() for line in f if line.strip())


def _core(text: str | None) -> str:
    """Lower-case letters and digits only, without diacritics: "Công an-1" → "congan1"."""
    return re.sub(r"[^a-z0-9]", "", fold(text or ""))


def problem(password: str, *, username: str = "", names: tuple[str, ...] = ()) -> str | None:
    """What makes this password unacceptable, as a key of MESSAGES; None if it is fine.

    ``names``: the user's unit (name, short name), refused as passwords.
    """
    password = password or ""
    if len(password) < MIN_LENGTH:
        return "short"
    if len(password) > MAX_LENGTH:
        return "long"
    core = _core(password)
    stem = core.rstrip("0123456789")
    common = common_passwords()
    if password.lower().strip() in common or core in common:
        return "common"
    if core in VIETNAMESE or stem in VIETNAMESE:
        return "common"
    user_core = _core(username)
    if user_core and user_core in (core, stem):
        return "username"
    for name in names:
        name_core = _core(name)
        if name_core and name_core in (core, stem):
            return "unit"
    if not stem:  # digits only: "2024202520"
        return "common"
    return None


def message(key: str) -> str:
    return str(MESSAGES[key])
