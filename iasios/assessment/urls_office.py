"""Programme office pages of the assessment, mounted under /office/assessment/."""

from django.urls import path

from iasios.assessment import views_office as views

app_name = "office_assessment"

urlpatterns = [
    path("", views.triage, name="triage"),
    path("triage/<uuid:cycle_id>/", views.triage_cycle, name="triage_cycle"),
    path("assessors/", views.assessors, name="assessors"),
    path("assessors/new/", views.assessor_edit, name="assessor_new"),
    path("assessors/<uuid:pk>/", views.assessor_edit, name="assessor_edit"),
    path("applications/", views.cycles, name="cycles"),
    path("applications/<uuid:cycle_id>/", views.cycle_detail, name="cycle"),
    path("applications/<uuid:cycle_id>/assign/", views.assign, name="assign"),
    path("applications/<uuid:cycle_id>/visit/", views.visit_edit, name="visit"),
    path("applications/<uuid:cycle_id>/reconcile/", views.reconcile, name="reconcile"),
    path("applications/<uuid:cycle_id>/recommendation/", views.recommendation, name="recommendation"),
    path("assignment/<uuid:pk>/withdraw/", views.withdraw, name="withdraw"),
]
