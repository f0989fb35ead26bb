from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "iasios.demo"
    label = "demo"
    verbose_name = "Demo"
