"""Checking and storing what reporters upload: photos for pieces, and attached documents.

Files are judged by their content, never by the extension or the browser's content type,
both of which the uploader chooses. Images are decoded and re-encoded by Pillow, so what is
stored holds pixels only: no metadata, no hidden payload. Attachments (PDF, DOCX, XLSX) are
stored as they are, after checking that they are what they claim and carry no macros.
A refused file is never stored; the refusal is an UploadError with a message for the user.
"""

import io
import os
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass

from flask import current_app
from flask_babel import format_decimal
from flask_babel import gettext as _
from PIL import Image, ImageOps

from webapp import storage
from webapp.services import ServiceError

try:  # colour management ships with Pillow's wheels, but a source build may lack it
    from PIL import ImageCms
except ImportError:  # pragma: no cover
    ImageCms = None

MIB = 1024 * 1024
DEFAULT_NAME = "tệp"
MAX_NAME_LENGTH = 120

IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
IMAGE_SUFFIXES = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}
_TYPES_BY_SUFFIX = {IMAGE_SUFFIXES[fmt]: IMAGE_TYPES[fmt] for fmt in IMAGE_TYPES}


def image_type(key: str, fallback: str) -> str:
    """The content type of a stored image or thumbnail, by the suffix it was stored with."""
    return _TYPES_BY_SUFFIX.get(os.path.splitext(key)[1].lower(), fallback)


ATTACHMENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
JPEG_QUALITY = 88
WEBP_QUALITY = 85

# Other image formats, recognised only to say "unsupported format" rather than "not an image".
_OTHER_IMAGE_MAGIC = (
    b"GIF87a",
    b"GIF89a",
    b"BM",
    b"II*\x00",
    b"MM\x00*",
    b"8BPS",
    b"\x00\x00\x01\x00",
)
_OTHER_IMAGE_BRANDS = (b"heic", b"heix", b"hevc", b"mif1", b"msf1", b"avif", b"avis")

# Markup or script inside image bytes: the file is a polyglot, meant to be read as something
# else too. A tag must be followed by what a browser needs to see a tag (space, ">" or "/"):
# without it, four random bytes such as "<svg" would turn up in one large photo in fifty.
_MARKUP_RE = re.compile(
    rb"<(?:script|html|body|svg|iframe)[\s>/]|<\?php|<!doctype|javascript:|on(?:error|load)\s*=",
    re.IGNORECASE,
)
# After an image's end, a few padding bytes are tolerated (some encoders pad); nothing more.
_TRAILING_TOLERANCE = 16
_PADDING = b"\x00\xff\r\n\t "

_DRIVE_RE = re.compile(r"[A-Za-z]:")
_MAX_CONTENT_TYPES_XML = MIB  # [Content_Types].xml is a few kB; a huge one is a zip bomb


class UploadError(ServiceError):
    """A refused upload; ``message`` says why, in the user's language."""


@dataclass
class StoredImage:
    key: str
    thumb_key: str
    content_type: str
    width: int
    height: int
    size: int  # bytes of the stored (re-encoded) image
    original_name: str
    sha256: str = ""  # of the stored bytes, checked by backups and `flask check-files`
    thumb_sha256: str = ""


@dataclass
class StoredFile:
    key: str
    content_type: str
    size: int
    original_name: str
    kind: str  # "pdf", "docx" or "xlsx"
    sha256: str = ""


# --- images -------------------------------------------------------------------------------


