"""The dossier: the frozen submission, its hash, and its two downloads (PDF summary, ZIP of files).

The snapshot is plain JSON (strings, integers, booleans, lists, objects; no floats) so that its
canonical form — keys sorted, no spaces, UTF-8 — and therefore its SHA-256 are the same on
every database and every machine. `dossier_verify` recomputes the hash from the stored snapshot.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import tempfile
import zipfile
from typing import IO, Any

from django.db.models import Max, Prefetch
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from iasios.applications.filetypes import honest_file_name
from iasios.applications.models import (
    AmendmentItem,
    AmendmentRound,
    Answer,
    Cycle,
    Dossier,
    EvidenceLink,
    EvidenceRevision,
)
from iasios.applications.uploads import CHUNK_SIZE
from iasios.core.documents import ZIP, Document, document_prepare, documents_ready, prepare_after_commit
from iasios.core.exports import safe_cell
from iasios.core.pdf import html_to_pdf
from iasios.facilities.language import in_facility_language
from iasios.standards.models import ChecklistItem

# 2: the dossier revision number, `carried_over` per answer, and the amendment round it answers.
SNAPSHOT_FORMAT = 2

DECLARATION = _(
    "I am the authorised representative of this facility. I declare that the answers and the "
    "evidence in this application are true and complete to the best of my knowledge, that the "
    "documents declared available on request exist and will be provided to the assessors when "
    "they ask, and that the internal case review was carried out on the sampled cases as recorded."
)


def canonical_json(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def snapshot_sha256(snapshot: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(snapshot)).hexdigest()


def _revision_entry(revision: EvidenceRevision) -> dict[str, Any]:
    document = revision.document
    return {
        "id": str(revision.pk),
        "document": str(document.pk),
        "title": document.title,
        "revision": revision.number,
        "file_name": revision.original_name,
        "kind": revision.kind,
        "content_type": revision.content_type,
        "size": revision.size,
        "sha256": revision.sha256,
        "received_at": revision.received_at.isoformat(),
        "effective_on": document.effective_on.isoformat() if document.effective_on else None,
        "expires_on": document.expires_on.isoformat() if document.expires_on else None,
    }


def answer_entries(cycle: Cycle) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    """The cycle's answers as the dossier records them, and the evidence revisions they point to."""
    answers = (
        Answer.objects.filter(cycle=cycle)
        .select_related("requirement__standard", "assignee")
        .prefetch_related(
            Prefetch("links", queryset=EvidenceLink.objects.select_related("document")),
            Prefetch("links__document__revisions", queryset=EvidenceRevision.objects.order_by("-number")),
        )
        .order_by("requirement__position")
    )
    revisions: dict[str, dict[str, Any]] = {}
    entries: list[dict[str, Any]] = []
    for answer in answers:
        evidence = []
        for link in answer.links.all():
            document = link.document
            latest = document.latest_revision()
            entry: dict[str, Any] = {
                "document": str(document.pk),
                "title": document.title,
                "available_on_request": document.available_on_request,
                "revision": None,
            }
            if latest is not None:
                latest.document = document
                entry["revision"] = {"id": str(latest.pk), "sha256": latest.sha256}
                revisions[str(latest.pk)] = _revision_entry(latest)
            evidence.append(entry)
        evidence.sort(key=lambda e: (e["title"], e["document"]))
        entries.append(
            {
                "requirement": answer.requirement.reference,
                "standard": answer.requirement.standard.number,
                "core": answer.requirement.core,
                "claim": answer.claim,
                "na_reason": answer.na_reason,
                "narrative": answer.narrative,
                "revision": answer.revision,
                "carried_over": answer.carried_over,
                "evidence": evidence,
            }
        )
    return entries, revisions


def _amendment_entry(cycle: Cycle) -> dict[str, Any] | None:
    round_ = AmendmentRound.objects.filter(cycle=cycle).order_by("-number").first()
    if round_ is None:
        return None
    references = [
        item.answer.requirement.reference
        for item in AmendmentItem.objects.filter(round=round_).select_related("answer__requirement__standard")
    ]
    return {"round": round_.number, "due_at": round_.due_at.isoformat(), "requirements": references}


