from django.apps import AppConfig


class CasereviewConfig(AppConfig):
    name = "iasios.casereview"
    label = "casereview"
    verbose_name = "Casereview"
