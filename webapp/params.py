"""Reading query parameters: one small helper, so that a bad value is a 400, never a 500.

A number that is not a number, is negative or does not fit the database's integer
columns, a NUL byte, an over-long string: each is refused with a clear 400 page
instead of reaching SQL. Form fields go through WTForms (webapp/forms.py).
"""

from flask import request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

# The largest id any table can hold (PostgreSQL ``integer``); larger ids do not exist.
MAX_ID = 2**31 - 1
MAX_TEXT = 500


class BadParameter(BadRequest):
    """A query parameter or form field the app cannot use; the page says which."""

    def __init__(self, name: str):
        super().__init__()
        self.parameter = name
        self.description = _l(
            "Giá trị của tham số “%(name)s” không hợp lệ. Vui lòng quay lại và thử lại.",
            name=name,
        )


class IdConverter(IntegerConverter):
    """``<int:...>`` in URLs: a positive id that fits an integer column, else a 404."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 - werkzeug's signature
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def int_arg(
    name: str, default: int | None = None, *, minimum: int = 1, maximum: int = MAX_ID, args=None
) -> int | None:
    """An integer query parameter: ``default`` when absent or empty, a 400 when bad."""
    raw = (request.args if args is None else args).get(name)
    if raw is None or not raw.strip():
        return default
    raw = raw.strip()
    if len(raw) > 12 or not raw.lstrip("-").isdigit():
        raise BadParameter(name)
    value = int(raw)
    if not minimum <= value <= maximum:
        raise BadParameter(name)
    return value


def text_arg(name: str, default: str = "", *, max_length: int = MAX_TEXT, args=None) -> str:
    """A text query parameter, stripped and NFC-normalised; a 400 when over-long or with NUL."""
    from webapp.text import normalize

    raw = (request.args if args is None else args).get(name)
    if raw is None:
        return default
    if len(raw) > max_length or "\x00" in raw:
        raise BadParameter(name)
    return normalize(raw).strip()


def choice_arg(name: str, choices, default: str = "", *, args=None) -> str:
    """One of ``choices``, or ``default`` when absent or empty; a 400 for anything else."""
    raw = (request.args if args is None else args).get(name)
    if raw is None or raw == "":
        return default
    if raw not in choices:
        raise BadParameter(name)
    return raw


def refuse_nul_bytes() -> None:
    """before_request: a NUL byte in a query parameter or form field is a 400.

    Browsers never send one; PostgreSQL refuses to store one.
    """
    for name, value in request.args.items(multi=True):
        if "\x00" in value or "\x00" in name:
            raise BadParameter(name.replace("\x00", ""))
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        for name, value in request.form.items(multi=True):
            if "\x00" in value or "\x00" in name:
                raise BadParameter(name.replace("\x00", ""))
