"""In Chromium: the map page and an asset's page load nothing from another host, set no
cookie, and meet WCAG 2.1 AA (axe-core, reflow) on a desktop and a phone."""

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from django.test import override_settings
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from offenestadt.core.demo_loader import load_demo_content
from offenestadt.core.tests.browser import axe_source, chromium
from offenestadt.core.tests.test_accessibility import DESKTOP, check_on_every_screen
from offenestadt.infrastructure.models import Asset

pytestmark = pytest.mark.browser


@pytest.fixture
def paths(live_server: LiveServer, transactional_db: None) -> list[str]:
    """The demo's register; the database is read before Chromium starts."""
    load_demo_content()
    asset = Asset.objects.exclude(node_id="").order_by("pk").first()
    assert asset is not None
    return [
        "/infrastruktur/",
        "/infrastruktur/?art=freifunk_node&status=active",
        asset.get_absolute_url(),
        "/en/infrastruktur/",
    ]


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch) -> Iterator[Page]:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with chromium() as browser:
        context = browser.new_context(locale="de-DE", viewport=DESKTOP)
        yield context.new_page()
        context.close()


def test_the_map_pages_load_nothing_from_elsewhere_and_meet_wcag(
    pytestconfig: pytest.Config, live_server: LiveServer, paths: list[str], page: Page
) -> None:
    axe = axe_source(pytestconfig.rootpath)
    origin = urlsplit(live_server.url).netloc
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    problems: list[str] = []

    with override_settings(DEMO_MODE=True):
        for path in paths:
            page.goto(live_server.url + path)
            assert page.locator("figure.city-map svg path").count() > 0, path
            problems += check_on_every_screen(page, path, axe)

    foreign = [url for url in requested if urlsplit(url).netloc not in {origin, ""}]
    assert requested, "the browser made no request at all"
    assert not foreign, "requests to other hosts:\n" + "\n".join(foreign)
    assert not page.context.cookies(), "the public pages set a cookie"
    assert not problems, "accessibility problems:\n" + "\n".join(problems)
