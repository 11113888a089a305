"""Addresses of procedures under /beteiligung/ (namespace ``participation``): the public
pages, their feeds and open data, and the pages staff use to run a procedure."""

from django.urls import path

from offenestadt.participation.procedures import staff_views, views
from offenestadt.participation.procedures.feeds import AllProceduresFeed, ProcedureFeed

urlpatterns = [
    path("", views.procedure_list, name="procedure_list"),
    path("feed.atom", AllProceduresFeed(), name="feed"),
    path("beitraege.csv", views.contributions_csv, name="contributions_csv_all"),
    path("beitraege.json", views.contributions_json, name="contributions_json_all"),
    path("neu/", staff_views.procedure_edit, name="procedure_create"),
    path("<slug:slug>/", views.procedure_detail, name="procedure_detail"),
    path("<slug:slug>/bearbeiten/", staff_views.procedure_edit, name="procedure_edit"),
    path("<slug:slug>/veroeffentlichen/", staff_views.procedure_publish, name="procedure_publish"),
    path("<slug:slug>/feed.atom", ProcedureFeed(), name="procedure_feed"),
    path("<slug:slug>/beitraege.csv", views.contributions_csv, name="contributions_csv"),
    path("<slug:slug>/beitraege.json", views.contributions_json, name="contributions_json"),
    # What people should know first, and its version for paper.
    path("<slug:slug>/material/", views.procedure_material, name="procedure_material"),
    path(
        "<slug:slug>/material/drucken/",
        views.procedure_material_print,
        name="procedure_material_print",
    ),
    path("<slug:slug>/ergebnis/", views.procedure_results, name="procedure_results"),
    path(
        "<slug:slug>/ergebnis/drucken/",
        views.procedure_results_print,
        name="procedure_results_print",
    ),
    path("<slug:slug>/ergebnis/bericht/", staff_views.report_edit, name="report_edit"),
    path("<slug:slug>/phasen/neu/", staff_views.phase_edit, name="phase_add"),
    path("<slug:slug>/phasen/<int:pk>/aendern/", staff_views.phase_edit, name="phase_edit"),
    path("<slug:slug>/phasen/<int:pk>/entfernen/", staff_views.phase_delete, name="phase_delete"),
    # The texts, paragraph by paragraph: /beteiligung/<slug>/texte/3/#absatz-2
    path("<slug:slug>/texte/neu/", staff_views.document_create, name="document_create"),
    path("<slug:slug>/texte/<int:pk>/", views.document_detail, name="document_detail"),
    path("<slug:slug>/texte/<int:pk>/aendern/", staff_views.document_edit, name="document_edit"),
    path(
        "<slug:slug>/texte/<int:pk>/entfernen/",
        staff_views.document_delete,
        name="document_delete",
    ),
    path(
        "<slug:slug>/texte/<int:pk>/absaetze/neu/",
        staff_views.paragraph_edit,
        name="paragraph_add",
    ),
    path(
        "<slug:slug>/texte/<int:pk>/absaetze/<int:paragraph_pk>/aendern/",
        staff_views.paragraph_edit,
        name="paragraph_edit",
    ),
    path(
        "<slug:slug>/texte/<int:pk>/absaetze/<int:paragraph_pk>/entfernen/",
        staff_views.paragraph_delete,
        name="paragraph_delete",
    ),
    path("<slug:slug>/veranstaltungen/neu/", staff_views.meeting_edit, name="meeting_add"),
    path("<slug:slug>/veranstaltungen/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path(
        "<slug:slug>/veranstaltungen/<int:pk>/aendern/",
        staff_views.meeting_edit,
        name="meeting_edit",
    ),
    path(
        "<slug:slug>/veranstaltungen/<int:pk>/protokoll-veroeffentlichen/",
        staff_views.meeting_minutes_publish,
        name="meeting_minutes_publish",
    ),
]
