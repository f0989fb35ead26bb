"""Office dashboards and reports, mounted under /office/reports/."""

from django.urls import path

from iasios.reports import views_office

app_name = "office_reports"

urlpatterns = [
    path("", views_office.dashboard, name="dashboard"),
    path("benchmarks/", views_office.benchmarks, name="benchmarks"),
]
