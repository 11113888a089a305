"""The public history shows values as people read them, and only what really changed."""

from collections.abc import Callable
from decimal import Decimal

from django.test import Client

from offenestadt.accounts.models import Office, User
from offenestadt.audit.models import AuditEntry
from offenestadt.audit.verification import verify_chain
from offenestadt.registry import services

ClientFor = Callable[[User | None], Client]


def test_a_budget_entered_without_cents_is_no_change_later(
    editor: User, office: Office, client_for: ClientFor
) -> None:
    project = services.project_create(
        actor=editor,
        office=office,
        title="Smarte Laternen",
        summary="Dimmen nachts.",
        budget=Decimal("95000"),
        processes_personal_data=True,
    )
    services.project_publish(actor=editor, project=project)

    creation, publication = AuditEntry.objects.for_record(project).order_by("seq")
    assert creation.changes["budget"] == [None, "95000.00"]
    assert "budget" not in publication.changes
    assert verify_chain().ok

    history = client_for(editor).get(project.get_absolute_url()).content.decode()
    rows = " ".join(history.split())
    assert "Budget in Euro</th> <td>–</td><td>95.000,00</td>" in rows
    assert "Verarbeitet personenbezogene Daten</th> <td>–</td><td>Ja</td>" in rows
    for python_value in ("True", "False", "95000", "None"):
        assert f">{python_value}<" not in rows
