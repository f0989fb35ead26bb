"""Programme office pages of this app, mounted under /office/facilities/."""

from django.urls import path

from iasios.facilities import views_office

app_name = "office_facilities"

urlpatterns = [
    path("", views_office.facility_list, name="list"),
    path("<uuid:pk>/", views_office.facility_detail, name="detail"),
    path("<uuid:pk>/confirm/", views_office.facility_confirm, name="confirm"),
    path("<uuid:pk>/reject/", views_office.facility_reject, name="reject"),
]
