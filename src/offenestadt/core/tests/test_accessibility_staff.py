"""Staff pages meet WCAG 2.1 AA as well, on phones and desktops: the demo's editor, data
protection officer and administrator sign in through the login form (password and
authenticator code) and crawl their forms and workflows; forms sent empty show their errors
accessibly, in a summary that takes the focus and links each field.

The crawl only reads (GET): it follows no link to the accounts' pages (signing out is a
form anyway), the admin or a download, and no page changes anything on GET. Each person's
start pages are checked, and of the pages they lead to one of each kind (a view, and for
the parts of a record their kind): pages of a kind share their template. Only the forms'
check sends something (empty forms, which fail).
"""

from collections.abc import Hashable, Iterator
from dataclasses import dataclass

import pytest
from django.test import override_settings
from django.urls import Resolver404, resolve
from django.utils import translation
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from offenestadt.accounts.demo import DEMO_PASSWORD
from offenestadt.accounts.models import Office, Role, User
from offenestadt.contracts.models import Contract
from offenestadt.core.demo_loader import load_demo_content
from offenestadt.core.tests.browser import (
    ACCOUNT_PREFIXES,
    DOWNLOAD_SEGMENT,
    Account,
    axe_source,
    chromium,
    crawl,
    describe_layout,
    describe_violations,
    is_crawlable,
    run_axe,
    sign_in,
)
from offenestadt.core.tests.test_accessibility import DESKTOP, REFLOW, check_on_every_screen
from offenestadt.infrastructure.models import Asset
from offenestadt.opendata.models import Dataset
from offenestadt.participation.models import Procedure
from offenestadt.processing import services
from offenestadt.processing.models import (
    DataCategory,
    LegalBasis,
    ProcessingActivity,
    RetentionUnit,
)
from offenestadt.registry.models import AccessChannel, Project
from offenestadt.registry.servicepoints.models import OpeningHours, ServicePoint
from offenestadt.software.models import Component
from offenestadt.training.models import Course, Session
from offenestadt.voting.models import Vote

pytestmark = pytest.mark.browser

# Pages per person at most: enough for every kind of page the demo has, and a bound on
# the test's time should the site grow.
BUDGET = 120
# One form per app, sent empty: the page again, with the errors.
EMPTY_FORMS = [
    "/projekte/neu/",
    "/servicestellen/neu/",
    "/vertraege/neu/",
    "/verarbeitungen/neu/",
    "/daten/neu/",
    "/rohdaten/neu/",
    "/beteiligung/neu/",
    "/abstimmungen/neu/",
    "/infrastruktur/neu/",
    "/schulungen/neu/",
]
# A file's pages for staff lie under its download address (/daten/<name>/dateien/<id>/).
FILE_PAGES = ("/neu/", "/aendern/", "/entfernen/")
# Pages without anything for staff: the visitors' crawl checks them (test_accessibility).
PUBLIC_ONLY = ("/charta/", "/audit/", "/datenschutz/", "/impressum/")


@dataclass(frozen=True)
class Person:
    label: str
    account: Account
    start_paths: list[str]


@dataclass(frozen=True)
class StaffSite:
    url: str
    editor: Person
    dpo: Person
    admin: Person


def demo_account(username: str) -> Account:
    device = TOTPDevice.objects.select_related("user").get(user__username=username)
    return Account.with_device(device, DEMO_PASSWORD)


