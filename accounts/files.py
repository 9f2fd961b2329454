"""Where uploaded personal documents are stored: under a random name, never the name
the file came with (people name photos after the ID number they show)."""

import datetime
import os
import uuid

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
