"""Uploads: images judged by content and re-encoded, attachments checked, refusals keep nothing."""

import io
import re
import struct
import unicodedata
import zipfile
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageCms
from PIL.PngImagePlugin import PngInfo

from webapp import storage
from webapp.pieces.uploads import (
    StoredFile,
    StoredImage,
    UploadError,
    safe_display_name,
    store_attachment,
    store_image,
)
from webapp.services import ServiceError

KEY_RE = re.compile(r"([0-9a-f]{2})/\1[0-9a-f]{30}\.[a-z0-9]+")


@pytest.fixture(autouse=True)
def _request(app):
    # Messages are translated for the request's locale: refusals happen inside a request.
    with app.test_request_context():
        yield


def stored_files(app) -> list[Path]:
    root = Path(app.config["UPLOAD_DIR"])
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def refused(app, func, filename, data) -> str:
    """Call an upload function that must refuse; return its message, checking nothing was kept."""
    before = stored_files(app)
    with pytest.raises(UploadError) as caught:
        func(filename, data)
    assert stored_files(app) == before
    return str(caught.value.message)


# --- test files, made in memory ------------------------------------------------------------


def photo(size=(640, 480), mode="RGB") -> Image.Image:
    """A noisy picture: compresses like a photo, not like a flat colour."""
    bands = [Image.effect_noise(size, 60 + 10 * i) for i in range(len(mode))]
    return Image.merge(mode, bands)


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def jpeg(size=(640, 480), **options) -> bytes:
    return encode(photo(size), "JPEG", quality=90, **options)


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims huge dimensions in a few bytes: the decompression bomb's announcement."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1 bit per pixel, grey
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + png_chunk(b"IEND", b"")
    )


