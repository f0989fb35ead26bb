from django.urls import path

from iasios.decisions import views_committee
from iasios.site import views

urlpatterns = [
    path("", views.home, name="home"),
    path("interventional-oncology/", views.about_io, name="about_io"),
    path("programme/", views.programme, name="programme"),
    path("eligibility/", views.eligibility, name="eligibility"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("office/", views.office_home, name="office_home"),
    path("assessor/", views.assessor_home, name="assessor_home"),
    path("committee/", views_committee.queue, name="committee_home"),
    path("help/<slug:role>/", views.help_page, name="help"),
]
