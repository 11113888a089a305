"""The staff's notice choices, under /aufgaben/ (namespace ``staff``)."""

from django.urls import path

from offenestadt.staff.notifications import views

urlpatterns = [
    path("benachrichtigungen/", views.notice_choices, name="notice_choices"),
]
