"""Programme office pages of this app, mounted under /office/billing/."""

from django.urls import path

from iasios.billing import views_office as views

app_name = "office_billing"

urlpatterns = [
    path("", views.invoices, name="invoices"),
    path("invoices/<uuid:pk>/", views.invoice_detail, name="invoice_detail"),
    path("invoices/<uuid:pk>/payments/", views.payment_record, name="payment_record"),
    path("invoices/<uuid:pk>/credit-note/", views.credit_note_issue, name="credit_note_issue"),
    path("payments/", views.payments, name="payments"),
    path("issuer/", views.issuer, name="issuer"),
    path("overdue/", views.overdue, name="overdue"),
    path("consultations/", views.consultations, name="consultations"),
    path("consultations/<uuid:pk>/", views.consultation_detail, name="consultation_detail"),
    path("consultations/<uuid:pk>/schedule/", views.consultation_schedule, name="consultation_schedule"),
    path("consultations/<uuid:pk>/invoice/", views.consultation_invoice, name="consultation_invoice"),
    path("consultations/<uuid:pk>/cancel/", views.consultation_cancel, name="consultation_cancel"),
]
