from django.urls import path

from offenestadt.opendata import views
from offenestadt.opendata.feeds import DatasetFeed

app_name = "opendata"
urlpatterns = [
    path("", views.dataset_list, name="dataset_list"),
    path("feed.atom", DatasetFeed(), name="feed"),
    path("neu/", views.dataset_edit, name="dataset_create"),
    path("<slug:name>/", views.dataset_detail, name="dataset_detail"),
    path("<slug:name>/bearbeiten/", views.dataset_edit, name="dataset_edit"),
    path("<slug:name>/veroeffentlichen/", views.dataset_publish, name="dataset_publish"),
    path("<slug:name>/zurueckziehen/", views.dataset_withdraw, name="dataset_withdraw"),
    # Files and links: /daten/<name>/dateien/neu/, …/dateien/<uuid>/ (the download) …
    path("<slug:name>/dateien/neu/", views.distribution_edit, name="distribution_add"),
    path(
        "<slug:name>/dateien/<uuid:identifier>/",
        views.distribution_download,
        name="distribution_download",
    ),
    path(
        "<slug:name>/dateien/<uuid:identifier>/aendern/",
        views.distribution_edit,
        name="distribution_edit",
    ),
    path(
        "<slug:name>/dateien/<uuid:identifier>/anonymisieren/",
        views.distribution_to_pipeline,
        name="distribution_to_pipeline",
    ),
    path(
        "<slug:name>/dateien/<uuid:identifier>/entfernen/",
        views.distribution_delete,
        name="distribution_delete",
    ),
]
