from django.urls import path

from offenestadt.infrastructure import views

app_name = "infrastructure"
urlpatterns = [
    path("", views.asset_list, name="asset_list"),
    path("infrastruktur.geojson", views.geojson, name="geojson"),
    path("neu/", views.asset_edit, name="asset_create"),
    path("<int:pk>/", views.asset_detail, name="asset_detail"),
    path("<int:pk>/bearbeiten/", views.asset_edit, name="asset_edit"),
]
