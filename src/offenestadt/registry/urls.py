from django.urls import path, register_converter

from offenestadt.core.converters import words_converter
from offenestadt.registry import views

# The kinds of part that belong to the project directly (access channels: see below).
PartKindConverter = words_converter(
    kind for kind, part in views.PART_KINDS.items() if not part.in_service
)


register_converter(PartKindConverter, "registry_part")

app_name = "registry"
urlpatterns = [
    path("", views.project_list, name="project_list"),
    path("uebersicht/", views.overview, name="overview"),
    path("neu/", views.project_create, name="project_create"),
    path("<slug:slug>/", views.project_detail, name="project_detail"),
    path("<slug:slug>/bearbeiten/", views.project_edit, name="project_edit"),
    path("<slug:slug>/veroeffentlichen/", views.project_publish, name="project_publish"),
    path("<slug:slug>/stand/", views.project_transition, name="project_transition"),
    path("<slug:slug>/pruefungen/", views.project_evaluations, name="project_evaluations"),
    # What belongs to a project: /projekte/<slug>/schulung/neu/, …/schulung/3/aendern/ …
    path(
        "<slug:slug>/<registry_part:kind>/neu/",
        views.project_part_edit,
        name="project_part_add",
    ),
    path(
        "<slug:slug>/<registry_part:kind>/<int:pk>/aendern/",
        views.project_part_edit,
        name="project_part_edit",
    ),
    path(
        "<slug:slug>/<registry_part:kind>/<int:pk>/entfernen/",
        views.project_part_delete,
        name="project_part_delete",
    ),
    # … and the access channels of its services: …/dienstleistung/3/zugangsweg/neu/.
    path(
        "<slug:slug>/dienstleistung/<int:service_pk>/zugangsweg/neu/",
        views.project_part_edit,
        {"kind": "zugangsweg"},
        name="access_channel_add",
    ),
    path(
        "<slug:slug>/dienstleistung/<int:service_pk>/zugangsweg/<int:pk>/aendern/",
        views.project_part_edit,
        {"kind": "zugangsweg"},
        name="access_channel_edit",
    ),
    path(
        "<slug:slug>/dienstleistung/<int:service_pk>/zugangsweg/<int:pk>/entfernen/",
        views.project_part_delete,
        {"kind": "zugangsweg"},
        name="access_channel_delete",
    ),
]
