"""Integrity checks: what `manage.py verify_integrity` reports, one `Problem` per mismatch.

Each app that keeps hashed data checks its own (applications: evidence files and dossiers;
certificates: the issued data); this module holds the shape of a finding and the check of
the stored documents, which are core's."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from iasios.core.documents import stored_sha256
from iasios.core.models import StoredDocument


@dataclass(frozen=True)
class Problem:
    """One finding: what was checked (`kind`, the object's id) and what is wrong with it."""

    kind: str
    object_id: str
    detail: str

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.detail}"


def file_problem(kind: str, object_id: str, key: str, sha256: str, size: int | None = None) -> Problem | None:
    """The problem with a stored file, if any: missing, or its bytes no longer hash as recorded."""
    try:
        actual, actual_size = stored_sha256(key)
    except FileNotFoundError:
        return Problem(kind, object_id, f"file missing ({key})")
    if actual != sha256:
        return Problem(kind, object_id, f"SHA-256 {actual} differs from the recorded {sha256} ({key})")
    if size is not None and actual_size != size:
        return Problem(kind, object_id, f"size {actual_size} differs from the recorded {size} ({key})")
    return None


def stored_document_problems() -> Iterator[Problem]:
    for stored in StoredDocument.objects.order_by("kind", "object_id").iterator():
        problem = file_problem(
            f"stored {stored.kind}", stored.object_id, stored.storage_key, stored.sha256, stored.size
        )
        if problem is not None:
            yield problem


def stored_document_count() -> int:
    return StoredDocument.objects.count()
