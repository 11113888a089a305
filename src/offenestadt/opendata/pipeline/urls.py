"""The publication pipeline's staff pages, under /rohdaten/: never a public address, and no
address that serves the raw file."""

from django.urls import path

from offenestadt.opendata.pipeline import views

app_name = "pipeline"
urlpatterns = [
    path("", views.upload_list, name="list"),
    path("neu/", views.upload_create, name="create"),
    path("<int:pk>/", views.upload_detail, name="detail"),
    path("<int:pk>/modell/", views.upload_configure, name="configure"),
    path("<int:pk>/pruefung/", views.upload_review, name="review"),
    path("<int:pk>/veroeffentlichen/", views.upload_publish, name="publish"),
    # Files the check for personal data could not clear: the DPO's decisions.
    path("dateien/", views.file_decisions, name="files"),
    path("dateien/<int:pk>/freigeben/", views.file_decisions, name="file_approve"),
]
