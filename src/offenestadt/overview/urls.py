from django.urls import URLPattern, URLResolver, path

from offenestadt.overview import views

app_name = "overview"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("charta/stand/", views.dashboard, name="dashboard"),
    path("charta/bericht/", views.annual_report_latest, name="annual_report_latest"),
    path("charta/bericht/<int:year>/", views.annual_report, name="annual_report"),
    path(
        "charta/bericht/<int:year>/bericht.pdf", views.annual_report_pdf, name="annual_report_pdf"
    ),
    # The council's pages are its own (council.urls); the dossier reads every domain app.
    path("rat/sitzungen/<int:pk>/dossier.pdf", views.meeting_dossier_pdf, name="meeting_dossier"),
]
