from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "iasios.accounts"
    label = "accounts"
    verbose_name = "Accounts"
