from django.urls import path

from offenestadt.core import views

app_name = "core"
urlpatterns = [
    path("datenschutz/", views.privacy, name="privacy"),
    path("impressum/", views.imprint, name="imprint"),
]
