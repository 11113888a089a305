"""Addresses from titles: German letters spelt out, whole words only, stored ones unchanged."""

import pytest

from offenestadt.accounts.models import Office, User
from offenestadt.core.slugs import MAX_LENGTH, slug_for
from offenestadt.registry import services
from offenestadt.registry.models import Project


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Straßenbäume in Süd", "strassenbaeume-in-sued"),
        ("Öffentliches WLAN für Ältere", "oeffentliches-wlan-fuer-aeltere"),
        ("GROSSE Übersicht", "grosse-uebersicht"),
        (
            "Digitale Bürgerdienste für alle Stadtteile und Ortschaften",
            "digitale-buergerdienste-fuer-alle",
        ),
        # One word longer than an address part can only be cut.
        (
            "Donaudampfschifffahrtsgesellschaftskapitänsmützenhersteller",
            "donaudampfschifffahrtsgesellschaftskapit",
        ),
    ],
)
def test_a_slug_spells_german_letters_out_and_ends_after_a_word(title: str, slug: str) -> None:
    made = slug_for(title)
    assert made == slug
    assert len(made) <= MAX_LENGTH


def test_a_stored_slug_stays_when_the_title_changes(editor: User, office: Office) -> None:
    project = services.project_create(
        actor=editor, office=office, title="Grüne Welle", summary="Ampeln."
    )
    assert project.slug == "gruene-welle"
    services.project_update(
        actor=editor,
        project=project,
        title="Grüne Welle für Busse",
        summary="Ampeln.",
        plain_language_summary="",
    )
    project.refresh_from_db()
    assert project.slug == "gruene-welle"
    assert Project.objects.filter(slug="gruene-welle").count() == 1
