"""The statement says when the platform was checked: never a day still to come."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from offenestadt.accessibility.models import Statement
from offenestadt.accessibility.tests.test_accessibility_statement import STATEMENT
from offenestadt.accounts.models import User

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User | None], Client]


@pytest.mark.parametrize("field", ["checked_on", "updated_on"])
def test_a_date_in_the_future_is_refused_and_the_statement_stays(
    administrator: User, client_for: ClientFor, field: str
) -> None:
    admin = client_for(administrator)
    assert admin.post("/barrierefreiheit/bearbeiten/", STATEMENT).status_code == 302
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    answer = admin.post("/barrierefreiheit/bearbeiten/", {**STATEMENT, field: tomorrow})
    assert answer.status_code == 400
    assert "Dieses Datum liegt in der Zukunft." in answer.content.decode()
    stored = Statement.objects.get()
    assert getattr(stored, field).isoformat() == STATEMENT[field]
    today = {**STATEMENT, field: timezone.localdate().isoformat()}
    assert admin.post("/barrierefreiheit/bearbeiten/", today).status_code == 302
