"""Uploaded files (attachments of activities and cases, policy documents): what a file really is,
read from its first bytes rather than from its name, and a name safe to keep.

`check_upload` refuses a file whose content is not one of the allowed kinds, whose name's extension
does not match its content (a web page or a program renamed .pdf), or which is larger than the limit,
with a ValidationError the caller attaches to the field. Imports read spreadsheets with their own,
deeper checks (qiao/imports/readers.py).
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.core.files.uploadhandler import FileUploadHandler
from django.utils.translation import gettext as _

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SNIFF_BYTES = 64

# extension → the kind of content it must hold
KINDS = {
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
    ".png": "png",
    ".gif": "gif",
    ".webp": "webp",
    ".heic": "heic",
    ".pdf": "pdf",
    ".docx": "docx",
    ".xlsx": "xlsx",
    ".pptx": "pptx",
    ".doc": "ole",
    ".xls": "ole",
    ".ppt": "ole",
}
IMAGES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic"}
DOCUMENTS = {".pdf", ".docx", ".xlsx", ".pptx", ".doc", ".xls"}
_OOXML_PART = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}


def sniff(head: bytes) -> str | None:
    """The kind of file these first bytes begin, or None when it is none of the kinds above."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1"):
        return "heic"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(OLE):
        return "ole"
    return None


def _ooxml_kind(upload) -> str | None:
    """docx, xlsx or pptx for an Office Open XML package, else None."""
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    finally:
        upload.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    for kind, folder in _OOXML_PART.items():
        if any(name.startswith(folder) for name in names):
            return kind
    return None


def safe_name(name: str, default: str = "file") -> str:
    """The last part of a client's file name, whatever its separators ("../../etc/passwd" → "passwd",
    "..\\x.xlsx" → "x.xlsx"), without control characters, at most 200 characters; Chinese stays."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().strip(".")
    if not name:
        return default
    full_suffix = PurePath(name).suffix
    stem, suffix = name[: len(name) - len(full_suffix)], full_suffix[:20]
    return stem[: 200 - len(suffix)] + suffix


def check_upload(upload, *, allowed: set[str], max_bytes: int, allowed_text: str):
    """`upload` (an UploadedFile) renamed safely when its content is one of the `allowed` extensions'
    kinds and it is no larger than `max_bytes`; ValidationError otherwise (the caller names the field)."""
    upload.name = safe_name(upload.name)
    if upload.size is not None and upload.size > max_bytes:
        raise ValidationError(
            _("The file is larger than the limit of %(limit)g MB.") % {"limit": round(max_bytes / 2**20, 1)},
            code="too_large",
        )
    suffix = PurePath(upload.name).suffix.lower()
    if suffix not in allowed:
        raise ValidationError(allowed_text, code="type")
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    found = sniff(head)
    expected = KINDS[suffix]
    if found == "zip" and expected in _OOXML_PART:
        found = _ooxml_kind(upload)
    if found != expected:
        raise ValidationError(
            _("The file's content is not a %(kind)s file, whatever its name says.") % {"kind": suffix.lstrip(".")},
            code="content",
        )
    return upload


class RequestSizeLimit(FileUploadHandler):
    """First of FILE_UPLOAD_HANDLERS: a request whose body is larger than QIAO_UPLOAD_MAX_BYTES is refused
    (413, through qiao.core.errors.bad_request) before it is written to a temporary file, also when it
    does not say its length."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.limit = settings.QIAO_UPLOAD_MAX_BYTES
        if content_length and content_length > self.limit:
            raise RequestDataTooBig("Upload larger than QIAO_UPLOAD_MAX_BYTES.")
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            raise RequestDataTooBig("Upload larger than QIAO_UPLOAD_MAX_BYTES.")
        return raw_data

    def file_complete(self, file_size):
        return None
