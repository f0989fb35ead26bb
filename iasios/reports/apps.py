from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "iasios.reports"
    label = "reports"
    verbose_name = "Reports"
