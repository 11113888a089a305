from django.urls import path

from offenestadt.opendata.catalogue import edit_views, views
from offenestadt.opendata.catalogue.feeds import DatasetFeed

app_name = "opendata"
urlpatterns = [
    path("", views.dataset_list, name="dataset_list"),
    path("feed.atom", DatasetFeed(), name="feed"),
    path("neu/", edit_views.dataset_edit, name="dataset_create"),
    path("<slug:name>/", views.dataset_detail, name="dataset_detail"),
    path("<slug:name>/bearbeiten/", edit_views.dataset_edit, name="dataset_edit"),
    path("<slug:name>/veroeffentlichen/", edit_views.dataset_publish, name="dataset_publish"),
    path("<slug:name>/zurueckziehen/", edit_views.dataset_withdraw, name="dataset_withdraw"),
    # Files and links: /daten/<name>/dateien/neu/, …/dateien/<uuid>/ (the download) …
    path("<slug:name>/dateien/neu/", edit_views.distribution_edit, name="distribution_add"),
    path(
        "<slug:name>/dateien/<uuid:identifier>/",
        views.distribution_download,
        name="distribution_download",
    ),
    path(
        "<slug:name>/dateien/<uuid:identifier>/aendern/",
        edit_views.distribution_edit,
        name="distribution_edit",
    ),
    path(
        "<slug:name>/dateien/<uuid:identifier>/anonymisieren/",
        edit_views.distribution_to_pipeline,
        name="distribution_to_pipeline",
    ),
    path(
        "<slug:name>/dateien/<uuid:identifier>/entfernen/",
        edit_views.distribution_delete,
        name="distribution_delete",
    ),
]
