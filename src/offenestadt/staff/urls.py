from django.urls import URLPattern, URLResolver, include, path

app_name = "staff"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("offenestadt.staff.notifications.urls")),
    path("", include("offenestadt.staff.inbox.urls")),
]
