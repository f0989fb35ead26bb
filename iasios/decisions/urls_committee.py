from django.urls import path

from iasios.decisions import views_committee

app_name = "committee"

urlpatterns = [
    path("", views_committee.queue, name="queue"),
    path("cycles/<uuid:cycle_id>/", views_committee.cycle_file, name="cycle"),
    path("appeals/<uuid:appeal_id>/", views_committee.appeal_hear, name="appeal"),
]
