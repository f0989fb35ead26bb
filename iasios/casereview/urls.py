from django.urls import path

from iasios.casereview import views

app_name = "casereview"

urlpatterns = [
    path("cycle/<uuid:cycle_id>/", views.cycle_page, name="cycle"),
    path("cycle/<uuid:cycle_id>/log/", views.log_upload, name="log_upload"),
    path("cycle/<uuid:cycle_id>/log/template.csv", views.log_template, name="log_template"),
    path("cycle/<uuid:cycle_id>/draw/", views.draw, name="draw"),
    path("cycle/<uuid:cycle_id>/verify/", views.verify, name="verify"),
    path("cycle/<uuid:cycle_id>/cases/<int:position>/", views.case_review, name="case"),
    path("cycle/<uuid:cycle_id>/cases/<int:position>/exclude/", views.case_exclude, name="exclude"),
    path("cycle/<uuid:cycle_id>/summary/", views.summary, name="summary"),
    path("cycle/<uuid:cycle_id>/summary.csv", views.summary_csv, name="summary_csv"),
]
