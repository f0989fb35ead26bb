from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "iasios.applications"
    label = "applications"
    verbose_name = "Applications"
