from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "iasios.billing"
    label = "billing"
    verbose_name = "Billing"
