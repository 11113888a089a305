from django.urls import path

from offenestadt.accessibility import views

app_name = "accessibility"
urlpatterns = [
    path("", views.statement, name="statement"),
    path("bearbeiten/", views.statement_edit, name="statement_edit"),
    path("leichte-sprache/", views.easy_read, name="easy_read"),
    path("rueckmeldung/", views.feedback_create, name="feedback"),
    path("rueckmeldungen/", views.feedback_queue, name="feedback_queue"),
    path("rueckmeldungen/<int:pk>/", views.feedback_detail, name="feedback_detail"),
]
