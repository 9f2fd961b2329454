"""Where uploaded personal documents are stored: under a random name, never the name
the file came with (people name photos after the ID number they show)."""

import datetime
import io
import os
import uuid
import warnings

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.deconstruct import deconstructible

KEPT_EXTENSIONS = {".jpg", ".jpeg", ".png", ".pdf"}


@deconstructible
class RandomName:
    def __init__(self, folder: str):
        self.folder = folder

    def __call__(self, instance, filename: str) -> str:
        extension = os.path.splitext(filename)[1].lower()
        extension = extension if extension in KEPT_EXTENSIONS else ""
        return f"{self.folder}/{datetime.date.today():%Y/%m}/{uuid.uuid4().hex}{extension}"

    def __eq__(self, other):
        return isinstance(other, RandomName) and other.folder == self.folder


# --- checking and cleaning uploads ------------------------------------------------------
# Every photo or scan of a family's documents goes through these: typed by its content
# (not its name), decoded whole, and re-encoded without metadata, so that the camera's
# EXIF block (GPS position, device, time) never reaches storage.

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 48-megapixel phone photo is 8000×6000 = 48 M: allow up to ~40 M
SIGNATURES = {b"%PDF-": "PDF", b"\xff\xd8\xff": "JPEG", b"\x89PNG\r\n\x1a\n": "PNG"}


class UploadRefused(ValueError):
    """An upload that is not what it claims to be; the message is for the user."""


def detected_type(upload) -> str | None:
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(16)
    upload.seek(position)
    return next((kind for signature, kind in SIGNATURES.items() if head.startswith(signature)),
                None)


def check_upload(upload) -> str:
    """The upload's real type, or UploadRefused saying what to do."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise UploadRefused(f"文件不能超过 {MAX_UPLOAD_BYTES // 1024 // 1024} MB，请压缩照片后再上传。")
    kind = detected_type(upload)
    if kind is None:
        raise UploadRefused("只能上传 JPG、PNG 照片或 PDF 扫描件（按文件内容识别，改扩展名无效）。")
    if kind == "PDF":
        upload.seek(max(0, upload.size - 2048))
        tail = upload.read()
        upload.seek(0)
        if b"%%EOF" not in tail:
            raise UploadRefused("PDF 文件不完整或已损坏，请重新扫描或导出后上传。")
        return kind
    _decoded(upload)
    return kind


def _decoded(upload):
    """The image, decoded whole once per upload (the result is kept on the upload)."""
    # deferred: a heavy library, loaded only when this runs
    from PIL import Image

    cached = getattr(upload, "_decoded_image", None)
    if cached is not None:
        return cached
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload)
            # Refuse by the header's size before decoding a single pixel.
            if image.width * image.height > MAX_PIXELS:
                raise UploadRefused("照片像素过大，请用手机的普通拍照模式，或压缩后再上传。")
            image.load()  # the whole file, not only its first bytes
    except UploadRefused:
        raise
    except Exception:  # noqa: BLE001 - truncated, forged or a decompression bomb: same answer
        raise UploadRefused("照片文件已损坏或不是真正的图片，请重新拍照后上传。") from None
    finally:
        upload.seek(0)
    upload._decoded_image = image
    return image


def cleaned(upload):
    """A photo re-encoded without metadata (upright as the camera meant it); a PDF as it is."""
    # deferred: a heavy library, loaded only when this runs
    from PIL import ImageOps

    kind = check_upload(upload)
    if kind == "PDF":
        upload.seek(0)
        return upload
    image = ImageOps.exif_transpose(_decoded(upload))
    image.info = {}  # no EXIF, XMP, ICC comment or JPEG comment carried over
    buffer = io.BytesIO()
    if kind == "JPEG":
        image.convert("RGB").save(buffer, format="JPEG", quality=90, optimize=True)
        name, content_type = "photo.jpg", "image/jpeg"
    else:
        image.save(buffer, format="PNG", optimize=True)
        name, content_type = "photo.png", "image/png"
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


def validate_upload(upload) -> None:
    """A form field's validator: the same checks, as a ValidationError."""
    try:
        check_upload(upload)
    except UploadRefused as refused:
        raise ValidationError(str(refused)) from None
