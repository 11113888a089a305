from django.urls import path

from offenestadt.voting import views

app_name = "voting"
urlpatterns = [
    path("", views.vote_list, name="vote_list"),
    path("neu/", views.vote_edit, name="vote_create"),
    path("<int:pk>/", views.vote_detail, name="vote_detail"),
    path("<int:pk>/ergebnis/", views.results, name="results"),
    path("<int:pk>/beleg/", views.receipt_check, name="receipt_check"),
    path("<int:pk>/bearbeiten/", views.vote_edit, name="vote_edit"),
    path("<int:pk>/veroeffentlichen/", views.vote_publish, name="vote_publish"),
    path("<int:pk>/antworten/neu/", views.option_edit, name="option_add"),
    path("<int:pk>/antworten/<int:option_pk>/aendern/", views.option_edit, name="option_edit"),
    path(
        "<int:pk>/antworten/<int:option_pk>/entfernen/",
        views.option_delete,
        name="option_delete",
    ),
    path("<int:pk>/stimmzettel-eingeben/", views.paper_ballot, name="paper_ballot"),
]
