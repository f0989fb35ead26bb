from django.urls import include, path

from iasios.accounts import views

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("tokens/", include("iasios.api.urls")),
]
