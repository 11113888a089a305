"""The page on which staff choose their notices, and the DPO's view of what changed since a
return."""

import re
from collections.abc import Callable

import pytest
from django.test import Client

from conftest import sign_in
from offenestadt.accounts.models import User
from offenestadt.processing import services as processing_services
from offenestadt.processing.tests.test_review import complete_activity
from offenestadt.registry.tests.factories import ProjectFactory
from offenestadt.staff.notifications import selectors
from offenestadt.staff.notifications.models import NoticeKind

ClientFor = Callable[[User | None], Client]
PAGE = "/aufgaben/benachrichtigungen/"


def test_staff_get_every_notice_until_they_choose(editor: User, client_for: ClientFor) -> None:
    response = client_for(editor).get(PAGE)
    assert response.status_code == 200
    assert response.content.decode().count('type="checkbox"') == len(NoticeKind)
    assert response.content.decode().count("checked") == len(NoticeKind)
    assert selectors.notices_chosen_by(editor) == set(NoticeKind)


def test_a_choice_is_kept(editor: User, client_for: ClientFor) -> None:
    client = client_for(editor)
    response = client.post(PAGE, {"kinds": ["returned"], "language": "en"}, follow=True)
    assert "Ihre Auswahl ist gespeichert." in response.content.decode()
    assert selectors.notices_chosen_by(editor) == {NoticeKind.RETURNED}
    assert selectors.notice_language_of(editor) == "en"


def test_a_bad_choice_is_answered_in_german(editor: User, client_for: ClientFor) -> None:
    response = client_for(editor).post(PAGE, {"kinds": ["alles"], "language": "xx"})
    assert response.status_code == 200
    assert "Wählen Sie nur Benachrichtigungen aus der Liste." in response.content.decode()
    assert "Wählen Sie eine der angebotenen Sprachen." in response.content.decode()


@pytest.mark.parametrize(
    "sent",
    [
        {"kinds": ["returned", "\x00"], "language": "en"},
        {"kinds": ["x" * 2_000_000], "language": "en"},
        {"kinds": [str(2**63)], "language": "en"},
        {"kinds": ["returned"], "language": "\x00"},
        {"kinds": ["returned"], "language": "e" * 2_000_000},
        {"kinds": ["returned"], "language": "NaN"},
    ],
)
def test_a_hostile_value_is_refused_without_repeating_it_and_nothing_is_stored(
    editor: User, client_for: ClientFor, sent: dict[str, list[str] | str]
) -> None:
    response = client_for(editor).post(PAGE, sent)
    page = response.content.decode()
    assert "Bitte korrigieren Sie die markierten Angaben" in page
    assert "\x00" not in page
    assert len(page) < 100_000
    assert selectors.notices_chosen_by(editor) == set(NoticeKind)
    assert selectors.notice_language_of(editor) == "de"


def test_a_choice_sent_without_the_forms_token_is_not_stored(editor: User) -> None:
    client = sign_in(Client(enforce_csrf_checks=True), editor)
    response = client.post(PAGE, {"kinds": ["returned"], "language": "en"})
    assert response.status_code == 403
    assert "Laden Sie die Seite neu und senden Sie das Formular noch einmal." in (
        response.content.decode()
    )
    assert selectors.notices_chosen_by(editor) == set(NoticeKind)


def test_residents_and_visitors_find_no_such_page(
    resident: User, council_member: User, client_for: ClientFor
) -> None:
    assert client_for(resident).get(PAGE).status_code == 404
    assert client_for(council_member).get(PAGE).status_code == 404
    assert client_for(None).get(PAGE).status_code == 302  # to the sign-in


def test_the_dpo_sees_what_changed_since_the_return(
    editor: User, dpo: User, client_for: ClientFor
) -> None:
    project = ProjectFactory.create(office=editor.office, processes_personal_data=True)
    activity = complete_activity(editor, project)
    processing_services.activity_submit(actor=editor, activity=activity)
    page = client_for(dpo).get(activity.get_absolute_url()).content.decode()
    assert "Geändert seit Ihrer Rückgabe" not in page  # never returned
    processing_services.activity_return(actor=dpo, activity=activity, comment="Empfänger?")
    activity.refresh_from_db()
    activity.recipients = "Bürgerbüro und Standesamt"
    processing_services.activity_save(actor=editor, activity=activity, projects=[project])
    category = activity.categories.get()
    category.retention_amount = 3
    processing_services.activity_part_save(actor=editor, part=category)
    processing_services.activity_submit(actor=editor, activity=activity)
    page = client_for(dpo).get(activity.get_absolute_url()).content.decode()
    section = page[page.index("Geändert seit Ihrer Rückgabe") :]
    section = re.sub(r">\s+<", "><", section[: section.index("Entfernte Kategorien")])
    assert "Verarbeitungstätigkeit: Terminvergabe" in section
    assert (
        '<th scope="row">Kategorien von Empfängern</th>'
        "<td>Bürgerbüro</td><td>Bürgerbüro und Standesamt</td>" in section
    )
    assert "Datenkategorie: Name" in section
    assert "<td>1</td><td>3</td>" in section
    assert "recipients" not in section
    assert "retention_amount" not in section
    assert "Prüfung" not in section  # the review's own state is no change of content
