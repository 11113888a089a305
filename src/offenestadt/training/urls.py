from django.urls import path

from offenestadt.training import views

app_name = "training"
urlpatterns = [
    path("", views.session_list, name="list"),
    path("termine.ics", views.sessions_ics, name="ics"),
    path("programm.pdf", views.programme_pdf, name="programme"),
    path("programm-grossdruck.pdf", views.programme_pdf, {"large": True}, name="programme_large"),
    path("neu/", views.course_edit, name="course_create"),
    path("kurs/<int:pk>/", views.course_detail, name="course"),
    path("kurs/<int:pk>/bearbeiten/", views.course_edit, name="course_edit"),
    path("kurs/<int:course_pk>/neuer-termin/", views.session_edit, name="session_create"),
    path("termin/<int:pk>/", views.session_detail, name="session"),
    path("termin/<int:pk>/bearbeiten/", views.session_edit, name="session_edit"),
    path("termin/<int:pk>/absagen/", views.session_cancel, name="session_cancel"),
    path("termin/<int:pk>/anmeldungen/", views.session_registrations, name="registrations"),
    path("termin/<int:pk>/anrufliste.pdf", views.call_list_pdf, name="call_list"),
    path("abmelden/<str:token>/", views.registration_cancel, name="cancel"),
]
