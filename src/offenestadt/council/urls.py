from django.urls import path

from offenestadt.council import views

app_name = "council"
urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("sitzungen.ics", views.meetings_ics, name="meetings_ics"),
    path("sitzungen/<int:pk>/", views.meeting_detail, name="meeting"),
    path("vorlagen/<int:pk>/", views.paper_detail, name="paper"),
]
