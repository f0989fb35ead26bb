"""The URL table of the application's content pages, mounted under /applications/.

Who may see a cycle or download a file involves the assessors, a fact of an app above this one,
so this table is not a URLconf by itself: `patterns` is given the two resolvers and hands them
to the views that need them. iasios/cycles/urls_applications.py mounts it, with the pages that
move a cycle along, in the one `applications` namespace.
"""

from __future__ import annotations

from django.urls import URLPattern, path

from iasios.applications import views, views_evidence
from iasios.applications.access import CycleResolver, RevisionResolver


def patterns(*, visible_cycle: CycleResolver, visible_revision: RevisionResolver) -> list[URLPattern]:
    cycle = {"visible_cycle": visible_cycle}
    return [
        path("facility/<uuid:facility_id>/evidence/", views_evidence.library, name="library"),
        path("facility/<uuid:facility_id>/evidence/<uuid:document_id>/", views_evidence.document, name="document"),
        path(
            "evidence/file/<uuid:revision_id>/",
            views_evidence.revision_download,
            {"visible_revision": visible_revision},
            name="revision_download",
        ),
        path("cycle/<uuid:cycle_id>/standard/<int:number>/", views.standard_page, cycle, name="standard"),
        path("cycle/<uuid:cycle_id>/answer/<uuid:answer_id>/", views.answer_page, cycle, name="answer"),
        path("cycle/<uuid:cycle_id>/answer/<uuid:answer_id>/comment/", views.comment_add, cycle, name="comment_add"),
        path("cycle/<uuid:cycle_id>/answer/<uuid:answer_id>/evidence/", views.link_add, cycle, name="link_add"),
        path(
            "cycle/<uuid:cycle_id>/answer/<uuid:answer_id>/evidence/<uuid:document_id>/remove/",
            views.link_remove,
            cycle,
            name="link_remove",
        ),
        path(
            "cycle/<uuid:cycle_id>/answer/<uuid:answer_id>/confirm/",
            views.answer_confirm,
            cycle,
            name="answer_confirm",
        ),
        path("cycle/<uuid:cycle_id>/changes/", views.changes, cycle, name="changes"),
        path("cycle/<uuid:cycle_id>/dossier/", views.dossier_page, cycle, name="dossier"),
        path("cycle/<uuid:cycle_id>/dossier/summary.pdf", views.dossier_pdf_download, cycle, name="dossier_pdf"),
        path("cycle/<uuid:cycle_id>/dossier/evidence.zip", views.dossier_zip_download, cycle, name="dossier_zip"),
        path("cycle/<uuid:cycle_id>/dossier/<int:number>/", views.dossier_page, cycle, name="dossier_revision"),
        path(
            "cycle/<uuid:cycle_id>/dossier/<int:number>/summary.pdf",
            views.dossier_pdf_download,
            cycle,
            name="dossier_revision_pdf",
        ),
        path(
            "cycle/<uuid:cycle_id>/dossier/<int:number>/evidence.zip",
            views.dossier_zip_download,
            cycle,
            name="dossier_revision_zip",
        ),
    ]
