"""Public pages meet WCAG 2.1 AA (axe-core, reflow) on phones and desktops, load nothing from
elsewhere, work by keys."""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import ConsoleMessage, Page, Request, ViewportSize
from pytest_django.live_server_helper import LiveServer

from offenestadt.core.demo_loader import load_demo_content
from offenestadt.core.tests.browser import (
    SPLIT_HEADING_WORDS,
    axe_source,
    chromium,
    crawl,
    describe_layout,
    describe_violations,
    run_axe,
)
from offenestadt.council.models import Consultation
from offenestadt.infrastructure.models import Asset
from offenestadt.opendata.models import Dataset
from offenestadt.participation.models import Procedure, Proposal
from offenestadt.processing.models import ProcessingActivity
from offenestadt.registry.models import Project
from offenestadt.registry.servicepoints.models import ServicePoint
from offenestadt.software.models import Component
from offenestadt.training.models import Session
from offenestadt.voting.models import Vote

pytestmark = pytest.mark.browser

# The catalogue's facet links are not followed (their combinations are endless): one
# filtered view of the catalogue starts a crawl of its own.
FILTERED_CATALOGUE = "/daten/?groups=envi&tags=Parks"
START_PATHS = ["/", "/en/", FILTERED_CATALOGUE, "/en" + FILTERED_CATALOGUE]
# The crawls' screens: a desktop and a small phone, where each page is measured at 320 CSS
# pixels too (WCAG 1.4.10: 1280 zoomed to 400 %). One crawl checks each page on every
# screen: a crawl per screen would load every page again.
DESKTOP = ViewportSize(width=1280, height=900)
PHONE = ViewportSize(width=360, height=780)
REFLOW = ViewportSize(width=320, height=640)


@pytest.fixture
def axe(pytestconfig: pytest.Config) -> str:
    """axe-core's source, looked up before anything slow starts."""
    return axe_source(pytestconfig.rootpath)


@dataclass(frozen=True)
class DemoSite:
    url: str
    required_paths: list[str]


@pytest.fixture
def site(live_server: LiveServer, transactional_db: None) -> DemoSite:
    """The live server with the demo content, and the pages a visitor must reach there.

    Everything that needs the database happens here, before Chromium starts: queries from
    the test while Playwright's event loop runs would open a connection nothing closes.
    """
    load_demo_content()
    project = Project.objects.published().order_by("slug").first()
    assert project is not None, "the demo content has no published project"
    activity = ProcessingActivity.objects.published().order_by("slug").first()
    assert activity is not None, "the demo content has no published processing activity"
    dataset = Dataset.objects.in_catalogue().order_by("name").first()
    assert dataset is not None, "the demo content has no open dataset"
    proposal = (
        Proposal.objects.filter(procedure__in=Procedure.objects.published())
        .select_related("procedure")
        .order_by("pk")
        .first()
    )
    assert proposal is not None, "the demo content has no proposal in a public procedure"
    procedure = proposal.procedure
    vote = Vote.objects.published().order_by("pk").first()
    assert vote is not None, "the demo content has no published vote"
    consultation = Consultation.objects.filter(deleted=False).order_by("pk").first()
    assert consultation is not None, "the demo content has no council paper on a meeting"
    asset = Asset.objects.order_by("pk").first()
    assert asset is not None, "the demo content has no infrastructure asset"
    software = Component.objects.order_by("slug").first()
    assert software is not None, "the demo content has no software in the register"
    point = ServicePoint.objects.published().filter(access_channels__isnull=False).first()
    assert point is not None, "the demo content has no published service point in use"
    training_session = Session.objects.order_by("starts_at").first()
    assert training_session is not None, "the demo content has no training session"
    course = training_session.course
    german = [
        "/",
        "/projekte/",
        f"/projekte/{project.slug}/",
        "/servicestellen/",
        point.get_absolute_url(),
        "/audit/",
        "/audit/checkpoints",
        "/charta/",
        "/charta/stand/",
        f"/charta/bericht/{timezone.localdate().year}/",
        "/vertraege/",
        "/verarbeitungen/",
        f"/verarbeitungen/{activity.slug}/",
        "/verarbeitungen/loeschlaeufe/",
        "/daten/",
        "/daten/?sort=titel",
        FILTERED_CATALOGUE,
        f"/daten/{dataset.name}/",
        "/beteiligung/",
        f"/beteiligung/{procedure.slug}/",
        f"/beteiligung/{procedure.slug}/vorschlaege/",
        f"/beteiligung/{procedure.slug}/vorschlaege/{proposal.pk}/",
        f"/beteiligung/{procedure.slug}/ergebnis/",
        "/abstimmungen/",
        vote.get_absolute_url(),
        "/rat/",
        f"/rat/sitzungen/{consultation.meeting_id}/",
        f"/rat/vorlagen/{consultation.paper_id}/",
        "/infrastruktur/",
        asset.get_absolute_url(),
        "/software/",
        software.get_absolute_url(),
        "/charta/version/1/",
        "/charta/vergleich/?von=1&zu=2",
        "/charta/pruefungen/",
        "/datenschutz/",
        "/impressum/",
        "/barrierefreiheit/",
        "/barrierefreiheit/leichte-sprache/",
        "/barrierefreiheit/rueckmeldung/",
        "/schulungen/",
        course.get_absolute_url(),
        training_session.get_absolute_url(),
        "/konto/anmelden/",
    ]
    return DemoSite(url=live_server.url, required_paths=german + ["/en" + path for path in german])


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch, site: DemoSite) -> Iterator[Page]:
    """A fresh anonymous visitor with a German browser."""
    # Only while Chromium runs: see offenestadt.core.tests.browser.chromium.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with chromium() as browser:
        context = browser.new_context(locale="de-DE", viewport=DESKTOP)
        yield context.new_page()
        context.close()


