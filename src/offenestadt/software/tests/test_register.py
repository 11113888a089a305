"""The city-wide software register: public pages, staff forms, publiccode.yml out and in."""

from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from offenestadt.audit.models import AuditEntry
from offenestadt.software import services
from offenestadt.software.models import Component, Hosting, Maintenance
from offenestadt.software.publiccode import MAX_BYTES, load_publiccode
from offenestadt.software.tests.test_own_publiccode import shared_reference

ROOT = Path(__file__).resolve().parents[4]

FIELDS = {
    "name": "Messdaten-Plattform",
    "short_description": "Sammelt die Messwerte der Umweltsensoren.",
    "description": "Die Plattform nimmt die Messwerte aller Umweltsensoren der Stadt entgegen, "
    "prüft sie, speichert sie und stellt sie als offene Daten bereit – über die OGC "
    "SensorThings API und als GeoJSON-Dateien.",
    "licence": "EUPL-1.2",
    "repository_url": "https://code.example.org/messdaten",
    "software_version": "2.1.0",
    "release_date": date(2026, 5, 4),
    "maintenance": Maintenance.CONTRACT,
    "maintainer": "Beispiel Software GmbH",
    "maintained_until": date(2027, 12, 31),
    "hosting": Hosting.CITY,
    "open_standards": ["OGC SensorThings API", "GeoJSON"],
    "platforms": ["web", "linux"],
    "languages": ["de", "en"],
}


@pytest.fixture
def component(editor) -> Component:
    return services.component_create(actor=editor, **FIELDS)


def test_an_entry_is_written_through_the_audit_trail(editor, resident, component):
    assert component.slug == "messdaten-plattform"
    (entry,) = AuditEntry.objects.for_record(component)
    assert entry.event == "created" and entry.is_public
    assert "EUPL-1.2" in str(entry.changes)
    with pytest.raises(PermissionDenied):
        services.component_create(actor=resident, **{**FIELDS, "name": "Anders"})


def test_list_and_page_are_public(client_for, component):
    visitor = client_for(None)
    listing = visitor.get("/software/")
    assert component.name in listing.content.decode()
    assert "/software/sbom.json" in listing.content.decode()
    page = visitor.get(component.get_absolute_url()).content.decode()
    for shown in ("EUPL-1.2", "OGC SensorThings API, GeoJSON", "Beispiel Software GmbH"):
        assert shown in page
    assert "publiccode.yml" in page


def test_export_is_schema_valid_and_round_trips(client_for, editor, component):
    exported = client_for(None).get(f"/software/{component.slug}/publiccode.yml")
    assert exported.status_code == 200
    assert exported["Content-Type"].startswith("application/yaml")
    document = load_publiccode(exported.content)
    assert document["legal"]["license"] == "EUPL-1.2"
    assert document["maintenance"]["contractors"] == [
        {"name": "Beispiel Software GmbH", "until": "2027-12-31"}
    ]

    staff = client_for(editor)
    response = staff.post("/software/import/", {"text": exported.content.decode()})
    imported = Component.objects.exclude(pk=component.pk).get()
    assert response.status_code == 302 and response["Location"] == imported.get_absolute_url()
    again = client_for(None).get(f"/software/{imported.slug}/publiccode.yml")
    assert again.content == exported.content


def test_import_by_upload_of_the_platforms_own_file(client_for, editor):
    upload = SimpleUploadedFile("publiccode.yml", (ROOT / "publiccode.yml").read_bytes())
    response = client_for(editor).post("/software/import/", {"file": upload})
    assert response.status_code == 302
    component = Component.objects.get(name="Offene Stadt")
    assert component.licence == "AGPL-3.0-or-later"
    assert component.maintenance == Maintenance.COMMUNITY
    assert component.languages == ["de", "en"]


