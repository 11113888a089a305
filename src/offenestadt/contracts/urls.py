from django.urls import path, register_converter

from offenestadt.contracts import views
from offenestadt.core.converters import words_converter

# The kinds of data clause: ort, unterauftragnehmer, zugriff, schwaerzung.
ClauseKindConverter = words_converter(views.CLAUSE_KINDS)


register_converter(ClauseKindConverter, "contract_clause")

app_name = "contracts"
urlpatterns = [
    path("", views.contract_list, name="contract_list"),
    path("vertraege.csv", views.contract_csv, name="contract_csv"),
    path("neu/", views.contract_edit, name="contract_create"),
    path("auftragnehmer/neu/", views.vendor_create, name="vendor_create"),
    path("<int:pk>/", views.contract_detail, name="contract_detail"),
    path("<int:pk>/bearbeiten/", views.contract_edit, name="contract_edit"),
    path("<int:pk>/stand/", views.contract_transition, name="contract_transition"),
    path("<int:pk>/kommentieren/", views.comment_create, name="comment_create"),
    path(
        "<int:pk>/kommentare/<int:comment_pk>/ausblenden/",
        views.comment_hide,
        name="comment_hide",
    ),
    path("<int:pk>/oeffentliche-fassung.pdf", views.public_document, name="public_document"),
    path("<int:pk>/unterzeichnet.pdf", views.signed_document, name="signed_document"),
    # The data clauses: /vertraege/<pk>/schwaerzung/neu/, …/schwaerzung/3/aendern/ …
    path("<int:pk>/<contract_clause:kind>/neu/", views.clause_edit, name="clause_add"),
    path(
        "<int:pk>/<contract_clause:kind>/<int:clause_pk>/aendern/",
        views.clause_edit,
        name="clause_edit",
    ),
    path(
        "<int:pk>/<contract_clause:kind>/<int:clause_pk>/entfernen/",
        views.clause_delete,
        name="clause_delete",
    ),
]
