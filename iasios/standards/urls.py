from django.urls import path

from iasios.standards import views

app_name = "standards"

urlpatterns = [
    path("", views.browse, name="browse"),
]