def record_paths(office: Office) -> list[str]:
    """The staff pages of an office's records, and the records' own pages."""
    project = Project.objects.filter(office=office).order_by("slug").first()
    activity = ProcessingActivity.objects.filter(office=office).order_by("slug").first()
    dataset = Dataset.objects.filter(publisher=office).order_by("name").first()
    procedure = Procedure.objects.filter(office=office).order_by("slug").first()
    vote = Vote.objects.filter(procedure__office=office).order_by("pk").first()
    point = ServicePoint.objects.filter(office=office).order_by("slug").first()
    # The registers are the city's, not an office's: any editor keeps them.
    asset = Asset.objects.order_by("pk").first()
    software = Component.objects.order_by("slug").first()
    assert project and activity and dataset and procedure and vote and asset and software, (
        f"the demo lacks a project, activity, dataset, procedure, vote of {office}, an asset "
        "or software"
    )
    points = (
        [
            f"/servicestellen/{point.slug}/{page}/"
            for page in ("bearbeiten", "zeiten/neu", "schliessen", "loeschen")
        ]
        if point
        else []
    )
    training = [
        "/schulungen/neu/",
        *(f"/schulungen/kurs/{c.pk}/bearbeiten/" for c in Course.objects.filter(office=office)),
        *(
            f"/schulungen/termin/{s.pk}/{page}/"
            for s in Session.objects.filter(course__office=office)
            for page in ("bearbeiten", "anmeldungen")
        ),
    ]
    return [
        *training,
        "/aufgaben/",
        "/projekte/neu/",
        f"/projekte/{project.slug}/",
        f"/projekte/{project.slug}/bearbeiten/",
        "/servicestellen/neu/",
        *points,
        "/vertraege/neu/",
        "/verarbeitungen/neu/",
        f"/verarbeitungen/{activity.slug}/",
        f"/verarbeitungen/{activity.slug}/bearbeiten/",
        f"/verarbeitungen/{activity.slug}/kategorie/neu/",
        "/daten/neu/",
        f"/daten/{dataset.name}/",
        f"/daten/{dataset.name}/bearbeiten/",
        f"/daten/{dataset.name}/dateien/neu/",
        "/rohdaten/",
        "/rohdaten/neu/",
        "/beteiligung/",
        "/beteiligung/neu/",
        f"/beteiligung/{procedure.slug}/",
        f"/beteiligung/{procedure.slug}/bearbeiten/",
        "/beteiligung/meldungen/",
        "/abstimmungen/",
        "/abstimmungen/neu/",
        f"/abstimmungen/{vote.pk}/",
        f"/abstimmungen/{vote.pk}/bearbeiten/",
        f"/abstimmungen/{vote.pk}/stimmzettel-eingeben/",
        "/infrastruktur/neu/",
        f"/infrastruktur/{asset.pk}/bearbeiten/",
        "/software/neu/",
        "/software/import/",
        f"/software/{software.slug}/bearbeiten/",
    ]


def submit_for_review(office: Office) -> ProcessingActivity:
    """An entry of the office, handed to the DPO: the demo's own city entry was sent back,
    so without this one the DPO would have nothing to decide on."""
    editor = User.objects.filter(office=office, role=Role.EDITOR).earliest("pk")
    activity = ProcessingActivity(
        title="Gießpatenschaften für Stadtbäume (Test)",
        office=office,
        purposes="Patenschaften für das Gießen von Stadtbäumen vergeben und absprechen.",
        data_subjects="Einwohnerinnen und Einwohner, die eine Patenschaft übernehmen.",
        recipients="Beschäftigte des Grünflächenamts.",
        security_measures="Zugriff nur für das Grünflächenamt.",
        plain_language="Wer einen Baum gießt, nennt Namen und E-Mail-Adresse.",
    )
    project = Project.objects.filter(office=office).earliest("pk")
    services.activity_save(actor=editor, activity=activity, projects=[project])
    category = DataCategory(
        activity=activity,
        name="Name und E-Mail-Adresse",
        purpose="Die Patenschaft absprechen.",
        legal_basis=LegalBasis.ART6_A,
        retention_amount=1,
        retention_unit=RetentionUnit.MONTHS,
        retention_start="dem Ende der Patenschaft",
    )
    services.activity_part_save(actor=editor, part=category)
    return services.activity_submit(actor=editor, activity=activity)


@pytest.fixture
def axe(pytestconfig: pytest.Config) -> str:
    """axe-core's source, looked up before anything slow starts."""
    return axe_source(pytestconfig.rootpath)


