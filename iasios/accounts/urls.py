from django.urls import path

from iasios.accounts import views

# The API token pages (/account/tokens/) belong to the api app, above accounts: iasios/urls.py mounts them.
urlpatterns = [
    path("profile/", views.profile, name="profile"),
]
