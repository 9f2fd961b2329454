"""Uploaded photos and scans: size-limited, typed by their content, not their name."""

from django.core.exceptions import ValidationError

MAX_BYTES = 10 * 1024 * 1024
SIGNATURES = {
    b"%PDF-": "PDF",
    b"\xff\xd8\xff": "JPEG",
    b"\x89PNG\r\n\x1a\n": "PNG",
}


def detected_type(upload) -> str | None:
    position = upload.tell() if hasattr(upload, "tell") else 0
    head = upload.read(16)
    upload.seek(position)
    return next((kind for signature, kind in SIGNATURES.items() if head.startswith(signature)),
                None)


def validate_upload(upload) -> None:
    if upload.size > MAX_BYTES:
        raise ValidationError(f"文件不能超过 {MAX_BYTES // 1024 // 1024} MB，请压缩照片后再上传。")
    if detected_type(upload) is None:
        raise ValidationError("只能上传 JPG、PNG 照片或 PDF 扫描件（按文件内容识别，改扩展名无效）。")
