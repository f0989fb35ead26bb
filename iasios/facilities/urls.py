from django.urls import path

from iasios.facilities import views

app_name = "facilities"

urlpatterns = [
    path("register/", views.register, name="register"),
    path("register/done/", views.register_done, name="register_done"),
    path("activate/<str:token>/", views.activate, name="activate"),
    path("activate/<str:token>/resend/", views.activate_resend, name="activate_resend"),
    path("join/", views.join, name="join"),
    path("invitations/accept/", views.invitations_accept, name="invitations_accept"),
    path("<uuid:pk>/", views.dashboard, name="dashboard"),
    path("<uuid:pk>/code/", views.code_regenerate, name="code_regenerate"),
    path("<uuid:pk>/language/", views.language_set, name="language_set"),
    path("<uuid:pk>/requests/<uuid:request_pk>/approve/", views.request_approve, name="request_approve"),
    path("<uuid:pk>/requests/<uuid:request_pk>/decline/", views.request_decline, name="request_decline"),
    path("<uuid:pk>/members/<uuid:member_pk>/remove/", views.member_remove, name="member_remove"),
    path("<uuid:pk>/handover/", views.handover, name="handover"),
]
