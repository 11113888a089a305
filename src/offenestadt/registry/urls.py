from django.urls import path

from offenestadt.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.project_list, name="project_list"),
    path("uebersicht/", views.overview, name="overview"),
    path("neu/", views.project_create, name="project_create"),
    path("<slug:slug>/", views.project_detail, name="project_detail"),
    path("<slug:slug>/bearbeiten/", views.project_edit, name="project_edit"),
    path("<slug:slug>/veroeffentlichen/", views.project_publish, name="project_publish"),
    path("<slug:slug>/stand/", views.project_transition, name="project_transition"),
    path("<slug:slug>/pruefungen/", views.project_evaluations, name="project_evaluations"),
]
