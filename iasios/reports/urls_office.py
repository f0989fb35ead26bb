"""Office dashboards and reports, mounted under /office/reports/."""

from django.urls import path  # noqa: F401

app_name = "office_reports"

urlpatterns: list = []