def build_snapshot(
    cycle: Cycle,
    *,
    signed_by: Any,
    declaration: str,
    case_review: dict[str, Any],
    number: int = 1,
    amending: bool = False,
) -> dict[str, Any]:
    """Every answer with the evidence revision each linked document had at this moment, and the ICR.

    `case_review` is the case review's own snapshot (the caller above asks the casereview app)."""
    answer_list, revisions = answer_entries(cycle)
    facility = cycle.facility
    framework = cycle.framework
    return {
        "format": SNAPSHOT_FORMAT,
        "revision": number,
        "cycle": {
            "id": str(cycle.pk),
            "kind": cycle.kind,
            "aim": cycle.aim,
            "started_at": cycle.created_at.isoformat(),
            "previous": str(cycle.previous_id) if cycle.previous_id else None,
        },
        "amendment": _amendment_entry(cycle) if amending else None,
        "facility": {
            "id": str(facility.pk),
            "name": facility.name,
            "institution": facility.institution,
            "city": facility.city,
            "country": facility.country,
        },
        "framework": {
            "code": framework.code,
            "version": framework.version,
            "content_sha256": framework.source_sha256,
        },
        "submitted_at": cycle.submitted_at.isoformat() if cycle.submitted_at else None,
        "signed_by": {"id": str(signed_by.pk), "name": signed_by.get_full_name(), "email": signed_by.email},
        "declaration": declaration,
        "answers": answer_list,
        "evidence_revisions": sorted(revisions.values(), key=lambda r: (r["title"], r["id"])),
        "case_review": case_review,
    }


def dossier_freeze(
    cycle: Cycle, *, signed_by: Any, declaration: str, case_review: dict[str, Any], amending: bool = False
) -> Dossier:
    """Called by the submission service inside its transaction, with the cycle row locked.

    Each submission freezes the next revision (1, 2, 3 …); earlier ones are never touched.
    """
    number = (Dossier.objects.filter(cycle=cycle).aggregate(n=Max("number"))["n"] or 0) + 1
    snapshot = build_snapshot(
        cycle, signed_by=signed_by, declaration=declaration, case_review=case_review, number=number, amending=amending
    )
    # Round-trip through JSON so that what is hashed is exactly what the database gives back.
    snapshot = json.loads(canonical_json(snapshot))
    dossier = Dossier.objects.create(
        cycle=cycle,
        number=number,
        snapshot=snapshot,
        sha256=snapshot_sha256(snapshot),
        signed_by=signed_by,
        declaration=declaration,
    )
    prepare_after_commit(dossier_documents_render.enqueue, str(dossier.pk))
    return dossier


def dossier_verify(dossier: Dossier) -> bool:
    """Does the stored snapshot still hash to the stored SHA-256?"""
    return snapshot_sha256(dossier.snapshot) == dossier.sha256


def frozen_revisions(dossier: Dossier | None) -> dict[str, dict[str, Any]]:
    """The evidence revision each document had in the dossier, by document id (empty without one).

    Pages showing a submitted cycle link these, not the library's latest revision: they are what
    the assessors and the committee judge, and what a committee member may open."""
    if dossier is None:
        return {}
    return {entry["document"]: entry for entry in dossier.snapshot.get("evidence_revisions", [])}


MANIFEST_COLUMNS = ["path", "title", "revision", "file_name", "size", "sha256", "received_at"]


def _zip_path(entry: dict[str, Any]) -> str:
    """The file's entry in the ZIP: its name carries the extension of the type read from its bytes."""
    name = honest_file_name(entry["file_name"], entry.get("kind") or "")
    return f"evidence/{entry['sha256'][:12]}-r{entry['revision']}-{name}"


def dossier_manifest(dossier: Dossier) -> list[dict[str, Any]]:
    return [
        {column: entry.get(column) for column in MANIFEST_COLUMNS if column != "path"} | {"path": _zip_path(entry)}
        for entry in dossier.snapshot.get("evidence_revisions", [])
    ]


