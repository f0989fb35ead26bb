from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "iasios.billing"
    label = "billing"
    verbose_name = _("Billing")

    def ready(self) -> None:
        from iasios.billing.parts import INVOICES_PART, PAY_PART
        from iasios.facilities.parts import register_dashboard_part

        register_dashboard_part(PAY_PART)
        register_dashboard_part(INVOICES_PART)