def check_on_every_screen(page: Page, path: str, axe: str) -> list[str]:
    """axe-core's violations on a desktop and a phone, and on both, at 320 px too, whatever
    scrolls sideways or is too small to touch. Leaves the page at the desktop's size."""
    problems: list[str] = []
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        label = f"{path} ({viewport['width']} px)"
        problems += describe_violations(label, run_axe(page, axe))
        problems += describe_layout(path, page)
    page.set_viewport_size(REFLOW)
    problems += describe_layout(path, page)
    page.set_viewport_size(DESKTOP)
    return problems


def assert_accessible_in_both_languages(
    url: str, german: list[str], axe: str, check: Callable[[Page, str], None] | None = None
) -> None:
    """Each of the ``german`` paths and its English twin under ``url``, on every screen
    (check_on_every_screen), with ``check`` asking more of each page. Needs
    DJANGO_ALLOW_ASYNC_UNSAFE set (the live server's pages are read from this thread)."""
    problems: list[str] = []

    def checked_page(page: Page, path: str) -> None:
        if check is not None:
            check(page, path)
        problems.extend(check_on_every_screen(page, path, axe))

    with chromium() as browser:
        context = browser.new_context(locale="de-DE", viewport=DESKTOP)
        paths = german + ["/en" + path for path in german]
        checked = crawl(context.new_page(), url, paths, checked_page, follow=lambda _p, _q: False)
        context.close()
    assert checked == paths
    assert not problems, "accessibility problems:\n" + "\n".join(problems)


