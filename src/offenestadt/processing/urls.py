from django.urls import path, register_converter

from offenestadt.core.converters import words_converter
from offenestadt.processing import views

# The parts of an entry: kategorie, uebermittlung.
PartKindConverter = words_converter(views.PART_KINDS)


register_converter(PartKindConverter, "activity_part")

app_name = "processing"
urlpatterns = [
    path("", views.activity_list, name="list"),
    path("verzeichnis.json", views.register_json, name="register_json"),
    path("verzeichnis.csv", views.register_csv, name="register_csv"),
    path("verzeichnis.pdf", views.register_pdf, name="register_pdf"),
    path("neu/", views.activity_edit, name="create"),
    path("pruefung/", views.review_queue, name="review_queue"),
    path("loeschlaeufe/", views.retention_runs, name="retention_runs"),
    path("<slug:slug>/", views.activity_detail, name="detail"),
    path("<slug:slug>/bearbeiten/", views.activity_edit, name="edit"),
    path("<slug:slug>/einreichen/", views.activity_submit, name="submit"),
    path("<slug:slug>/pruefen/", views.activity_review, name="review"),
    # The parts of an entry: /verarbeitungen/<slug>/kategorie/neu/, …/kategorie/3/aendern/ …
    path("<slug:slug>/<activity_part:kind>/neu/", views.part_edit, name="part_add"),
    path("<slug:slug>/<activity_part:kind>/<int:pk>/aendern/", views.part_edit, name="part_edit"),
    path(
        "<slug:slug>/<activity_part:kind>/<int:pk>/entfernen/",
        views.part_delete,
        name="part_delete",
    ),
]
