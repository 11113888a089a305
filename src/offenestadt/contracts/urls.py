from django.urls import path

from offenestadt.contracts import views

app_name = "contracts"
urlpatterns = [
    path("", views.contract_list, name="contract_list"),
    path("vertraege.csv", views.contract_csv, name="contract_csv"),
    path("<int:pk>/", views.contract_detail, name="contract_detail"),
]
