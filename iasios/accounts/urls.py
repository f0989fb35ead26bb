from django.urls import path

from iasios.accounts import views

urlpatterns = [
    path("profile/", views.profile, name="profile"),
]
