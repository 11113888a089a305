"""The public history shows values as people read them, and only what really changed."""

from collections.abc import Callable
from decimal import Decimal

from django.test import Client

from offenestadt.accounts.models import Office, User
from offenestadt.audit.models import AuditEntry
from offenestadt.audit.verification import verify_chain
from offenestadt.charter.demo import DEFAULT_CHARTER
from offenestadt.charter.services import charter_load
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


def test_a_charter_version_reads_as_its_principles_and_rules(db: None) -> None:
    charter_load(text=DEFAULT_CHARTER.read_text(encoding="utf-8"), actor=None)

    german = " ".join(Client().get("/audit/").content.decode().split())
    assert "Prinzip P1: Datensparsamkeit<br>" in german
    assert "Längste Speicherdauer ohne schriftliche Begründung (P1): 12 Monate<br>" in german
    # Set by two principles, whose checks read it.
    assert "Übermittlung in Drittländer nur mit Garantie (P1): Ja<br>" in german
    assert "Übermittlung in Drittländer nur mit Garantie (P2): Ja<br>" in german
    english = Client().get("/en/audit/").content.decode()
    assert "Principle P1: Data minimisation<br>" in english
    assert "Longest retention without a written justification (P1): 12 months<br>" in english
    for page in (german, english):
        for key in ("max_retention_months", "principles:", "gate:", "unit:", "plain:"):
            assert key not in page


def test_the_feed_names_the_changed_fields(editor: User, office: Office) -> None:
    project = services.project_create(
        actor=editor,
        office=office,
        title="Smarte Laternen",
        summary="Dimmen nachts.",
    )
    services.project_publish(actor=editor, project=project)

    feed = Client().get("/audit/feed.atom").content.decode()
    assert '<summary type="html">Veröffentlicht am</summary>' in feed
    assert "published_at" not in feed