def store_image(filename: str, data: bytes) -> StoredImage:
    """Check an uploaded image, re-encode it, store it and its thumbnail.

    Accepts JPEG, PNG and WebP (the first frame of an animation). Raises UploadError,
    having stored nothing, when the file is refused.
    """
    _check_filename(filename)
    _check_size(data, current_app.config["MAX_IMAGE_BYTES"], image=True)
    fmt = _sniff_image(data)
    if _MARKUP_RE.search(data):
        raise UploadError(
            _("Ảnh có chứa mã lệnh hoặc mã trang web ẩn bên trong; không nhận tệp này.")
        )
    image = _decode(data, fmt)
    _check_nothing_after_end(data, fmt)

    image = _normalise(image, fmt)
    encoded = _encode(image, fmt)
    thumb_fmt = _thumbnail_format(image, fmt)
    thumb_encoded = _encode(_thumbnail(image, thumb_fmt), thumb_fmt)

    key = storage.save(encoded, IMAGE_SUFFIXES[fmt])
    try:
        thumb_key = storage.save(thumb_encoded, IMAGE_SUFFIXES[thumb_fmt])
    except BaseException:
        storage.delete(key)  # all or nothing
        raise
    return StoredImage(
        key=key,
        thumb_key=thumb_key,
        content_type=IMAGE_TYPES[fmt],
        width=image.width,
        height=image.height,
        size=len(encoded),
        original_name=safe_display_name(filename),
        sha256=storage.checksum(encoded),
        thumb_sha256=storage.checksum(thumb_encoded),
    )


def _sniff_image(data: bytes) -> str:
    """The format by its magic bytes: "JPEG", "PNG" or "WEBP"; UploadError for anything else."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    head = data[:1024].lower()
    if (
        data.startswith(_OTHER_IMAGE_MAGIC)
        or (data[4:8] == b"ftyp" and data[8:12] in _OTHER_IMAGE_BRANDS)
        or b"<svg" in head
    ):
        raise UploadError(_("Định dạng ảnh không được hỗ trợ: chỉ nhận ảnh JPEG, PNG hoặc WebP."))
    raise UploadError(_("Tệp không phải là ảnh: chỉ nhận ảnh JPEG, PNG hoặc WebP."))


def _decode(data: bytes, fmt: str) -> Image.Image:
    """Decode the image fully and turn it upright, refusing decompression bombs and damage."""
    limit = current_app.config["MAX_IMAGE_PIXELS"]
    try:
        # Opening reads the header only; the size is checked before any pixel is decoded.
        with Image.open(io.BytesIO(data), formats=[fmt]) as probe:
            width, height = probe.size
            if width * height > limit:
                raise _too_many_pixels(limit)
            probe.verify()  # checksums, structure; leaves `probe` unusable, hence a second open
        image = Image.open(io.BytesIO(data), formats=[fmt])
        image.load()
        ImageOps.exif_transpose(image, in_place=True)  # the camera's orientation, then no EXIF
    except UploadError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own limit, should MAX_IMAGE_PIXELS be set above it.
        raise _too_many_pixels(limit) from None
    except Exception:  # noqa: BLE001 - a decoder fed hostile bytes may fail in any way
        raise UploadError(_("Tệp ảnh bị hỏng hoặc không đầy đủ.")) from None
    if image.width < 1 or image.height < 1:
        raise UploadError(_("Tệp ảnh bị hỏng hoặc không đầy đủ."))
    return image


def _too_many_pixels(limit: int) -> UploadError:
    return UploadError(
        _(
            "Ảnh có quá nhiều điểm ảnh: tối đa %(mp)s triệu điểm ảnh.",
            mp=format_decimal(limit / 1_000_000, format="#,##0.##"),
        )
    )


def _check_nothing_after_end(data: bytes, fmt: str) -> None:
    """Refuse bytes after the image's end: that is where polyglots hide their second file."""
    end = _image_end(data, fmt)
    if end is None:
        raise UploadError(_("Tệp ảnh bị hỏng hoặc không đầy đủ."))
    trailing = data[end:]
    if len(trailing) > _TRAILING_TOLERANCE or trailing.strip(_PADDING):
        raise UploadError(
            _(
                "Ảnh có dữ liệu lạ phía sau phần hình (thường gặp ở ảnh chuyển động chụp bằng "
                "điện thoại); không nhận tệp này. Hãy xuất lại ảnh rồi tải lên."
            )
        )


