"""/office/people/: the office's people pages (namespace `office_people`)."""

from django.urls import path

from iasios.accounts import views_roles as views

app_name = "office_people"

urlpatterns = [
    path("", views.people_list, name="list"),
    path("<uuid:user_id>/", views.person_roles, name="person"),
    path("<uuid:user_id>/<str:action>/", views.role_change, name="role_change"),
]
