"""A pasted or uploaded publiccode.yml that YAML itself trips over: a German answer, never 500."""

import re

import pytest

from offenestadt.software.models import Component
from offenestadt.software.publiccode import load_publiccode
from offenestadt.software.tests.test_register import component  # noqa: F401 - fixture

NESTED = {
    "flow sequences": "[" * 5000 + "]" * 5000,
    "flow mappings": "{a: " * 3000 + "1" + "}" * 3000,
    "block sequences": "- " * 100 + "x",
}


@pytest.mark.parametrize("text", NESTED.values(), ids=NESTED.keys())
def test_a_deeply_nested_file_is_refused_in_german(client_for, editor, text):
    response = client_for(editor).post("/software/import/", {"text": text})
    assert response.status_code == 400
    assert "tiefer verschachtelt, als eine publiccode.yml sein kann" in response.content.decode()
    assert not Component.objects.exists()


@pytest.mark.parametrize("day", ["2026-13-45", "2026-02-30"])
def test_an_impossible_date_is_named_with_its_key(client_for, editor, component, day):  # noqa: F811
    exported = client_for(None).get(f"/software/{component.slug}/publiccode.yml")
    text, replaced = re.subn(
        r"releaseDate: '?2026-05-04'?", f"releaseDate: {day}", exported.content.decode()
    )
    assert replaced == 1
    response = client_for(editor).post(f"/software/{component.slug}/import/", {"text": text})
    assert response.status_code == 400
    assert f"„releaseDate“: „{day}“ ist kein gültiger Wert im Format JJJJ-MM-TT" in (
        response.content.decode()
    )
    component.refresh_from_db()
    assert str(component.release_date) == "2026-05-04"


@pytest.mark.parametrize("text", ["name: !!int zwölf", "name: !!float viel"])
def test_a_value_its_tag_cannot_be_is_a_yaml_error(client_for, editor, text):
    response = client_for(editor).post("/software/import/", {"text": text})
    assert response.status_code == 400
    assert "kein gültiges YAML" in response.content.decode()


def test_each_missing_key_is_said_once(client_for, editor):
    page = client_for(editor).post("/software/import/", {"text": "name: X\n"}).content.decode()
    assert page.count("es fehlt der Schlüssel") == 1


@pytest.mark.parametrize(
    "url",
    [
        'https://example.org/"><script>alert(1)</script>',
        "https://example.org/a<b>",
        "https://bücher.example.org/",
    ],
)
def test_a_repository_address_the_export_could_not_carry_is_refused(
    client_for,
    editor,
    component,  # noqa: F811
    url,
):
    form = client_for(editor).get(f"/software/{component.slug}/bearbeiten/").context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data |= {"open_standards": "GeoJSON", "platforms": "web", "languages": "de"}
    data |= {"maintained_until": "2027-12-31", "release_date": "2026-05-04", "repository_url": url}
    response = client_for(editor).post(f"/software/{component.slug}/bearbeiten/", data)
    assert response.status_code == 400
    assert "nur kodiert stehen dürfen" in response.content.decode()
    component.refresh_from_db()
    assert component.repository_url == "https://code.example.org/messdaten"
    exported = client_for(None).get(f"/software/{component.slug}/publiccode.yml")
    assert load_publiccode(exported.content)["url"] == "https://code.example.org/messdaten"
