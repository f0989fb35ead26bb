"""Pages of a facility's evidence library: list and upload, one document, downloads.

Upload views install the evidence upload handlers before the body is read, which is why they
are CSRF-exempt on the outside and CSRF-protected on the inside (the CSRF check reads the body).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from iasios.applications import selectors, services
from iasios.applications.access import (
    RevisionResolver,
    can_edit_evidence,
    can_view_evidence,
    get_visible_document_or_404,
)
from iasios.applications.filetypes import RefusedFile, sanitise_file_name
from iasios.applications.forms import DocumentForm, EvidenceUploadForm, RevisionForm
from iasios.applications.models import EvidenceRevision
from iasios.applications.uploads import evidence_upload_handlers, max_upload_bytes, too_large_message
from iasios.core.events import timeline
from iasios.core.refusals import refusal_on
from iasios.facilities.models import Facility

DOWNLOAD_BLOCK_SIZE = 256 * 1024


def _facility_or_404(request: HttpRequest, facility_id: Any) -> Facility:
    from django.http import Http404

    facility = Facility.objects.filter(pk=facility_id).first()
    if facility is None or not can_view_evidence(request.user, facility):
        raise Http404
    return facility


def _document_input(data: dict[str, Any], title: str) -> services.DocumentInput:
    return services.DocumentInput(
        title=title,
        description=data.get("description") or "",
        effective_on=data.get("effective_on"),
        expires_on=data.get("expires_on"),
        available_on_request=bool(data.get("available_on_request")),
    )


def _title_from_name(name: str) -> str:
    stem = sanitise_file_name(name).rsplit(".", 1)[0]
    return stem.replace("_", " ").strip() or _("Untitled document")


@csrf_exempt
def library(request: HttpRequest, facility_id: Any) -> HttpResponse:
    limiter = evidence_upload_handlers(request) if request.method == "POST" else None
    return _library(request, facility_id, limiter)


@csrf_protect
@login_required
def _library(request: HttpRequest, facility_id: Any, limiter: Any) -> HttpResponse:
    facility = _facility_or_404(request, facility_id)
    can_edit = can_edit_evidence(request.user, facility)
    form = EvidenceUploadForm()
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        form = EvidenceUploadForm(request.POST, request.FILES)
        refused = [too_large_message(name) for name in (limiter.refused if limiter else [])]
        if form.is_valid():
            created, refused = _create_documents(request, facility, form, refused)
            if created and not refused and not form.errors:
                messages.success(
                    request,
                    ngettext(
                        "%(n)s document added to the library.", "%(n)s documents added to the library.", len(created)
                    )
                    % {"n": len(created)},
                )
                return redirect("applications:library", facility.pk)
            for message in refused:
                form.add_error("files", message)
            if created:
                messages.success(
                    request,
                    ngettext(
                        "%(n)s document added to the library.", "%(n)s documents added to the library.", len(created)
                    )
                    % {"n": len(created)},
                )
        else:
            for message in refused:
                form.add_error("files", message)
        status = 400
    context = {
        "facility": facility,
        "documents": selectors.library_documents(facility),
        "form": form,
        "can_edit": can_edit,
        "max_bytes": max_upload_bytes(),
        "open_cycle": selectors.open_cycle(facility),
    }
    return render(request, "applications/library.html", context, status=status)


def _create_documents(
    request: HttpRequest, facility: Facility, form: EvidenceUploadForm, refused: list[str]
) -> tuple[list[Any], list[str]]:
    data = form.cleaned_data
    files = data["files"]
    created = []
    if not files and not refused:
        with refusal_on(form):
            created.append(
                services.evidence_document_create(
                    facility=facility, user=request.user, data=_document_input(data, data["title"])
                )
            )
        return created, refused
    for upload in files:
        title = data["title"] if len(files) == 1 and data["title"] else _title_from_name(upload.name)
        with refusal_on(form):
            try:
                created.append(
                    services.evidence_document_create(
                        facility=facility, user=request.user, data=_document_input(data, title), upload=upload
                    )
                )
            except RefusedFile as exc:
                refused.append(f"{sanitise_file_name(upload.name)}: {exc}")
            continue
        break  # the document's details were refused: the same details would be refused for the next file
    return created, refused


@csrf_exempt
def document(request: HttpRequest, facility_id: Any, document_id: Any) -> HttpResponse:
    limiter = evidence_upload_handlers(request) if request.method == "POST" else None
    return _document(request, facility_id, document_id, limiter)


@csrf_protect
@login_required
def _document(request: HttpRequest, facility_id: Any, document_id: Any, limiter: Any) -> HttpResponse:
    facility = _facility_or_404(request, facility_id)
    doc = get_visible_document_or_404(request.user, facility, document_id)
    can_edit = can_edit_evidence(request.user, facility)
    initial = {
        "title": doc.title,
        "description": doc.description,
        "effective_on": doc.effective_on,
        "expires_on": doc.expires_on,
        "available_on_request": doc.available_on_request,
    }
    form = DocumentForm(initial=initial)
    revision_form = RevisionForm()
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if request.POST.get("action") == "revision":
            revision_form = RevisionForm(request.POST, request.FILES)
            if limiter and limiter.refused:
                revision_form.add_error("file", too_large_message(limiter.refused[0]))
            elif revision_form.is_valid():
                try:
                    revision = services.evidence_revision_add(
                        document=doc, user=request.user, upload=revision_form.cleaned_data["file"]
                    )
                except RefusedFile as exc:
                    revision_form.add_error("file", str(exc))
                else:
                    messages.success(request, _("Revision %(n)s added.") % {"n": revision.number})
                    return redirect("applications:document", facility.pk, doc.pk)
        else:
            form = DocumentForm(request.POST)
            if form.is_valid():
                with refusal_on(form):
                    services.evidence_document_update(
                        document=doc,
                        user=request.user,
                        data=_document_input(form.cleaned_data, form.cleaned_data["title"]),
                    )
                    messages.success(request, _("Document updated."))
                    return redirect("applications:document", facility.pk, doc.pk)
        status = 400
    revisions = list(doc.revisions.select_related("uploaded_by").order_by("-number"))
    links = list(doc.links.select_related("answer__requirement__standard", "answer__cycle"))
    context = {
        "facility": facility,
        "document": doc,
        "revisions": revisions,
        "links": links,
        "form": form,
        "revision_form": revision_form,
        "can_edit": can_edit,
        "events": timeline(doc)[:20],
        "max_bytes": max_upload_bytes(),
    }
    return render(request, "applications/document.html", context, status=status)


@login_required
def revision_download(request: HttpRequest, revision_id: Any, *, visible_revision: RevisionResolver) -> FileResponse:
    """A stored file, only through this check, always as an attachment and never sniffed.

    `visible_revision` (given by the URL table) answers the revision or 404: assessors working on
    a cycle of the facility may download too, a fact of the app above."""
    revision: EvidenceRevision = visible_revision(request.user, revision_id)
    from django.core.files.storage import default_storage

    response = FileResponse(
        default_storage.open(revision.storage_key, "rb"),
        as_attachment=True,
        filename=revision.download_name,
        content_type=revision.content_type,
    )
    # Read in blocks of 256 KiB, not FileResponse's 4 KiB, where the server streams it itself (no
    # sendfile) or the store is remote: a gigabyte takes 4,096 reads, not 262,144; memory stays bounded.
    response.block_size = DOWNLOAD_BLOCK_SIZE
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
