"""Addresses of commenting under /beteiligung/<slug>/ (namespace ``participation``): on the
procedure, on a paragraph, as a reply; entered by staff. Hiding is moderation's."""

from django.urls import path

from offenestadt.participation.comments import views

urlpatterns = [
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
]