@pytest.fixture
def site(live_server: LiveServer, transactional_db: None) -> StaffSite:
    """The live server with the demo content, its staff and where each of them starts: the
    editor with their office's records, the administrator with the other office's.

    Everything that needs the database happens here, before Chromium starts (see
    offenestadt.core.tests.browser.chromium).
    """
    load_demo_content()
    own = Office.objects.get(slug="digitalisierung")
    other = Office.objects.get(slug="umwelt")
    waiting = submit_for_review(other)
    return StaffSite(
        url=live_server.url,
        # The second factor's page too, as everyone signing in sees it.
        editor=Person(
            "editor", demo_account("redaktion"), ["/konto/zwei-faktor/", *record_paths(own)]
        ),
        dpo=Person(
            "DPO",
            demo_account("datenschutz"),
            [
                "/aufgaben/",
                "/verarbeitungen/pruefung/",
                f"/verarbeitungen/{waiting.slug}/",
                "/rohdaten/",
                "/beteiligung/meldungen/",
            ],
        ),
        admin=Person(
            "administrator",
            demo_account("admin"),
            [
                "/verarbeitungen/pruefung/",
                "/barrierefreiheit/bearbeiten/",
                "/barrierefreiheit/rueckmeldungen/",
                *record_paths(other),
            ],
        ),
    )


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch, site: StaffSite) -> Iterator[Page]:
    """A fresh browser with German settings; nobody signed in yet."""
    # Only while Chromium runs: see offenestadt.core.tests.browser.chromium.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with chromium() as browser:
        context = browser.new_context(locale="de-DE", viewport=DESKTOP)
        yield context.new_page()
        context.close()


def staff_follows(path: str, query: str) -> bool:
    """The German pages with something for staff; neither the accounts' pages (signing out
    among them) nor downloads, the admin or machine-readable addresses (see is_crawlable)."""
    if path == "/" or path.startswith(("/en/", *ACCOUNT_PREFIXES, *PUBLIC_ONLY)):
        return False
    if DOWNLOAD_SEGMENT in path and path.endswith(FILE_PAGES):
        return True
    return is_crawlable(path, query)


def page_kind(path: str) -> Hashable:
    """The view's address pattern, and which part of a record the page is about."""
    with translation.override("de"):
        try:
            match = resolve(path)
        except Resolver404:
            return path
    return match.route, match.kwargs.get("kind")


@pytest.mark.crawl
def test_staff_pages_meet_wcag_21_aa(axe: str, page: Page, site: StaffSite) -> None:
    problems: list[str] = []
    report: list[str] = []
    # The same templates serve everyone; what differs is which records, controls and
    # choices a person gets. So each person's start pages are checked, and of the pages they
    # lead to the kinds nobody before reached.
    kinds: set[Hashable] = set()
    for person in (site.editor, site.admin, site.dpo):

        def check(page: Page, path: str, person: Person = person) -> None:
            problems.extend(check_on_every_screen(page, f"{person.label}: {path}", axe))

        page.context.clear_cookies()
        sign_in(page, site.url, person.account)
        # With the demo banner, as the demo's staff see their pages.
        with override_settings(DEMO_MODE=True):
            checked = crawl(
                page,
                site.url,
                person.start_paths,
                check,
                follow=staff_follows,
                kind=page_kind,
                kinds=kinds,
                budget=BUDGET,
            )
        report += [f"{person.label} ({person.account.username}), {len(checked)} pages:"]
        if len(checked) == BUDGET:
            report += [f"  (the budget of {BUDGET} pages ran out: raise it)"]
        report += [f"  {path}" for path in checked]

    print(
        "\naxe-core (WCAG 2.1 A + AA) checked for staff at 1280, 360 and 320 px:",
        *report,
        sep="\n  ",
    )
    assert not problems, "accessibility problems:\n" + "\n".join(problems)


# The summary of a form's errors, what it says and where its links lead.
ERROR_SUMMARY = """() => {
  const summary = document.activeElement.closest(".error-summary");
  if (!summary) return null;
  const links = [...summary.querySelectorAll("a")];
  return {
    heading: summary.querySelector("h2").textContent,
    role: summary.getAttribute("role"),
    fields: links.map(link => link.hash.slice(1)),
    missing: links.map(link => link.hash.slice(1)).filter(id => !document.getElementById(id)),
    errors: document.querySelectorAll(".field-error").length,
  };
}"""


