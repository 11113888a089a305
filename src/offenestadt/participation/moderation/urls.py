"""Addresses of moderation under /beteiligung/: the moderation queue and its decisions, the
report button and hiding a proposal (namespace ``contributions``); hiding a comment sits
with the comments' addresses (namespace ``participation``, ``comment_urlpatterns``)."""

from django.urls import path, register_converter

from offenestadt.participation.moderation import views

register_converter(views.ContributionKindConverter, "contribution_kind")

urlpatterns = [
    path("meldungen/", views.moderation_queue, name="moderation_queue"),
    path(
        "meldungen/<contribution_kind:kind>/<int:pk>/",
        views.report_resolve,
        name="report_resolve",
    ),
    path(
        "<slug:slug>/vorschlaege/<int:pk>/ausblenden/",
        views.proposal_hide,
        name="proposal_hide",
    ),
    path(
        "<slug:slug>/melden/<contribution_kind:kind>/<int:pk>/",
        views.report_create,
        name="report_create",
    ),
]
comment_urlpatterns = [
    path(
        "<slug:slug>/kommentare/<int:comment_pk>/ausblenden/",
        views.comment_hide,
        name="comment_hide",
    ),
]