def test_import_into_an_entry_keeps_what_the_file_does_not_say(client_for, editor, component):
    text = (ROOT / "publiccode.yml").read_text(encoding="utf-8")
    client_for(editor).post(f"/software/{component.slug}/import/", {"text": text})
    component.refresh_from_db()
    assert component.name == "Offene Stadt"
    assert component.open_standards == ["OGC SensorThings API", "GeoJSON"]
    assert component.hosting == Hosting.CITY


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("name: [unclosed", "kein gültiges YAML (Zeile"),
        ("- a\n- b\n", "keine publiccode.yml"),
        ("a: &x [1]\nb: *x\n", "Aliase"),
        ('publiccodeYmlVersion: "0.4"\nname: X\n', "es fehlt der Schlüssel „url"),
    ],
)
def test_a_bad_file_gets_a_german_answer_naming_what_to_fix(client_for, editor, text, says):
    response = client_for(editor).post("/software/import/", {"text": text})
    assert response.status_code == 400
    assert says in response.content.decode()
    assert not Component.objects.exists()


def test_a_wrong_value_names_its_key_and_the_allowed_ones(client_for, editor, component):
    exported = client_for(None).get(f"/software/{component.slug}/publiccode.yml")
    text = exported.content.decode().replace(
        "developmentStatus: stable", "developmentStatus: fertig"
    )
    text = text.replace("license: EUPL-1.2", "license: Frei-1.0")
    page = client_for(editor).post("/software/import/", {"text": text}).content.decode()
    assert "„developmentStatus“: „fertig“ ist nicht erlaubt" in page
    assert "concept, development, beta, stable, obsolete" in page


def test_a_licence_outside_spdx_is_refused_by_the_one_licence_rule(client_for, editor, component):
    exported = client_for(None).get(f"/software/{component.slug}/publiccode.yml")
    text = exported.content.decode().replace("license: EUPL-1.2", "license: Frei-1.0")
    page = client_for(editor).post("/software/import/", {"text": text}).content.decode()
    assert "„legal.license“: Nicht in der SPDX-Lizenzliste: Frei-1.0" in page


def test_an_oversized_upload_is_refused(client_for, editor):
    upload = SimpleUploadedFile("publiccode.yml", b"#" * (MAX_BYTES + 1))
    response = client_for(editor).post("/software/import/", {"file": upload})
    assert response.status_code == 400
    assert "größer als 64 KB" in response.content.decode()


def test_without_repository_there_is_no_publiccode_yml(client_for, editor):
    closed = services.component_create(
        actor=editor,
        name="Dashboard",
        short_description="Geschlossen.",
        licence="LicenseRef-Proprietaer",
    )
    response = client_for(None).get(f"/software/{closed.slug}/publiccode.yml")
    assert response.status_code == 404
    page = client_for(None).get(closed.get_absolute_url()).content.decode()
    assert "Es ist kein öffentliches Repository eingetragen." in page


def test_only_staff_edit_the_register(client_for, resident, editor, component):
    for path in ("/software/neu/", "/software/import/", f"/software/{component.slug}/bearbeiten/"):
        assert client_for(None).get(path).status_code in {403, 404}
        assert client_for(resident).get(path).status_code in {403, 404}
        assert client_for(editor).get(path).status_code == 200


def test_the_staff_form_saves_lists_one_a_line(client_for, editor, component):
    form = client_for(editor).get(f"/software/{component.slug}/bearbeiten/").context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data |= {"open_standards": "DATEX II\n\nGeoJSON\n", "platforms": "web", "languages": "de"}
    data |= {"maintained_until": "2027-12-31", "release_date": "2026-05-04"}
    response = client_for(editor).post(f"/software/{component.slug}/bearbeiten/", data)
    assert response.status_code == 302, response.context["form"].errors
    component.refresh_from_db()
    assert component.open_standards == ["DATEX II", "GeoJSON"]


def test_the_standards_own_example_fills_an_entry(client_for, editor):
    example = shared_reference("examples/publiccode.yml")
    if example is None:
        pytest.skip("../shared/reference/publiccode is not beside the repository")
    response = client_for(editor).post("/software/import/", {"text": example.read_text()})
    assert response.status_code == 302
    component = Component.objects.get(name="Medusa")
    assert component.licence == "AGPL-3.0-or-later"
    assert component.maintenance == Maintenance.CONTRACT
    assert component.maintainer == "Fornitore Privato SPA"
    assert component.maintained_until == date(2019, 1, 1)
    assert component.platforms == ["android", "ios"]
    exported = client_for(None).get(f"/software/{component.slug}/publiccode.yml")
    assert load_publiccode(exported.content)["name"] == "Medusa"
