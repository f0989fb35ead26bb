from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "iasios.assessment"
    label = "assessment"
    verbose_name = "Assessment"
