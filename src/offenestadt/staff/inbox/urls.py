"""The inbox's address, /aufgaben/ (namespace ``staff``)."""

from django.urls import path

from offenestadt.staff.inbox import views

urlpatterns = [
    path("", views.inbox, name="inbox"),
]
