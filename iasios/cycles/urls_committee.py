"""URLs of the pages where the cycle changes hands, under their usual prefixes and names.

`committee_patterns` is mounted at /committee/ (namespace `committee`); `office_assessment_patterns`
at /office/assessment/ (namespace `office_assessment`): the assessment app's office pages and,
under the same namespace, the triage, assessment, reconciliation and recommendation pages here.
"""

from django.urls import path

from iasios.assessment import urls_office as assessment_office
from iasios.cycles import views_committee as views
from iasios.decisions import views_committee as decision_views

committee_patterns = (
    [
        path("", decision_views.queue, name="queue"),
        path("cycles/<uuid:cycle_id>/", views.cycle_file, name="cycle"),
        path("appeals/<uuid:appeal_id>/", views.appeal_hear, name="appeal"),
    ],
    "committee",
)

office_assessment_patterns = (
    [
        *assessment_office.urlpatterns,
        path("triage/<uuid:cycle_id>/", views.triage_cycle, name="triage_cycle"),
        path("applications/<uuid:cycle_id>/", views.cycle_detail, name="cycle"),
        path("applications/<uuid:cycle_id>/reconcile/", views.reconcile, name="reconcile"),
        path("applications/<uuid:cycle_id>/recommendation/", views.recommendation, name="recommendation"),
    ],
    assessment_office.app_name,
)
