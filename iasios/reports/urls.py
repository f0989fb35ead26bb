"""A facility's own reports, mounted under /reports/."""

from django.urls import path

from iasios.reports import views

app_name = "reports"

urlpatterns = [
    path("facilities/<uuid:pk>/benchmark/", views.facility_benchmark, name="facility_benchmark"),
]
