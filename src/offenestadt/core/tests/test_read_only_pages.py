"""Pages and feeds to read refuse a form or another write with 405 in the site's frame,
instead of answering as if they had been read."""

import pytest
from django.test import Client

READ_ONLY = [
    "/schulungen/",
    "/schulungen/termine.ics",
    "/schulungen/programm.pdf",
    "/schulungen/kurs/1/",
    "/servicestellen/",
    "/servicestellen/buergerbuero/",
    "/infrastruktur/",
    "/infrastruktur/1/",
    "/infrastruktur/infrastruktur.geojson",
    "/software/",
    "/software/sbom.json",
    "/software/gluon/",
    "/software/gluon/publiccode.yml",
    "/barrierefreiheit/",
    "/barrierefreiheit/leichte-sprache/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "put", "delete"])
@pytest.mark.parametrize("address", READ_ONLY)
def test_a_page_to_read_refuses_a_write_in_german(address: str, method: str) -> None:
    response = getattr(Client(), method)(address)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    page = response.content.decode()
    assert "<h1>Nur zum Lesen</h1>" in page and "Öffnen Sie sie als Link." in page


@pytest.mark.django_db
def test_a_form_target_still_says_to_use_the_form() -> None:
    response = Client().put("/barrierefreiheit/rueckmeldung/")
    assert response.status_code == 405
    assert "<h1>Nur über ein Formular</h1>" in response.content.decode()
