from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "iasios.notifications"
    label = "notifications"
    verbose_name = "Notifications"
