"""Programme office pages of this app, mounted under /office/billing/."""

from django.urls import path  # noqa: F401

app_name = "office_billing"

urlpatterns: list = []
