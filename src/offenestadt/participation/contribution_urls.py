"""Addresses of proposals, reports, moderation and notifications, under /beteiligung/.

They share the prefix with the procedures' own pages (participation.urls): these are
mounted first, and their words (vorschlaege, melden, meldungen, benachrichtigung) are
not used there.
"""

from django.urls import path, register_converter

from offenestadt.participation import contribution_views as views

register_converter(views.ContributionKindConverter, "contribution_kind")

app_name = "contributions"
urlpatterns = [
    path("meldungen/", views.moderation_queue, name="moderation_queue"),
    path(
        "meldungen/<contribution_kind:kind>/<int:pk>/",
        views.report_resolve,
        name="report_resolve",
    ),
    path(
        "benachrichtigung/<str:token>/bestaetigen/",
        views.subscription_confirm,
        name="subscription_confirm",
    ),
    path("benachrichtigung/<str:token>/abmelden/", views.unsubscribe, name="unsubscribe"),
    path(
        "unterstuetzung/<str:token>/bestaetigen/",
        views.support_confirm,
        name="support_confirm",
    ),
    path("<slug:slug>/benachrichtigung/", views.subscribe, name="subscribe"),
    path("<slug:slug>/vorschlaege/", views.proposal_list, name="proposal_list"),
    path("<slug:slug>/vorschlaege/neu/", views.proposal_create, name="proposal_create"),
    path("<slug:slug>/vorschlaege/erfassen/", views.proposal_enter, name="proposal_enter"),
    path("<slug:slug>/vorschlaege/<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path(
        "<slug:slug>/vorschlaege/<int:pk>/unterstuetzen/",
        views.proposal_support,
        name="proposal_support",
    ),
    path(
        "<slug:slug>/vorschlaege/<int:pk>/unterstuetzung-erfassen/",
        views.proposal_support_enter,
        name="proposal_support_enter",
    ),
    path(
        "<slug:slug>/vorschlaege/<int:pk>/antworten/",
        views.proposal_answer,
        name="proposal_answer",
    ),
    path(
        "<slug:slug>/vorschlaege/<int:pk>/ausblenden/",
        views.proposal_hide,
        name="proposal_hide",
    ),
    path(
        "<slug:slug>/vorschlaege/<int:pk>/beschliessen/",
        views.proposal_adopt,
        name="proposal_adopt",
    ),
    path(
        "<slug:slug>/melden/<contribution_kind:kind>/<int:pk>/",
        views.report_create,
        name="report_create",
    ),
]