def _image_end(data: bytes, fmt: str) -> int | None:
    """Offset just past the image's last byte, or None when no end is found."""
    if fmt == "JPEG":
        # The last EOI: multi-picture JPEGs (Ultra HDR gain maps) end in one of their own.
        index = data.rfind(b"\xff\xd9")
        return None if index < 0 else index + 2
    if fmt == "PNG":
        # Walk the chunks (length, type, data, CRC) rather than search: a payload may say "IEND".
        pos = 8
        while pos + 12 <= len(data):
            length = int.from_bytes(data[pos : pos + 4], "big")
            chunk_type = data[pos + 4 : pos + 8]
            pos += 12 + length
            if chunk_type == b"IEND":
                return pos if pos <= len(data) else None
        return None
    # WebP: a RIFF file says its own length.
    end = 8 + int.from_bytes(data[4:8], "little")
    return end if end <= len(data) else None


def _normalise(image: Image.Image, fmt: str) -> Image.Image:
    """The image in sRGB, in a mode ``fmt`` can store, with all metadata dropped.

    May change and return ``image`` itself rather than a copy: large photos are large.
    """
    image = _to_srgb(image)
    alpha = image.has_transparency_data  # an alpha band, or a transparent colour in `info`
    if fmt == "JPEG":
        mode = "L" if image.mode in ("1", "L") else "RGB"  # JPEG has no alpha; CMYK -> RGB
    elif fmt == "PNG" and image.mode in ("LA", "RGBA"):
        mode = image.mode
    elif fmt == "PNG" and image.mode in ("1", "L", "P", "RGB") and not alpha:
        mode = image.mode  # a palette or black-and-white image stays small
    else:
        mode = "RGBA" if alpha else "RGB"
    if image.mode != mode:
        image = image.convert(mode)
    # EXIF, XMP, ICC, comments, text chunks, transparency keys: none of it reaches the file.
    image.info = {}
    return image


