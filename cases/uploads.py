"""Uploaded photos and scans: size-limited, typed and decoded by their content, not their
name, and stored without their metadata (accounts.files)."""

from django.core.exceptions import ValidationError

from accounts.files import MAX_UPLOAD_BYTES as MAX_BYTES  # noqa: F401 - re-exported
from accounts.files import UploadRefused, check_upload, detected_type  # noqa: F401


def validate_upload(upload) -> None:
    try:
        check_upload(upload)
    except UploadRefused as refused:
        raise ValidationError(str(refused)) from None
