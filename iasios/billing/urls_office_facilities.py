"""The programme office's facility pages, mounted under /office/facilities/ (see views_office_facilities)."""

from django.urls import path

from iasios.billing import views_office_facilities as views

app_name = "office_facilities"

urlpatterns = [
    path("", views.facility_list, name="list"),
    path("<uuid:pk>/", views.facility_detail, name="detail"),
    path("<uuid:pk>/confirm/", views.facility_confirm, name="confirm"),
    path("<uuid:pk>/reject/", views.facility_reject, name="reject"),
]
