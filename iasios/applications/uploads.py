"""Receiving evidence files: bounded memory, a size limit enforced while the body streams in,
and storage under a generated key with the SHA-256 computed on the way.

Views that take files install `evidence_upload_handlers(request)` before the body is read:
every file then goes to a temporary file on disk in chunks (never whole into memory), and a
file past the limit is dropped as soon as its bytes pass the limit, while the other fields of
the form still arrive.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.files.uploadhandler import FileUploadHandler, SkipFile, TemporaryFileUploadHandler
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from iasios.applications.filetypes import (
    FileKind,
    RefusedFile,
    TextChecker,
    honest_file_name,
    needs_own_extension,
    sanitise_file_name,
    sniff,
)

CHUNK_SIZE = 64 * 1024


def max_upload_bytes() -> int:
    return int(settings.EVIDENCE_MAX_UPLOAD_BYTES)


def too_large_message(name: str) -> str:
    return _("“%(name)s” is larger than the limit of %(limit)s a file.") % {
        "name": sanitise_file_name(name),
        "limit": filesizeformat(max_upload_bytes()),
    }


class SizeLimitUploadHandler(FileUploadHandler):
    """Counts each file's bytes as they stream in and drops a file once it passes the limit.

    Placed first, before the handler that writes to disk; the refused names are kept in
    `refused` so the page can say which file was too large.
    """

    chunk_size = CHUNK_SIZE

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.limit = max_upload_bytes()
        self.refused: list[str] = []
        self._received = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self._received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self._received += len(raw_data)
        if self._received > self.limit:
            self.refused.append(self.file_name or "")
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def evidence_upload_handlers(request: HttpRequest) -> SizeLimitUploadHandler:
    """Install the evidence handlers on `request` (before its body is read); returns the limiter."""
    limiter = SizeLimitUploadHandler(request)
    request.upload_handlers = [limiter, TemporaryFileUploadHandler(request)]
    return limiter


@dataclass(frozen=True)
class StoredFile:
    storage_key: str
    original_name: str
    kind: FileKind
    size: int
    sha256: str


def _digest(stream: IO[bytes], text_checker: TextChecker | None) -> tuple[str, int]:
    """SHA-256 and size of the stream, read in chunks (a separate pass, so any storage backend works)."""
    digest = hashlib.sha256()
    counted = 0
    stream.seek(0)
    while True:
        data = stream.read(CHUNK_SIZE)
        if not data:
            break
        digest.update(data)
        counted += len(data)
        if text_checker is not None:
            text_checker.feed(data)
    stream.seek(0)
    return digest.hexdigest(), counted


def store_evidence_file(upload: Any, *, facility_id: Any) -> StoredFile:
    """Check and store one uploaded file; raises RefusedFile (nothing stored) with the reason.

    The name kept is the sanitised one with the extension of the type read from the bytes."""
    original_name = sanitise_file_name(getattr(upload, "name", "") or "")
    size = getattr(upload, "size", None)
    if size is not None and size > max_upload_bytes():
        raise RefusedFile(too_large_message(original_name))
    kind = sniff(upload, original_name)
    if needs_own_extension(original_name, kind.kind):
        raise RefusedFile(
            _(
                "“%(name)s” is a legacy Office file, a format that does not tell Word, Excel and PowerPoint "
                "apart, and its name does not say which it is: rename it with its own extension "
                "(.doc, .xls or .ppt) and upload it again."
            )
            % {"name": original_name}
        )
    # The name offered for download is never one a computer would open as something else.
    original_name = honest_file_name(original_name, kind.kind)
    checker = TextChecker() if kind.content_type.startswith("text/") else None
    sha256, counted = _digest(upload, checker)
    if checker is not None and not checker.finish():
        raise RefusedFile(_("This file is neither a document nor valid UTF-8 text."))
    if counted > max_upload_bytes():
        raise RefusedFile(too_large_message(original_name))
    key = default_storage.save(f"evidence/{facility_id}/{uuid.uuid4().hex}", File(upload))
    return StoredFile(storage_key=key, original_name=original_name, kind=kind, size=counted, sha256=sha256)


def discard_stored_file(stored: StoredFile) -> None:
    default_storage.delete(stored.storage_key)


def iter_stored_file(key: str) -> Iterator[bytes]:
    with default_storage.open(key, "rb") as handle:
        while True:
            data = handle.read(CHUNK_SIZE)
            if not data:
                break
            yield data
