from django.urls import path

from iasios.standards import views

app_name = "standards"

urlpatterns = [
    path("", views.browse, name="browse"),
    path("versions/", views.versions, name="versions"),
    # Before the version pattern: versions start with a digit, so "diff" is never one.
    path("<slug:code>/diff/", views.diff, name="diff"),
    path("<slug:code>/<str:version>/", views.version_detail, name="version"),
    path("<slug:code>/<str:version>/standards.pdf", views.standards_pdf, name="pdf"),
]
