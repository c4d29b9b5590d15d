"""Where uploaded files live: the one module that knows it is a folder.

Everything else holds a *key* ("3f/3fa2…c1.jpg") and asks this module for the bytes,
the path or the URL, so that object storage can replace the folder later without
touching the callers. Keys are random (never the uploader's file name), sharded in a
two-character folder so that no folder grows to hundreds of thousands of entries.
"""

import hashlib
import re
import secrets
from pathlib import Path

from flask import current_app

URL_PREFIX = "/tep/"

# The exact shape save() makes: shard "3f", then "3f" + 30 more hex digits, then the suffix.
# Anything else ("..", absolute paths, extra folders, a trailing newline) is not a key.
_KEY_RE = re.compile(r"(?P<shard>[0-9a-f]{2})/(?P=shard)[0-9a-f]{30}\.[a-z0-9]{1,10}")
_SUFFIX_RE = re.compile(r"\.[a-z0-9]{1,10}")


def save(data: bytes, suffix: str) -> str:
    """Store ``data`` under a new random name ending in ``suffix`` (".jpg"); return its key."""
    if not isinstance(suffix, str) or not _SUFFIX_RE.fullmatch(suffix):
        raise ValueError(f"invalid suffix: {suffix!r}")
    name = secrets.token_hex(16) + suffix
    key = f"{name[:2]}/{name}"
    target = path(key)
    target.parent.mkdir(parents=True, exist_ok=True)
    # "x": never overwrite an existing file, however unlikely a collision of 128 random bits.
    f = target.open("xb")
    try:
        with f:
            f.write(data)
    except BaseException:
        # A half-written file (disk full, interrupted) must not stay behind.
        target.unlink(missing_ok=True)
        raise
    return key


def path(key: str) -> Path:
    """The file's path under UPLOAD_DIR; ValueError for anything save() could not have made."""
    if not isinstance(key, str) or not _KEY_RE.fullmatch(key):
        raise ValueError(f"invalid storage key: {key!r}")
    return Path(current_app.config["UPLOAD_DIR"]) / key


def read(key: str) -> bytes:
    """The stored bytes; FileNotFoundError when the file is gone."""
    return path(key).read_bytes()


def delete(key: str) -> None:
    """Remove the file; a file already gone is fine (deleting twice is not an error)."""
    path(key).unlink(missing_ok=True)


def checksum(data: bytes) -> str:
    """The sha256 (hex) kept beside each stored file, to tell a damaged or swapped file."""
    return hashlib.sha256(data).hexdigest()


def file_checksum(file_path: Path) -> str:
    """The sha256 of a file on disk, read in pieces (an attachment may be 20 MB)."""
    digest = hashlib.sha256()
    with file_path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def files_on_disk() -> list[str]:
    """Every file under UPLOAD_DIR, as a path relative to it ("3f/3fa2…c1.jpg")."""
    root = Path(current_app.config["UPLOAD_DIR"])
    if not root.is_dir():
        return []
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def exists(key: str) -> bool:
    return path(key).is_file()


def url_path(key: str) -> str:
    """The path the application serves the file at (the route lives elsewhere)."""
    path(key)  # validate: never build a URL from something that is not a key
    return URL_PREFIX + key
