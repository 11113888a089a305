"""Every address of participation under /beteiligung/, gathered from its features.

Two namespaces, as templates and links know them: ``contributions`` (proposals, moderation,
notifications, charter amendments) and ``participation`` (procedures and comments). The
first is mounted first: its words (vorschlaege, melden, meldungen, benachrichtigung,
unterstuetzung) are not used by the procedures' own pages, whose ``<slug>/`` would
otherwise take them.
"""

from django.urls import include, path

from offenestadt.participation.amendments import urls as amendments
from offenestadt.participation.comments import urls as comments
from offenestadt.participation.moderation import urls as moderation
from offenestadt.participation.notifications import urls as notifications
from offenestadt.participation.procedures import urls as procedures
from offenestadt.participation.proposals import urls as proposals

contributions_urlpatterns = [
    *moderation.urlpatterns,
    *notifications.urlpatterns,
    *proposals.urlpatterns,
    *amendments.urlpatterns,
]
participation_urlpatterns = [
    *procedures.urlpatterns,
    *comments.urlpatterns,
    *moderation.comment_urlpatterns,
]
urlpatterns = [
    path("", include((contributions_urlpatterns, "contributions"))),
    path("", include((participation_urlpatterns, "participation"))),
]
