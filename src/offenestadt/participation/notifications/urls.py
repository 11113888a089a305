"""Addresses of e-mail notifications under /beteiligung/ (namespace ``contributions``)."""

from django.urls import path

from offenestadt.participation.notifications import views

urlpatterns = [
    path(
        "benachrichtigung/<str:token>/bestaetigen/",
        views.subscription_confirm,
        name="subscription_confirm",
    ),
    path("benachrichtigung/<str:token>/abmelden/", views.unsubscribe, name="unsubscribe"),
    path("<slug:slug>/benachrichtigung/", views.subscribe, name="subscribe"),
]
