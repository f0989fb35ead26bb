"""Integrity of the applications' data: every stored evidence file against its SHA-256, every
frozen dossier against its canonical hash and the evidence revisions it froze."""

from __future__ import annotations

from collections.abc import Iterator

from iasios.applications.dossier import dossier_verify
from iasios.applications.models import Dossier, EvidenceRevision
from iasios.core.integrity import Problem, file_problem


def evidence_problems() -> Iterator[Problem]:
    revisions = EvidenceRevision.objects.order_by("received_at", "pk").only("pk", "storage_key", "sha256", "size")
    for revision in revisions.iterator():
        problem = file_problem(
            "evidence revision", str(revision.pk), revision.storage_key, revision.sha256, revision.size
        )
        if problem is not None:
            yield problem


def dossier_problems() -> Iterator[Problem]:
    known = {str(pk): sha256 for pk, sha256 in EvidenceRevision.objects.values_list("pk", "sha256").iterator()}
    # Snapshots can be large: a few at a time.
    for dossier in Dossier.objects.order_by("created_at", "pk").iterator(chunk_size=20):
        if not dossier_verify(dossier):
            yield Problem("dossier", str(dossier.pk), "the snapshot no longer hashes to the recorded SHA-256")
        for entry in dossier.snapshot.get("evidence_revisions", []):
            recorded = known.get(entry.get("id", ""))
            if recorded is None:
                yield Problem("dossier", str(dossier.pk), f"evidence revision {entry.get('id')} is gone")
            elif recorded != entry.get("sha256"):
                yield Problem(
                    "dossier", str(dossier.pk), f"evidence revision {entry['id']} no longer has the frozen SHA-256"
                )


def counts() -> dict[str, int]:
    return {"evidence revision": EvidenceRevision.objects.count(), "dossier": Dossier.objects.count()}
