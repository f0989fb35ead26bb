"""Programme office pages of the assessment, under /office/assessment/.

Mounted by the cycles app (`iasios.cycles.urls_committee`) together with the office pages that
move the cycle (triage, a cycle's assessment, reconciliation, the recommendation).
"""

from django.urls import path

from iasios.assessment import views_office as views

app_name = "office_assessment"

urlpatterns = [
    path("", views.triage, name="triage"),
    path("assessors/", views.assessors, name="assessors"),
    path("assessors/new/", views.assessor_edit, name="assessor_new"),
    path("assessors/<uuid:pk>/", views.assessor_edit, name="assessor_edit"),
    path("applications/", views.cycles, name="cycles"),
    path("applications/<uuid:cycle_id>/assign/", views.assign, name="assign"),
    path("applications/<uuid:cycle_id>/visit/", views.visit_edit, name="visit"),
    path("assignment/<uuid:pk>/withdraw/", views.withdraw, name="withdraw"),
]
