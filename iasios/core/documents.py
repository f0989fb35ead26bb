"""Documents rendered once: stored with their SHA-256 and served from storage.

What cannot change (a frozen dossier's PDF and ZIP, a certificate) is rendered by a background
task when it comes into being; a document that follows its object (a decision letter lists the
corrective actions added later; an invoice its payments) carries the SHA-256 of what it was
rendered from and is rendered again when that changes. Downloads stream the stored file; a
document not stored yet, or whose file has gone, is rendered on demand and stored.

The apps that own the objects describe each document (`Document`: how to render it, its name)
and run the tasks; this module knows no app.
"""

from __future__ import annotations

import hashlib
import io
import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import IO, Any

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.http import FileResponse

from iasios.core.models import StoredDocument

logger = logging.getLogger(__name__)

CHUNK_SIZE = 64 * 1024
PDF = "application/pdf"
ZIP = "application/zip"


@dataclass(frozen=True)
class Document:
    """One document of one object: how to render it and how to name it for download."""

    kind: str
    object_id: str
    filename: str
    render: Callable[[], bytes | IO[bytes]]
    content_type: str = PDF
    # SHA-256 of what the document is rendered from, for a document that follows its object.
    source: str = ""


def source_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def stream_sha256(stream: IO[bytes]) -> tuple[str, int]:
    """SHA-256 and size of a stream, read in chunks from where it stands."""
    digest = hashlib.sha256()
    size = 0
    while chunk := stream.read(CHUNK_SIZE):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def stored_sha256(key: str) -> tuple[str, int]:
    """SHA-256 and size of a stored file; FileNotFoundError when it is missing."""
    with default_storage.open(key, "rb") as handle:
        return stream_sha256(handle)


def _stored(document: Document) -> StoredDocument | None:
    return StoredDocument.objects.filter(kind=document.kind, object_id=document.object_id).first()


def documents_ready(kind: str, object_ids: Iterable[Any]) -> set[str]:
    """Which of these objects have their document of this kind stored (one query)."""
    ids = [str(i) for i in object_ids]
    return set(StoredDocument.objects.filter(kind=kind, object_id__in=ids).values_list("object_id", flat=True))


def document_store(document: Document) -> StoredDocument:
    """Render the document, store it under a new key with its SHA-256, and record it.

    Rendering runs outside any lock (it may take seconds); the row then points at the new file
    and the file it replaces, if any, is deleted once that commits."""
    content = document.render()
    stream: IO[bytes] = io.BytesIO(content) if isinstance(content, bytes) else content
    try:
        stream.seek(0)
        sha256, size = stream_sha256(stream)
        stream.seek(0)
        key = default_storage.save(f"documents/{document.kind}/{document.object_id}/{uuid.uuid4().hex}", File(stream))
    finally:
        stream.close()
    fields = {
        "storage_key": key,
        "sha256": sha256,
        "size": size,
        "content_type": document.content_type,
        "source_sha256": document.source,
    }
    try:
        with transaction.atomic():
            return _record(document, fields)
    except IntegrityError:  # another process stored it first: keep theirs
        default_storage.delete(key)
        stored = _stored(document)
        assert stored is not None
        return stored


def _record(document: Document, fields: dict[str, Any]) -> StoredDocument:
    stored = StoredDocument.objects.select_for_update().filter(kind=document.kind, object_id=document.object_id).first()
    if stored is None:
        return StoredDocument.objects.create(kind=document.kind, object_id=document.object_id, **fields)
    replaced = stored.storage_key
    for name, value in fields.items():
        setattr(stored, name, value)
    stored.save()
    transaction.on_commit(partial(default_storage.delete, replaced))
    return stored


def document_prepare(document: Document) -> StoredDocument:
    """The stored document, rendered first unless it is stored, present and current.

    What the background task runs: a second run (a retry, a second worker) renders nothing."""
    stored = _stored(document)
    if stored is not None and stored.source_sha256 == document.source and default_storage.exists(stored.storage_key):
        return stored
    return document_store(document)


def prepare_after_commit(enqueue: Callable[..., Any], *args: Any) -> None:
    """Enqueue a rendering task once the transaction that made its object commits."""
    transaction.on_commit(partial(enqueue, *args))


def _open_stored(document: Document) -> tuple[StoredDocument, IO[bytes]] | None:
    stored = _stored(document)
    if stored is None or stored.source_sha256 != document.source:
        return None
    try:
        return stored, default_storage.open(stored.storage_key, "rb")
    except FileNotFoundError:
        logger.warning("Stored %s is missing its file %s; rendering it again", stored, stored.storage_key)
        return None


def document_response(document: Document) -> FileResponse:
    """The document as a download, streamed from storage (rendered and stored first if need be).

    The caller has checked that the viewer may see the object."""
    opened = _open_stored(document)
    if opened is None:
        stored = document_store(document)
        opened = stored, default_storage.open(stored.storage_key, "rb")
    stored, handle = opened
    response = FileResponse(handle, as_attachment=True, filename=document.filename, content_type=stored.content_type)
    response["Content-Length"] = str(stored.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
