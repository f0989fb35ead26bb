from django.urls import path

from iasios.decisions import views_office

app_name = "office_decisions"

urlpatterns = [
    path("", views_office.overview, name="overview"),
    path("<uuid:decision_id>/actions/", views_office.action_add, name="action_add"),
    path("actions/<uuid:action_id>/verify/", views_office.action_verify, name="action_verify"),
    path("appeals/<uuid:appeal_id>/panel/", views_office.appeal_panel, name="appeal_panel"),
    path(
        "awards/<uuid:award_id>/<str:action>/",
        views_office.award_change,
        name="award_change",
    ),
]
