"""The demo has a catalogue to show: a free course, a session with places, a full one."""

import pytest
from django.test import Client

from offenestadt.charter.engine import Status
from offenestadt.core.demo_loader import load_demo_content
from offenestadt.registry.models import Project, Service
from offenestadt.registry.services import project_findings
from offenestadt.training.models import Registration, Session

pytestmark = pytest.mark.django_db


def test_the_demo_offers_a_free_course_with_a_waiting_list(client: Client) -> None:
    load_demo_content()
    smartphone = Session.objects.filter(course__title="Das Smartphone im Alltag")
    assert smartphone.count() == 2
    assert sorted(Registration.objects.values_list("status", flat=True)) == [
        "confirmed",
        "waiting",
    ]
    page = client.get("/schulungen/").content.decode()
    assert "Das Smartphone im Alltag" in page and "kostenlos" in page
    full = smartphone.order_by("starts_at").last()
    assert full is not None
    assert "0234 000000" not in client.get(full.get_absolute_url()).content.decode()


def test_the_demo_projects_have_courses_before_their_services_change() -> None:
    """P4 in the demo: met by free courses with sessions (before the day a service changes),
    violated by a paid workshop, missing where a changed service has no course."""
    load_demo_content()
    found = {}
    for project in Project.objects.all():
        _, findings = project_findings(project)
        (p4,) = [f for f in findings if f.rule == "free-training"]
        found[project.title] = p4.status
    assert found["Offenes WLAN in Stadtteilzentren (Demo)"] == Status.MET
    assert found["Digitale Sprechstunde im Seniorenbüro (Demo)"] == Status.MET
    assert found["Sensoren für Bodenfeuchte in Parks (Demo)"] == Status.VIOLATED
    assert found["Digitale Terminvergabe im Bürgerbüro (Demo)"] == Status.MISSING
    assert not Service.objects.filter(changes_on__isnull=True).exists()
