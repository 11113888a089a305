"""In Chromium, signed in as an editor: closing a service point (the form, then the question
once more) and deleting one (refused while a channel leads there, else asked) meet WCAG 2.1
AA and do not scroll sideways on a desktop, a phone and at 320 px."""

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from offenestadt.accounts.models import Office, Role, User
from offenestadt.core.tests.browser import Account, axe_source, chromium, sign_in, staff_account
from offenestadt.core.tests.test_accessibility import DESKTOP, check_on_every_screen
from offenestadt.registry import services as registry_services
from offenestadt.registry.channels import Channel
from offenestadt.registry.models import AccessChannel, Phase
from offenestadt.registry.servicepoints.tests.factories import saved_point
from offenestadt.registry.tests.factories import ProjectFactory, saved_service

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Site:
    url: str
    editor: Account
    # A point a channel names, and one nothing names.
    named: str
    free: str


@pytest.fixture
def site(live_server: LiveServer, transactional_db: None) -> Site:
    """Everything stored before Chromium starts (see core.tests.browser.chromium)."""
    office = Office.objects.create(slug="buergerdienste", name="Amt für Bürgerdienste")
    editor = User.objects.create_user(username="redaktion", role=Role.EDITOR, office=office)
    named = saved_point(editor, office, "Bürgerbüro Mitte mit einem recht langen Namen")
    free = saved_point(editor, office, "Servicepunkt Süd")
    service = saved_service(ProjectFactory.create(office=office), editor)
    registry_services.project_part_save(
        actor=editor,
        part=AccessChannel(
            service=service, phase=Phase.BEFORE, kind=Channel.IN_PERSON, service_point=named
        ),
    )
    return Site(
        url=live_server.url,
        editor=staff_account(editor),
        named=named.get_absolute_url(),
        free=free.get_absolute_url(),
    )


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch, site: Site) -> Iterator[Page]:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with chromium() as browser:
        context = browser.new_context(locale="de-DE", viewport=DESKTOP)
        page = context.new_page()
        sign_in(page, site.url, site.editor, site.named)
        yield page
        context.close()


def test_closing_and_deleting_pages_meet_wcag_on_every_screen(
    pytestconfig: pytest.Config, site: Site, page: Page
) -> None:
    axe = axe_source(pytestconfig.rootpath)
    problems: list[str] = []

    page.goto(f"{site.url}{site.named}")
    page.get_by_role("link", name="Schließen", exact=True).click()
    problems += check_on_every_screen(page, "schliessen", axe)
    page.get_by_role("button", name="Weiter").click()
    assert page.get_by_role("button", name="Ja, schließen").is_visible()
    problems += check_on_every_screen(page, "schliessen (Rückfrage)", axe)

    page.goto(f"{site.url}{site.named}loeschen/")
    assert page.get_by_role("alert").is_visible()
    problems += check_on_every_screen(page, "loeschen (verweigert)", axe)

    page.goto(f"{site.url}{site.free}loeschen/")
    problems += check_on_every_screen(page, "loeschen", axe)
    page.get_by_role("button", name="Löschen").click()
    page.wait_for_url(f"{site.url}/servicestellen/")
    assert "Servicepunkt Süd" not in page.content()

    assert not problems, "accessibility problems:\n" + "\n".join(problems)
