from django.urls import path

from offenestadt.software import views

app_name = "software"

urlpatterns = [
    path("", views.component_list, name="list"),
    path("neu/", views.component_create, name="create"),
    path("import/", views.component_import, name="import"),
    path("<slug:slug>/", views.component_detail, name="detail"),
    path("<slug:slug>/publiccode.yml", views.component_publiccode, name="publiccode"),
    path("<slug:slug>/bearbeiten/", views.component_edit, name="edit"),
    path("<slug:slug>/import/", views.component_import, name="import_into"),
]
