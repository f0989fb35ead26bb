"""Facility-side billing pages, mounted under /billing/."""

from django.urls import path

from iasios.billing import views

app_name = "billing"

urlpatterns = [
    path("facility/<uuid:facility_id>/invoices/", views.facility_invoices, name="facility_invoices"),
    path("facility/<uuid:facility_id>/consultations/", views.consultations, name="consultations"),
    path("invoices/<uuid:pk>/", views.invoice_detail, name="invoice_detail"),
    path("invoices/<uuid:pk>/pdf/", views.invoice_pdf, name="invoice_pdf"),
    path("credit-notes/<uuid:pk>/pdf/", views.credit_note_pdf, name="credit_note_pdf"),
]
