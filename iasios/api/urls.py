from django.urls import path

from iasios.api import views

urlpatterns = [
    path("", views.token_list, name="api_tokens"),
    path("<uuid:pk>/revoke/", views.token_revoke_view, name="api_token_revoke"),
]
