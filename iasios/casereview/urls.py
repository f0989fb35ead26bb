from django.urls import path

from iasios.casereview import views

app_name = "casereview"

urlpatterns = [
    path("cycle/<uuid:cycle_id>/", views.cycle_page, name="cycle"),
]