@pytest.mark.crawl
def test_every_page_meets_wcag_21_aa_loads_nothing_from_elsewhere_and_keeps_to_the_csp(
    axe: str, page: Page, site: DemoSite
) -> None:
    """One crawl of every public page (a crawl costs minutes): axe-core and the layout on
    each screen, and every request and console message the pages cause."""
    origin = urlsplit(site.url).netloc
    problems: list[str] = []
    requested: list[str] = []
    foreign: list[str] = []
    refused: list[str] = []

    def on_request(request: Request) -> None:
        url = urlsplit(request.url)
        if url.scheme in ("data", "blob"):
            return
        requested.append(request.url)
        if url.netloc != origin:
            foreign.append(f"{page.url} requested {request.url}")

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            refused.append(f"{page.url}: {message.text}")

    page.on("request", on_request)
    page.on("console", on_console)

    def check(page: Page, path: str) -> None:
        problems.extend(check_on_every_screen(page, path, axe))

    # With the demo banner: visitors of the demo see it on every page.
    with override_settings(DEMO_MODE=True):
        checked = crawl(page, site.url, START_PATHS, check)

    print(
        f"\naxe-core (WCAG 2.1 A + AA) checked {len(checked)} pages at 1280, 360 and 320 px:",
        *checked,
        sep="\n  ",
    )
    missing = sorted(set(site.required_paths) - set(checked))
    assert not missing, f"the crawl did not reach {missing}; it checked {checked}"
    assert not problems, "accessibility problems:\n" + "\n".join(problems)
    assert any("/static/offenestadt/site.css" in url for url in requested), requested
    assert not foreign, "requests to other hosts:\n" + "\n".join(foreign)
    assert not refused, "Content-Security-Policy violations:\n" + "\n".join(refused)


@pytest.mark.crawl
def test_the_pages_a_charter_of_four_guidelines_shapes_meet_wcag_21_aa(
    axe: str,
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
    live_server: LiveServer,
    transactional_db: None,
) -> None:
    """The demo under the platform's second charter (four guidelines, longer titles): the
    pages its principles shape, in German and English, on every screen. Not a second crawl
    of the site (that would double the crawl's minutes): its other pages do not change."""
    settings.DEMO_CHARTER = "smart-city-charta"
    load_demo_content()
    project = Project.objects.published().order_by("-published_at").first()
    assert project is not None
    german = [
        "/",
        "/charta/",
        "/charta/version/1/",
        "/charta/pruefungen/",
        "/charta/stand/",
        f"/charta/bericht/{timezone.localdate().year}/",
        "/projekte/",
        project.get_absolute_url(),
    ]

    def check(page: Page, path: str) -> None:
        # The guideline by its id: "L4: title", or a link "L4" in the catalogue.
        assert re.search(r">L4[:<]", page.content()), path

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with override_settings(DEMO_MODE=True):
        assert_accessible_in_both_languages(live_server.url, german, axe, check)


def test_first_tab_reaches_the_skip_link_which_jumps_to_the_content(
    page: Page, site: DemoSite
) -> None:
    page.goto(site.url + "/")
    skip_link = page.get_by_role("link", name="Zum Inhalt springen")
    viewport = page.viewport_size
    assert viewport is not None

    def in_viewport() -> bool:
        box = skip_link.bounding_box()
        assert box is not None
        return (
            box["y"] >= 0
            and box["x"] >= 0
            and box["y"] + box["height"] <= viewport["height"]
            and box["x"] + box["width"] <= viewport["width"]
        )

    assert not in_viewport(), "the skip link should stay out of sight until it is focused"

    page.keyboard.press("Tab")

    assert skip_link.evaluate("link => link === document.activeElement")
    assert skip_link.is_visible()
    assert in_viewport(), "the focused skip link must be visible"

    page.keyboard.press("Enter")

    assert page.evaluate("() => location.hash") == "#inhalt"
    assert page.evaluate("() => document.activeElement.id") == "inhalt"


def test_headings_keep_their_words_whole_on_a_phone(page: Page, site: DemoSite) -> None:
    """German compounds ("Änderungsprotokoll", "Smart-City-Projekte") in a page's main heading
    are not cut between two letters at 360 px, where Chromium has no German hyphenation."""
    page.set_viewport_size(PHONE)
    split = {}
    for path in site.required_paths:
        if path.startswith("/en/"):
            continue
        page.goto(site.url + path)
        if words := page.evaluate(SPLIT_HEADING_WORDS):
            split[path] = words
    assert not split, split
