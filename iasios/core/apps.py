from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "iasios.core"
    label = "core"
    verbose_name = "Core"
