from django.urls import path

from iasios.registry import views

app_name = "registry"

urlpatterns = [
    path("", views.registry_list, name="list"),
    path("<uuid:facility_id>/", views.registry_profile, name="profile"),
]
