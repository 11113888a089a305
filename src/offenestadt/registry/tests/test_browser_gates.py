"""Gates in a real browser: a refused step answers at the top of the page with the focus on
the refusal, its "beheben" opens the form that fixes it, filled in for this project, and
an allowed step is asked about once more and then confirmed."""

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from offenestadt.accounts.models import Office, Role, User
from offenestadt.core.tests.browser import (
    Account,
    axe_source,
    chromium,
    describe_violations,
    run_axe,
    sign_in,
    staff_account,
)
from offenestadt.registry import services
from offenestadt.registry.models import Service
from offenestadt.registry.tests.factories import project_in_consultation

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Site:
    url: str
    editor: Account
    project: str
    project_pk: int
    # The form that adds access channels to the project's service.
    channels: str


@pytest.fixture
def site(live_server: LiveServer, transactional_db: None) -> Site:
    """A project in consultation that processes personal data and has nothing else yet;
    all before Chromium starts (see offenestadt.core.tests.browser.chromium)."""
    office = Office.objects.create(slug="verkehr", name="Amt für Verkehr")
    editor = User.objects.create_user(username="redaktion", role=Role.EDITOR, office=office)
    project = project_in_consultation(editor=editor, office=office, processes_personal_data=True)
    service = services.project_part_save(
        actor=editor, part=Service(project=project, name="Anwohnerparken")
    )
    return Site(
        url=live_server.url,
        editor=staff_account(editor),
        project=project.get_absolute_url(),
        project_pk=project.pk,
        channels=f"{project.get_absolute_url()}dienstleistung/{service.pk}/zugangsweg/neu/",
    )


@pytest.fixture
def axe(pytestconfig: pytest.Config) -> str:
    return axe_source(pytestconfig.rootpath)


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch, site: Site) -> Iterator[Page]:
    # Only while Chromium runs: see offenestadt.core.tests.browser.chromium.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with chromium() as browser:
        context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        sign_in(page, site.url, site.editor, site.project)
        yield page
        context.close()


def test_a_refused_step_is_focused_at_the_top_and_its_fix_is_one_click_away(
    page: Page, site: Site, axe: str
) -> None:
    page.goto(site.url + site.project)
    page.select_option("#id_to", "decision")
    page.get_by_role("button", name="Stand ändern").click()
    page.wait_for_load_state()

    focused = page.evaluate("() => document.activeElement.id")
    assert focused == "verweigert"
    refusal = page.locator("#verweigert")
    assert refusal.get_attribute("role") == "alert"
    box = refusal.bounding_box()
    assert box is not None
    # Seen without scrolling: within the first screen.
    assert box["y"] + min(box["height"], 100) < 900
    assert page.evaluate("() => window.scrollY") < 900
    assert describe_violations("refused", run_axe(page, axe)) == []

    refusal.get_by_role("link", name="beheben (P1)").first.click()
    page.wait_for_load_state()

    assert page.url.endswith("/verarbeitungen/neu/?projekt=digitale-parkplatzsuche")
    assert page.locator(f"input[name=projects][value='{site.project_pk}']").is_checked()


def test_an_allowed_step_is_asked_about_and_then_confirmed(
    page: Page, site: Site, axe: str
) -> None:
    page.goto(site.url + site.project)
    page.select_option("#id_to", "ended")
    page.get_by_role("button", name="Stand ändern").click()
    page.wait_for_load_state()
    assert "bringen?" in page.locator("h1").inner_text()
    assert describe_violations("confirmation", run_axe(page, axe)) == []

    page.get_by_role("button", name="Ja, Stand ändern").click()
    page.wait_for_load_state()

    assert page.url == site.url + site.project
    status = page.get_by_role("status")
    assert "Das Projekt ist jetzt im Stand" in status.inner_text()


def test_access_channels_are_entered_in_rows(page: Page, site: Site, axe: str) -> None:
    page.goto(site.url + site.channels)
    assert describe_violations("channel rows", run_axe(page, axe)) == []

    page.select_option("#id_zugang-0-phase", "before")
    page.select_option("#id_zugang-0-kind", "phone")
    page.fill("#id_zugang-0-place", "0234 910-0")
    page.select_option("#id_zugang-1-phase", "after")
    page.select_option("#id_zugang-1-kind", "online")
    page.fill("#id_zugang-1-place", "https://service.example.org/parken")
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_load_state()

    assert "2 Zugangswege sind eingetragen." in page.get_by_role("status").inner_text()
