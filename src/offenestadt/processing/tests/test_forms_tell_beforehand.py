"""Forms tell beforehand what they would meet: the charter's limits beside the fields they
bound, and what keeps an entry from review above the form that submits it; a refused
submission answers at the top of the page."""

from collections.abc import Callable

from django.test import Client

from offenestadt.accounts.models import User
from offenestadt.charter.models import CharterVersion
from offenestadt.processing import services
from offenestadt.processing.models import ProcessingActivity, ReviewStatus
from offenestadt.registry.models import Project
from offenestadt.registry.tests.factories import ProjectFactory

ClientFor = Callable[[User | None], Client]


def test_the_retention_limit_is_told_beside_the_retention_fields(
    charter: CharterVersion, editor: User, client_for: ClientFor
) -> None:
    project = ProjectFactory.create(office=editor.office)
    activity = ProcessingActivity(title="Hundesteuer (Test)", office=editor.office)
    services.activity_save(actor=editor, activity=activity, projects=[project])

    page = client_for(editor).get(f"{activity.get_absolute_url()}kategorie/neu/")

    text = page.content.decode()
    assert page.status_code == 200
    assert (
        '<p class="help" id="id_retention_amount_helptext">'
        "Die Charta erlaubt höchstens 12 Monate ohne Begründung.</p>"
    ) in text
    assert "Nötig, wenn die Daten länger als 12 Monate gespeichert werden." in text


def test_submitting_without_categories_shows_what_is_missing(
    editor: User, client_for: ClientFor
) -> None:
    project: Project = ProjectFactory.create(office=editor.office)
    activity = ProcessingActivity(title="Leerer Eintrag (Test)", office=editor.office)
    services.activity_save(actor=editor, activity=activity, projects=[project])

    client = client_for(editor)
    # Before anything is sent, the form says what it would meet.
    page = client.get(activity.get_absolute_url()).content.decode()
    assert page.index("Vor dem Einreichen ist noch offen") < page.index('einreichen/" class')
    assert "Tragen Sie zuerst die Kategorien" in page

    response = client.post(f"{activity.get_absolute_url()}einreichen/", {})

    assert response.status_code == 409
    page = response.content.decode()
    # The refusal stands right under the heading, announced and focused.
    refusal = page.index('id="verweigert" role="alert" tabindex="-1" autofocus')
    assert page.index("<h1>") < refusal < page.index('id="pruefung"')
    assert "Tragen Sie zuerst die Kategorien" in page[refusal:]
    activity.refresh_from_db()
    assert activity.review_status == ReviewStatus.DRAFT
