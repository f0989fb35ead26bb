from django.urls import path

from iasios.certificates import views

app_name = "certificates"

urlpatterns = [
    path("verify/<str:token>/", views.verify, name="verify"),
    path("certificates/<uuid:award_id>/certificate.pdf", views.certificate_download, name="pdf"),
    path("certificates/<uuid:award_id>/seal.svg", views.award_seal, name="award_seal"),
    path("seals/<str:level>.svg", views.seal, name="seal"),
]
