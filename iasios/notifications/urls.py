from django.urls import path

from iasios.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("preferences/", views.preferences, name="preferences"),
    path("read-all/", views.mark_all_read, name="mark_all_read"),
    path("<uuid:pk>/", views.detail, name="detail"),
    path("<uuid:pk>/read/", views.mark_read, name="mark_read"),
]
