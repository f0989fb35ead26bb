"""The URL table of the case review pages, mounted under /case-review/.

Who may see a cycle involves the assessors, a fact of an app above this one, so this table is
not a URLconf by itself: `patterns` is given the resolver (user, cycle id → the cycle or 404)
and hands it to every view. iasios/cycles/urls_casereview.py mounts it as `casereview`.
"""

from __future__ import annotations

from django.urls import URLPattern, path

from iasios.applications.access import CycleResolver
from iasios.casereview import views


def patterns(*, visible_cycle: CycleResolver) -> list[URLPattern]:
    cycle = {"visible_cycle": visible_cycle}
    return [
        path("cycle/<uuid:cycle_id>/", views.cycle_page, cycle, name="cycle"),
        path("cycle/<uuid:cycle_id>/log/", views.log_upload, cycle, name="log_upload"),
        path("cycle/<uuid:cycle_id>/log/template.csv", views.log_template, cycle, name="log_template"),
        path("cycle/<uuid:cycle_id>/draw/", views.draw, cycle, name="draw"),
        path("cycle/<uuid:cycle_id>/verify/", views.verify, cycle, name="verify"),
        path("cycle/<uuid:cycle_id>/cases/<int:position>/", views.case_review, cycle, name="case"),
        path("cycle/<uuid:cycle_id>/cases/<int:position>/exclude/", views.case_exclude, cycle, name="exclude"),
        path("cycle/<uuid:cycle_id>/summary/", views.summary, cycle, name="summary"),
        path("cycle/<uuid:cycle_id>/summary.csv", views.summary_csv, cycle, name="summary_csv"),
    ]
