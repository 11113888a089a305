"""The demo has a catalogue to show: a free course, a session with places, a full one."""

import pytest
from django.test import Client

from offenestadt.core.demo_loader import load_demo_content
from offenestadt.training.models import Registration, Session

pytestmark = pytest.mark.django_db


def test_the_demo_offers_a_free_course_with_a_waiting_list(client: Client) -> None:
    load_demo_content()
    assert Session.objects.count() == 2
    assert sorted(Registration.objects.values_list("status", flat=True)) == [
        "confirmed",
        "waiting",
    ]
    page = client.get("/schulungen/").content.decode()
    assert "Das Smartphone im Alltag" in page and "kostenlos" in page
    full = Session.objects.order_by("starts_at").last()
    assert full is not None
    assert "0234 000000" not in client.get(full.get_absolute_url()).content.decode()
