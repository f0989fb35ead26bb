from django.urls import path

from iasios.decisions import views

app_name = "decisions"

urlpatterns = [
    path("<uuid:decision_id>/", views.decision_page, name="detail"),
    path("<uuid:decision_id>/letter.pdf", views.decision_letter, name="letter"),
    path("<uuid:decision_id>/appeal/", views.appeal_lodge, name="appeal_lodge"),
    path("appeals/<uuid:appeal_id>/", views.appeal_page, name="appeal"),
    path("appeals/<uuid:appeal_id>/letter.pdf", views.appeal_letter, name="appeal_letter"),
    path("facility/<uuid:facility_id>/", views.facility_awards, name="facility"),
    path("awards/<uuid:award_id>/", views.award_page, name="award"),
]
