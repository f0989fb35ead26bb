from django.apps import AppConfig


class StandardsConfig(AppConfig):
    name = "iasios.standards"
    label = "standards"
    verbose_name = "Standards"
