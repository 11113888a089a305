from django.urls import path

from offenestadt.training import views

app_name = "training"
urlpatterns = [
    path("", views.session_list, name="list"),
    path("termine.ics", views.sessions_ics, name="ics"),
    path("neu/", views.course_edit, name="course_create"),
    path("kurs/<int:pk>/", views.course_detail, name="course"),
    path("kurs/<int:pk>/bearbeiten/", views.course_edit, name="course_edit"),
    path("kurs/<int:course_pk>/neuer-termin/", views.session_edit, name="session_create"),
    path("termin/<int:pk>/", views.session_detail, name="session"),
    path("termin/<int:pk>/bearbeiten/", views.session_edit, name="session_edit"),
    path("termin/<int:pk>/anmeldungen/", views.session_registrations, name="registrations"),
    path("abmelden/<str:token>/", views.registration_cancel, name="cancel"),
]
