"""Vietnamese text helpers: folding diacritics for search, and slugs."""

import re
import unicodedata

_SPECIAL = str.maketrans({"đ": "d", "Đ": "D"})


def fold(text: str | None) -> str:
    """Lower-case text without diacritics: "Đak Đoa" → "dak doa"."""
    if not text:
        return ""
    text = unicodedata.normalize("NFD", text.translate(_SPECIAL))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return " ".join(text.lower().split())


def person_key(name: str | None) -> str:
    """A person's name as an identity: NFC, case folded, spaces collapsed.

    Keeps the diacritics: "Lê Văn An" and "Lê Văn Ân" are two people; "LÊ  VĂN AN" and
    "Lê Văn An" (or the same name typed with combining accents) are one.
    """
    text = unicodedata.normalize("NFC", name or "").casefold()
    return " ".join(unicodedata.normalize("NFC", text).split())


def slugify(text: str, max_length: int = 180) -> str:
    """A URL-safe slug: "Bầu cử đại biểu" → "bau-cu-dai-bieu"."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
    return slug[:max_length].rstrip("-") or "muc"


# Zero-width characters that slip in with pasted text and make equal titles differ.
_ZERO_WIDTH = {0x200B: None, 0x200C: None, 0x200D: None, 0x2060: None, 0xFEFF: None}
_KEEP_IN_MULTILINE = {"\n", "\t", "\r"}


def normalize(text: str | None) -> str:
    """NFC: "Đak Đoa" typed on macOS (decomposed) becomes the same string as on Windows."""
    if not text:
        return ""
    return unicodedata.normalize("NFC", text)


def clean_line(text: str | None) -> str:
    """A title, name or code: NFC, no zero-width or control characters, no outer spaces."""
    text = normalize(text).translate(_ZERO_WIDTH)
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cc").strip()


def clean_multiline(text: str | None) -> str:
    """Multi-line text (a lead, a comment, an HTML body): NFC, no control characters
    other than newlines and tabs."""
    text = normalize(text)
    return "".join(
        ch for ch in text if ch in _KEEP_IN_MULTILINE or unicodedata.category(ch) != "Cc"
    )