def office(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return out.getvalue()


CONTENT_TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/"/>'
DOCX = office(
    {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": b"<Relationships/>",
        "word/document.xml": b"<w:document/>",
    }
)
XLSX = office(
    {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": b"<Relationships/>",
        "xl/workbook.xml": b"<workbook/>",
        "xl/worksheets/sheet1.xml": b"<worksheet/>",
    }
)
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


# --- storage -------------------------------------------------------------------------------


def test_storage_saves_under_a_random_sharded_key(app):
    key = storage.save(b"hello", ".txt")
    assert KEY_RE.fullmatch(key) and key.endswith(".txt")
    assert storage.path(key) == Path(app.config["UPLOAD_DIR"]) / key
    assert storage.exists(key) and storage.read(key) == b"hello"
    assert storage.url_path(key) == "/tep/" + key
    assert storage.save(b"hello", ".txt") != key

    storage.delete(key)
    assert not storage.exists(key)
    storage.delete(key)  # already gone: fine


@pytest.mark.parametrize("suffix", ["txt", ".TXT", "./x", ".a/b", "", ".", ".tar.gz", ".j\n"])
def test_storage_refuses_odd_suffixes(suffix):
    with pytest.raises(ValueError):
        storage.save(b"x", suffix)


@pytest.mark.parametrize(
    "key",
    [
        "../x",
        "/etc/passwd",
        "ab/../../x",
        "..",
        "",
        "3f/3f" + "0" * 30,  # no suffix
        "3f/40" + "0" * 30 + ".jpg",  # shard and name disagree
        "3f/3f" + "0" * 30 + ".jpg\n",
        "3f/3f/3f" + "0" * 30 + ".jpg",
        "/3f/3f" + "0" * 30 + ".jpg",
        "3F/3F" + "0" * 30 + ".jpg",
        "3f\\3f" + "0" * 30 + ".jpg",
    ],
)
def test_storage_refuses_anything_but_a_key(key):
    for func in (storage.path, storage.read, storage.delete, storage.exists, storage.url_path):
        with pytest.raises(ValueError):
            func(key)


# --- images accepted -----------------------------------------------------------------------


def test_jpeg_is_turned_upright_re_encoded_without_metadata_and_thumbnailed(app):
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: the camera was held upright, rotate 90° clockwise
    exif[0x010F] = "Canon"
    exif[0x9286] = "vị trí bí mật"
    upload = jpeg((640, 480), exif=exif.tobytes(), comment=b"ghi chu")

    stored = store_image("Ảnh hiện trường.jpg", upload)

    assert isinstance(stored, StoredImage)
    assert KEY_RE.fullmatch(stored.key) and stored.key.endswith(".jpg")
    assert KEY_RE.fullmatch(stored.thumb_key) and stored.thumb_key.endswith(".jpg")
    assert storage.exists(stored.key) and storage.exists(stored.thumb_key)
    assert (stored.content_type, stored.width, stored.height) == ("image/jpeg", 480, 640)
    assert stored.original_name == "Ảnh hiện trường.jpg"

    data = storage.read(stored.key)
    assert stored.size == len(data)
    assert data != upload
    assert b"Exif" not in data and b"Canon" not in data and b"ghi chu" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG" and image.size == (480, 640)
        assert not image.getexif() and "comment" not in image.info

    thumb = storage.read(stored.thumb_key)
    assert len(thumb) < len(data)
    with Image.open(io.BytesIO(thumb)) as image:
        assert image.format == "JPEG" and image.size == (360, 480)


def test_png_with_alpha_keeps_it_and_gets_a_png_thumbnail(app):
    upload = encode(photo((1000, 800), "RGBA"), "PNG", pnginfo=_png_text("Author", "Nguyễn Văn A"))
    stored = store_image("logo.png", upload)

    assert (stored.content_type, stored.width, stored.height) == ("image/png", 1000, 800)
    assert stored.key.endswith(".png") and stored.thumb_key.endswith(".png")
    data = storage.read(stored.key)
    assert b"tEXt" not in data and b"Author" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert image.mode == "RGBA"
    thumb = storage.read(stored.thumb_key)
    assert len(thumb) < len(data)
    with Image.open(io.BytesIO(thumb)) as image:
        assert image.mode == "RGBA" and image.size == (480, 384)


def test_png_without_alpha_gets_a_jpeg_thumbnail(app):
    stored = store_image("so-do.png", encode(photo((800, 600)), "PNG"))
    assert stored.key.endswith(".png") and stored.thumb_key.endswith(".jpg")


def test_palette_png_with_transparency_is_kept_transparent(app):
    image = Image.new("P", (600, 600), 1)
    image.putpalette([255, 0, 0, 0, 0, 255] + [0] * 762)
    stored = store_image("bieu-tuong.png", encode(image, "PNG", transparency=0))
    with Image.open(io.BytesIO(storage.read(stored.key))) as result:
        assert result.has_transparency_data
    assert stored.thumb_key.endswith(".png")


def test_webp_stays_webp(app):
    upload = encode(photo((900, 600)), "WEBP", quality=95)
    stored = store_image("anh.webp", upload)
    assert (stored.content_type, stored.width, stored.height) == ("image/webp", 900, 600)
    assert stored.key.endswith(".webp") and stored.thumb_key.endswith(".webp")
    with Image.open(io.BytesIO(storage.read(stored.thumb_key))) as image:
        assert image.format == "WEBP" and image.size == (480, 320)


def test_cmyk_jpeg_becomes_rgb(app):
    upload = encode(photo((600, 400)).convert("CMYK"), "JPEG")
    stored = store_image("in-an.jpg", upload)
    with Image.open(io.BytesIO(storage.read(stored.key))) as image:
        assert image.mode == "RGB"


def test_colour_profile_is_applied_then_dropped(app):
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB")).tobytes()  # not sRGB
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    for icc in (srgb, profile, b"not a profile"):
        stored = store_image("anh.jpg", jpeg(icc_profile=icc))
        with Image.open(io.BytesIO(storage.read(stored.key))) as image:
            assert "icc_profile" not in image.info and image.mode == "RGB"


def test_content_not_extension_decides(app):
    # A PNG named .jpg is a PNG: judged by its bytes, stored as what it is.
    stored = store_image("anh.jpg", encode(photo((300, 200)), "PNG"))
    assert stored.content_type == "image/png" and stored.key.endswith(".png")


def test_a_few_padding_bytes_after_the_image_are_tolerated(app):
    stored = store_image("anh.jpg", jpeg() + b"\x00\x00\x00\x00")
    assert storage.exists(stored.key)


# --- images refused ------------------------------------------------------------------------


def _png_text(key: str, value: str) -> PngInfo:
    info = PngInfo()
    info.add_itxt(key, value)  # iTXt: UTF-8, for Vietnamese
    return info


def test_upload_error_is_a_service_error():
    assert issubclass(UploadError, ServiceError)


def test_empty_image_is_refused(app):
    assert refused(app, store_image, "anh.jpg", b"") == "Tệp rỗng: không có nội dung."


def test_image_over_the_size_limit_is_refused(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_IMAGE_BYTES", 5 * 1024 * 1024)
    big = b"\xff\xd8\xff" + b"\x00" * (5 * 1024 * 1024)
    assert refused(app, store_image, "anh.jpg", big) == "Ảnh quá lớn: tối đa 5 MB."

    monkeypatch.setitem(app.config, "MAX_IMAGE_BYTES", 1000)
    assert refused(app, store_image, "anh.jpg", jpeg()).startswith("Ảnh quá lớn: tối đa")


@pytest.mark.parametrize(
    "filename",
    [
        "../../etc/passwd.jpg",
        "C:\\x\\a.jpg",
        "C:a.jpg",
        "/tmp/a.jpg",
        "a\x00.jpg",
        "..",
        "x\\a.jpg",
    ],
)
def test_file_name_with_a_path_is_refused(app, filename):
    message = refused(app, store_image, filename, jpeg())
    assert message == "Tên tệp không hợp lệ: tên tệp không được chứa đường dẫn."


@pytest.mark.parametrize(
    "data",
    [
        b"#!/bin/sh\nrm -rf /\n",
        b"<script>alert(1)</script>",
        b"MZ\x90\x00" + b"\x00" * 200,  # a Windows program
        PDF,
    ],
)
def test_something_else_renamed_jpg_is_not_an_image(app, data):
    message = refused(app, store_image, "anh.jpg", data)
    assert message == "Tệp không phải là ảnh: chỉ nhận ảnh JPEG, PNG hoặc WebP."


@pytest.mark.parametrize(
    "data",
    [
        encode(photo((50, 50)), "GIF"),
        encode(photo((50, 50)), "BMP"),
        encode(photo((50, 50)), "TIFF"),
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>',
        b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic",  # an iPhone's HEIC
    ],
    ids=["gif", "bmp", "tiff", "svg", "heic"],
)
def test_other_image_formats_are_refused(app, data):
    message = refused(app, store_image, "anh.jpg", data)
    assert message == "Định dạng ảnh không được hỗ trợ: chỉ nhận ảnh JPEG, PNG hoặc WebP."


def test_decompression_bomb_is_refused_before_decoding(app):
    # 7000 × 7000 = 49 million pixels, over the 40 million allowed, in a hundred bytes.
    message = refused(app, store_image, "bom.png", png_header_only(7000, 7000))
    assert message == "Ảnh có quá nhiều điểm ảnh: tối đa 40 triệu điểm ảnh."


def test_decompression_bomb_is_refused_when_pillow_itself_objects(app, monkeypatch):
    # With our own limit set above Pillow's, Pillow's DecompressionBombError is the guard.
    monkeypatch.setitem(app.config, "MAX_IMAGE_PIXELS", 10**12)
    message = refused(app, store_image, "bom.png", png_header_only(50_000, 50_000))
    assert message.startswith("Ảnh có quá nhiều điểm ảnh")


def test_pixel_limit_applies_to_real_images(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_IMAGE_PIXELS", 10_000)
    message = refused(app, store_image, "anh.png", encode(photo((200, 200)), "PNG"))
    assert message == "Ảnh có quá nhiều điểm ảnh: tối đa 0,01 triệu điểm ảnh."


@pytest.mark.parametrize(
    "data",
    [
        jpeg()[:20_000],
        encode(photo((300, 300)), "PNG")[:5_000],
        encode(photo((300, 300)), "WEBP")[:3_000],
        jpeg()[:-2],  # no end marker
        # A PNG whose pixel data fails its checksum.
        (lambda d: d[:60] + bytes([d[60] ^ 0xFF]) + d[61:])(encode(photo((100, 100)), "PNG")),
        b"\xff\xd8\xff\xe0" + b"\x00" * 100,
    ],
    ids=["jpeg-cut", "png-cut", "webp-cut", "jpeg-no-eoi", "png-bad-crc", "jpeg-garbage"],
)
def test_damaged_images_are_refused(app, data):
    assert refused(app, store_image, "anh.jpg", data) == "Tệp ảnh bị hỏng hoặc không đầy đủ."


POLYGLOT = "Ảnh có chứa mã lệnh hoặc mã trang web ẩn bên trong; không nhận tệp này."


@pytest.mark.parametrize(
    "data",
    [
        jpeg() + b"<script>alert(1)</script>",
        jpeg() + b"<ScRiPt>alert(1)</sCrIpT>",
        jpeg(comment=b'<img src=x onerror="alert(1)">'),
        jpeg(comment=b"<?php system($_GET['c']); ?>"),
        encode(photo((200, 200)), "PNG", pnginfo=_png_text("Comment", "<html><script>x()")),
        encode(photo((200, 200)), "PNG") + b"<!DOCTYPE html><body>",
        encode(photo((200, 200)), "WEBP") + b"<iframe src=javascript:alert(1)>",
    ],
    ids=[
        "jpeg-script",
        "jpeg-mixed-case",
        "jpeg-onerror",
        "jpeg-php",
        "png-text",
        "png-html",
        "webp-iframe",
    ],
)
def test_polyglots_carrying_markup_or_script_are_refused(app, data):
    assert refused(app, store_image, "anh.jpg", data) == POLYGLOT


@pytest.mark.parametrize(
    "data",
    [
        jpeg() + b"PK\x03\x04" + b"A" * 200,  # a zip after the photo
        encode(photo((200, 200)), "PNG") + b"B" * 100,
        encode(photo((200, 200)), "WEBP") + b"C" * 100,
        jpeg() + b"\x00" * 17,  # padding beyond the tolerance
    ],
    ids=["jpeg-zip", "png", "webp", "jpeg-long-padding"],
)
def test_data_after_the_image_end_is_refused(app, data):
    assert refused(app, store_image, "anh.jpg", data).startswith("Ảnh có dữ liệu lạ phía sau")


# --- attachments ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "data", "kind", "content_type"),
    [
        ("Công văn số 12.pdf", PDF, "pdf", "application/pdf"),
        (
            "Báo cáo.DOCX",
            DOCX,
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "Số liệu.xlsx",
            XLSX,
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ],
)
def test_attachments_are_stored_as_they_are(app, filename, data, kind, content_type):
    stored = store_attachment(filename, data)
    assert isinstance(stored, StoredFile)
    assert KEY_RE.fullmatch(stored.key) and stored.key.endswith("." + kind)
    assert (stored.kind, stored.content_type, stored.size) == (kind, content_type, len(data))
    assert stored.original_name == filename
    assert storage.read(stored.key) == data


UNSUPPORTED = "Chỉ nhận tệp đính kèm PDF, Word (.docx) hoặc Excel (.xlsx)."
MACRO = "Tệp có chứa macro: chỉ nhận tài liệu Word, Excel không có macro (.docx, .xlsx)."


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("cong-van.pdf", b"", "Tệp rỗng: không có nội dung."),
        ("cong-van.pdf", "Đây là văn bản, không phải PDF".encode(), UNSUPPORTED),
        ("cong-van.pdf", b"MZ\x90\x00" + b"\x00" * 100, UNSUPPORTED),
        ("anh.pdf", jpeg(), UNSUPPORTED),
        ("nen.docx", office({"a.txt": b"a"}), UNSUPPORTED),
        (
            "trinh-chieu.docx",
            office({"[Content_Types].xml": CONTENT_TYPES, "ppt/presentation.xml": b"<p/>"}),
            UNSUPPORTED,
        ),
        ("hong.docx", b"PK\x03\x04" + b"\x00" * 100, "Tệp bị hỏng, không đọc được."),
        (
            "macro.docx",
            office(
                {
                    "[Content_Types].xml": CONTENT_TYPES,
                    "word/document.xml": b"<w:document/>",
                    "word/vbaProject.bin": b"\xd0\xcf\x11\xe0",
                }
            ),
            MACRO,
        ),
        (
            "macro.docm",
            office(
                {
                    "[Content_Types].xml": CONTENT_TYPES,
                    "word/document.xml": b"<w:document/>",
                    "word/vbaProject.bin": b"\xd0\xcf\x11\xe0",
                }
            ),
            MACRO,
        ),
        (
            "macro.xlsx",
            office(
                {
                    "[Content_Types].xml": b"<Types><Override ContentType="
                    b'"application/vnd.ms-excel.sheet.macroEnabled.main+xml"/></Types>',
                    "xl/workbook.xml": b"<workbook/>",
                }
            ),
            MACRO,
        ),
        (
            "bao-cao.xlsx",
            DOCX,
            "Phần mở rộng của tên tệp không khớp với nội dung: đây là tệp DOCX, "
            "tên tệp phải kết thúc bằng .docx.",
        ),
        (
            "cong-van.docx",
            PDF,
            "Phần mở rộng của tên tệp không khớp với nội dung: đây là tệp PDF, "
            "tên tệp phải kết thúc bằng .pdf.",
        ),
        (
            "cong-van",
            PDF,
            "Phần mở rộng của tên tệp không khớp với nội dung: đây là tệp PDF, "
            "tên tệp phải kết thúc bằng .pdf.",
        ),
        ("../../cong-van.pdf", PDF, "Tên tệp không hợp lệ: tên tệp không được chứa đường dẫn."),
        ("C:\\tai-lieu\\a.pdf", PDF, "Tên tệp không hợp lệ: tên tệp không được chứa đường dẫn."),
    ],
)
def test_attachments_refused(app, filename, data, message):
    assert refused(app, store_attachment, filename, data) == message


def test_attachment_over_the_size_limit_is_refused(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_ATTACHMENT_BYTES", 2 * 1024 * 1024)
    big = PDF + b"%" * (2 * 1024 * 1024)
    assert refused(app, store_attachment, "a.pdf", big) == "Tệp quá lớn: tối đa 2 MB."


# --- display names -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("Báo cáo tháng 5.docx", "Báo cáo tháng 5.docx"),
        (unicodedata.normalize("NFD", "Ảnh Đà Lạt.jpg"), "Ảnh Đà Lạt.jpg"),  # as macOS sends it
        ("C:\\Users\\lan\\Tờ trình.pdf", "Tờ trình.pdf"),
        ("../../etc/passwd", "passwd"),
        ("a\x07b\r\nc\x00.pdf", "abc.pdf"),
        ("hoa-don\u202egpj.exe", "hoa-dongpj.exe"),  # the right-to-left override trick
        ("  nhiều    khoảng   trắng.pdf ", "nhiều khoảng trắng.pdf"),
        (".htaccess", "htaccess"),
        ("", "tệp"),
        (None, "tệp"),
        ("\x01\x02", "tệp"),
    ],
)
def test_safe_display_name(filename, expected):
    assert safe_display_name(filename) == expected


def test_safe_display_name_keeps_the_extension_when_shortening():
    name = safe_display_name("Biên bản " * 40 + ".docx")
    assert len(name) <= 120 and name.endswith(".docx")
    assert len(safe_display_name("x" * 300)) == 120
