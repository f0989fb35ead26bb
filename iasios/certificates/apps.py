from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "iasios.certificates"
    label = "certificates"
    verbose_name = "Certificates"
