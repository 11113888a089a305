"""Addresses of proposals and their support under /beteiligung/ (namespace
``contributions``)."""

from django.urls import path

from offenestadt.participation.proposals import views

urlpatterns = [
    path(
        "unterstuetzung/<str:token>/bestaetigen/",
        views.support_confirm,
        name="support_confirm",
    ),
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
]
