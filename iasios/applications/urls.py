"""Application pages, mounted under /applications/."""

from django.urls import path

from iasios.applications import views, views_cycle, views_evidence, views_readiness

app_name = "applications"

urlpatterns = [
    path("", views.index, name="index"),
    path("facility/<uuid:facility_id>/start/", views.cycle_start, name="start"),
    path("facility/<uuid:facility_id>/recertify/", views_cycle.recertification_start, name="recertify"),
    path("facility/<uuid:facility_id>/evidence/", views_evidence.library, name="library"),
    path("facility/<uuid:facility_id>/evidence/<uuid:document_id>/", views_evidence.document, name="document"),
    path("evidence/file/<uuid:revision_id>/", views_evidence.revision_download, name="revision_download"),
    path("cycle/<uuid:cycle_id>/", views.workspace, name="workspace"),
    path("cycle/<uuid:cycle_id>/standard/<int:number>/", views.standard_page, name="standard"),
    path("cycle/<uuid:cycle_id>/answer/<uuid:answer_id>/", views.answer_page, name="answer"),
    path("cycle/<uuid:cycle_id>/answer/<uuid:answer_id>/comment/", views.comment_add, name="comment_add"),
    path("cycle/<uuid:cycle_id>/answer/<uuid:answer_id>/evidence/", views.link_add, name="link_add"),
    path(
        "cycle/<uuid:cycle_id>/answer/<uuid:answer_id>/evidence/<uuid:document_id>/remove/",
        views.link_remove,
        name="link_remove",
    ),
    path("cycle/<uuid:cycle_id>/answer/<uuid:answer_id>/confirm/", views_cycle.answer_confirm, name="answer_confirm"),
    path("cycle/<uuid:cycle_id>/submit/", views.submit, name="submit"),
    path("cycle/<uuid:cycle_id>/readiness.pdf", views_readiness.readiness_report_download, name="readiness_pdf"),
    path("cycle/<uuid:cycle_id>/return/", views_cycle.cycle_return, name="return"),
    path("cycle/<uuid:cycle_id>/start-assessment/", views_cycle.cycle_start_assessment, name="start_assessment"),
    path("cycle/<uuid:cycle_id>/send-to-committee/", views_cycle.cycle_send_to_committee, name="send_to_committee"),
    path("cycle/<uuid:cycle_id>/changes/", views_cycle.changes, name="changes"),
    path("cycle/<uuid:cycle_id>/dossier/", views.dossier_page, name="dossier"),
    path("cycle/<uuid:cycle_id>/dossier/summary.pdf", views.dossier_pdf_download, name="dossier_pdf"),
    path("cycle/<uuid:cycle_id>/dossier/evidence.zip", views.dossier_zip_download, name="dossier_zip"),
    path("cycle/<uuid:cycle_id>/dossier/<int:number>/", views.dossier_page, name="dossier_revision"),
    path(
        "cycle/<uuid:cycle_id>/dossier/<int:number>/summary.pdf",
        views.dossier_pdf_download,
        name="dossier_revision_pdf",
    ),
    path(
        "cycle/<uuid:cycle_id>/dossier/<int:number>/evidence.zip",
        views.dossier_zip_download,
        name="dossier_revision_zip",
    ),
]