def _to_srgb(image: Image.Image) -> Image.Image:
    """Apply the embedded colour profile (wide-gamut phone photos), so that dropping it is safe."""
    icc = image.info.get("icc_profile")
    if not icc or ImageCms is None or image.mode not in ("RGB", "RGBA", "CMYK"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        srgb = ImageCms.createProfile("sRGB")
        mode = "RGBA" if image.mode == "RGBA" else "RGB"
        return ImageCms.profileToProfile(image, source, srgb, outputMode=mode)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image  # an unusable profile: keep the pixels as they are


def _thumbnail_format(image: Image.Image, fmt: str) -> str:
    if fmt == "WEBP":
        return "WEBP"
    return "PNG" if image.has_transparency_data else "JPEG"


def _thumbnail(image: Image.Image, fmt: str) -> Image.Image:
    """A copy scaled down to fit THUMBNAIL_SIZE (never up), ready to encode as ``fmt``."""
    if image.mode in ("1", "P"):
        # Pillow resizes these with "nearest neighbour": jagged. Smooth grey or colour instead.
        thumb = image.convert("L" if image.mode == "1" else "RGB")
    else:
        thumb = image.copy()
    thumb.thumbnail(current_app.config["THUMBNAIL_SIZE"], Image.Resampling.LANCZOS)
    return _normalise(thumb, fmt)


def _encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "JPEG":
        image.save(out, "JPEG", quality=JPEG_QUALITY)
    elif fmt == "PNG":
        image.save(out, "PNG", optimize=True)
    else:
        image.save(out, "WEBP", quality=WEBP_QUALITY)
    return out.getvalue()


# --- attachments --------------------------------------------------------------------------


def store_attachment(filename: str, data: bytes) -> StoredFile:
    """Check an attached document (PDF, DOCX, XLSX) and store it unchanged.

    Raises UploadError, having stored nothing, when the file is refused.
    """
    _check_filename(filename)
    _check_size(data, current_app.config["MAX_ATTACHMENT_BYTES"], image=False)
    kind = _attachment_kind(data)
    extension = os.path.splitext(filename or "")[1].lower()
    if extension != "." + kind:
        raise UploadError(
            _(
                "Phần mở rộng của tên tệp không khớp với nội dung: đây là tệp %(kind)s, "
                "tên tệp phải kết thúc bằng %(extension)s.",
                kind=kind.upper(),
                extension="." + kind,
            )
        )
    key = storage.save(data, "." + kind)
    return StoredFile(
        key=key,
        content_type=ATTACHMENT_TYPES[kind],
        size=len(data),
        original_name=safe_display_name(filename),
        kind=kind,
        sha256=storage.checksum(data),
    )


def _attachment_kind(data: bytes) -> str:
    """The kind ("pdf", "docx" or "xlsx"), judged by content; UploadError for anything else."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    unsupported = UploadError(_("Chỉ nhận tệp đính kèm PDF, Word (.docx) hoặc Excel (.xlsx)."))
    if not data.startswith(b"PK\x03\x04"):
        raise unsupported
    # Only the listing and [Content_Types].xml are read: nothing else is decompressed.
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            info = (
                archive.getinfo("[Content_Types].xml") if "[Content_Types].xml" in names else None
            )
            if info is not None and info.file_size <= _MAX_CONTENT_TYPES_XML:
                content_types = archive.read(info).lower()
            else:
                content_types = None
    except (
        zipfile.BadZipFile,
        zlib.error,
        OSError,
        EOFError,
        ValueError,
        RuntimeError,
        NotImplementedError,
    ):
        raise UploadError(_("Tệp bị hỏng, không đọc được.")) from None
    # Macros: the VBA project (.docm, .xlsm, renamed or not) or a macro-enabled content type.
    if any(name.rsplit("/", 1)[-1].lower() == "vbaproject.bin" for name in names) or (
        content_types is not None and b"macroenabled" in content_types
    ):
        raise UploadError(
            _("Tệp có chứa macro: chỉ nhận tài liệu Word, Excel không có macro (.docx, .xlsx).")
        )
    if content_types is None:
        raise unsupported
    is_docx = "word/document.xml" in names
    is_xlsx = "xl/workbook.xml" in names
    if is_docx == is_xlsx:  # neither (a plain zip, a .pptx), or an odd mix of both
        raise unsupported
    return "docx" if is_docx else "xlsx"


# --- shared -------------------------------------------------------------------------------


def _check_filename(filename: str) -> None:
    """Refuse a file name that carries a path: the sign of a crafted request, not a browser.

    The name is never used to store the file (keys are random); this refuses the attempt.
    A ".." inside a name ("Tin mới...jpg") is harmless without a separator, so only a name
    that is itself "." or ".." counts.
    """
    name = filename or ""
    if (
        "/" in name
        or "\\" in name
        or "\x00" in name
        or name.strip() in (".", "..")
        or _DRIVE_RE.match(name)
    ):
        raise UploadError(_("Tên tệp không hợp lệ: tên tệp không được chứa đường dẫn."))


def _check_size(data: bytes, limit: int, *, image: bool) -> None:
    if not data:
        raise UploadError(_("Tệp rỗng: không có nội dung."))
    if len(data) > limit:
        size = format_decimal(limit / MIB, format="#,##0.##")
        if image:
            raise UploadError(_("Ảnh quá lớn: tối đa %(size)s MB.", size=size))
        raise UploadError(_("Tệp quá lớn: tối đa %(size)s MB.", size=size))


def safe_display_name(filename: str) -> str:
    """The uploader's file name, fit to show and to send in Content-Disposition.

    Keeps Vietnamese letters (in composed form: macOS sends them decomposed), drops any
    folder, drive letter and control or invisible formatting character (such as the
    right-to-left override that disguises "gpj.exe"), and keeps at most 120 characters,
    the extension included.
    """
    name = unicodedata.normalize("NFC", filename or "")
    name = re.split(r"[/\\]", name)[-1]
    name = _DRIVE_RE.sub("", name, count=1) if _DRIVE_RE.match(name) else name
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    name = " ".join(name.split()).lstrip(". ")  # no hidden ".name" on the downloader's disk
    if len(name) > MAX_NAME_LENGTH:
        stem, extension = os.path.splitext(name)
        if 1 < len(extension) <= 10:
            name = stem[: MAX_NAME_LENGTH - len(extension)].rstrip() + extension
        else:
            name = name[:MAX_NAME_LENGTH]
    return name or DEFAULT_NAME
