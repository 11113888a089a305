from django.urls import path

from offenestadt.registry.servicepoints import views

app_name = "servicepoints"
urlpatterns = [
    path("", views.service_point_list, name="list"),
    path("neu/", views.service_point_edit, name="create"),
    path("<slug:slug>/", views.service_point_detail, name="detail"),
    path("<slug:slug>/bearbeiten/", views.service_point_edit, name="edit"),
    path("<slug:slug>/veroeffentlichen/", views.service_point_publish, name="publish"),
    path("<slug:slug>/schliessen/", views.service_point_close, name="close"),
    path("<slug:slug>/loeschen/", views.service_point_delete, name="delete"),
    path("<slug:slug>/zeiten/neu/", views.opening_hours_edit, name="hours_add"),
    path("<slug:slug>/zeiten/<int:pk>/aendern/", views.opening_hours_edit, name="hours_edit"),
]
