from django.apps import AppConfig


class SweepsConfig(AppConfig):
    name = "iasios.sweeps"
    label = "sweeps"
    verbose_name = "Sweeps"
