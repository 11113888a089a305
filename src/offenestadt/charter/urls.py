from django.urls import path

from offenestadt.charter import views

app_name = "charter"
urlpatterns = [
    path("", views.charter_in_force, name="in_force"),
    path("version/<int:number>/", views.charter_version, name="version"),
    path("version/<int:number>/charta.toml", views.charter_document, name="document"),
    path("vergleich/", views.charter_comparison, name="comparison"),
    path("pruefungen/", views.checks, name="checks"),
    # A project's finding taken from a linked record that is not public: the way to its form.
    path("beheben/<str:label>/<int:pk>/<str:counting>/", views.linked_fix, name="linked_fix"),
]
