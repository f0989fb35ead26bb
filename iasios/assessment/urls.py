"""Assessor and facility pages of the assessment, mounted under /assessment/."""

from django.urls import path

from iasios.assessment import views, views_report

app_name = "assessment"

urlpatterns = [
    path("assignment/<uuid:pk>/", views.assignment_detail, name="assignment"),
    path("assignment/<uuid:pk>/review/", views.review, name="review"),
    path("assignment/<uuid:pk>/review/<int:requirement_id>/rate/", views.rate, name="rate"),
    path("assignment/<uuid:pk>/review/submit/", views.review_submit, name="review_submit"),
    path("assignment/<uuid:pk>/case-review-draw/", views.draw, name="draw"),
    path("assignment/<uuid:pk>/report.pdf", views_report.assessor_report_download, name="report"),
    path("assignment/<uuid:pk>/request/<int:requirement_id>/", views.request_new, name="request_new"),
    path("request/<uuid:pk>/", views.request_detail, name="request"),
    path("cycle/<uuid:cycle_id>/requests/", views.cycle_requests, name="cycle_requests"),
    path("cycle/<uuid:cycle_id>/visit/", views.visit, name="visit"),
    path("evidence/<uuid:revision_id>/view/", views.evidence_inline, name="evidence_inline"),
]