def error_summary_problems(page: Page, path: str) -> list[str]:
    """After the error the focus is on a summary at the top of the form that links to each
    field in error; its first link moves the focus to that field."""
    summary = page.evaluate(ERROR_SUMMARY)
    if summary is None:
        return [f"{path} with errors: the focus is not on an error summary"]
    problems = [
        f"{path} with errors: {problem}"
        for problem, wrong in [
            (
                f"the summary says {summary['heading']!r}",
                "Bitte korrigieren" not in summary["heading"],
            ),
            ("the summary is no alert", summary["role"] != "alert"),
            (f"it links nowhere for {summary['missing']}", summary["missing"]),
            (
                f"it links {len(summary['fields'])} fields, {summary['errors']} have errors",
                len(summary["fields"]) != summary["errors"],
            ),
        ]
        if wrong
    ]
    if summary["fields"]:
        page.locator(".error-summary a").first.click()
        if page.evaluate("() => document.activeElement.id") != summary["fields"][0]:
            problems.append(f"{path} with errors: the summary's link does not focus its field")
    return problems


def test_staff_forms_with_errors_meet_wcag_21_aa(axe: str, page: Page, site: StaffSite) -> None:
    problems: list[str] = []
    sign_in(page, site.url, site.editor.account)
    for path in EMPTY_FORMS:
        page.goto(site.url + path)
        form = page.locator("main form[method=post]").first
        # The browser's own checks (required fields) would keep the form from being sent.
        form.evaluate("form => { form.noValidate = true; }")
        with page.expect_navigation():
            form.locator("button[type=submit]").first.click()
        errors = page.locator(".field-error")
        assert errors.count() > 0, f"{path} sent empty shows no error"
        problems.extend(describe_violations(f"{path} with errors", run_axe(page, axe)))
        problems.extend(error_summary_problems(page, path))

    print("\naxe-core checked these forms sent empty:", *EMPTY_FORMS, sep="\n  ")
    assert not problems, "accessibility violations:\n" + "\n".join(problems)


@pytest.fixture
def editor_form_paths(site: StaffSite) -> list[str]:
    """Forms of the editor's office with fieldsets and long help texts, and her notice choices:
    check boxes beside labels that wrap (queried before Chromium starts)."""
    own = Office.objects.get(slug="digitalisierung")
    channel = (
        AccessChannel.objects.filter(service__project__office=own)
        .select_related("service__project")
        .earliest("pk")
    )
    service = channel.service
    contract = Contract.objects.filter(projects__office=own).earliest("pk")
    base = f"/projekte/{service.project.slug}/dienstleistung/{service.pk}/zugangsweg"
    hours = (
        OpeningHours.objects.filter(service_point__office=own)
        .select_related("service_point")
        .earliest("pk")
    )
    point = hours.service_point
    return [
        f"{base}/neu/",
        f"{base}/{channel.pk}/aendern/",
        f"/servicestellen/{point.slug}/zeiten/{hours.pk}/aendern/",
        f"/vertraege/{contract.pk}/schwaerzung/neu/",
        f"/vertraege/{contract.pk}/zugriff/neu/",
        "/aufgaben/benachrichtigungen/",
    ]


def test_staff_forms_reflow_to_320_css_pixels(
    editor_form_paths: list[str], page: Page, site: StaffSite
) -> None:
    """WCAG 1.4.10 for the editor's forms too: the weekly hours of an access channel (a
    fieldset of inputs) fit 320 CSS pixels without scrolling sideways, and every control is a
    target of 44 CSS pixels."""
    sign_in(page, site.url, site.editor.account)
    page.set_viewport_size(REFLOW)
    problems: list[str] = []
    for path in editor_form_paths:
        page.goto(site.url + path)
        assert page.locator("main form").count(), f"{path} shows no form"
        problems.extend(describe_layout(path, page))
    assert not problems, "wider than 320 CSS pixels:\n" + "\n".join(problems)
