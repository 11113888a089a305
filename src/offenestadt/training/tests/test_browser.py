"""Registering in a real browser, on a desktop and at 360 px: a resident registers online
without an account and sees the places go down, a full session puts the next person on
the waiting list, the office enters a registration by phone and one in person, cancels
one, and the first on the waiting list moves up (and onto the call list).

Everything in the database is prepared before Chromium starts and checked after it has
closed (see offenestadt.core.tests.browser.chromium). The screenshots land in the test's
tmp_path (run with --basetemp to keep them)."""

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Locator, Page, expect
from pytest_django.live_server_helper import LiveServer

from offenestadt.accounts.models import Office, Role, User
from offenestadt.core.tests.browser import (
    Account,
    axe_source,
    chromium,
    describe_layout,
    describe_violations,
    run_axe,
    sign_in,
    staff_account,
)
from offenestadt.training import services
from offenestadt.training.models import Course, Registration, Session
from offenestadt.training.tests.conftest import add_session

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Site:
    url: str
    editor: Account
    session: str
    registrations: str


@pytest.fixture
def site(live_server: LiveServer, transactional_db: None) -> Site:
    office = Office.objects.create(slug="vhs", name="Volkshochschule", phone="0234 910-0")
    editor = User.objects.create_user(username="redaktion", role=Role.EDITOR, office=office)
    course = services.course_save(
        actor=editor,
        course=Course(
            office=office,
            title="Das Smartphone im Alltag",
            description="Wir richten gemeinsam ein Smartphone ein.",
            provider="Stadtbücherei",
        ),
    )
    session = add_session(
        editor,
        course,
        starts_at=timezone.now() + timedelta(days=7),
        capacity=2,
        place="Zentralbücherei, Gustav-Heinemann-Platz 2, Raum 3",
        step_free=True,
    )
    return Site(
        url=live_server.url,
        editor=staff_account(editor),
        session=session.get_absolute_url(),
        registrations=f"/schulungen/termin/{session.pk}/anmeldungen/",
    )


class Visit:
    """One browser tab at one width that checks every page it lands on: nothing sticks
    out sideways, no target is too small, no WCAG 2.1 AA violation; and a screenshot."""

    def __init__(self, browser: Browser, width: int, axe: str, shots: Path) -> None:
        self.page: Page = browser.new_context(
            locale="de-DE", viewport={"width": width, "height": 900}
        ).new_page()
        self.axe, self.shots, self.width = axe, shots, width
        self.problems: list[str] = []

    def check(self, name: str) -> None:
        self.page.wait_for_load_state()
        path = self.page.url
        self.problems += describe_layout(path, self.page)
        self.problems += describe_violations(path, run_axe(self.page, self.axe))
        self.page.screenshot(path=self.shots / f"{self.width}-{name}.png", full_page=True)

    def register(self, name: str, contact: str) -> None:
        self.page.get_by_label("Name oder Pseudonym").fill(name)
        self.page.get_by_label("E-Mail-Adresse oder Telefonnummer").fill(contact)
        self.page.get_by_role("button", name="Anmelden").click()


def _row(page: Page, name: str) -> Locator:
    return page.get_by_role("row").filter(has=page.get_by_role("cell", name=name, exact=True))


@pytest.mark.parametrize("width", [1280, 360])
def test_registering_online_by_phone_and_in_person_and_moving_up(
    site: Site,
    width: int,
    pytestconfig: pytest.Config,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    axe = axe_source(pytestconfig.rootpath)
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with chromium() as browser:
        resident = Visit(browser, width, axe, tmp_path)
        page = resident.page
        page.goto(site.url + "/schulungen/")
        resident.check("list")
        expect(page.get_by_text("2 von 2 Plätzen frei")).to_be_visible()
        page.get_by_role("link", name="Das Smartphone im Alltag").click()
        resident.check("session")
        # Without internet: the office's number is on the page.
        expect(page.get_by_role("link", name="0234 910-0")).to_have_attribute(
            "href", "tel:0234910-0"
        )

        resident.register("Anna", "anna@example.org")
        expect(page.get_by_role("heading", name="Anmeldung angekommen")).to_be_visible()
        expect(
            page.get_by_text("Sie haben einen Platz in „Das Smartphone im Alltag“.")
        ).to_be_visible()
        expect(page.get_by_text("2 Tage vorher erinnern wir Sie per E-Mail.")).to_be_visible()
        resident.check("registered")
        page.get_by_role("link", name="Zurück zum Termin").click()
        expect(page.get_by_text("1 von 2 Plätzen frei")).to_be_visible()

        resident.register("Bernd", "bernd@example.org")
        page.goto(site.url + site.session)
        expect(page.get_by_text("ausgebucht, Anmeldung auf die Warteliste")).to_be_visible()
        resident.register("Cem", "cem@example.org")
        expect(page.get_by_text("Sie stehen auf der Warteliste")).to_be_visible()
        resident.check("waiting")

        staff = Visit(browser, width, axe, tmp_path)
        page = staff.page
        sign_in(page, site.url, site.editor, site.registrations)
        staff.check("registrations")
        for name, contact, channel in (
            ("Frau K.", "0234 98765", "per Telefon"),
            ("Herr L.", "0234 55555", "vor Ort"),
        ):
            page.get_by_label("Name oder Pseudonym").fill(name)
            page.get_by_label("E-Mail-Adresse oder Telefonnummer").fill(contact)
            page.locator("#id_channel").select_option(label=channel)
            page.get_by_role("button", name="Anmeldung eintragen").click()
            expect(page.get_by_role("status")).to_contain_text(
                f"Der Termin ist voll: {name} steht auf der Warteliste."
            )
        staff.check("entered")

        # Anna cancels on the phone: Cem, first on the waiting list, gets her place.
        _row(page, "Anna").get_by_role("button", name="Stornieren").click()
        expect(page.get_by_role("status")).to_contain_text("Von der Warteliste nachgerückt: Cem.")
        # Bernd too: Frau K. moves up, and as she gave a phone number she is to be called.
        _row(page, "Bernd").get_by_role("button", name="Stornieren").click()
        expect(page.get_by_role("status")).to_contain_text(
            "Von der Warteliste nachgerückt: Frau K."
        )
        calls = page.locator("#anrufliste + p + ul")
        expect(calls).to_contain_text("Frau K., 0234 98765: Von der Warteliste nachgerückt")
        staff.check("moved-up")
        calls.get_by_role("listitem").filter(has_text="Frau K.").get_by_role(
            "button", name="Erledigt"
        ).click()
        expect(page.get_by_text("Niemand muss angerufen werden.")).to_be_visible()

        # The public page counts the places again: both taken.
        resident.page.goto(site.url + site.session)
        expect(
            resident.page.get_by_text("ausgebucht, Anmeldung auf die Warteliste")
        ).to_be_visible()

    assert resident.problems + staff.problems == []
    statuses = dict(Registration.objects.values_list("name", "status"))
    assert statuses == {
        "Anna": "cancelled",
        "Bernd": "cancelled",
        "Cem": "confirmed",
        "Frau K.": "confirmed",
        "Herr L.": "waiting",
    }
    channels = dict(Registration.objects.values_list("name", "channel"))
    assert channels["Frau K."] == "phone" and channels["Herr L."] == "in_person"
    assert Session.objects.get().free_places() == 0
