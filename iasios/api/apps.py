from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "iasios.api"
    label = "api"
    verbose_name = "Api"
