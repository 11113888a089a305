"""In Chromium: an editor signs in, lands on "Meine Aufgaben", finds the entry the DPO
returned with the DPO's comment, and follows its link to where it is fixed; a finding's
"beheben" opens the form at its field. axe-core checks the inbox."""

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from offenestadt.accounts.models import Office, Role, User
from offenestadt.charter.demo import load_demo as load_demo_charter
from offenestadt.core.tests.browser import (
    Account,
    axe_source,
    chromium,
    describe_violations,
    run_axe,
    staff_account,
)
from offenestadt.registry.models import ProjectStatus
from offenestadt.registry.services import project_evaluate
from offenestadt.registry.tests.factories import ProjectFactory
from offenestadt.staff.inbox.tests.test_inbox import returned_activity

pytestmark = pytest.mark.browser

COMMENT = "Bitte begründen Sie die Löschfrist von zwölf Monaten."


@dataclass(frozen=True)
class Site:
    url: str
    editor: Account
    slug: str
    # A project a gate holds back: whether it processes personal data is not declared.
    held: str


@pytest.fixture
def site(live_server: LiveServer, transactional_db: None) -> Site:
    """An editor with an entry the DPO returned; all before Chromium starts."""
    office = Office.objects.create(slug="gruen", name="Grünflächenamt")
    editor = User.objects.create_user(username="redaktion", role=Role.EDITOR, office=office)
    dpo = User.objects.create_user(username="datenschutz", role=Role.DPO)
    activity = returned_activity(editor, dpo, "Gießpatenschaften", COMMENT)
    load_demo_charter()
    held = ProjectFactory.create(
        office=office, status=ProjectStatus.CONSULTATION, title="Sensoren am Ring"
    )
    project_evaluate(project=held)
    return Site(
        url=live_server.url,
        editor=staff_account(editor),
        slug=activity.slug,
        held=held.slug,
    )


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch, site: Site) -> Iterator[Page]:
    # Only while Chromium runs: see offenestadt.core.tests.browser.chromium.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with chromium() as browser:
        context = browser.new_context(locale="de-DE")
        yield context.new_page()
        context.close()


def sign_in(page: Page, site: Site) -> None:
    page.goto(f"{site.url}/")
    page.get_by_role("link", name="Anmelden (Verwaltung)").click()
    page.fill("#id_username", site.editor.username)
    page.fill("#id_password", site.editor.password)
    page.get_by_role("button", name="Anmelden", exact=True).click()
    page.wait_for_url("**/konto/zwei-faktor/**")
    page.fill("#id_token", site.editor.code())
    page.get_by_role("button").filter(has_text="Anmelden").last.click()
    page.wait_for_url(f"{site.url}/aufgaben/")


def test_an_editor_signs_in_finds_the_returned_entry_and_opens_it(
    pytestconfig: pytest.Config, page: Page, site: Site
) -> None:
    axe = axe_source(pytestconfig.rootpath)
    sign_in(page, site)

    expect(page.get_by_role("heading", level=1)).to_have_text("Meine Aufgaben")
    # The returned entry and the project held at its gate (the projects' 28 days in public
    # end beyond the 14 days the inbox looks ahead).
    expect(page.get_by_role("link", name="Meine Aufgaben (2)")).to_have_attribute(
        "aria-current", "page"
    )
    returned = page.get_by_role("listitem").filter(has_text="Gießpatenschaften")
    expect(returned).to_contain_text(COMMENT)
    assert not describe_violations("/aufgaben/", run_axe(page, axe))

    returned.get_by_role("link", name="Gießpatenschaften").click()
    page.wait_for_url(f"{site.url}/verarbeitungen/{site.slug}/#pruefung")
    expect(page.get_by_role("heading", level=1)).to_have_text("Gießpatenschaften")
    expect(page.locator("main")).to_contain_text(COMMENT)


def test_beheben_opens_the_form_at_the_field_that_fixes_the_finding(page: Page, site: Site) -> None:
    sign_in(page, site)
    held = page.get_by_role("listitem").filter(has_text="Sensoren am Ring")
    finding = held.get_by_role("listitem").filter(has_text="P1 Datensparsamkeit")
    expect(finding).to_contain_text("Geben Sie an, ob das Projekt personenbezogene Daten")

    finding.get_by_role("link", name="beheben").click()

    page.wait_for_url(f"{site.url}/projekte/{site.held}/bearbeiten/#id_processes_personal_data")
    expect(page.locator("#id_title")).to_have_value("Sensoren am Ring")
    expect(page.locator("#id_processes_personal_data")).to_be_in_viewport()
