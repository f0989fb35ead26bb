from django.apps import AppConfig


class CyclesConfig(AppConfig):
    name = "iasios.cycles"
    label = "cycles"
    verbose_name = "Cycles"
