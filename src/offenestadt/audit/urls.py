from django.urls import path

from offenestadt.audit import views
from offenestadt.audit.feeds import ChangesFeed

app_name = "audit"
urlpatterns = [
    path("", views.changes, name="changes"),
    path("feed.atom", ChangesFeed(), name="feed"),
    path("checkpoints", views.checkpoints, name="checkpoints"),
    path("entries.json", views.entries_json, name="entries"),
]
