"""The application pages under /applications/, in the `applications` namespace.

The content pages are the applications app's table (`iasios.applications.urls.patterns`), given
the access rules with the assessors in (cycles.access); the pages that move a cycle along are
this app's (cycles.views). URL names and paths are those the site has always linked.
"""

from django.urls import path

from iasios.applications import urls as application_urls
from iasios.cycles import access, views

app_name = "applications"

urlpatterns = [
    path("", views.index, name="index"),
    path("facility/<uuid:facility_id>/start/", views.cycle_start, name="start"),
    path("facility/<uuid:facility_id>/recertify/", views.recertification_start, name="recertify"),
    path("cycle/<uuid:cycle_id>/", views.workspace, name="workspace"),
    path("cycle/<uuid:cycle_id>/submit/", views.submit, name="submit"),
    path("cycle/<uuid:cycle_id>/readiness.pdf", views.readiness_report_download, name="readiness_pdf"),
    path("cycle/<uuid:cycle_id>/return/", views.cycle_return, name="return"),
    path("cycle/<uuid:cycle_id>/start-assessment/", views.cycle_start_assessment, name="start_assessment"),
    path("cycle/<uuid:cycle_id>/send-to-committee/", views.cycle_send_to_committee, name="send_to_committee"),
    path("cycle/<uuid:cycle_id>/close-amendment/", views.cycle_close_amendment, name="close_amendment"),
    *application_urls.patterns(
        visible_cycle=access.get_visible_cycle_or_404, visible_revision=access.get_visible_revision_or_404
    ),
]