def dossier_zip(dossier: Dossier) -> IO[bytes]:
    """All evidence files of the dossier and a manifest (JSON and CSV), written to a temporary file.

    Files are copied in chunks from storage, so memory does not grow with the dossier's size;
    the returned file is rewound and deleted when closed.
    """
    from django.core.files.storage import default_storage

    keys = dict(
        EvidenceRevision.objects.filter(
            pk__in=[e["id"] for e in dossier.snapshot.get("evidence_revisions", [])]
        ).values_list("pk", "storage_key")
    )
    output = tempfile.TemporaryFile()  # noqa: SIM115 (handed to the response, which closes it)
    manifest = dossier_manifest(dossier)
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        for entry, row in zip(dossier.snapshot.get("evidence_revisions", []), manifest, strict=True):
            key = keys.get(_uuid(entry["id"]))
            if key is None:
                continue
            with default_storage.open(key, "rb") as source, archive.open(row["path"], "w", force_zip64=True) as target:
                while True:
                    data = source.read(CHUNK_SIZE)
                    if not data:
                        break
                    target.write(data)
        archive.writestr(
            "manifest.json",
            json.dumps(
                {"dossier_sha256": dossier.sha256, "cycle": str(dossier.cycle_id), "files": manifest},
                indent=2,
                ensure_ascii=False,
            ),
        )
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(MANIFEST_COLUMNS)
        for row in manifest:
            writer.writerow([safe_cell(row[c]) for c in MANIFEST_COLUMNS])
        archive.writestr("manifest.csv", text.getvalue())
        archive.writestr("snapshot.json", canonical_json(dossier.snapshot))
    output.seek(0)
    return output


def _uuid(value: str) -> Any:
    import uuid

    return uuid.UUID(value)


def dossier_pdf(dossier: Dossier) -> bytes:
    """The summary, in the facility's language (as its letters): rendered once, whoever asks first.

    The snapshot keeps the English it froze; the checklist questions are shown by their code in
    the facility's language from the same framework version (the English where untranslated).
    """
    with in_facility_language(dossier.cycle.facility) as language:
        checklist = {
            item.code: item.in_language("text", language).value
            for item in ChecklistItem.objects.filter(framework_id=dossier.cycle.framework_id)
        }
        summary = [
            {**row, "text": checklist.get(row.get("item"), row.get("text") or row.get("item"))}
            for row in (dossier.snapshot.get("case_review") or {}).get("summary") or []
        ]
        html = render_to_string(
            "applications/dossier_pdf.html",
            {
                "dossier": dossier,
                "snapshot": dossier.snapshot,
                "verified": dossier_verify(dossier),
                "checklist_summary": summary,
            },
        )
    return html_to_pdf(html)


# ----------------------------------------------------------------------------- stored downloads
# A frozen dossier never changes: its summary and its ZIP are rendered once, when it is frozen.
DOSSIER_PDF = "dossier-pdf"
DOSSIER_ZIP = "dossier-zip"


def dossier_pdf_document(dossier: Dossier) -> Document:
    return Document(
        kind=DOSSIER_PDF,
        object_id=str(dossier.pk),
        filename=f"dossier-{dossier.sha256[:12]}.pdf",
        render=lambda: dossier_pdf(dossier),
    )


def dossier_zip_document(dossier: Dossier) -> Document:
    return Document(
        kind=DOSSIER_ZIP,
        object_id=str(dossier.pk),
        filename=f"dossier-{dossier.sha256[:12]}-evidence.zip",
        render=lambda: dossier_zip(dossier),
        content_type=ZIP,
    )


def dossier_documents_ready(dossier: Dossier) -> dict[str, bool]:
    """Whether the summary and the ZIP are stored, for the page to say they are being prepared."""
    return {
        "pdf": str(dossier.pk) in documents_ready(DOSSIER_PDF, [dossier.pk]),
        "zip": str(dossier.pk) in documents_ready(DOSSIER_ZIP, [dossier.pk]),
    }


@task(queue_name="documents")
def dossier_documents_render(dossier_id: str) -> None:
    dossier = Dossier.objects.select_related("cycle__facility", "cycle__framework", "signed_by").get(pk=dossier_id)
    document_prepare(dossier_pdf_document(dossier))
    document_prepare(dossier_zip_document(dossier))
