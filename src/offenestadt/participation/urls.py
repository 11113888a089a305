from django.urls import path

from offenestadt.participation import views
from offenestadt.participation.feeds import AllProceduresFeed, ProcedureFeed

app_name = "participation"
urlpatterns = [
    path("", views.procedure_list, name="procedure_list"),
    path("feed.atom", AllProceduresFeed(), name="feed"),
    path("beitraege.csv", views.contributions_csv, name="contributions_csv_all"),
    path("beitraege.json", views.contributions_json, name="contributions_json_all"),
    path("neu/", views.procedure_edit, name="procedure_create"),
    path("<slug:slug>/", views.procedure_detail, name="procedure_detail"),
    path("<slug:slug>/bearbeiten/", views.procedure_edit, name="procedure_edit"),
    path("<slug:slug>/veroeffentlichen/", views.procedure_publish, name="procedure_publish"),
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
    path("<slug:slug>/ergebnis/bericht/", views.report_edit, name="report_edit"),
    path("<slug:slug>/phasen/neu/", views.phase_edit, name="phase_add"),
    path("<slug:slug>/phasen/<int:pk>/aendern/", views.phase_edit, name="phase_edit"),
    path("<slug:slug>/phasen/<int:pk>/entfernen/", views.phase_delete, name="phase_delete"),
    # The texts, paragraph by paragraph: /beteiligung/<slug>/texte/3/#absatz-2
    path("<slug:slug>/texte/neu/", views.document_create, name="document_create"),
    path("<slug:slug>/texte/<int:pk>/", views.document_detail, name="document_detail"),
    path("<slug:slug>/texte/<int:pk>/aendern/", views.document_edit, name="document_edit"),
    path("<slug:slug>/texte/<int:pk>/entfernen/", views.document_delete, name="document_delete"),
    path("<slug:slug>/texte/<int:pk>/absaetze/neu/", views.paragraph_edit, name="paragraph_add"),
    path(
        "<slug:slug>/texte/<int:pk>/absaetze/<int:paragraph_pk>/aendern/",
        views.paragraph_edit,
        name="paragraph_edit",
    ),
    path(
        "<slug:slug>/texte/<int:pk>/absaetze/<int:paragraph_pk>/entfernen/",
        views.paragraph_delete,
        name="paragraph_delete",
    ),
    # Comments: on the procedure, on a paragraph, as a reply; entered by staff; hidden.
    path("<slug:slug>/kommentieren/", views.comment_create, name="comment_create"),
    path(
        "<slug:slug>/absaetze/<int:paragraph_pk>/kommentieren/",
        views.paragraph_comment,
        name="paragraph_comment",
    ),
    path(
        "<slug:slug>/kommentare/<int:comment_pk>/antworten/",
        views.comment_reply,
        name="comment_reply",
    ),
    path("<slug:slug>/kommentare/eintragen/", views.comment_enter, name="comment_enter"),
    path(
        "<slug:slug>/kommentare/<int:comment_pk>/ausblenden/",
        views.comment_hide,
        name="comment_hide",
    ),
    path("<slug:slug>/veranstaltungen/neu/", views.meeting_edit, name="meeting_add"),
    path("<slug:slug>/veranstaltungen/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("<slug:slug>/veranstaltungen/<int:pk>/aendern/", views.meeting_edit, name="meeting_edit"),
    path(
        "<slug:slug>/veranstaltungen/<int:pk>/protokoll-veroeffentlichen/",
        views.meeting_minutes_publish,
        name="meeting_minutes_publish",
    ),
]
