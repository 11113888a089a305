"""The address of adopting a charter change under /beteiligung/ (namespace ``contributions``)."""

from django.urls import path

from offenestadt.participation.amendments import views

urlpatterns = [
    path(
        "<slug:slug>/vorschlaege/<int:pk>/beschliessen/",
        views.proposal_adopt,
        name="proposal_adopt",
    ),
]
