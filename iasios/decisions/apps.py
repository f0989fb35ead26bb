from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "iasios.decisions"
    label = "decisions"
    verbose_name = "Decisions"
