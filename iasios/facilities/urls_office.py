"""Programme office pages of this app, mounted under /office/facilities/."""

from django.urls import path  # noqa: F401

app_name = "office_facilities"

urlpatterns: list = []
