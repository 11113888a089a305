from django.contrib.auth import views as auth_views
from django.urls import path

from offenestadt.accounts import views

app_name = "accounts"
urlpatterns = [
    path("anmelden/", views.LoginView.as_view(), name="login"),
    path("abmelden/", auth_views.LogoutView.as_view(), name="logout"),
    path("zwei-faktor/einrichten/", views.otp_setup, name="otp_setup"),
    path("zwei-faktor/", views.otp_verify, name="otp_verify"),
]
